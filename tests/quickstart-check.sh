#!/usr/bin/env bash
# Quick-start check: follows the README's quick starts the way a new user would. It packs OaiqPixel.Abstractions and
# OaiqPixel.AspNetCore into a temporary folder, then for each app model creates a fresh app of its template
# (`dotnet new mvc | webapp | web | blazor`), adds the PACKED package (a temporary nuget.config adds the folder next to
# the machine's default source), applies the README's snippets exactly as written — each is marked in README.md by an
# HTML comment `<!-- quickstart: MODEL PATH [append | after TEXT] -->` before its code block — builds with warnings as
# errors, runs the app on 127.0.0.1 and checks that its page renders the pixel.
#
# Usage: tests/quickstart-check.sh [results-dir]   (writes results-dir/quickstart-check.trx: one test per app model)
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
results_dir="${1:-${OAIQ_RESULTS_DIR:-}}"
started=$(date +%s)

work=$(mktemp -d "${TMPDIR:-/tmp}/oaiq-quickstart.XXXXXX")
# A version no other run uses, so the global packages folder cannot serve a stale copy.
version="0.0.0-quickstart.$(date +%s).$$"
models=(mvc razorpages minimal blazor)
declare -A template=([mvc]=mvc [razorpages]=webapp [minimal]=web [blazor]=blazor)
declare -A outcome=()
declare -A message=()
app_pid=""

check_name=quickstart-check
source tests/lib/check.sh
fail() {
  local model=$1; shift
  outcome[$model]=Failed
  message[$model]="${message[$model]:-}$*; "
  echo "quickstart-check: FAIL ($model): $*" >&2
}

cleanup() {
  stop_app
  forget_packed "$version" oaiqpixel.abstractions oaiqpixel.aspnetcore
  rm -rf "$work"
}
trap cleanup EXIT

write_trx() {
  local passed=0 failed=0 results="" model
  for model in "${models[@]}"; do
    local result=${outcome[$model]:-Failed}
    if [ "$result" = Passed ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
    results+="$(trx_result "QuickStart_${model}_CompilesAsWrittenAndRendersThePixel" "$result" "${message[$model]:-}")"$'\n'
  done
  write_trx_file "$passed" "$failed" "${results%$'\n'}"
}

finish() {
  write_trx
  local model failed=0
  for model in "${models[@]}"; do [ "${outcome[$model]:-Failed}" = Passed ] || failed=$((failed + 1)); done
  if [ "$failed" -gt 0 ]; then
    echo "quickstart-check: FAILED ($failed of ${#models[@]} quick starts) in $(( $(date +%s) - started )) s"
    exit 1
  fi
  echo "quickstart-check: passed (${#models[@]} quick starts) in $(( $(date +%s) - started )) s"
  exit 0
}

for tool in curl python3; do
  command -v "$tool" >/dev/null 2>&1 || { for m in "${models[@]}"; do fail "$m" "$tool is not installed"; done; finish; }
done

# 1. Pack the two packages a web app adds.
packages="$work/packages"
for project in OaiqPixel.Abstractions OaiqPixel.AspNetCore; do
  step "packing $project $version"
  if ! dotnet pack "src/$project/$project.csproj" -c Release -o "$packages" -p:Version="$version" -p:MinVerVersionOverride="$version" \
       -p:UseArtifactsOutput=true -p:ArtifactsPath="$work/artifacts" -warnaserror -nologo -v:q > "$work/pack-$project.log" 2>&1; then
    cat "$work/pack-$project.log" >&2
    for m in "${models[@]}"; do fail "$m" "dotnet pack $project"; done
    finish
  fi
done

cat > "$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <!-- The packed packages; every other package comes from the machine's default source. -->
    <add key="oaiq-quickstart" value="$packages" />
  </packageSources>
</configuration>
XML

# Applies the README's snippets for one model to the app in the current folder.
apply_snippets() {
  python3 - "$repo/README.md" "$1" <<'PY'
import pathlib, re, sys
readme, model = pathlib.Path(sys.argv[1]).read_text(encoding="utf-8"), sys.argv[2]
marker = re.compile(r"<!-- quickstart: (\S+) (\S+)( append| after (.*?))? -->\s*\n```[a-z]*\n(.*?)\n```", re.S)
applied = 0
for m in marker.finditer(readme):
    if m.group(1) != model:
        continue
    path, anchor, code = pathlib.Path(m.group(2)), m.group(4), m.group(5) + "\n"
    mode = m.group(3).split()[0] if m.group(3) else None
    if mode is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code, encoding="utf-8")
    elif mode == "append":
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + code, encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
        at = text.find(anchor)
        if at < 0:
            sys.exit(f"{path}: the template has no '{anchor}' to insert after")
        end = text.index("\n", at) + 1
        path.write_text(text[:end] + code + text[end:], encoding="utf-8")
    applied += 1
if applied == 0:
    sys.exit(f"README.md has no quick-start snippet for '{model}'")
print(f"applied {applied} snippet(s)")
PY
}

