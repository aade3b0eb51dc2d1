#!/usr/bin/env bash
# Open the course: install cnnkit into .venv if needed, update the student's workspace
# trabajo/ (git-ignored: exercise notebooks as student copies, solved versions in
# trabajo/soluciones/, the others copied; a notebook the student changed is never
# overwritten, a new version of it appears beside it as "NAME (nuevo).ipynb"), then open
# JupyterLab on trabajo/, in Spanish.
# Extra arguments go to JupyterLab (for example --no-browser or --port 8890).
set -euo pipefail
CNNKIT_EXTRAS="${CNNKIT_EXTRAS:-course}"
source "$(dirname "$0")/setup_env.sh"
cd "$ROOT"
# JupyterLab's menus in Spanish (the language pack comes with the `course` extra).
bash "$ROOT/scripts/lab_language.sh" "$VENV"
"$VENV/bin/python" -m cnnkit workspace --course "$ROOT/notebooks" --dir "$ROOT/trabajo"
exec "$VENV/bin/python" -m jupyter lab --notebook-dir="$ROOT/trabajo" "$@"
