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
