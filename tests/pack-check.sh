#!/usr/bin/env bash
# Pack-and-consume check: packs OaiqPixel.Abstractions, OaiqPixel.AspNetCore, OaiqPixel.EntityFrameworkCore,
# OaiqPixel.Testing and OaiqPixel.Sandbox (the development page, without EF Core) into a temporary
# folder, checks what the packages hold (their own README for NuGet readers, XML docs, license expression: MIT, or MIT
# AND MPL-2.0 for the one that embeds the Public Suffix List, the icon, the repository and project URLs with the commit,
# .snupkg symbols whose PDB carries the Source Link map to that commit), then builds a throw-away MVC app that restores
# the PACKED packages from that folder (a temporary nuget.config adds it next to the machine's default source), runs it
# on 127.0.0.1 with a random port and checks that a page renders <oaiq-pixel /> and an event recorded with
# IConversionTracker, and that the app's server leg delivers that event to the packed FakeConversionsApi
# (OaiqPixel.Testing) it started itself.
#
# Usage: tests/pack-check.sh [results-dir]   (writes results-dir/pack-check.trx so CI counts it as one test)
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
results_dir="${1:-${OAIQ_RESULTS_DIR:-}}"
started=$(date +%s)

work=$(mktemp -d "${TMPDIR:-/tmp}/oaiq-pack-check.XXXXXX")
# A version no other run uses, so the global packages folder cannot serve a stale copy.
version="0.0.0-packcheck.$(date +%s).$$"
app_pid=""
check_name=pack-check
source tests/lib/check.sh

cleanup() {
  stop_app
  forget_packed "$version" oaiqpixel.abstractions oaiqpixel.aspnetcore oaiqpixel.testing oaiqpixel.sandbox
  rm -rf "$work"
}
trap cleanup EXIT

finish() { finish_single PackAndConsume_PackedPackagesRenderThePixelInAFreshMvcApp; }

for tool in unzip curl; do
  command -v "$tool" >/dev/null 2>&1 || { fail "$tool is not installed (apt-get install -y $tool)"; finish; }
done

# 1. Pack both libraries (deterministic CI build: SourceLink-ready, untracked sources embedded, symbols as .snupkg).
packages="$work/packages"
for project in OaiqPixel.Abstractions OaiqPixel.AspNetCore OaiqPixel.EntityFrameworkCore OaiqPixel.Testing OaiqPixel.Sandbox; do
  step "packing $project $version"
  # Built into the temporary folder (artifacts layout), so the solution's own bin/ and obj/ stay as they are.
  if ! dotnet pack "src/$project/$project.csproj" -c Release -o "$packages" -p:Version="$version" -p:MinVerVersionOverride="$version" \
       -p:UseArtifactsOutput=true -p:ArtifactsPath="$work/artifacts" \
       -p:ContinuousIntegrationBuild=true -warnaserror -nologo -v:q > "$work/pack-$project.log" 2>&1; then
    cat "$work/pack-$project.log" >&2
    fail "dotnet pack $project"
    finish
  fi
done

