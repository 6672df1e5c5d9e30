#!/usr/bin/env bash
# Builds the documentation site from docs/ with docfx (a local .NET tool, .config/dotnet-tools.json):
# the pages, full-text search, light and dark themes, and the reference of the .NET library
# generated from its XML documentation comments. Needs no network once the tools and packages
# are restored.
#
#   scripts/docs.sh [build]    builds the site into artifacts/site; fails on any docfx warning
#                              (a broken link or bookmark, a page missing from a toc.yml target)
#   scripts/docs.sh serve      serves artifacts/site on http://127.0.0.1:8080 (PORT to change it)
#
# CONFIGURATION (default Release) is the build configuration of the assemblies documented.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
configuration=${CONFIGURATION:-Release}
site="$root/artifacts/site"
work="$root/artifacts/docs"

say() { echo "docs.sh: $*" >&2; }

build() {
  local started
  started=$(date +%s)
  dotnet tool restore >/dev/null

  # The reference is generated from the built assemblies and their XML files, not from the
  # projects, so docfx needs no MSBuild evaluation of its own. Compozy.Data.Hosting references
  # every public library, so its output folder holds them all.
  say "building the documented assemblies ($configuration)"
  rm -rf "$work"
  dotnet build src/Compozy.Data.Hosting/Compozy.Data.Hosting.csproj -c "$configuration" -nologo -v quiet -o "$work/bin"

  say "generating the .NET reference"
  rm -rf docs/reference/dotnet
  dotnet docfx metadata docs/docfx.json --warningsAsErrors --logLevel warning

  say "building the site into artifacts/site"
  rm -rf "$site"
  dotnet docfx build docs/docfx.json --warningsAsErrors --logLevel warning
  [ -f "$site/index.html" ] || { say "docfx did not write $site/index.html"; exit 1; }
  say "built in $(( $(date +%s) - started )) s: $(find "$site" -name '*.html' | wc -l) pages"
}

serve() {
  [ -f "$site/index.html" ] || { say "no site in artifacts/site: run scripts/docs.sh build first"; exit 1; }
  dotnet tool restore >/dev/null
  dotnet docfx serve "$site" --hostname 127.0.0.1 --port "${PORT:-8080}"
}

case "${1:-build}" in
  build) build ;;
  serve) serve ;;
  *) say "unknown command '$1'; allowed: build, serve"; exit 2 ;;
esac
