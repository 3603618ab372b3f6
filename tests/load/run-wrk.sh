#!/usr/bin/env bash
# A sample's product page under wrk (2 threads, 50 connections), tracking off vs on, interleaved fresh apps.
#
#   tests/load/run-wrk.sh [rounds=5] [duration=10s] [path=/products/sku-1]
#   MODES="off on browser" tests/load/run-wrk.sh 3 8s   # on = both legs (server leg to a loopback count-only fake API),
#                                                      # browser = the pixel alone (no Conversions API key)
#   APP=BlazorShop tests/load/run-wrk.sh ...           # the Blazor Web App sample instead of MvcShop
#   WARMUP=45s                                         # wrk at saturation before the measured window (default 20s):
#                                                      # 45s is the steady state, 20s reads "20 s after start"
#   SERVER_LEG=0 tests/load/run-wrk.sh ...             # older spelling of MODES="off browser"
#   CURVE=12 tests/load/run-wrk.sh 3 5s                # no warm-up: 12 back-to-back windows of 5 s from the app's start,
#                                                      # each window's on/off throughput ratio
#   APP_BIN=/tmp/before/net10.0 tests/load/run-wrk.sh  # run an app built elsewhere (e.g. an older commit's bin folder,
#                                                      # copied) from this tree's sample folder; nothing is built then
#   PORT=5177 FAKE_PORT=5188                           # other ports, when someone else on the machine runs this script
#
# Builds the sample and the benchmark project in Release, then for each round runs the app once per mode, each time:
# start, warm up ($WARMUP), measure, stop. The figure to compare is CPU per request: the CPU seconds the app's process
# spent (utime + stime from /proc/PID/stat, its background sender included) over the measured wrk window, divided by
# the requests it served. Throughput is printed too, but wrk shares the 2 cores with the app, so it swings between
# runs; CPU per request repeats within a few per cent. Prints each run, then per mode the medians and the ratio to
# "off". Nothing in the sample is changed: everything goes through env vars.
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=${1:-5}
duration=${2:-10s}
path=${3:-/products/sku-1}
warmup=${WARMUP:-20s}
app_port=${PORT:-5077}
fake_port=${FAKE_PORT:-5088}
out=${OUT:-/tmp/oaiq-wrk}
mkdir -p "$out"

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)"; exit 1; }

app=${APP:-MvcShop}
modes=${MODES:-$([ "${SERVER_LEG:-1}" = 0 ] && echo "off browser" || echo "off on")}
clk_tck=$(getconf CLK_TCK)

app_bin=${APP_BIN:-bin/Release/net10.0}
[ -n "${APP_BIN:-}" ] || dotnet build "samples/$app" -c Release -warnaserror -v q -nologo >/dev/null
dotnet build tests/OaiqPixel.Benchmarks -c Release -warnaserror -v q -nologo >/dev/null
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

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run_app() { # $1 = off|on|browser ; prints "requests/s µs-CPU-per-request". Runs in a $(...) subshell: its own EXIT trap stops the app on any failure.
  local mode=$1
  if curl -s -o /dev/null "http://127.0.0.1:$app_port/"; then echo "port $app_port is already serving; stop that process first"; exit 1; fi
  trap '[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; true' EXIT
  (
    # The sample asks for consent in Production; measure the page a consenting visitor gets (the pixel rendered).
    export ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning Shop__RequireConsent=false
    if [ "$mode" = browser ]; then
      export Oaiq__Enabled=true Oaiq__PixelId=px_fake_pixel Oaiq__ConversionsApi__ApiKey=
    elif [ "$mode" = on ]; then
      export Oaiq__Enabled=true Oaiq__PixelId=px_fake_pixel \
        Oaiq__ConversionsApi__ApiKey=sk-svcacct-fake-conversions-key \
        Oaiq__ConversionsApi__BaseAddress="http://127.0.0.1:$fake_port/"
    else
      export Oaiq__Enabled=false Oaiq__PixelId=px_fake_pixel
    fi
    cd "samples/$app"
    exec dotnet "$app_bin/$app.dll" --urls "http://127.0.0.1:$app_port"
  ) >"$out/app-$mode.log" 2>&1 &
  app_pid=$!
  wait_up "http://127.0.0.1:$app_port$path"
  # The page is captured first: with pipefail, `curl | grep -q` can fail when grep exits early and curl gets SIGPIPE.
  page=$(curl -fs "http://127.0.0.1:$app_port$path")
  if [ "$mode" != off ]; then
    grep -q 'oaiq("init"\|data-oaiq' <<<"$page" || { echo "tracking on, but no pixel in the page"; exit 1; }
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
  local before after
  before=$(cpu_ticks "$app_pid")
  wrk -t2 -c50 -d"$duration" "http://127.0.0.1:$app_port$path" >"$out/wrk-$mode-$round.txt"
  after=$(cpu_ticks "$app_pid")
  kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""
  awk -v t=$((after - before)) -v hz="$clk_tck" '/Requests\/sec/ {rps=$2} / requests in / {n=$1}
    END {printf "%s %.1f\n", rps, t / hz * 1e6 / n}' "$out/wrk-$mode-$round.txt"
}

