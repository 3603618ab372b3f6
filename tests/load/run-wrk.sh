#!/usr/bin/env bash
# Issue 6, last row: MvcShop's product page under wrk (2 threads, 50 connections), tracking on vs off, interleaved.
#
#   tests/load/run-wrk.sh [rounds=5] [duration=10s] [path=/products/sku-1]
#   SERVER_LEG=0 tests/load/run-wrk.sh ...   # tracking on = browser leg only (no Conversions API key)
#   WARMUP=20s (default)                       # wrk run before each measurement, until tiered JIT has settled
#   CURVE=12 tests/load/run-wrk.sh 3 5s          # no warm-up: 12 back-to-back windows of 5 s from the app's start,
#                                              # each window's on/off ratio (how long until the steady state)
#
# Builds MvcShop and the benchmark project in Release, then for each round runs the app once with tracking off
# (Oaiq__Enabled=false) and once with it on (Oaiq__Enabled=true, a Pixel ID, and the server leg sending to a local
# count-only fake Conversions API), each time: start, warm up ($WARMUP), measure, stop. Prints each run's requests/s, then
# the medians, min-max spread and the on/off ratio. Nothing in the sample is changed: everything goes through env vars.
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=${1:-5}
duration=${2:-10s}
path=${3:-/products/sku-1}
warmup=${WARMUP:-20s}
app_port=5077
fake_port=5088
out=${OUT:-/tmp/oaiq-wrk}
mkdir -p "$out"

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)"; exit 1; }

dotnet build samples/MvcShop -c Release -warnaserror -v q -nologo >/dev/null
dotnet build tests/OaiqPixel.Benchmarks -c Release -warnaserror -v q -nologo >/dev/null
app_dll=samples/MvcShop/bin/Release/net10.0/MvcShop.dll
bench_dll=tests/OaiqPixel.Benchmarks/bin/Release/net10.0/OaiqPixel.Benchmarks.dll

fake_pid=""
app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null || true
}
trap cleanup EXIT

dotnet "$bench_dll" --fake-api "$fake_port" >"$out/fake.log" 2>&1 &
fake_pid=$!

wait_up() {
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "not up: $1"; return 1
}

run_app() { # $1 = on|off ; prints requests/s. Runs in a $(...) subshell: its own EXIT trap stops the app on any failure.
  local mode=$1
  if curl -s -o /dev/null "http://127.0.0.1:$app_port/"; then echo "port $app_port is already serving; stop that process first"; exit 1; fi
  trap '[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; true' EXIT
  (
    # The sample asks for consent in Production; measure the page a consenting visitor gets (the pixel rendered).
    export ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning Shop__RequireConsent=false
    if [ "$mode" = on ] && [ "${SERVER_LEG:-1}" = 0 ]; then
      export Oaiq__Enabled=true Oaiq__PixelId=px_fake_pixel
    elif [ "$mode" = on ]; then
      export Oaiq__Enabled=true Oaiq__PixelId=px_fake_pixel \
        Oaiq__ConversionsApi__ApiKey=sk-svcacct-fake-conversions-key \
        Oaiq__ConversionsApi__BaseAddress="http://127.0.0.1:$fake_port/"
    else
      export Oaiq__Enabled=false Oaiq__PixelId=px_fake_pixel
    fi
    cd samples/MvcShop
    exec dotnet "bin/Release/net10.0/MvcShop.dll" --urls "http://127.0.0.1:$app_port"
  ) >"$out/app-$mode.log" 2>&1 &
  app_pid=$!
  wait_up "http://127.0.0.1:$app_port$path"
  # The page is captured first: with pipefail, `curl | grep -q` can fail when grep exits early and curl gets SIGPIPE.
  page=$(curl -fs "http://127.0.0.1:$app_port$path")
  if [ "$mode" = on ]; then
    grep -q 'oaiq("init"' <<<"$page" || { echo "tracking on, but no pixel in the page"; exit 1; }
  else
    ! grep -q 'oaiq(' <<<"$page" || { echo "tracking off, but the page has the pixel"; exit 1; }
  fi
  # Warm-up: with the CPU saturated, tiered compilation (a background thread) needs well over 5 s to finish, and a
  # measurement taken while it runs charges JIT time to whichever mode has more code still at tier 0.
  if [ -n "${CURVE:-}" ]; then
    local window
    for window in $(seq 1 "$CURVE"); do
      wrk -t2 -c50 -d"$duration" "http://127.0.0.1:$app_port$path" >"$out/curve-$mode-$round-$window.txt"
    done
    kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""
    for window in $(seq 1 "$CURVE"); do awk '/Requests\/sec/ {printf "%s ", $2}' "$out/curve-$mode-$round-$window.txt"; done
    echo
    return
  fi
  wrk -t2 -c50 -d"$warmup" "http://127.0.0.1:$app_port$path" >/dev/null
  wrk -t2 -c50 -d"$duration" "http://127.0.0.1:$app_port$path" >"$out/wrk-$mode-$round.txt"
  kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""
  awk '/Requests\/sec/ {print $2}' "$out/wrk-$mode-$round.txt"
}

