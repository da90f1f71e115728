#!/usr/bin/env bash
# Extract Sportello's messages (see babel.cfg) into admin/translations/sportello.pot, then
# update each locale's sportello.po from it (creating the ones that are missing).
# Catalogs stay .po files: admin/i18n.py compiles them in memory, there are no .mo files.
# Then translate the new and the fuzzy entries; tests/test_i18n.py fails until Italian is complete.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel=.venv/bin/pybabel
dir=admin/translations
template="$dir/sportello.pot"
locales=(it fr nl)
version=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Sorted by msgid, without file:line references: moving code does not touch the catalogs.
"$pybabel" --quiet extract \
    --mapping-file=babel.cfg \
    --output-file="$work/sportello.pot" \
    --sort-output \
    --no-location \
    --add-comments=TRANSLATORS: \
    --project=Sportello \
    --version="$version" \
    --last-translator=Sportello \
    --header-comment="# Sportello's messages (scripts/messages.sh)." \
    .

# Only the creation date changed? Keep the template as it is.
without_date() { grep -v '^"POT-Creation-Date: ' "$1"; }
if [ -f "$template" ] && cmp -s <(without_date "$template") <(without_date "$work/sportello.pot"); then
    echo "$template is up to date"
else
    cp "$work/sportello.pot" "$template"
    echo "$template written"
fi

for locale in "${locales[@]}"; do
    "$pybabel" --quiet update \
        --domain=sportello \
        --input-file="$template" \
        --output-dir="$dir" \
        --locale="$locale" \
        --init-missing \
        --ignore-pot-creation-date
done

echo "Translate the empty and the fuzzy entries in $dir/*/LC_MESSAGES/sportello.po"