wait_up "http://127.0.0.1:$fake_port/"
echo "machine: $(nproc) CPU(s), $(lscpu | sed -n 's/^Model name: *//p'), .NET $(dotnet --list-runtimes | awk '/NETCore.App/ {v=$2} END {print v}')"
echo "$app: wrk -t2 -c50 -d$duration http://127.0.0.1:$app_port$path after a $warmup warm-up, $rounds interleaved rounds of: $modes (the server leg to a count-only fake on :$fake_port)"
declare -A rps_of cpu_of
mode_list=($modes)
for round in $(seq 1 "$rounds"); do
  # Rotate which mode goes first, so drift in the machine's speed does not favour one.
  order=("${mode_list[@]:$(( (round - 1) % ${#mode_list[@]} ))}" "${mode_list[@]:0:$(( (round - 1) % ${#mode_list[@]} ))}")
  for mode in "${order[@]}"; do
    result=$(run_app "$mode") || { echo "round $round tracking $mode failed: $result"; exit 1; }
    if [ -n "${CURVE:-}" ]; then
      echo "round $round tracking $mode: $result"
      rps_of[$mode]+="$result;"
      continue
    fi
    read -r rps cpu <<<"$result"
    echo "round $round tracking $mode: $rps requests/s, $cpu µs CPU per request"
    rps_of[$mode]+="$rps "; cpu_of[$mode]+="$cpu "
  done
done

stats() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f %.1f %.1f\n", m, a[1], a[NR]}'; }
if [ -n "${CURVE:-}" ]; then
  echo "window (${duration} each, from the app's start): median requests/s per mode, ratio to off"
  for window in $(seq 1 "$CURVE"); do
    line="window $window:"
    read -r base _ _ < <(stats $(tr ';' '\n' <<<"${rps_of[off]}" | awk -v w="$window" 'NF {print $w}'))
    for mode in "${mode_list[@]}"; do
      read -r m _ _ < <(stats $(tr ';' '\n' <<<"${rps_of[$mode]}" | awk -v w="$window" 'NF {print $w}'))
      line+=$(awk -v a="$m" -v b="$base" -v n="$mode" 'BEGIN {printf " %s %s (%.3f)", n, a, a/b}')
    done
    echo "$line"
  done
  exit 0
fi
read -r cpu_base _ _ < <(stats ${cpu_of[off]})
for mode in "${mode_list[@]}"; do
  read -r rps_med rps_min rps_max < <(stats ${rps_of[$mode]})
  read -r cpu_med cpu_min cpu_max < <(stats ${cpu_of[$mode]})
  awk -v n="$mode" -v r="$rps_med" -v r1="$rps_min" -v r2="$rps_max" -v c="$cpu_med" -v c1="$cpu_min" -v c2="$cpu_max" -v b="$cpu_base" \
    'BEGIN {printf "tracking %-7s CPU per request median %s µs (min %s, max %s), ratio to off %.3f; %s requests/s (min %s, max %s)\n", n, c, c1, c2, c/b, r, r1, r2}'
done
