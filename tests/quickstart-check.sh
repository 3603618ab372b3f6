#!/usr/bin/env bash
# Quick-start check: follows the README's quick starts the way a new user would. It packs the four packages into a
# temporary folder, then for each quick start creates a fresh app of its template (`dotnet new mvc | webapp | web |
# blazor`), adds the PACKED packages (a temporary nuget.config adds the folder next to the machine's default source),
# applies the README's snippets exactly as written — each is marked in README.md by an HTML comment
# `<!-- quickstart: MODEL PATH [append | prepend | after TEXT] -->` before its code block — builds with warnings as
# errors, runs the app on 127.0.0.1 and checks that its page renders the pixel. The outbox quick start also runs against
# the packed OaiqPixel.Testing fake API (two lines this script adds, not the README) and checks that the order's
# conversion went through the oaiq_outbox table, reached the fake and was deleted; the two-pixel quick start checks each
# pixel's calls, then runs again with BrowserLeg DataLayer and checks the dataLayer pushes. The development page quick
# start (the Blazor one plus OaiqPixel.Sandbox) checks that the page is served, the pixel loads the stub SDK, the
# server leg of the page's view reaches the local Conversions API, and no EF Core package came with it.
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
models=(mvc razorpages minimal blazor outbox multipixel devpage)
declare -A template=([mvc]=mvc [razorpages]=webapp [minimal]=web [blazor]=blazor [outbox]=mvc [multipixel]=web [devpage]=blazor)
# The README snippets each quick start applies, in order (its own by default): the development page goes on the Blazor one.
declare -A snippets=([devpage]="blazor devpage")
# The packages each quick start adds, as its README section says (the outbox's provider pinned to EF Core 10).
declare -A add_packages=([mvc]="OaiqPixel.AspNetCore" [razorpages]="OaiqPixel.AspNetCore" [minimal]="OaiqPixel.AspNetCore"
  [blazor]="OaiqPixel.AspNetCore" [multipixel]="OaiqPixel.AspNetCore" [devpage]="OaiqPixel.AspNetCore OaiqPixel.Sandbox"
  [outbox]="OaiqPixel.EntityFrameworkCore Microsoft.EntityFrameworkCore.Sqlite@10.* OaiqPixel.Testing")
declare -A outcome=()
declare -A message=()
app_pid=""
# A person's desktop browser: a view's server copy is sent for it (a headless browser counts as a bot).
browser_agent="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

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
  forget_packed "$version" oaiqpixel.abstractions oaiqpixel.aspnetcore oaiqpixel.entityframeworkcore oaiqpixel.testing oaiqpixel.sandbox
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

# 1. Pack the packages the quick starts add: one build of the four projects (a solution of just them), not four.
packages="$work/packages"
step "packing OaiqPixel.Abstractions, .AspNetCore, .EntityFrameworkCore, .Testing and .Sandbox $version"
{
  echo '<Solution>'
  for project in OaiqPixel.Abstractions OaiqPixel.AspNetCore OaiqPixel.EntityFrameworkCore OaiqPixel.Testing OaiqPixel.Sandbox; do
    echo "  <Project Path=\"$repo/src/$project/$project.csproj\" />"
  done
  echo '</Solution>'
} > "$work/packages.slnx"
if ! dotnet pack "$work/packages.slnx" -c Release -p:PackageOutputPath="$packages" -p:Version="$version" -p:MinVerVersionOverride="$version" \
     -p:UseArtifactsOutput=true -p:ArtifactsPath="$work/artifacts" -warnaserror -nologo -v:q > "$work/pack.log" 2>&1; then
  cat "$work/pack.log" >&2
  for m in "${models[@]}"; do fail "$m" "dotnet pack"; done
  finish