wait_up "http://127.0.0.1:$fake_port/"
echo "machine: $(nproc) CPU(s), $(lscpu | sed -n 's/^Model name: *//p'), .NET $(dotnet --list-runtimes | awk '/NETCore.App/ {v=$2} END {print v}')"
echo "wrk -t2 -c50 -d$duration http://127.0.0.1:$app_port$path, $rounds interleaved rounds, server leg $([ "${SERVER_LEG:-1}" = 0 ] && echo off || echo "on (count-only fake on :$fake_port)")"
off=(); on=()
for round in $(seq 1 "$rounds"); do
  # Alternate which mode goes first, so drift in the machine's speed does not favour one.
  if [ $((round % 2)) -eq 1 ]; then order="off on"; else order="on off"; fi
  for mode in $order; do
    rps=$(run_app "$mode") || { echo "round $round tracking $mode failed: $rps"; exit 1; }
    echo "round $round tracking $mode: $rps requests/s"
    if [ "$mode" = on ]; then on+=("$rps"); else off+=("$rps"); fi
  done
done

stats() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.0f %.0f %.0f\n", m, a[1], a[NR]}'; }
if [ -n "${CURVE:-}" ]; then
  # Each element is one run's windows; the ratio per window is of the medians over the rounds.
  echo "window (${duration} each, from the app's start): median off, median on, ratio"
  for window in $(seq 1 "$CURVE"); do
    col_off=(); col_on=()
    for run in "${off[@]}"; do col_off+=("$(awk -v w="$window" '{print $w}' <<<"$run")"); done
    for run in "${on[@]}"; do col_on+=("$(awk -v w="$window" '{print $w}' <<<"$run")"); done
    read -r m_off _ _ < <(stats "${col_off[@]}")
    read -r m_on _ _ < <(stats "${col_on[@]}")
    awk -v w="$window" -v a="$m_on" -v b="$m_off" 'BEGIN {printf "window %2d: off %s, on %s, ratio %.3f\n", w, b, a, a/b}'
  done
  exit 0
fi
read -r off_med off_min off_max < <(stats "${off[@]}")
read -r on_med on_min on_max < <(stats "${on[@]}")
echo "tracking off: median $off_med requests/s (min $off_min, max $off_max)"
echo "tracking on:  median $on_med requests/s (min $on_min, max $on_max)"
awk -v a="$on_med" -v b="$off_med" 'BEGIN {printf "throughput ratio on/off (medians): %.3f\n", a/b}'
ratios=(); for i in "${!on[@]}"; do ratios+=("$(awk -v a="${on[$i]}" -v b="${off[$i]}" 'BEGIN {printf "%.3f", a/b}')"); done
echo "per-round ratios: ${ratios[*]}"
