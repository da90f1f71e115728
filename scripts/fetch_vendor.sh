#!/usr/bin/env bash
# Fetch third-party browser files by package name from the npm registry (never committed):
# - htmx, the pinned release, into static/vendor/, checked against the CDN integrity hash;
# - flatpickr's Italian and Dutch locales (starlette-admin ships its date picker without
#   them) into static/admin/i18n/flatpickr/, which the Admin serves before its own files.
set -euo pipefail
cd "$(dirname "$0")/.."
htmx_version=$(sed -n 's/^HTMX_VERSION = "\(.*\)"/\1/p' admin/settings.py)
htmx_integrity=$(sed -n 's/^HTMX_CDN_INTEGRITY = "\(.*\)"/\1/p' admin/settings.py)
flatpickr_version=4.6.13  # the release starlette-admin bundles
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

unpack() {  # unpack PACKAGE VERSION -> $work/PACKAGE
    mkdir -p "$work/$1"
    (cd "$work/$1" && npm pack --silent "$1@$2" >/dev/null && tar xzf ./*.tgz)
}

unpack htmx.org "$htmx_version"
actual="sha384-$(openssl dgst -sha384 -binary "$work/htmx.org/package/dist/htmx.min.js" | openssl base64 -A)"
if [ "$actual" != "$htmx_integrity" ]; then
    echo "htmx ${htmx_version} from npm does not match the pinned integrity hash" >&2
    exit 1
fi
mkdir -p static/vendor
cp "$work/htmx.org/package/dist/htmx.min.js" static/vendor/htmx.min.js

unpack flatpickr "$flatpickr_version"
mkdir -p static/admin/i18n/flatpickr
for locale in it nl; do
    cp "$work/flatpickr/package/dist/l10n/${locale}.js" "static/admin/i18n/flatpickr/${locale}.js"
done
echo "htmx ${htmx_version} and flatpickr ${flatpickr_version} locales fetched into static/"
