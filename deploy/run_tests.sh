#!/usr/bin/env bash
# The class-scale checks of deploy/, a step of .ci/run (not part of the README's test
# command, whose budget is 3 minutes): the class route on a simulated class of notebook 04
# (needs root: students are OS accounts, submissions run as another uid), the static check
# that grades cannot depend on training, and JupyterHub on localhost. About 5 minutes on 2
# idle cores. Installs cnnkit[dev,hub] into .venv and configurable-http-proxy into
# deploy/hub/node_modules if needed.
set -euo pipefail
CNNKIT_EXTRAS="${CNNKIT_EXTRAS:-dev,hub}"
source "$(dirname "$0")/../scripts/setup_env.sh"
cd "$ROOT"
if [ ! -x deploy/hub/node_modules/.bin/configurable-http-proxy ]; then
    npm ci --prefix deploy/hub --no-audit --no-fund --silent
fi
export TF_CPP_MIN_LOG_LEVEL=3 MPLBACKEND=Agg PYTHONHASHSEED=0
start=$(date +%s)
"$VENV/bin/python" -m pytest -p no:xdist -p no:cacheprovider -q -s deploy/tests "$@"
echo "== deploy tests wall time: $(( $(date +%s) - start )) s"
