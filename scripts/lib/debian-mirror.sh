#!/usr/bin/env bash
# Prints the Debian archive mirror this machine's apt is configured with (for example
# http://mirror.example/debian), so that scripts fetch packages from the same place apt does and
# no registry host name is written into the project. Reads deb822 files
# (/etc/apt/sources.list.d/*.sources) and the one-line format (/etc/apt/sources.list,
# /etc/apt/sources.list.d/*.list); skips security and updates archives, whose paths are not
# the main archive.
#
#   source scripts/lib/debian-mirror.sh; mirror=$(debian_mirror)
#   scripts/lib/debian-mirror.sh          prints it
set -euo pipefail

debian_mirror() {
  local uri
  uri=$(
    {
      for file in /etc/apt/sources.list.d/*.sources; do
        [ -f "$file" ] || continue
        # One stanza per paragraph: keep the URIs of stanzas whose suites are not only -security.
        awk 'BEGIN { RS = ""; FS = "\n" }
             {
               uris = ""; suites = ""
               for (i = 1; i <= NF; i++) {
                 if ($i ~ /^URIs:/)   { uris = $i;   sub(/^URIs:[ \t]*/, "", uris) }
                 if ($i ~ /^Suites:/) { suites = $i; sub(/^Suites:[ \t]*/, "", suites) }
               }
               if (uris != "" && suites !~ /^[ \t]*[^ \t]*-security([ \t]|$)/) print uris
             }' "$file" | tr ' ' '\n'
      done
      for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$file" ] || continue
        # Options in brackets may hold spaces: the URI is the first field with a scheme.
        awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; break } }' "$file"
      done
    } | grep -E '^[a-z+]+://' | grep -v -- '-security' | head -n 1
  )
  if [ -z "$uri" ]; then
    echo "debian-mirror: no Debian archive found in /etc/apt/sources.list or /etc/apt/sources.list.d" >&2
    return 1
  fi
  echo "${uri%/}"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  debian_mirror
fi
