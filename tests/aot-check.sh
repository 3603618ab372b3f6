#!/usr/bin/env bash
# Native AOT check: publishes tests/OaiqPixel.AotSmoke (a minimal API app set up as `dotnet new webapiaot` sets one up:
# PublishAot, InvariantGlobalization, CreateSlimBuilder) once with native AOT, fails on any trim or AOT warning
# (IL2xxx, IL3xxx) in the publish output, then runs the native binary on 127.0.0.1 and checks, over HTTP, what a user
# of the library would see:
#   - a landing request with ?oppref= gets the __oppref cookie and the pixel (loader, init, page_viewed);
#   - an order recorded in a POST renders on the next page (the data-protected carrier) with its event id;
#   - the strict fake Conversions API (OaiqPixel.Testing, in the app's process) receives page_viewed with the id the
#     page rendered and the order with the landing oppref and hashed user data;
#   - a denied consent renders nothing; the health check answers; Polly logs nothing at Information;
#   - the app warns once (log 71) that globalization-invariant mode hashes user data without Unicode NFC, and a
#     decomposed name is indeed hashed as typed.
# Native linking needs a C toolchain: the ILCompiler uses `clang`, else `gcc` (Debian: apt-get install -y clang; .ci/run
# installs it); zlib is linked in from the runtime pack (UseSystemZlib is false), so zlib1g-dev is not needed.
#
# Usage: tests/aot-check.sh [results-dir]   (writes results-dir/aot-check.trx so CI counts it as one test)
set -uo pipefail
cd "$(dirname "$0")/.."
results_dir="${1:-${OAIQ_RESULTS_DIR:-}}"
started=$(date +%s)

work=$(mktemp -d "${TMPDIR:-/tmp}/oaiq-aot-check.XXXXXX")
app_pid=""
check_name=aot-check
source tests/lib/check.sh

cleanup() {
  stop_app
  rm -rf "$work"
}
trap cleanup EXIT

finish() { finish_single NativeAot_MinimalApiApp_PublishesWithoutTrimWarningsAndRunsBothLegs; }

command -v curl >/dev/null 2>&1 || { fail "curl is not installed (apt-get install -y curl)"; finish; }
# The ILCompiler links with `clang`, else `gcc`; zlib comes linked in from the runtime pack, so no zlib1g-dev is needed.
command -v clang >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || { fail "no C toolchain for native linking (apt-get install -y clang)"; finish; }

# 1. Publish once with native AOT. The libraries build into their usual Release output (already built by ./test.sh).
publish_aot ""

# 2. Run it (tests/lib/check.sh: 127.0.0.1, a port Kestrel picks, HOME a scratch folder for Data Protection's keys).
start_native_app

oppref="gAAAAAaot_landing=="

# 3. The landing page: __oppref written byte-for-byte, the pixel rendered with page_viewed.
land_with_oppref "$oppref" "gAAAAAaot_landing%3D%3D" px_fake_pixel
grep -qF '"https://bzrcdn.openai.com/sdk/oaiq.min.js"' <<<"$landing" || fail "the pixel's loader was not rendered"

# 4. An order recorded in a POST; its browser leg rides the carrier cookie to the next page.
order=$(curl -sS --max-time 10 -o /dev/null -D "$work/order.headers" -X POST -b "__oppref=$oppref" "${navigate[@]}" \
  "$url/orders/aot_1?firstName=Jos%C3%A9" -w '%{http_code}' 2>&1)
[ "$order" = 302 ] || fail "POST /orders/aot_1 answered $order, not a 302 redirect"
carrier=$(grep -ioE '^set-cookie: __oaiq_carry=[^;]+' "$work/order.headers" | sed -E 's/^[Ss]et-[Cc]ookie: //')
[ -n "$carrier" ] || fail "the order's redirect did not carry its browser leg (__oaiq_carry)"
next=$(curl -sS --max-time 10 -b "__oppref=$oppref; $carrier" "${navigate[@]}" "$url/" 2>&1) || fail "GET / after the order failed: $next"
grep -qE 'oaiq\("measure","order_created",\{[^;]*\},\{"event_id":"order_aot_1"\}\);' <<<"$next" \
  || fail "the order's browser leg did not render on the next page with event id order_aot_1"
# A name typed in decomposed form (e + U+0301): without ICU it is hashed as typed (what log 71 warns about).
decomposed=$(curl -sS --max-time 10 -o /dev/null -X POST -b "__oppref=$oppref" "${navigate[@]}" \
  "$url/orders/aot_2?firstName=Jose%CC%81" -w '%{http_code}' 2>&1)