fi

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
marker = re.compile(r"<!-- quickstart: (\S+) (\S+)( append| prepend| after (.*?))? -->\s*\n```[a-z]*\n(.*?)\n```", re.S)
applied = 0
for m in marker.finditer(readme):
    if m.group(1) != model:
        continue
    path, anchor, code = pathlib.Path(m.group(2)), m.group(4), m.group(5) + "\n"
    mode = m.group(3).split()[0] if m.group(3) else None
    if mode is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code, encoding="utf-8")
    elif mode == "prepend":
        path.write_text(code + path.read_text(encoding="utf-8"), encoding="utf-8")
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

# Adds the packages a quick start names (`Id` is the packed version, `Id@V` that version), without a restore each:
# the build restores once.
add_packages() {
  local spec id v
  for spec in ${add_packages[$1]}; do
    id=${spec%@*}; v=$version
    [ "$spec" != "$id" ] && v=${spec#*@}
    dotnet add package "$id" --version "$v" --no-restore || return 1
  done
}

# The outbox quick start's server leg goes to the packed fake Conversions API: two lines of this check's own (not the
# README's) start the fake before the app and list what it received.
add_fake_api() {
  python3 - <<'PY'
import pathlib
p = pathlib.Path("Program.cs")
s = p.read_text(encoding="utf-8")
start = "var builder = WebApplication.CreateBuilder(args);\n"
assert start in s and "app.Run();" in s, "Program.cs lost its template lines"
s = s.replace(start, start + "await using var quickstartApi = await OaiqPixel.Testing.FakeConversionsApi.StartAsync();\n"
    "builder.Configuration.AddInMemoryCollection(quickstartApi.ConfigurationFor());\n")
s = s.replace("app.Run();", 'app.MapGet("/quickstart/fake-api", () => string.Join(",", quickstartApi.EventIds.Order(StringComparer.Ordinal)));\napp.Run();')
p.write_text(s, encoding="utf-8")
PY
}

# Starts the built app of $model on 127.0.0.1 (extra environment as NAME=VALUE arguments); sets url and run_log.
start_app() {
  run=$((run + 1))
  run_log="$work/$model-run$run.log"
  : > "$run_log"
  (cd "$app" && exec env ASPNETCORE_ENVIRONMENT=Development "$@" dotnet bin/Release/net10.0/QuickApp.dll --urls http://127.0.0.1:0) > "$run_log" 2>&1 &
  app_pid=$!
  url=""
  for _ in $(seq 1 150); do
    url=$(grep -oE 'Now listening on: http://127\.0\.0\.1:[0-9]+' "$run_log" | head -1 | sed 's/Now listening on: //')
    [ -n "$url" ] && break
    kill -0 "$app_pid" 2>/dev/null || break
    sleep 0.2
  done
  [ -n "$url" ] && return 0
  cat "$run_log" >&2; fail "$model" "the app did not start"; stop_app
  return 1
}

# Waits (up to 10 s) until a command succeeds.
wait_for() {
  for _ in $(seq 1 100); do "$@" && return 0; sleep 0.1; done
  return 1
}

outbox_rows() {
  python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from oaiq_outbox").fetchone()[0])' "$app/shop.db" 2>&1
}

check_outbox() {
  local jar="$work/outbox.cookies" status received page
  start_app Logging__LogLevel__OaiqPixel=Debug || return
  local log=$run_log
  status=$(curl -sS --max-time 20 -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" -X POST -d total=25.99 "$url/Orders/Place" 2>&1)
  [ "$status" = 302 ] || fail "$model" "POST /Orders/Place answered $status, not a redirect"
  wait_for grep -qE '\[204\]' "$log" \
    || fail "$model" "the order's conversion was not committed in the app's SaveChanges (no log 204): it did not go through the outbox"
  received=""
  check_received() { received=$(curl -fsS --max-time 5 "$url/quickstart/fake-api" 2>/dev/null) && grep -qx 'order_1' <<<"$received"; }
  wait_for check_received || fail "$model" "the fake Conversions API did not receive order_1 (it holds: ${received:-nothing})"
  wait_for grep -qE '\[212\]' "$log" || fail "$model" "the outbox never logged its record delivered and deleted (log 212)"
  [ "$(outbox_rows)" = 0 ] || fail "$model" "oaiq_outbox still holds $(outbox_rows) row(s) after delivery"
  page=$(curl -fsS --max-time 20 -b "$jar" "$url/" 2>&1) || { fail "$model" "GET / failed: $page"; stop_app; return; }
  grep -qF 'oaiq("init",{"pixelId":"px_fake_pixel"});' <<<"$page" || fail "$model" "the page renders no pixel init"
  grep -qF 'oaiq("measure","order_created",{"type":"contents","amount":2599,"currency":"USD"},{"event_id":"order_1"});' <<<"$page" \
    || fail "$model" "the page after the redirect renders no order_created for order_1"
  stop_app
}

# Posts an order to the two-pixel quick start and sets page to the page it redirects to.
multipixel_page() {
  local jar="$work/multipixel$run.cookies" status
  status=$(curl -sS --max-time 20 -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" -X POST "$url/orders" 2>&1)
  [ "$status" = 302 ] || fail "$model" "POST /orders answered $status, not a redirect"
  page=$(curl -fsS --max-time 20 -b "$jar" "$url/" 2>&1) || fail "$model" "GET / failed: $page"
}

check_multipixel() {
  local page id
  start_app || return
  multipixel_page
  grep -qF 'oaiq("init",{"pixelId":"px_shop"});' <<<"$page" || fail "$model" "no init for px_shop"
  grep -qF 'oaiq("init",{"pixelId":"px_seller"});' <<<"$page" || fail "$model" "no init for px_seller"
  grep -qF 'oaiq("measure","page_viewed",' <<<"$page" || fail "$model" "no page_viewed to every pixel"
  id=$(grep -oE 'oaiq\("measureSingle","px_shop","order_created",\{"type":"contents","amount":8999,"currency":"USD"\},\{"event_id":"order_[0-9]+"\}\);' <<<"$page" | grep -oE 'order_[0-9]+' | head -1)
  [ -n "$id" ] || fail "$model" "no measureSingle of the whole order to px_shop"
  grep -qF "oaiq(\"measureSingle\",\"px_seller\",\"order_created\",{\"type\":\"contents\",\"amount\":8099,\"currency\":\"USD\"},{\"event_id\":\"$id\"});" <<<"$page" \
    || fail "$model" "no measureSingle of the seller's share to px_seller under the same id ($id)"
  grep -qF 'oaiq("measure","order_created"' <<<"$page" && fail "$model" "an order_created went to every pixel (measure)"
  stop_app

  # The same app for Google Tag Manager: no loader, the events pushed to the data layer with their pixel.
  start_app Oaiq__BrowserLeg=DataLayer || return
  multipixel_page
  grep -qF 'bzrcdn.openai.com' <<<"$page" && fail "$model" "BrowserLeg DataLayer still renders the pixel's loader"
  grep -qF 'oaiq(' <<<"$page" && fail "$model" "BrowserLeg DataLayer still renders oaiq(…) calls"
  grep -qE '"event":"oaiq_event","oaiq":\{"event_id":"order_[0-9]+","event_name":"order_created","custom_event_name":null,"pixel_id":"px_seller"' <<<"$page" \
    || fail "$model" "BrowserLeg DataLayer pushes no oaiq_event of the seller's order with pixel_id px_seller"
  grep -qF '"event":"purchase"' <<<"$page" || fail "$model" "BrowserLeg DataLayer pushes no GA4 purchase"
  stop_app
}

# The development page on the Blazor quick start: served, the stub SDK in the page, the view's server leg at the local
# Conversions API (a navigation by a person's browser), and no EF Core among the app's packages.
check_devpage() {
  local page sandbox events
  start_app || return
  page=$(curl -fsS --max-time 20 -A "$browser_agent" -H 'Sec-Fetch-Mode: navigate' -H 'Sec-Fetch-Dest: document' "$url/" 2>&1) \
    || { fail "$model" "GET / failed: $page"; stop_app; return; }
  grep -qF '"sdk":"/oaiq/sdk.js"' <<<"$page" || fail "$model" "<OaiqPixel /> does not load the stub SDK /oaiq/sdk.js"
  sandbox=$(curl -fsS --max-time 20 "$url/oaiq" 2>&1) || fail "$model" "GET /oaiq failed: $sandbox"
  grep -qF 'OaiqPixel development sandbox' <<<"$sandbox" || fail "$model" "/oaiq is not the development page"
  curl -fsS --max-time 10 -o /dev/null "$url/oaiq/sdk.js" || fail "$model" "/oaiq/sdk.js is not served"
  events=""
  page_view_arrived() { events=$(curl -fsS --max-time 5 "$url/oaiq/events.json" 2>/dev/null) && grep -qF '"type":"page_viewed"' <<<"$events"; }
  wait_for page_view_arrived || fail "$model" "the page's page_viewed never reached the local Conversions API (events.json: ${events:-nothing})"
  grep -qi 'EntityFrameworkCore' "$app/obj/project.assets.json" && fail "$model" "EF Core came with OaiqPixel.Sandbox"
  stop_app
}

check_page() {
  local page
  start_app Oaiq__PixelId=px_quickstart_1 || return
  page=$(curl -fsS --max-time 20 "$url/" 2>&1) || { fail "$model" "GET / failed: $page"; stop_app; return; }
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
}

# 2. Each quick start: new app, packages, snippets, build, run, check what it does.
for model in "${models[@]}"; do
  app="$work/$model/QuickApp"
  run=0
  mkdir -p "$app"
  cp "$work/nuget.config" "$work/$model/nuget.config"
  step "$model: dotnet new ${template[$model]}"
  if ! (cd "$app" && dotnet new "${template[$model]}" --framework net10.0 --no-https --force > "$work/$model-new.log" 2>&1); then
    cat "$work/$model-new.log" >&2; fail "$model" "dotnet new ${template[$model]}"; continue
  fi
  if ! (cd "$app" && add_packages "$model" > "$work/$model-add.log" 2>&1); then
    cat "$work/$model-add.log" >&2; fail "$model" "dotnet add package ${add_packages[$model]}"; continue
  fi
  applied=true
  for snippet_model in ${snippets[$model]:-$model}; do
    if ! (cd "$app" && apply_snippets "$snippet_model" >> "$work/$model-apply.log" 2>&1); then
      cat "$work/$model-apply.log" >&2; fail "$model" "the README's snippets do not apply: $(tail -1 "$work/$model-apply.log")"; applied=false; break
    fi
  done
  $applied || continue
  if [ "$model" = outbox ] && ! (cd "$app" && add_fake_api > "$work/$model-fake.log" 2>&1); then
    cat "$work/$model-fake.log" >&2; fail "$model" "could not add the fake API: $(tail -1 "$work/$model-fake.log")"; continue
  fi
  step "$model: building with warnings as errors"
  if ! (cd "$app" && dotnet build -c Release -warnaserror -nologo -v:q > "$work/$model-build.log" 2>&1); then
    grep -E "error|warning" "$work/$model-build.log" | sort -u | head -20 >&2
    fail "$model" "does not build as written: $(grep -oE '(error|warning) [A-Z]+[0-9]+[^[]*' "$work/$model-build.log" | sort -u | head -3 | tr '\n' ' ')"
    continue
  fi

  step "$model: running on 127.0.0.1"
  outcome[$model]=Passed
  case "$model" in
    outbox) check_outbox ;;
    multipixel) check_multipixel ;;
    devpage) check_devpage ;;
    *) check_page ;;
  esac
done

finish
