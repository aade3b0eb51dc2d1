#!/usr/bin/env bash
# Make JupyterLab in a virtual environment open in Spanish by default: write the locale
# es_ES as a default setting of @jupyterlab/translation-extension:plugin into
# VENV/share/jupyter/lab/settings/overrides.d/cnnkit.json (jupyterlab_server merges every
# overrides.d/*.json into the defaults; overrides.json stays free for the user). Needs the
# language pack jupyterlab-language-pack-es-ES (the `course` extra). Safe to run again.
# A user setting wins over this default: Settings > Language > English switches back;
# deleting the file (or running this script with LOCALE=en) makes English the default again.
# Usage: bash scripts/lab_language.sh VENV      (LOCALE=es_ES by default)
set -euo pipefail
venv="${1:?usage: lab_language.sh VENV}"
locale="${LOCALE:-es_ES}"
settings="$venv/share/jupyter/lab/settings/overrides.d"
mkdir -p "$settings"
printf '{\n  "@jupyterlab/translation-extension:plugin": {\n    "locale": "%s"\n  }\n}\n' \
    "$locale" > "$settings/cnnkit.json.tmp"
mv "$settings/cnnkit.json.tmp" "$settings/cnnkit.json"
