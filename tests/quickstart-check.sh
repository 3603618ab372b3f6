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
# The replay quick start (the development page quick start again) reproduces a wrong pixel id: the local Conversions
# API knows only the README's pixel (OaiqSandboxOptions.AccountPixelIds, a line this script adds), the app is configured
# with a misspelt one, an order is placed and dead-lettered (shown by the page and outbox.json), the pixel id is fixed in
# appsettings.Development.json while the app runs (a configuration reload keeps the in-memory dead letters), the page's
# Replay button is posted with the page's antiforgery token, re-aimed at the fixed pixel, and the order arrives there.
#
# Usage: tests/quickstart-check.sh [results-dir]   (writes results-dir/quickstart-check.trx: one test per app model)
#        QUICKSTART_ONLY="replay devpage" tests/quickstart-check.sh   (only those quick starts)
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
results_dir="${1:-${OAIQ_RESULTS_DIR:-}}"
started=$(date +%s)

work=$(mktemp -d "${TMPDIR:-/tmp}/oaiq-quickstart.XXXXXX")
# A version no other run uses, so the global packages folder cannot serve a stale copy.
version="0.0.0-quickstart.$(date +%s).$$"
models=(mvc razorpages minimal blazor outbox multipixel devpage replay)
declare -A template=([mvc]=mvc [razorpages]=webapp [minimal]=web [blazor]=blazor [outbox]=mvc [multipixel]=web [devpage]=blazor [replay]=blazor)
if [ -n "${QUICKSTART_ONLY:-}" ]; then
  read -r -a models <<<"$QUICKSTART_ONLY"
  for m in "${models[@]}"; do
    [ -n "${template[$m]:-}" ] || { echo "quickstart-check: no quick start '$m' (QUICKSTART_ONLY)" >&2; exit 2; }
  done
