#!/usr/bin/env bash
# Fetch the pinned htmx release from the npm registry into static/vendor/ (not committed)
# and check it against the integrity hash the CDN tag uses.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^HTMX_VERSION = "\(.*\)"/\1/p' admin/settings.py)
expected=$(sed -n 's/^HTMX_CDN_INTEGRITY = "\(.*\)"/\1/p' admin/settings.py)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "htmx.org@${version}" >/dev/null && tar xzf "htmx.org-${version}.tgz")
actual="sha384-$(openssl dgst -sha384 -binary "$work/package/dist/htmx.min.js" | openssl base64 -A)"
if [ "$actual" != "$expected" ]; then
    echo "htmx ${version} from npm does not match the pinned integrity hash" >&2
    exit 1
fi
mkdir -p static/vendor
cp "$work/package/dist/htmx.min.js" static/vendor/htmx.min.js
echo "htmx ${version} copied to static/vendor/htmx.min.js"