# 2. Each model: new app, package, snippets, build, run, look at the page.
for model in "${models[@]}"; do
  app="$work/$model/QuickApp"
  mkdir -p "$app"
  cp "$work/nuget.config" "$work/$model/nuget.config"
  step "$model: dotnet new ${template[$model]}"
  if ! (cd "$app" && dotnet new "${template[$model]}" --framework net10.0 --no-https --force > "$work/$model-new.log" 2>&1); then
    cat "$work/$model-new.log" >&2; fail "$model" "dotnet new ${template[$model]}"; continue
  fi
  if ! (cd "$app" && dotnet add package OaiqPixel.AspNetCore --version "$version" > "$work/$model-add.log" 2>&1); then
    cat "$work/$model-add.log" >&2; fail "$model" "dotnet add package OaiqPixel.AspNetCore"; continue
  fi
  if ! (cd "$app" && apply_snippets "$model" > "$work/$model-apply.log" 2>&1); then
    cat "$work/$model-apply.log" >&2; fail "$model" "the README's snippets do not apply: $(tail -1 "$work/$model-apply.log")"; continue
  fi
  step "$model: building with warnings as errors"
  if ! (cd "$app" && dotnet build -c Release -warnaserror -nologo -v:q > "$work/$model-build.log" 2>&1); then
    grep -E "error|warning" "$work/$model-build.log" | sort -u | head -20 >&2
    fail "$model" "does not build as written: $(grep -oE '(error|warning) [A-Z]+[0-9]+[^[]*' "$work/$model-build.log" | sort -u | head -3 | tr '\n' ' ')"
    continue
  fi

  step "$model: running on 127.0.0.1"
  (cd "$app" && ASPNETCORE_ENVIRONMENT=Development Oaiq__PixelId=px_quickstart_1 \
    exec dotnet bin/Release/net10.0/QuickApp.dll --urls http://127.0.0.1:0) > "$work/$model-run.log" 2>&1 &
  app_pid=$!
  url=""
  for _ in $(seq 1 150); do
    url=$(grep -oE 'Now listening on: http://127\.0\.0\.1:[0-9]+' "$work/$model-run.log" | head -1 | sed 's/Now listening on: //')
    [ -n "$url" ] && break
    kill -0 "$app_pid" 2>/dev/null || break
    sleep 0.2
  done
  if [ -z "$url" ]; then
    cat "$work/$model-run.log" >&2; fail "$model" "the app did not start"; stop_app; continue
  fi
  page=$(curl -fsS --max-time 20 "$url/" 2>&1) || { fail "$model" "GET / failed: $page"; stop_app; continue; }
  outcome[$model]=${outcome[$model]:-Passed}
  if [ "$model" = blazor ]; then
    grep -qF 'data-oaiq-page' <<<"$page" || fail "$model" "<OaiqPixel /> rendered no pixel data"
    grep -qF '["init",{"pixelId":"px_quickstart_1"}]' <<<"$page" || fail "$model" "<OaiqPixel /> rendered no init for the configured pixel"
    module=$(grep -oE 'src="/_content/OaiqPixel\.AspNetCore/oaiq-pixel[^"]*\.js"' <<<"$page" | head -1 | sed 's/src="//; s/"$//')
    if [ -z "$module" ]; then
      fail "$model" "<OaiqPixel /> rendered no module script"
    else
      curl -fsS --max-time 10 -o /dev/null "$url$module" || fail "$model" "the module $module is not served"
    fi
  else
    grep -qF 'oaiq("init",{"pixelId":"px_quickstart_1"});' <<<"$page" || fail "$model" "the page renders no pixel init"
    grep -qF 'oaiq("measure","page_viewed",' <<<"$page" || fail "$model" "the page renders no page_viewed"
  fi
  grep -q "<oaiq-pixel\|<OaiqPixel" <<<"$page" && fail "$model" "the pixel tag was left in the page as a literal"
  stop_app
done

finish
