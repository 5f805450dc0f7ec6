#!/usr/bin/env bash
# Download the real reports listed in tests/fixtures/realdocs/manifest.json into DIR (default
# ~/.cache/nianbao/realdocs) from raw.githubusercontent.com and check their sha256. A file already
# there with the right sha256 is kept. A report whose page is in this repository ('file') needs no
# download; one the manifest gives no repository for is listed as "manual" (its 'source' says where
# it was seen) and does not fail the run. Exit 0 when every downloadable file is present and checked,
# 1 otherwise.
set -u
here="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-${HOME}/.cache/nianbao/realdocs}"
mkdir -p "$dir"
failed=0
while IFS=$'\t' read -r name repo commit path sha ext; do
    if [ "$repo" = "-" ]; then
        echo "manual  $name: $path"; continue
    fi
    if [ "$repo" = "=" ]; then
        echo "ok      $name (in this repository: $path)"; continue
    fi
    out="$dir/$name.$ext"
    if [ -f "$out" ] && [ "$(sha256sum "$out" | cut -d' ' -f1)" = "$sha" ]; then
        echo "ok      $name (cached)"; continue
    fi
    url="https://raw.githubusercontent.com/$repo/$commit/$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$path")"
    if ! curl -fsSL --retry 2 -o "$out.part" "$url"; then
        echo "FAILED  $name: cannot download $url" >&2; rm -f "$out.part"; failed=1; continue
    fi
    got="$(sha256sum "$out.part" | cut -d' ' -f1)"
    if [ "$got" != "$sha" ]; then
        echo "FAILED  $name: sha256 $got, manifest says $sha" >&2; rm -f "$out.part"; failed=1; continue
    fi
    mv "$out.part" "$out"; echo "ok      $name"
done < <(python3 - "$here/tests/fixtures/realdocs/manifest.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1], encoding="utf-8"))["reports"]:
    if "file" in r:
        print("\t".join((r["name"], "=", "-", r["file"], "-", "-")))
    elif not r.get("repo"):
        print("\t".join((r["name"], "-", "-", "not downloadable, see the manifest's source", "-", "-")))
    else:
        print("\t".join((r["name"], r["repo"], r["commit"], r["path"], r["sha256"], r.get("format", "pdf"))))
PY
)
echo "files in $dir"
exit $failed
