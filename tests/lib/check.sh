# What the shell checks (tests/pack-check.sh, tests/aot-check.sh, tests/quickstart-check.sh) share: their log lines,
# stopping the app they started, forgetting the packages they packed, and the TRX file CI counts. Sourced, not run.
#
# The sourcing script sets before it: check_name (e.g. "pack-check"), started ($(date +%s)), results_dir (may be
# empty), and app_pid="" (the pid of the app it starts, if any).

step() { echo "$check_name: $*"; }

# Stops the app the check started, if it still runs.
stop_app() {
  if [ -n "${app_pid:-}" ] && kill -0 "$app_pid" 2>/dev/null; then kill "$app_pid" 2>/dev/null; wait "$app_pid" 2>/dev/null; fi
  app_pid=""
}

# Removes VERSION of each package id from the global packages folder, so a packed test version does not pile up there.
# Usage: forget_packed VERSION id...
forget_packed() {
  local version=$1; shift
  local global id
  global=$(dotnet nuget locals global-packages --list 2>/dev/null | sed -E 's/^global-packages: //')
  [ -n "$global" ] || return 0
  for id in "$@"; do
    rm -rf "${global:?}/$id/$version"
    rmdir "$global/$id" 2>/dev/null || true
  done
}

xml_escape() { sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/"/\&quot;/g'; }

# One <UnitTestResult> element. Usage: trx_result TEST-NAME Passed|Failed MESSAGE [SECONDS]
trx_result() {
  local seconds=${4:-0}
  printf '    <UnitTestResult testName="%s" outcome="%s" duration="%02d:%02d:%02d"><Output><ErrorInfo><Message>%s</Message></ErrorInfo></Output></UnitTestResult>\n' \
    "$1" "$2" $((seconds / 3600)) $((seconds % 3600 / 60)) $((seconds % 60)) "$(printf '%s' "$3" | xml_escape)"
}

# Writes results_dir/<check_name>.trx (nothing without a results_dir). Usage: write_trx_file PASSED FAILED RESULTS-XML
write_trx_file() {
  [ -n "${results_dir:-}" ] || return 0
  mkdir -p "$results_dir"
  local passed=$1 failed=$2 results=$3 overall=Passed
  [ "$failed" -eq 0 ] || overall=Failed
  cat > "$results_dir/$check_name.trx" <<TRX
<?xml version="1.0" encoding="UTF-8"?>
<TestRun id="$(cat /proc/sys/kernel/random/uuid 2>/dev/null || echo 00000000-0000-0000-0000-000000000000)" name="$check_name" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
  <Results>
${results}
  </Results>
  <ResultSummary outcome="${overall}">
    <Counters total="$((passed + failed))" executed="$((passed + failed))" passed="${passed}" failed="${failed}" error="0" timeout="0" aborted="0" inconclusive="0" />
  </ResultSummary>
</TestRun>
TRX
}

# For a check that is one test: fail records a problem, finish writes the TRX and exits (1 after any problem).
# Usage: finish_single TEST-NAME
failures=()
fail() { failures+=("$*"); echo "$check_name: FAIL: $*" >&2; }
finish_single() {
  local seconds=$(( $(date +%s) - started ))
  if [ "${#failures[@]}" -gt 0 ]; then
    write_trx_file 0 1 "$(trx_result "$1" Failed "$(printf '%s; ' "${failures[@]}")" "$seconds")"
    echo "$check_name: FAILED (${#failures[@]} problem(s)) in $seconds s"
    exit 1
  fi
  write_trx_file 1 0 "$(trx_result "$1" Passed "" "$seconds")"
  echo "$check_name: passed in $seconds s"
  exit 0
}

# The native AOT checks (tests/aot-check.sh, tests/aot-check-browser-leg.sh) need: work (a scratch folder), finish.
# Publishes tests/OaiqPixel.AotSmoke with native AOT into $work/publish, fails on any trim (IL2xxx) or AOT (IL3xxx)
# diagnostic in the output (a consuming app must see none), and sets `binary` to the native app.
# Usage: publish_aot DESCRIPTION [dotnet publish arguments...]
publish_aot() {
  local description=$1; shift
  local publish="$work/publish" publish_started published il_warnings
  step "publishing tests/OaiqPixel.AotSmoke with PublishAot=true$description"
  publish_started=$(date +%s)
  dotnet publish tests/OaiqPixel.AotSmoke/OaiqPixel.AotSmoke.csproj -c Release -r linux-x64 -o "$publish" -nologo "$@" \
    > "$work/publish.log" 2>&1
  published=$?
  il_warnings=$(grep -E '\b(warning|error) IL[23][0-9]{3}\b' "$work/publish.log" | sort -u)
  if [ -n "$il_warnings" ]; then
    echo "$il_warnings" | head -n 40 >&2
    fail "the publish output has $(wc -l <<<"$il_warnings") trim/AOT warning(s): $(grep -oE '\bIL[23][0-9]{3}\b' <<<"$il_warnings" | sort -u | tr '\n' ' ')"
  fi
  if [ "$published" -ne 0 ]; then
    grep -E '\b(error|warning)\b' "$work/publish.log" | sort -u | head -n 40 >&2
    fail "dotnet publish$description failed"
    finish
  fi
  step "published in $(( $(date +%s) - publish_started )) s"
  binary="$publish/OaiqPixel.AotSmoke"
  [ -x "$binary" ] || { fail "no native binary at $binary"; finish; }
  step "native binary: $(( $(stat -c %s "$binary") / 1024 )) KiB"
}

# Waits (up to 30 s) for the app $app_pid to log Kestrel's "Now listening on: http://127.0.0.1:PORT" into the given log;
# sets url. Returns 1, url empty, when the app exits first or does not start in time. Usage: wait_listening LOG
wait_listening() {
  url=""
  for _ in $(seq 1 150); do
    url=$(grep -soE 'Now listening on: http://127\.0\.0\.1:[0-9]+' "$1" | head -1 | sed 's/Now listening on: //')
    [ -n "$url" ] && return 0
    kill -0 "$app_pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

# Starts "$binary" on 127.0.0.1 with a port Kestrel picks, HOME a scratch folder (Data Protection keeps its keys there),
# the environment Production plus the given variables; its output goes to $work/app.log. Sets app_pid and url; finishes
# the check when it does not start (wait_listening). Usage: start_native_app [NAME=VALUE...]
start_native_app() {
  local run_started
  mkdir -p "$work/home"
  run_started=$(date +%s%N)
  env HOME="$work/home" ASPNETCORE_ENVIRONMENT=Production "$@" "$binary" --urls http://127.0.0.1:0 > "$work/app.log" 2>&1 &
  app_pid=$!
  if ! wait_listening "$work/app.log"; then
    cat "$work/app.log" >&2
    fail "the native app did not start"
    finish
  fi
  step "listening on $url after $(( ($(date +%s%N) - run_started) / 1000000 )) ms"
}

# A browser's navigation to the app's landing page: these headers make it a view a person sees (not a prefetch or a bot).
navigate=(-H "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
  -H "Sec-Fetch-Mode: navigate" -H "Sec-Fetch-Dest: document" -H "Sec-Fetch-Site: cross-site")

# Lands on $url/ with ?oppref=OPPREF (URL-encoded by the caller as ENCODED) and checks what every tracked app shows: the
# __oppref cookie written byte for byte, the pixel's init for PIXEL_ID and page_viewed with an event id. Sets landing
# (the page) and page_view_id. Usage: land_with_oppref OPPREF ENCODED PIXEL_ID
land_with_oppref() {
  landing=$(curl -sS --max-time 10 -D "$work/landing.headers" "${navigate[@]}" "$url/?oppref=$2" 2>&1) || fail "GET /?oppref= failed: $landing"
  grep -qiE "^set-cookie: __oppref=$1;" "$work/landing.headers" || fail "the landing request did not set __oppref=$1"
  grep -qF "oaiq(\"init\",{\"pixelId\":\"$3\"});" <<<"$landing" || fail "the pixel's init for $3 was not rendered"
  page_view_id=$(grep -oE 'oaiq\("measure","page_viewed",[^;]*"event_id":"[^"]+"' <<<"$landing" | grep -oE 'evt_[0-9a-z]+' | head -1)
  [ -n "$page_view_id" ] || fail "page_viewed was not rendered with an event id"
}
