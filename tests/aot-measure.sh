#!/usr/bin/env bash
# The native AOT app's start time and memory with and without OaiqPixel, in one run (figures for docs/performance.md;
# not part of CI). Publishes tests/OaiqPixel.AotSmoke with PublishAot=true four times — without OaiqPixel
# (-p:OaiqTracking=false); with both legs but without the in-process fake Conversions API (-p:OaiqFakeApi=false); the
# browser leg alone (-p:OaiqConversionsApiSupport=false, the feature switch); and the browser leg alone without the
# carrier's Data Protection (-p:OaiqDataProtectionSupport=false too) — then starts each app ROUNDS times, alternating,
# and measures:
#   - start: from spawning the process to the first 200 answer for GET / (the page, with the pixel when tracked);
#   - RSS after that first answer, and after WARM more requests (VmRSS from /proc, in MiB);
#   - the binary's size.
# The both-legs app runs twice: configured as in production (PixelId, API key) with the Conversions API pointed at a
# closed loopback port, and with a PixelId only — the browser leg alone as an app without the switches runs it. GET /
# from curl is not a browser navigation, so its page_viewed goes to the pixel only and nothing is sent. Prints a
# Markdown table of medians and each app's ratios to the app without OaiqPixel.
#
# Usage: tests/aot-measure.sh [rounds] [warm-requests]    (defaults: 15 rounds, 1000 requests)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-15}"
warm="${2:-1000}"

work=$(mktemp -d "${TMPDIR:-/tmp}/oaiq-aot-measure.XXXXXX")
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

publish() { # variant msbuild-properties...
  local variant=$1; shift
  echo "aot-measure: publishing the $variant app" >&2
  dotnet publish tests/OaiqPixel.AotSmoke/OaiqPixel.AotSmoke.csproj -c Release -r linux-x64 -nologo \
    -o "$work/$variant" -p:UseArtifactsOutput=true -p:ArtifactsPath="$work/artifacts-$variant" "$@" > "$work/publish-$variant.log" 2>&1 \
    || { tail -n 30 "$work/publish-$variant.log" >&2; exit 1; }
}
publish untracked -p:OaiqTracking=false
publish tracked -p:OaiqFakeApi=false
publish browser -p:OaiqConversionsApiSupport=false
publish browser-nodp -p:OaiqConversionsApiSupport=false -p:OaiqDataProtectionSupport=false

# Each run: its name, the published app it starts, and whether it is given a Conversions API key.
runs=(untracked:untracked:nokey tracked:tracked:key tracked-nokey:tracked:nokey browser:browser:nokey browser-nodp:browser-nodp:nokey)

port=$(( 20000 + RANDOM % 20000 ))
rss_mib() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

run_once() { # name:app:key|nokey -> "start_ms rss_start rss_warm"
  local name app key started url="http://127.0.0.1:$port/?oppref=gAAAAAmeasure" start_ms rss_start
  IFS=: read -r name app key <<<"$1"
  local settings=(Oaiq__PixelId=px_measure)
  [ "$key" = key ] && settings+=(Oaiq__ConversionsApi__ApiKey=sk-measure Oaiq__ConversionsApi__BaseAddress=http://127.0.0.1:9/)
  mkdir -p "$work/home"
  started=$(date +%s%N)
  env HOME="$work/home" ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning "${settings[@]}" \
    "$work/$app/OaiqPixel.AotSmoke" --urls "http://127.0.0.1:$port" > "$work/run-$name.log" 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "$url" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/run-$name.log" >&2; exit 1; }
    sleep 0.002
  done
  start_ms=$(( ($(date +%s%N) - started) / 1000000 ))
  rss_start=$(rss_mib "$pid")
  for _ in $(seq 1 "$warm"); do printf 'url = "%s"\noutput = "/dev/null"\n' "$url"; done > "$work/curl.cfg"
  curl -fsS --no-progress-meter --parallel --parallel-max 8 -K "$work/curl.cfg"
  echo "$start_ms $rss_start $(rss_mib "$pid")"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

for run in "${runs[@]}"; do run_once "$run" > /dev/null; done   # warm the disk cache once
for round in $(seq 1 "$rounds"); do
  for run in "${runs[@]}"; do run_once "$run" >> "$work/${run%%:*}.txt"; done
  echo "aot-measure: round $round of $rounds" >&2
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
column_median() { awk -v c="$2" '{ print $c }' "$work/$1.txt" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
size_mib() { awk '{ printf "%.2f", $1 / 1048576 }' <<<"$(stat -c %s "$work/$1/OaiqPixel.AotSmoke")"; }

declare -A label=(
  [untracked]="without OaiqPixel"
  [tracked]="both legs (API key)"
  [tracked-nokey]="browser leg alone, no switch (no API key)"
  [browser]="browser leg alone, OaiqConversionsApiSupport=false"
  [browser-nodp]="… and OaiqDataProtectionSupport=false"
)
u_start=$(column_median untracked 1); u_rss=$(column_median untracked 2); u_warm=$(column_median untracked 3); u_size=$(size_mib untracked)

echo
echo "Native AOT minimal API app, medians of $rounds alternating starts ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%d)):"
echo
echo "| app | start to first page (ms) | working set after the first page (MiB) | after $warm more pages (MiB) | binary (MiB) |"
echo "| --- | ---: | ---: | ---: | ---: |"
for run in "${runs[@]}"; do
  IFS=: read -r name app _ <<<"$run"
  start=$(column_median "$name" 1); rss=$(column_median "$name" 2); warm_rss=$(column_median "$name" 3); size=$(size_mib "$app")
  if [ "$name" = untracked ]; then
    echo "| ${label[$name]} | $start | $rss | $warm_rss | $size |"
  else
    echo "| ${label[$name]} | $start ($(ratio "$start" "$u_start")×) | $rss ($(ratio "$rss" "$u_rss")×) | $warm_rss ($(ratio "$warm_rss" "$u_warm")×) | $size ($(ratio "$size" "$u_size")×) |"
  fi
done