# 2. What the packages hold.
# The repository's address as the packages declare it (src/Directory.Build.props), and where GitHub serves its raw files.
repository_url=$(dotnet msbuild src/OaiqPixel.Abstractions/OaiqPixel.Abstractions.csproj -getProperty:RepositoryUrl -nologo 2>/dev/null)
raw_url=$(sed -E 's#^https://github\.com/#https://raw.githubusercontent.com/#' <<<"$repository_url")
grep -qE '^https://github\.com/[^/]+/[^/]+$' <<<"$repository_url" || fail "RepositoryUrl is not a https://github.com/owner/name address: '$repository_url'"
for id in OaiqPixel.Abstractions OaiqPixel.AspNetCore OaiqPixel.EntityFrameworkCore OaiqPixel.Testing OaiqPixel.Sandbox; do
  nupkg="$packages/$id.$version.nupkg"
  snupkg="$packages/$id.$version.snupkg"
  [ -f "$nupkg" ] || { fail "$id: no .nupkg"; continue; }
  [ -f "$snupkg" ] || fail "$id: no .snupkg symbols package"
  listing=$(unzip -Z1 "$nupkg")
  nuspec=$(unzip -p "$nupkg" "$id.nuspec")
  grep -qx "README.md" <<<"$listing" || fail "$id: README.md missing from the package"
  grep -qx "lib/net10.0/$id.dll" <<<"$listing" || fail "$id: lib/net10.0/$id.dll missing"
  grep -qx "lib/net10.0/$id.xml" <<<"$listing" || fail "$id: XML documentation missing"
  # OaiqPixel.AspNetCore embeds the Public Suffix List (MPL-2.0) with its licence text and provenance.
  license="MIT"
  if [ "$id" = "OaiqPixel.AspNetCore" ]; then
    license="MIT AND MPL-2.0"
    grep -qx "PublicSuffix/LICENSE-MPL-2.0.txt" <<<"$listing" || fail "$id: the Public Suffix List's licence text is missing"
    grep -qx "PublicSuffix/NOTICE.md" <<<"$listing" || fail "$id: the Public Suffix List's NOTICE.md is missing"
    grep -qx "buildTransitive/OaiqPixel.AspNetCore.targets" <<<"$listing" || fail "$id: buildTransitive/OaiqPixel.AspNetCore.targets (the feature switches) is missing"
  fi
  grep -q "<license type=\"expression\">$license</license>" <<<"$nuspec" || fail "$id: no '$license' license expression"
  grep -q '<readme>README.md</readme>' <<<"$nuspec" || fail "$id: readme not declared"
  grep -q '<repository type="git"' <<<"$nuspec" || fail "$id: no repository metadata (SourceLink)"
  grep -qF "<repository type=\"git\" url=\"$repository_url\"" <<<"$nuspec" || fail "$id: the nuspec's repository url is not $repository_url"
  grep -qF "<projectUrl>$repository_url</projectUrl>" <<<"$nuspec" || fail "$id: the nuspec's projectUrl is not $repository_url"
  commit=$(grep -oE '<repository [^>]*commit="[0-9a-f]{40}"' <<<"$nuspec" | grep -oE '[0-9a-f]{40}')
  [ -n "$commit" ] || fail "$id: the nuspec's repository has no commit"
  grep -q '<icon>icon.png</icon>' <<<"$nuspec" || fail "$id: icon not declared"
  grep -qx "icon.png" <<<"$listing" || fail "$id: icon.png missing from the package"
  # Its own README, written for NuGet readers: titled with the package id, no repository-relative links or commands.
  readme=$(unzip -p "$nupkg" README.md 2>/dev/null)
  [ "$(head -n 1 <<<"$readme")" = "# $id" ] || fail "$id: its README is not the package's own (first line: $(head -n 1 <<<"$readme"))"
  relative_links=$(grep -oE '\]\([^)]*\)' <<<"$readme" | grep -vE '^\]\((https?://|#)' | tr '\n' ' ')
  [ -z "$relative_links" ] || fail "$id: its README has links that do not work on a package page: $relative_links"
  grep -qE '\./test\.sh|samples/' <<<"$readme" && fail "$id: its README tells NuGet readers about the repository's samples/ or ./test.sh"
  if [ "$id" = OaiqPixel.AspNetCore ]; then
    grep -qx "THIRD-PARTY-NOTICES.txt" <<<"$listing" || fail "$id: THIRD-PARTY-NOTICES.txt (isbot's licence) missing"
  fi
  # Listings are captured before grep reads them: with pipefail, `unzip | grep -q` fails at random when grep exits
  # on its match and unzip, still writing the entries after it, dies of SIGPIPE.
  if [ -f "$snupkg" ]; then
    symbols=$(unzip -Z1 "$snupkg")
    grep -qx "lib/net10.0/$id.pdb" <<<"$symbols" || fail "$id: .snupkg has no pdb"
    # Source Link: the PDB maps its sources to the repository's raw files at the packed commit.
    unzip -p "$snupkg" "lib/net10.0/$id.pdb" > "$work/$id.pdb"
    if source_link=$(dotnet run tests/tools/SourceLinkJson.cs -- "$work/$id.pdb" 2>&1); then
      grep -qE "^\{\"documents\":\{\"[^\"]+\":\"$raw_url/$commit/\*\"\}\}$" <<<"$source_link" \
        || fail "$id: the PDB's Source Link map does not point at $raw_url/$commit/*: $source_link"
    else
      fail "$id: the PDB has no Source Link map ($source_link)"
    fi
  fi
