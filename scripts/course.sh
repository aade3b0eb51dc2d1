#!/usr/bin/env bash
# Open the course: install cnnkit into .venv if needed, then JupyterLab on notebooks/, in Spanish.
# Extra arguments go to JupyterLab (for example --no-browser or --port 8890).
set -euo pipefail
CNNKIT_EXTRAS="${CNNKIT_EXTRAS:-course}"
source "$(dirname "$0")/setup_env.sh"
cd "$ROOT"
# JupyterLab's menus in Spanish (the language pack comes with the `course` extra).
bash "$ROOT/scripts/lab_language.sh" "$VENV"
exec "$VENV/bin/python" -m jupyter lab --notebook-dir="$ROOT/notebooks" "$@"