fi
# The README snippets each quick start applies, in order (its own by default): the development page goes on the Blazor one.
declare -A snippets=([devpage]="blazor devpage" [replay]="blazor devpage")
# The packages each quick start adds, as its README section says (the outbox's provider pinned to EF Core 10).
declare -A add_packages=([mvc]="OaiqPixel.AspNetCore" [razorpages]="OaiqPixel.AspNetCore" [minimal]="OaiqPixel.AspNetCore"
  [blazor]="OaiqPixel.AspNetCore" [multipixel]="OaiqPixel.AspNetCore" [devpage]="OaiqPixel.AspNetCore OaiqPixel.Sandbox"
  [replay]="OaiqPixel.AspNetCore OaiqPixel.Sandbox"
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
  wait_listening "$run_log" && return 0
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

# The replay quick start's simulated OpenAI account knows only the README's pixel: one line of this check's own.
add_account_pixel() {
  python3 - <<'PY2'
import pathlib
p = pathlib.Path("Program.cs")
s = p.read_text(encoding="utf-8")
line = "builder.Services.AddOaiqSandbox();"
assert line in s, "Program.cs has no AddOaiqSandbox() from the README"
p.write_text(s.replace(line, 'builder.Services.AddOaiqSandbox(o => o.AccountPixelIds.Add("my-pixel"));'), encoding="utf-8")
PY2
}

# Sets the app's pixel id in appsettings.Development.json (the file the README's snippet wrote; reloaded while it runs).
set_pixel_id() {
  printf '{ "Oaiq": { "PixelId": "%s" } }\n' "$1" > "$app/appsettings.Development.json"
}

# The in-memory store's panel in /oaiq/outbox.json: "<dead-lettered count> <event ids of its dead letters>".
memory_dead_letters() {
  curl -fsS --max-time 5 "$url/oaiq/outbox.json" 2>/dev/null | python3 -c '
import json, sys
store = next(s for s in json.load(sys.stdin) if s["id"] == "memory")
print(store["deadLetteredCount"], " ".join(d["eventId"] for d in store["deadLettered"] if d["eventType"] == "order_created"))'
}

# A wrong pixel id dead-letters the order; fixed in configuration while the app runs; the page's Replay button re-aims
# the dead letter at the fixed pixel, with the page's antiforgery token; the order reaches the local API for that pixel.
check_replay() {
  local jar="$work/replay.cookies" form status dead order page token events
  grep -qi 'EntityFrameworkCore' "$app/obj/project.assets.json" && fail "$model" "EF Core is among the app's dependencies"
  set_pixel_id my-pixle
  start_app || return

  # Place the order as the Blazor quick start's form does: its handler name and antiforgery token from the page.
  form=$(curl -fsS --max-time 20 -c "$jar" -b "$jar" "$url/checkout" 2>&1) || { fail "$model" "GET /checkout failed: $form"; stop_app; return; }
  status=$(python3 - "$form" <<'PY2' | curl -sS --max-time 20 -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data @- "$url/checkout" 2>&1
import re, sys, urllib.parse
fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', sys.argv[1]))
print(urllib.parse.urlencode({k: v for k, v in fields.items() if k in ("_handler", "__RequestVerificationToken")}), end="")
PY2
)
  [ "$status" = 200 ] || fail "$model" "POST /checkout answered $status"
  dead=""
  dead_lettered() { dead=$(memory_dead_letters) && [ "${dead%% *}" = 1 ]; }
  wait_for dead_lettered || { fail "$model" "the order was not dead-lettered for the wrong pixel id (outbox.json memory: ${dead:-nothing})"; stop_app; return; }
  order=${dead#* }
  page=$(curl -fsS --max-time 20 "$url/oaiq" 2>&1)
  grep -qF '<strong id="memory-dead-count">1</strong>' <<<"$page" || fail "$model" "the page shows no dead letter in the in-memory panel"
  grep -qF "pid: unknown pixel ID" <<<"$page" || fail "$model" "the page shows no refusal of the wrong pixel id"

  # Fix the pixel id; the app keeps running, so its in-memory dead letters survive.
  set_pixel_id my-pixel
  fixed() { curl -fsS --max-time 5 "$url/" 2>/dev/null | grep -qF '"pixelId":"my-pixel"'; }
  wait_for fixed || { fail "$model" "the fixed pixel id was not reloaded from appsettings.Development.json"; stop_app; return; }

  page=$(curl -fsS --max-time 20 -c "$jar" -b "$jar" "$url/oaiq" 2>&1)
  token=$(python3 - "$page" <<'PY2'
import re, sys
form = re.search(r'<form method="post" id="memory-replay".*?</form>', sys.argv[1], re.S)
field = form and re.search(r'name="__RequestVerificationToken" value="([^"]+)"', form.group(0))
print(field.group(1) if field else "")
PY2
)
  [ -n "$token" ] || { fail "$model" "the page has no Replay button with an antiforgery token for the in-memory dead letters"; stop_app; return; }
  grep -qF '<option>my-pixel</option>' <<<"$page" || fail "$model" "the Replay button does not offer the app's pixel my-pixel"
  status=$(curl -sS --max-time 20 -o /dev/null -w '%{http_code}' -b "$jar" --data "store=memory&pixel=my-pixle" "$url/oaiq/replay" 2>&1)
  [ "$status" = 400 ] || fail "$model" "a replay without the page's token answered $status, not 400"
  status=$(curl -sS --max-time 20 -o /dev/null -w '%{http_code}' -b "$jar" --data-urlencode "__RequestVerificationToken=$token" \
    --data "store=memory&pixel=my-pixle&toPixel=my-pixel" "$url/oaiq/replay" 2>&1)
  [ "$status" = 302 ] || fail "$model" "POST /oaiq/replay answered $status, not a redirect to the page"
  events=""
  delivered() {
    events=$(curl -fsS --max-time 5 "$url/oaiq/events.json" 2>/dev/null) && python3 -c '
import json, sys
events = json.loads(sys.argv[1])["serverEvents"]
sys.exit(0 if any(e["id"] == sys.argv[2] and e["pixelId"] == "my-pixel" for e in events) else 1)' "$events" "$order"
  }
  wait_for delivered || fail "$model" "the replayed order $order never reached the local Conversions API for my-pixel (events.json: ${events:-nothing})"
  page=$(curl -fsS --max-time 20 "$url/oaiq" 2>&1)
  grep -qF '1 replayed, 0 too old, 0 not found' <<<"$page" || fail "$model" "the page does not say the dead letter was replayed"
  grep -qF '<strong id="memory-dead-count">0</strong>' <<<"$page" || fail "$model" "the dead letter is still listed after its replay"
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
  if [ "$model" = replay ] && ! (cd "$app" && add_account_pixel > "$work/$model-account.log" 2>&1); then
    cat "$work/$model-account.log" >&2; fail "$model" "could not set the sandbox's account pixels: $(tail -1 "$work/$model-account.log")"; continue
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
    replay) check_replay ;;
    *) check_page ;;
  esac
done

finish
