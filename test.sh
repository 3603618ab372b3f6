#!/usr/bin/env bash
# Builds the whole solution, runs every test project (unit, functional, browser), then the pack-and-consume check
# (tests/pack-check.sh: the packed packages in a fresh MVC app) and the quick-start check (tests/quickstart-check.sh: the
# README's quick starts in fresh apps of each template). Extra arguments are passed to `dotnet test`; with
# --results-directory DIR the pack check writes its TRX there too.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build OaiqPixel.sln -c Release -warnaserror
dotnet test OaiqPixel.sln -c Release --no-build --logger "trx" --logger "console;verbosity=minimal" "$@"

results_dir=""
previous=""
for argument in "$@"; do
  if [ "$previous" = "--results-directory" ]; then results_dir="$argument"; fi
  previous="$argument"
done
# Each check runs even when an earlier one failed (each writes its own TRX beside the test results); the script fails
# if any did.
checks_rc=0
bash tests/pack-check.sh "$results_dir" || checks_rc=$?
# The native AOT check: a minimal API app published with PublishAot=true, no trim/AOT warning, run and checked over HTTP.
bash tests/aot-check.sh "$results_dir" || checks_rc=$?
# The browser leg alone in native AOT (both feature switches off): no server leg linked, a configured key fails clearly.
bash tests/aot-check-browser-leg.sh "$results_dir" || checks_rc=$?
# The README's quick starts, followed in fresh apps of each template against the packed packages.
bash tests/quickstart-check.sh "$results_dir" || checks_rc=$?
exit "$checks_rc"
