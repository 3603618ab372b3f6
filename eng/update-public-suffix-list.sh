#!/usr/bin/env bash
# Refreshes the Public Suffix List that OaiqPixel.AspNetCore embeds (src/OaiqPixel.AspNetCore/PublicSuffix/):
#   eng/update-public-suffix-list.sh            # the newest haraka-tld
#   eng/update-public-suffix-list.sh 1.3.6      # a given version
# The list comes from the npm package haraka-tld, which ships it as etc/public-suffix-list (the list's rules, ICANN and
# PRIVATE sections, with the list's comments removed) and republishes it as the list changes. It is fetched with
# `npm pack`, so only npm's ordinary client and its configured registry are used. The script checks the rules the
# library's tests rely on, writes public_suffix_list.dat with a header that records where it came from, rewrites
# NOTICE.md and the version line in README.md. Review the diff, run the tests, commit.
set -euo pipefail
cd "$(dirname "$0")/.."

package="haraka-tld"
version="${1:-latest}"
target_dir="src/OaiqPixel.AspNetCore/PublicSuffix"
list="$target_dir/public_suffix_list.dat"
notice="$target_dir/NOTICE.md"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

tarball="$(npm pack "$package@$version" --pack-destination "$work" --silent | tail -n 1)"
tar -xzf "$work/$tarball" -C "$work"
source_file="$work/package/etc/public-suffix-list"
[ -f "$source_file" ] || { echo "error: $package@$version has no etc/public-suffix-list" >&2; exit 1; }

resolved="$(node -p "require('$work/package/package.json').version")"
integrity="$(npm view "$package@$resolved" dist.integrity)"
sha256="$(sha256sum "$source_file" | cut -d' ' -f1)"

# Rules only: drop comments and blank lines (should the package ever ship them) and trailing white space.
rules="$work/rules"
sed -e 's#//.*##' -e 's/[[:space:]]*$//' -e 's/^[[:space:]]*//' "$source_file" | grep -v '^$' > "$rules"
count="$(wc -l < "$rules")"

# Sanity: a truncated or unexpected file must not replace the embedded list.
[ "$count" -ge 5000 ] || { echo "error: only $count rules in $package@$resolved" >&2; exit 1; }
for rule in 'com' 'co.uk' 'github.io' '*.ck' '!www.ck' '*.kobe.jp' '!city.kobe.jp' '公司.cn'; do
  grep -qxF -- "$rule" "$rules" || { echo "error: rule '$rule' missing from $package@$resolved" >&2; exit 1; }
done
if grep -q '[A-Z]' "$rules"; then echo "error: upper-case rules in $package@$resolved" >&2; exit 1; fi

{
  echo "// This Source Code Form is subject to the terms of the Mozilla Public"
  echo "// License, v. 2.0. If a copy of the MPL was not distributed with this"
  echo "// file, You can obtain one at https://mozilla.org/MPL/2.0/."
  echo "//"
  echo "// The Public Suffix List (https://publicsuffix.org/), ICANN and PRIVATE sections, as embedded in"
  echo "// OaiqPixel.AspNetCore. Taken from the npm package $package $resolved, file etc/public-suffix-list"
  echo "// (the list's rules without its comments), sha256 $sha256; $count rules."
  echo "// Refresh it with eng/update-public-suffix-list.sh. Licence: LICENSE-MPL-2.0.txt beside this file."
  echo
  cat "$rules"
} > "$list"

cat > "$notice" <<NOTICE
# Public Suffix List

\`public_suffix_list.dat\` is a copy of the Public Suffix List (<https://publicsuffix.org/>), its ICANN and PRIVATE
sections, which OaiqPixel.AspNetCore embeds to refuse a cookie \`Domain\` browsers would drop and to find the
domains a cookie may have been written on. The list is licensed under the Mozilla Public License 2.0
(\`LICENSE-MPL-2.0.txt\` beside it); the rest of OaiqPixel is MIT-licensed.

| | |
| --- | --- |
| Taken from | npm package \`$package\` $resolved, file \`etc/public-suffix-list\` (the list's rules; the package removes the list's comments) |
| Package integrity | \`$integrity\` |
| sha256 of the file | \`$sha256\` |
| Rules | $count |
| Changes | a header naming the source and the licence; nothing else |

Refresh: \`eng/update-public-suffix-list.sh [version]\` (\`npm pack\`, checks, rewrites this file), then run the tests.
NOTICE

sed -i -E "s#^(Embedded list: ).*#\\1\`$package\` $resolved ($count rules).#" README.md
echo "Public Suffix List: $package $resolved, $count rules, sha256 $sha256 -> $list"
