#!/usr/bin/env bash
# The native AOT app's start time and memory with and without OaiqPixel, in one run (figures for docs/performance.md;
# not part of CI). Publishes tests/OaiqPixel.AotSmoke twice with PublishAot=true — without OaiqPixel
# (-p:OaiqTracking=false) and with it but without the in-process fake Conversions API (-p:OaiqFakeApi=false) — then
# starts each binary ROUNDS times, alternating, and measures:
#   - start: from spawning the process to the first 200 answer for GET / (the page, with the pixel when tracked);
#   - RSS after that first answer, and after WARM more requests (VmRSS from /proc, in MiB);
#   - the binary's size.
# The tracked app is configured as in production (PixelId, API key) with the Conversions API pointed at a closed
# loopback port: GET / from curl is not a browser navigation, so its page_viewed goes to the pixel only and nothing
# is sent. Prints a Markdown table of medians and the tracked/untracked ratios.
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

port=$(( 20000 + RANDOM % 20000 ))
rss_mib() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

run_once() { # variant -> "start_ms rss_start rss_warm"
  local variant=$1 started url="http://127.0.0.1:$port/?oppref=gAAAAAmeasure" start_ms rss_start
  mkdir -p "$work/home"
  started=$(date +%s%N)
  HOME="$work/home" ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
    Oaiq__PixelId=px_measure Oaiq__ConversionsApi__ApiKey=sk-measure Oaiq__ConversionsApi__BaseAddress=http://127.0.0.1:9/ \
    "$work/$variant/OaiqPixel.AotSmoke" --urls "http://127.0.0.1:$port" > "$work/run-$variant.log" 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "$url" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/run-$variant.log" >&2; exit 1; }
    sleep 0.002
  done
  start_ms=$(( ($(date +%s%N) - started) / 1000000 ))
  rss_start=$(rss_mib "$pid")
  for _ in $(seq 1 "$warm"); do printf 'url = "%s"\noutput = "/dev/null"\n' "$url"; done > "$work/curl.cfg"
  curl -fsS --no-progress-meter --parallel --parallel-max 8 -K "$work/curl.cfg"
  echo "$start_ms $rss_start $(rss_mib "$pid")"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

for variant in untracked tracked; do run_once "$variant" > /dev/null; done   # warm the disk cache once
for round in $(seq 1 "$rounds"); do
  for variant in untracked tracked; do run_once "$variant" >> "$work/$variant.txt"; done
  echo "aot-measure: round $round of $rounds" >&2
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
column_median() { awk -v c="$2" '{ print $c }' "$work/$1.txt" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

u_start=$(column_median untracked 1); t_start=$(column_median tracked 1)
u_rss=$(column_median untracked 2); t_rss=$(column_median tracked 2)
u_warm=$(column_median untracked 3); t_warm=$(column_median tracked 3)
u_size=$(awk '{ printf "%.1f", $1 / 1048576 }' <<<"$(stat -c %s "$work/untracked/OaiqPixel.AotSmoke")")
t_size=$(awk '{ printf "%.1f", $1 / 1048576 }' <<<"$(stat -c %s "$work/tracked/OaiqPixel.AotSmoke")")

echo
echo "Native AOT minimal API app, medians of $rounds alternating starts ($(nproc) cores, $(date -u +%Y-%m-%d)):"
echo
echo "| Measure | Without OaiqPixel | With OaiqPixel | Ratio |"
echo "| --- | --- | --- | --- |"
echo "| Start to first page (ms) | $u_start | $t_start | $(ratio "$t_start" "$u_start") |"
echo "| Working set after the first page (MiB) | $u_rss | $t_rss | $(ratio "$t_rss" "$u_rss") |"
echo "| Working set after $warm more pages (MiB) | $u_warm | $t_warm | $(ratio "$t_warm" "$u_warm") |"
echo "| Binary size (MiB) | $u_size | $t_size | $(ratio "$t_size" "$u_size") |"
