#!/usr/bin/env bash
# Fails when the Chinese catalog is behind the code: a string not extracted, not translated,
# fuzzy, or a compiled catalog that does not match its source.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
po=locale/zh_Hans/LC_MESSAGES/django.po
mo=locale/zh_Hans/LC_MESSAGES/django.mo
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp "$po" "$work/before.po"
"$PY" manage.py makemessages -l zh_Hans --no-location --ignore=.venv --ignore=staticfiles --ignore=var >/dev/null
strip_header() { grep -v '^"POT-Creation-Date:' "$1"; }
if ! diff -u <(strip_header "$work/before.po") <(strip_header "$po") >"$work/diff"; then
  cp "$work/before.po" "$po"
  echo "The catalog is out of date: run 'make messages' and translate the new strings." >&2
  cat "$work/diff" >&2
  exit 1
fi
cp "$work/before.po" "$po"

untranslated=$(msgattrib --untranslated --no-obsolete "$po" | grep -c '^msgid' || true)
fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$po" | grep -c '^msgid' || true)
if [ "$untranslated" -gt 0 ] || [ "$fuzzy" -gt 0 ]; then
  echo "The catalog has untranslated or fuzzy entries:" >&2
  msgattrib --untranslated --no-obsolete "$po" >&2 || true
  msgattrib --only-fuzzy --no-obsolete "$po" >&2 || true
  exit 1
fi

msgfmt --check -o "$work/django.mo" "$po"
if ! cmp -s "$work/django.mo" "$mo"; then
  echo "The compiled catalog $mo does not match $po: run 'make messages'." >&2
  exit 1
fi
echo "Translation catalog is complete and compiled."
