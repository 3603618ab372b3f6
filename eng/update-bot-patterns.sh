#!/usr/bin/env bash
# Refreshes the embedded copy of isbot's bot user-agent patterns (npm package `isbot`, The Unlicense), which decides
# which navigations get no server-side view events (README "Views that no person sees"):
#   src/OaiqPixel.AspNetCore/ServerViews/BotUserAgentPatterns.cs        the patterns, split by shape (generated)
#   src/OaiqPixel.AspNetCore/THIRD-PARTY-NOTICES.txt                  isbot's licence and authors
#   tests/OaiqPixel.AspNetCore.Tests/ServerViews/isbot-user-agents.json  the test corpus, re-labelled by the new isbot
# Usage: eng/update-bot-patterns.sh [version]   (default: the newest published version)
# Needs node and npm. Then build and run the AspNetCore tests: BotUserAgentsTests holds .NET to isbot's own verdicts.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="${1:-latest}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "isbot@$version" > /dev/null && tar -xzf isbot-*.tgz)
node "$root/eng/update-bot-patterns.js" "$work/package" "$root"
