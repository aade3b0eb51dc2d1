# Sourced by scripts/course.sh and scripts/test.sh: make sure .venv exists and has cnnkit
# with the extras the caller needs (CNNKIT_EXTRAS). Installs only when pyproject.toml
# changed since the last install, so later runs start at once.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${CNNKIT_VENV:-$ROOT/.venv}"
EXTRAS="${CNNKIT_EXTRAS:-dev}"

find_python() {
    for candidate in "${PYTHON:-}" python3.11 python3.12 python3.13 python3; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))'; then
            echo "$candidate"
            return 0
        fi
    done
    echo "cnnkit needs Python 3.11, 3.12 or 3.13 (3.11 recommended); none was found. Install Python 3.11 or set PYTHON=/path/to/python3.11." >&2
    return 1
}

if [ ! -x "$VENV/bin/python" ]; then
    PY="$(find_python)"
    echo "Creating the virtual environment $VENV with $($PY --version) ..."
    "$PY" -m venv "$VENV"
fi

stamp="$VENV/.cnnkit-installed"
want="$EXTRAS $(sha256sum "$ROOT/pyproject.toml" | cut -c1-64)"
if [ ! -f "$stamp" ] || ! grep -qxF "$want" "$stamp"; then
    echo "Installing cnnkit[$EXTRAS] and its dependencies into $VENV (first time: a few minutes) ..."
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    if [ "${CNNKIT_INSTALLER:-pip}" = uv ]; then
        # CI (.ci/run): uv (PyPI) installs the same requirements several at a time and
        # compiles their bytecode in parallel: ~55 s instead of pip's ~150 s on 2 cores.
        "$VENV/bin/python" -m pip install --quiet uv
        "$VENV/bin/uv" pip install --quiet --python "$VENV/bin/python" --compile-bytecode \
            ${PIP_FIND_LINKS:+--find-links "$PIP_FIND_LINKS"} -e "$ROOT[$EXTRAS]"
    else
        "$VENV/bin/python" -m pip install --quiet -e "$ROOT[$EXTRAS]"
    fi
    echo "$want" >> "$stamp"
fi
export PATH="$VENV/bin:$PATH"