done
aspnetcore_nuspec=$(unzip -p "$packages/OaiqPixel.AspNetCore.$version.nupkg" OaiqPixel.AspNetCore.nuspec)
grep -q "<dependency id=\"OaiqPixel.Abstractions\" version=\"$version\"" <<<"$aspnetcore_nuspec" || fail "OaiqPixel.AspNetCore does not depend on OaiqPixel.Abstractions $version"
outbox_nuspec=$(unzip -p "$packages/OaiqPixel.EntityFrameworkCore.$version.nupkg" OaiqPixel.EntityFrameworkCore.nuspec)
grep -q "<dependency id=\"OaiqPixel.AspNetCore\" version=\"$version\"" <<<"$outbox_nuspec" || fail "OaiqPixel.EntityFrameworkCore does not depend on OaiqPixel.AspNetCore $version"
grep -q "<dependency id=\"Microsoft.EntityFrameworkCore.Relational\"" <<<"$outbox_nuspec" || fail "OaiqPixel.EntityFrameworkCore does not depend on Microsoft.EntityFrameworkCore.Relational"
# The development page shows the outbox through a seam of OaiqPixel.AspNetCore: an app without EF Core gets none with it.
sandbox_nuspec=$(unzip -p "$packages/OaiqPixel.Sandbox.$version.nupkg" OaiqPixel.Sandbox.nuspec)
grep -q "<dependency id=\"OaiqPixel.AspNetCore\" version=\"$version\"" <<<"$sandbox_nuspec" || fail "OaiqPixel.Sandbox does not depend on OaiqPixel.AspNetCore $version"
grep -q "<dependency id=\"OaiqPixel.Testing\" version=\"$version\"" <<<"$sandbox_nuspec" || fail "OaiqPixel.Sandbox does not depend on OaiqPixel.Testing $version"
grep -qi "EntityFrameworkCore" <<<"$sandbox_nuspec" && fail "OaiqPixel.Sandbox depends on EF Core: $(grep -i EntityFrameworkCore <<<"$sandbox_nuspec")"

# 3. A throw-away MVC app outside the repository (no Directory.*.props), consuming the packed packages.
app="$work/app"
mkdir -p "$app/Controllers" "$app/Views/Home"
cat > "$app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <!-- The packed packages; every other package comes from the machine's default source. -->
    <add key="oaiq-pack-check" value="$packages" />
  </packageSources>
</configuration>
XML
cat > "$app/PackCheckApp.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="OaiqPixel.AspNetCore" Version="$version" />
    <PackageReference Include="OaiqPixel.Testing" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > "$app/Program.cs" <<'CS'
using OaiqPixel.Testing;

// The packed test package: a strict fake Conversions API on loopback, which this app's server leg sends to.
await using var api = await FakeConversionsApi.StartAsync();

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddInMemoryCollection(api.ConfigurationFor());
builder.Services.AddControllersWithViews();
builder.Services.AddOaiqTracking(builder.Configuration.GetSection("Oaiq"));

var app = builder.Build();
app.UseRouting();
app.UseOaiqTracking();
app.MapDefaultControllerRoute();
app.MapGet("/fake-api/event-ids", () => string.Join(",", api.EventIds.Order(StringComparer.Ordinal)));
app.Run();
CS
cat > "$app/Controllers/HomeController.cs" <<'CS'
using Microsoft.AspNetCore.Mvc;
using OaiqPixel;

