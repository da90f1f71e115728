#!/usr/bin/env bash
# Fetch third-party browser files by package name from the npm registry (never committed):
# - htmx and Chart.js, the pinned releases, into static/vendor/, each checked against its
#   CDN integrity hash;
# - flatpickr's Italian and Dutch locales (starlette-admin ships its date picker without
#   them) into static/admin/i18n/flatpickr/, which the Admin serves before its own files;
# - axe-core, the pinned release, into tests/browser/vendor/: the accessibility scenarios
#   inject it into the pages they check, so the console never serves it.
set -euo pipefail
cd "$(dirname "$0")/.."
htmx_version=$(sed -n 's/^HTMX_VERSION = "\(.*\)"/\1/p' admin/settings.py)
htmx_integrity=$(sed -n 's/^HTMX_CDN_INTEGRITY = "\(.*\)"/\1/p' admin/settings.py)
chart_version=$(sed -n 's/^CHART_VERSION = "\(.*\)"/\1/p' admin/settings.py)
chart_integrity=$(sed -n 's/^CHART_CDN_INTEGRITY = "\(.*\)"/\1/p' admin/settings.py)
flatpickr_version=4.6.13  # the release starlette-admin bundles
axe_version=4.14.1
axe_integrity="sha384-xt1SFg49QaDwsyt0Xfs2XAyBtYPClXl3X2q5OOLeGAUmq9jZTYIMdztpF99WdhiH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

unpack() {  # unpack PACKAGE VERSION -> $work/PACKAGE
    mkdir -p "$work/$1"
    (cd "$work/$1" && npm pack --silent "$1@$2" >/dev/null && tar xzf ./*.tgz)
}

check() {  # check PACKAGE VERSION FILE INTEGRITY: the unpacked FILE has the pinned hash
    local actual
    actual="sha384-$(openssl dgst -sha384 -binary "$3" | openssl base64 -A)"
    if [ "$actual" != "$4" ]; then
        echo "$1 $2 from npm does not match the pinned integrity hash" >&2
        exit 1
    fi
}

vendor() {  # vendor PACKAGE VERSION FILE INTEGRITY -> static/vendor/FILE
    unpack "$1" "$2"
    local file="$work/$1/package/dist/$3"
    check "$1" "$2" "$file" "$4"
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

unpack axe-core "$axe_version"
check axe-core "$axe_version" "$work/axe-core/package/axe.min.js" "$axe_integrity"
mkdir -p tests/browser/vendor
printf '*\n' >tests/browser/vendor/.gitignore  # fetched, never committed
cp "$work/axe-core/package/axe.min.js" tests/browser/vendor/axe.min.js
echo "htmx ${htmx_version}, Chart.js ${chart_version}, flatpickr ${flatpickr_version} locales" \
    "and axe-core ${axe_version} fetched"
