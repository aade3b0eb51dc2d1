#!/usr/bin/env bash
# .venv-jax: the packages of .venv (cnnkit, Keras, NumPy...) plus jax[cpu], for the builders on
# the JAX backend (`.venv-jax/bin/python -m pytest -m jax tests/test_models_jax.py`, a step of
# .ci/run). jax is kept out of .venv itself: installed next to TensorFlow, every
# `import tensorflow` imports jax too (tensorflow.lite.python.util), about 2.5 s of CPU in each
# of the test command's TensorFlow processes (its two workers, the notebooks' kernels...).
# Usage: bash scripts/jax_env.sh   (after scripts/test.sh or scripts/setup_env.sh made .venv)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE="${CNNKIT_VENV:-$ROOT/.venv}"
JAX_VENV="${CNNKIT_JAX_VENV:-$ROOT/.venv-jax}"
JAX_SPEC="jax[cpu]~=0.10"
[ -x "$BASE/bin/python" ] || { echo "jax_env.sh: $BASE does not exist; run scripts/test.sh first" >&2; exit 1; }
if [ ! -x "$JAX_VENV/bin/python" ]; then
    "$BASE/bin/python" -m venv --without-pip "$JAX_VENV"
fi
base_site="$("$BASE/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"
jax_site="$("$JAX_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"
# addsitedir (not a bare path) so that .venv's own .pth files run too: the editable cnnkit.
echo "import site; site.addsitedir('$base_site')" > "$jax_site/_cnnkit_base_venv.pth"
if ! "$JAX_VENV/bin/python" -c 'import jax' 2>/dev/null; then
    # .venv's pip, installing into .venv-jax: what .venv already has (NumPy, SciPy, ml_dtypes,
    # opt_einsum) satisfies jax's requirements through the .pth line; only jax and jaxlib land.
    "$JAX_VENV/bin/python" -m pip install --quiet "$JAX_SPEC"
fi
"$JAX_VENV/bin/python" -c 'import jax, keras, cnnkit; print("jax", jax.__version__, "keras", keras.__version__, "in", __import__("sys").prefix)'