namespace PackCheckApp.Controllers;

public class HomeController(IConversionTracker tracker) : Controller
{
    public IActionResult Index()
    {
        tracker.Track(OaiqEvent.LeadCreated(), eventId: "lead_pack_1");
        return View();
    }
}
CS
cat > "$app/Views/_ViewImports.cshtml" <<'CSHTML'
@addTagHelper *, OaiqPixel.AspNetCore
CSHTML
cat > "$app/Views/Home/Index.cshtml" <<'CSHTML'
<!DOCTYPE html>
<html><head><oaiq-pixel /><title>pack check</title></head><body>packed</body></html>
CSHTML
cat > "$app/appsettings.json" <<'JSON'
{ "Logging": { "LogLevel": { "Default": "Warning", "Microsoft.Hosting.Lifetime": "Information" } } }
JSON

step "building a fresh MVC app against the packed packages"
# OaiqDataProtectionSupport=true is the default behaviour, but set it still reaches runtimeconfig.json: the package's
# feature-switch targets (build/, buildTransitive/) are imported.
if ! (cd "$app" && dotnet build -c Release -nologo -v:q -p:OaiqDataProtectionSupport=true > "$work/app-build.log" 2>&1); then
  cat "$work/app-build.log" >&2
  fail "the consumer app does not build against the packages"
  finish
fi
grep -rq "\"OaiqPixel.AspNetCore/$version\"" "$app/obj/project.assets.json" || fail "the consumer did not restore OaiqPixel.AspNetCore $version"
grep -q '"OaiqPixel.DataProtection.IsSupported": true' "$app/bin/Release/net10.0/PackCheckApp.runtimeconfig.json" \
  || fail "the consumer's runtimeconfig.json lacks OaiqPixel.DataProtection.IsSupported: the package's feature-switch targets were not imported"

# 4. Run it on 127.0.0.1 with a port Kestrel picks, and check one page.
step "running it on 127.0.0.1"
(cd "$app" && ASPNETCORE_ENVIRONMENT=Production exec dotnet bin/Release/net10.0/PackCheckApp.dll --urls http://127.0.0.1:0) > "$work/app-run.log" 2>&1 &
app_pid=$!
if ! wait_listening "$work/app-run.log"; then
  cat "$work/app-run.log" >&2
  fail "the consumer app did not start"
  finish
fi
page=$(curl -fsS --max-time 10 "$url/" 2>&1) || fail "GET $url/ failed: $page"
grep -qF '"https://bzrcdn.openai.com/sdk/oaiq.min.js"' <<<"$page" || fail "<oaiq-pixel /> did not render the loader"
grep -qF 'oaiq("init",{"pixelId":"px_fake_pixel"});' <<<"$page" || fail "<oaiq-pixel /> did not render init with the fake's pixel"
grep -qF 'oaiq("measure","page_viewed",' <<<"$page" || fail "<oaiq-pixel /> did not render page_viewed"
grep -qF 'oaiq("measure","lead_created",{"type":"customer_action"},{"event_id":"lead_pack_1"});' <<<"$page" \
  || fail "the event recorded with IConversionTracker was not rendered"
grep -q "<oaiq-pixel" <<<"$page" && fail "the tag helper was not applied (<oaiq-pixel> left in the page)"

# 5. The server leg of that event reaches the packed fake Conversions API (flushed every 100 ms).
received=""
for _ in $(seq 1 100); do
  received=$(curl -fsS --max-time 5 "$url/fake-api/event-ids" 2>/dev/null || true)
  grep -q "lead_pack_1" <<<"$received" && break
  sleep 0.1
done
grep -q "lead_pack_1" <<<"$received" || fail "the packed FakeConversionsApi did not receive lead_pack_1 (it holds: ${received:-nothing})"

finish
