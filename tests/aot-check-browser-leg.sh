#!/usr/bin/env bash
# Native AOT check of the browser leg alone: publishes tests/OaiqPixel.AotSmoke with both feature switches off, as an
# app sets them in its project file (<OaiqConversionsApiSupport>false</OaiqConversionsApiSupport>,
# <OaiqDataProtectionSupport>false</OaiqDataProtectionSupport>; the package's buildTransitive targets), fails on any trim
# or AOT warning, and checks what such an app gets:
#   - the binary links no Polly, no resilience handler, no HttpClient and no Data Protection key ring (its strings);
#   - a landing request with ?oppref= gets the __oppref cookie and the pixel with page_viewed;
#   - an order recorded in a POST and redirected is not carried (no __oaiq_carry): log 90 says so, naming the property;
#   - the server leg says at start-up (log 100) that the app is built without it;
#   - the same binary given a Conversions API key stops at start-up with a message naming the property.
# Needs what tests/aot-check.sh needs (curl, clang or gcc).
#
# Usage: tests/aot-check-browser-leg.sh [results-dir]   (writes results-dir/aot-check-browser-leg.trx)
set -uo pipefail
cd "$(dirname "$0")/.."
results_dir="${1:-${OAIQ_RESULTS_DIR:-}}"
started=$(date +%s)

work=$(mktemp -d "${TMPDIR:-/tmp}/oaiq-aot-browser.XXXXXX")
app_pid=""
check_name=aot-check-browser-leg
source tests/lib/check.sh

cleanup() {
  stop_app
  rm -rf "$work"
}
trap cleanup EXIT

finish() { finish_single NativeAot_BrowserLegAlone_LinksNoServerLegAndFailsClearlyWhenOneIsConfigured; }

command -v curl >/dev/null 2>&1 || { fail "curl is not installed (apt-get install -y curl)"; finish; }
command -v clang >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || { fail "no C toolchain for native linking (apt-get install -y clang)"; finish; }

# 1. Publish with both switches off, into its own artifacts folder: tests/aot-check.sh's build of the same project
# (switches on) stays as it was, and the ILCompiler never reuses one variant's native code for the other.
publish_aot ", OaiqConversionsApiSupport=false, OaiqDataProtectionSupport=false" \
  -p:UseArtifactsOutput=true -p:ArtifactsPath="$work/artifacts" -p:OaiqConversionsApiSupport=false -p:OaiqDataProtectionSupport=false
# Native AOT bakes the switches into the binary; the build's runtimeconfig.json shows what the targets passed on.
runtimeconfig=$(find "$work/artifacts/bin/OaiqPixel.AotSmoke" -name OaiqPixel.AotSmoke.runtimeconfig.json | head -n 1)
grep -q '"OaiqPixel.ConversionsApi.IsSupported": false' "${runtimeconfig:-/dev/null}" \
  || fail "the runtimeconfig.json does not carry OaiqPixel.ConversionsApi.IsSupported=false (buildTransitive targets)"

# 2. What is linked: native AOT keeps type and method names for stack traces, so a linked type's namespace is in the
# binary's strings (the both-legs binary of tests/aot-check.sh has each of these).
for linked in 'Polly.' 'Microsoft.Extensions.Http.Resilience' 'System.Net.Http.HttpClient' 'Microsoft.AspNetCore.DataProtection.KeyManagement'; do
  count=$(grep -a -c -F "$linked" "$binary")
  [ "$count" = 0 ] || fail "the browser-leg-only binary still links $linked ($count strings)"
done

# 3. Run it: the browser leg only, a PixelId and no key.
start_native_app Oaiq__PixelId=px_browser_only

oppref="gAAAAAbrowser_only=="
land_with_oppref "$oppref" "gAAAAAbrowser_only%3D%3D" px_browser_only

order=$(curl -sS --max-time 10 -o /dev/null -D "$work/order.headers" -X POST -b "__oppref=$oppref" "${navigate[@]}" \
  "$url/orders/browser_1" -w '%{http_code}' 2>&1)
[ "$order" = 302 ] || fail "POST /orders/browser_1 answered $order, not a 302 redirect"
grep -qi '^set-cookie: __oaiq_carry=' "$work/order.headers" && fail "the redirect wrote a carrier cookie although the app is built without Data Protection"

health=$(curl -sS --max-time 10 "$url/healthz" 2>&1)
[ "$health" = Healthy ] || fail "GET /healthz answered '$health', not Healthy"

# 4. The logs: 100 (no server leg, built without it) and 90 (the redirected order's browser leg, naming the property).
grep -A1 'ConversionsApiSender\[100\]' "$work/app.log" | grep -qF '<OaiqConversionsApiSupport>false</OaiqConversionsApiSupport>' \
  || fail "log 100 does not say the app is built without the Conversions API"
[ "$(grep -c 'CarrierCookie\[90\]' "$work/app.log")" = 1 ] || fail "log 90 (a redirected event's browser leg dropped) was not logged exactly once"
grep -A1 'CarrierCookie\[90\]' "$work/app.log" | grep -qF '<OaiqDataProtectionSupport>false</OaiqDataProtectionSupport>' \
  || fail "log 90 does not name <OaiqDataProtectionSupport>false</OaiqDataProtectionSupport>"
grep -qE '^(fail|crit):' "$work/app.log" && fail "the app logged errors: $(grep -A1 -E '^(fail|crit):' "$work/app.log" | head -n 6 | tr '\n' ' ')"

kill -TERM "$app_pid"
for _ in $(seq 1 150); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$app_pid" 2>/dev/null; then
  fail "the native app did not stop within 15 s of SIGTERM"
else
  wait "$app_pid"; code=$?
  [ "$code" = 0 ] || fail "the native app exited with $code after SIGTERM"
  app_pid=""
fi
[ "${#failures[@]}" -gt 0 ] && { echo "$check_name: the app's log:" >&2; tail -n 40 "$work/app.log" >&2; }

# 5. The same binary given a Conversions API key: it must not start, and must say which property to change.
# In a subshell whose output is the log, waiting for the app itself (the `exit`): the shell's "Aborted" line for the
# crashing process goes there too.
# The key is passed through a variable: the shell's "Aborted" line quotes the command as written, so a literal key there
# would reach the log without the app printing it.
api_key=sk-browser-only
(HOME="$work/home" ASPNETCORE_ENVIRONMENT=Production Oaiq__PixelId=px_browser_only Oaiq__ConversionsApi__ApiKey="$api_key" \
  timeout 30 "$binary" --urls http://127.0.0.1:0; exit $?) > "$work/keyed.log" 2>&1
keyed=$?
[ "$keyed" != 0 ] && [ "$keyed" != 124 ] || fail "the app built without the Conversions API started with an API key (exit $keyed)"
grep -qF '<OaiqConversionsApiSupport>false</OaiqConversionsApiSupport>' "$work/keyed.log" \
  || { tail -n 20 "$work/keyed.log" >&2; fail "the start-up failure with an API key does not name <OaiqConversionsApiSupport>false</OaiqConversionsApiSupport>"; }
grep -qF "$api_key" "$work/keyed.log" && fail "the start-up failure printed the API key"

finish