[ "$decomposed" = 302 ] || fail "POST /orders/aot_2 answered $decomposed, not a 302 redirect"

# 5. Consent denied: no pixel, no cookie.
denied=$(curl -sS --max-time 10 -D "$work/denied.headers" -b "consent=no" "${navigate[@]}" "$url/?oppref=gAAAAAdenied" 2>&1) || fail "GET / without consent failed"
grep -q "oaiq(" <<<"$denied" && fail "a visitor who denied consent got the pixel"
grep -qi "^set-cookie: __oppref=" "$work/denied.headers" && fail "a visitor who denied consent got the __oppref cookie"

# 6. The server leg: every event reaches the fake Conversions API (it flushes every 100 ms).
events=""
for _ in $(seq 1 100); do
  events=$(curl -sS --max-time 5 "$url/fake-api/events" 2>/dev/null || true)
  if grep -qF "\"id\":\"$page_view_id\"" <<<"$events" && grep -qF '"id":"order_aot_1"' <<<"$events" && grep -qF '"id":"order_aot_2"' <<<"$events"; then
    break
  fi
  sleep 0.1
done
sha256() { printf '%b' "$1" | sha256sum | cut -d' ' -f1; }
order_1=$(grep -F '"id":"order_aot_1"' <<<"$events")
order_2=$(grep -F '"id":"order_aot_2"' <<<"$events")
grep -qF "\"id\":\"$page_view_id\",\"type\":\"page_viewed\"" <<<"$events" \
  || fail "the fake Conversions API did not receive page_viewed with the page's id $page_view_id (it holds: ${events:-nothing})"
[ -n "$order_1" ] || fail "the fake Conversions API did not receive order_aot_1 (it holds: ${events:-nothing})"
if [ -n "$order_1" ]; then
  grep -qF "\"oppref\":\"$oppref\"" <<<"$order_1" || fail "order_aot_1 reached the API without the landing oppref: $order_1"
  grep -qF "\"emails_sha256\":[\"$(sha256 'ada@example.com')\"]" <<<"$order_1" || fail "order_aot_1's email is not the SHA-256 of ada@example.com: $order_1"
  grep -qF "\"first_names_sha256\":[\"$(sha256 'jos\xc3\xa9')\"]" <<<"$order_1" || fail "order_aot_1's first name is not the SHA-256 of josé: $order_1"
fi
[ -n "$order_2" ] || fail "the fake Conversions API did not receive order_aot_2 (it holds: ${events:-nothing})"
if [ -n "$order_2" ]; then
  grep -qF "\"first_names_sha256\":[\"$(sha256 'jose\xcc\x81')\"]" <<<"$order_2" \
    || fail "order_aot_2's decomposed first name was not hashed as typed, as log 71 says: $order_2"
fi

# 7. The health check, and the log: log 71 once naming the fix, no Polly line per request, no errors.
health=$(curl -sS --max-time 10 "$url/healthz" 2>&1)
[ "$health" = Healthy ] || fail "GET /healthz answered '$health', not Healthy"
[ "$(grep -c 'TrackingStartupCheck\[71\]' "$work/app.log")" = 1 ] || fail "log 71 (no Unicode NFC in invariant mode) was not logged exactly once"
grep -qF '<InvariantGlobalization>false</InvariantGlobalization>' "$work/app.log" || fail "log 71 does not name the fix, <InvariantGlobalization>false</InvariantGlobalization>"
step "its start-up warning:$(grep -A1 'TrackingStartupCheck\[71\]' "$work/app.log" | tail -n 1 | cut -c1-150)…"
grep -q '^info: Polly' "$work/app.log" && fail "Polly logged a successful request at Information"
grep -qE '^(fail|crit):' "$work/app.log" && fail "the app logged errors: $(grep -A1 -E '^(fail|crit):' "$work/app.log" | head -n 6 | tr '\n' ' ')"

# 8. A graceful stop.
kill -TERM "$app_pid"
for _ in $(seq 1 150); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$app_pid" 2>/dev/null; then
  fail "the native app did not stop within 15 s of SIGTERM"
else
  wait "$app_pid"; code=$?
  [ "$code" = 0 ] || fail "the native app exited with $code after SIGTERM"
  app_pid=""
fi

if [ "${#failures[@]}" -gt 0 ]; then
  echo "aot-check: the app's log:" >&2
  tail -n 60 "$work/app.log" >&2
fi
finish
