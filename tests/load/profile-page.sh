#!/usr/bin/env bash
# Profiles a sample's product page at saturation with perf: where the tracked app's CPU goes, and how much of it is
# OaiqPixel's own frames (the issue 20 question "what does a tracked page cost beyond the untracked one").
#
#   tests/load/profile-page.sh [mode=browser] [path=/products/sku-1]     # mode: off | browser | on (as run-wrk.sh)
#   APP_BIN=/tmp/before/net10.0 tests/load/profile-page.sh browser      # an app built elsewhere (see run-wrk.sh)
#   WARMUP=30s SECONDS_RECORDED=10 PORT=5179
#
# Needs perf (apt-get install -y linux-perf) and wrk. The app runs as run-wrk.sh runs it, plus DOTNET_PerfMapEnabled=1
# (JIT'd frames by name) and DOTNET_EnableWriteXorExecute=0 (without it perf cannot map the JIT'd code). Prints the CPU
# per request over the recorded window, the share of samples with an OaiqPixel frame on the stack (the outbox
# middleware, which only wraps the rest of the pipeline, left out), and each OaiqPixel frame's inclusive share.
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-browser}
path=${2:-/products/sku-1}
port=${PORT:-5179}
app=${APP:-MvcShop}
warmup=${WARMUP:-30s}
recorded=${SECONDS_RECORDED:-10}
out=${OUT:-/tmp/oaiq-profile}
mkdir -p "$out"
command -v perf >/dev/null || { echo "perf is not installed (apt-get install -y linux-perf)"; exit 1; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)"; exit 1; }
app_bin=${APP_BIN:-bin/Release/net10.0}
[ -n "${APP_BIN:-}" ] || dotnet build "samples/$app" -c Release -warnaserror -v q -nologo >/dev/null

(
  export ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning Shop__RequireConsent=false
  export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 Oaiq__PixelId=px_fake_pixel
  case "$mode" in
    off) export Oaiq__Enabled=false ;;
    browser) export Oaiq__Enabled=true Oaiq__ConversionsApi__ApiKey= ;;
    # The server leg goes to an address nothing listens on: its sender's retries are part of the cost.
    *) export Oaiq__Enabled=true Oaiq__ConversionsApi__ApiKey=sk-svcacct-fake-conversions-key \
         Oaiq__ConversionsApi__BaseAddress="http://127.0.0.1:$((port + 1))/" ;;
  esac
  cd "samples/$app"
  exec dotnet "$app_bin/$app.dll" --urls "http://127.0.0.1:$port"
) >"$out/app-$mode.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port$path" && break; sleep 0.2; done

wrk -t2 -c50 -d"$warmup" "http://127.0.0.1:$port$path" >/dev/null
wrk -t2 -c50 -d"$((recorded + 4))s" "http://127.0.0.1:$port$path" >"$out/wrk-$mode.txt" &
load=$!
sleep 2
before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
perf record -F 999 -g -p "$pid" -o "$out/perf-$mode.data" -- sleep "$recorded" >/dev/null 2>&1
after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
wait "$load"
rps=$(awk '/Requests\/sec/ {print $2}' "$out/wrk-$mode.txt")
awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v r="$rps" -v s="$recorded" -v m="$mode" \
  'BEGIN {printf "%s: %.0f requests/s, %.1f µs CPU per request over the recorded %s s\n", m, r, t / hz * 1e6 / (r * s), s}'

# perf prints each sample's frames leaf first, a blank line between samples. A sample is OaiqPixel's when, from the
# leaf up, an OaiqPixel frame comes before any frame of the page itself (MVC, Razor, routing, antiforgery, the app):
# so the tracking middleware, which only wraps the rest of the pipeline, does not take the page's own work.
# Each OaiqPixel frame is also listed with its inclusive share (a frame counts once per sample).
perf script -i "$out/perf-$mode.data" -F ip,sym 2>/dev/null | awk -v app="$app" '
  function done_sample() { if (n) { total++; if (ours) own++; for (f in seen) incl[f]++ } n = 0; ours = 0; decided = 0; delete seen }
  NF == 0 { done_sample(); next }
  { n++; line = $0; sub(/^ *[0-9a-f]+ /, "", line); sub(/\(.*/, "", line); sub(/\[(OptimizedTier1|Optimized|Tier0|Tier1|QuickJitted|OSR|PreJIT)\]/, "", line)
    if (line ~ /\[OaiqPixel[^]]*\] /) { f = line; sub(/.*\] /, "", f); seen[f] = 1; if (!decided) { ours = 1; decided = 1 } }
    else if (line ~ ("AspNetCoreGeneratedDocument|Microsoft\\.AspNetCore\\.(Mvc|Razor|Routing|Antiforgery)|\\[" app "\\]")) decided = 1 }
  END { done_sample()
        printf "samples %d; OaiqPixel work (not the page below its middleware): %.2f%%\n", total, 100 * own / total
        for (f in incl) printf "%6.2f%%  %s\n", 100 * incl[f] / total, f }' | { read -r header; echo "$header"; sort -rn | head -25; }
