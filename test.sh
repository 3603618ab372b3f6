#!/usr/bin/env bash
# Builds the whole solution, runs every test project (unit, functional, browser), then the pack-and-consume check
# (tests/pack-check.sh: the packed packages in a fresh MVC app). Extra arguments are passed to `dotnet test`; with
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
bash tests/pack-check.sh "$results_dir"
# The native AOT check (writes aot-check.trx beside pack-check.trx): a minimal API app published with PublishAot=true,
# no trim/AOT warning, run and checked over HTTP.
bash tests/aot-check.sh "$results_dir"
