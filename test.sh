#!/usr/bin/env bash
# Builds the whole solution and runs every test project (unit, functional, browser).
# Extra arguments are passed to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build OaiqPixel.sln -c Release -warnaserror
dotnet test OaiqPixel.sln -c Release --no-build --logger "trx" --logger "console;verbosity=minimal" "$@"
