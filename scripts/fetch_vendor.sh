#!/usr/bin/env bash
# Fetch third-party browser files by package name from the npm registry (never committed):
# - htmx and Chart.js, the pinned releases, into static/vendor/, each checked against its
#   CDN integrity hash;
# - flatpickr's Italian and Dutch locales (starlette-admin ships its date picker without
#   them) into static/admin/i18n/flatpickr/, which the Admin serves before its own files.
set -euo pipefail
cd "$(dirname "$0")/.."
htmx_version=$(sed -n 's/^HTMX_VERSION = "\(.*\)"/\1/p' admin/settings.py)
htmx_integrity=$(sed -n 's/^HTMX_CDN_INTEGRITY = "\(.*\)"/\1/p' admin/settings.py)
chart_version=$(sed -n 's/^CHART_VERSION = "\(.*\)"/\1/p' admin/settings.py)
chart_integrity=$(sed -n 's/^CHART_CDN_INTEGRITY = "\(.*\)"/\1/p' admin/settings.py)
flatpickr_version=4.6.13  # the release starlette-admin bundles
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

unpack() {  # unpack PACKAGE VERSION -> $work/PACKAGE
    mkdir -p "$work/$1"
    (cd "$work/$1" && npm pack --silent "$1@$2" >/dev/null && tar xzf ./*.tgz)
}

vendor() {  # vendor PACKAGE VERSION FILE INTEGRITY -> static/vendor/FILE
    unpack "$1" "$2"
    local file="$work/$1/package/dist/$3"
    local actual
    actual="sha384-$(openssl dgst -sha384 -binary "$file" | openssl base64 -A)"
    if [ "$actual" != "$4" ]; then
        echo "$1 $2 from npm does not match the pinned integrity hash" >&2
        exit 1
    fi
    mkdir -p static/vendor
    cp "$file" "static/vendor/$3"
}

vendor htmx.org "$htmx_version" htmx.min.js "$htmx_integrity"
vendor chart.js "$chart_version" chart.umd.min.js "$chart_integrity"

unpack flatpickr "$flatpickr_version"
mkdir -p static/admin/i18n/flatpickr
for locale in it nl; do
    cp "$work/flatpickr/package/dist/l10n/${locale}.js" "static/admin/i18n/flatpickr/${locale}.js"
done
echo "htmx ${htmx_version}, Chart.js ${chart_version} and flatpickr ${flatpickr_version} locales fetched into static/"
