#!/usr/bin/env bash
# The whole test suite: the linter, the unit tests and doctests, and every notebook under
# nbval in short mode (CNNKIT_QUICK=1). Installs cnnkit[dev] into .venv if needed.
# Extra arguments go to pytest (for example -x or -k data).
set -euo pipefail
CNNKIT_EXTRAS="${CNNKIT_EXTRAS:-dev}"
source "$(dirname "$0")/setup_env.sh"
cd "$ROOT"
export CNNKIT_QUICK=1 TF_CPP_MIN_LOG_LEVEL=3 MPLBACKEND=Agg PYTHONHASHSEED=0
start=$(date +%s)
echo "== ruff (linter)"
"$VENV/bin/python" -m ruff check .
echo "== pytest: unit tests, doctests, notebooks under nbval (short mode)"
status=0
# -m "not jax": the builders on the JAX backend (minutes of XLA compilation) run as a step of
# .ci/run of their own: `python -m pytest -m jax tests/test_models_jax.py`.
"$VENV/bin/python" -m pytest -n 2 --dist loadfile -m "not jax" \
    --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg \
    --doctest-modules notebooks tests cnnkit "$@" || status=$?
echo "== test suite wall time: $(( $(date +%s) - start )) s"
exit $status
