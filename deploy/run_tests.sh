#!/usr/bin/env bash
# The class-scale checks of deploy/ and every check that grades with nbgrader for real, a step
# of .ci/run (not part of the README's test command, whose budget is 3 minutes): the class
# route on a simulated class of notebook 04 plus notebooks 01 and 02 as a second assignment,
# one autograde pool for both (needs root: students are OS accounts, submissions run as
# another uid), the static check that grades cannot depend on training, the README's
# nbgrader commands on notebook 04 as the README gives them, notebooks 03, 05 and 06 graded the
# same way as one assignment, in one autograde call (solved: full marks, untouched: zero), and
# JupyterHub on localhost.
# The hub test runs in a second process next to the class route (it mostly waits on its
# servers); the README route and 03/05/06's grading run after the class route (next to its autograde
# pool their kernels would push the class's cells toward their 60 s limit), side by side: each
# runs one kernel at a time, so the two fill the two cores.
# Installs cnnkit[dev,hub] into .venv and configurable-http-proxy into deploy/hub/node_modules
# if needed.
set -euo pipefail
CNNKIT_EXTRAS="${CNNKIT_EXTRAS:-dev,hub}"
source "$(dirname "$0")/../scripts/setup_env.sh"
cd "$ROOT"
if [ ! -x deploy/hub/node_modules/.bin/configurable-http-proxy ]; then
    npm ci --prefix deploy/hub --no-audit --no-fund --silent
fi
export TF_CPP_MIN_LOG_LEVEL=3 MPLBACKEND=Agg PYTHONHASHSEED=0
start=$(date +%s)
hub_log=$(mktemp)
readme_log=$(mktemp)
trap 'rm -f "$hub_log" "$readme_log"' EXIT
pytest=("$VENV/bin/python" -m pytest -p no:xdist -p no:cacheprovider -q -s)
"${pytest[@]}" deploy/tests/test_hub.py "$@" > "$hub_log" 2>&1 &
hub_pid=$!
class_status=0
"${pytest[@]}" deploy/tests/test_class_route.py deploy/tests/test_grading_independence.py \
    "$@" || class_status=$?
"${pytest[@]}" deploy/tests/test_readme_route.py "$@" > "$readme_log" 2>&1 &
readme_pid=$!
grade06_status=0
"${pytest[@]}" deploy/tests/test_grade_03_05_06.py "$@" || grade06_status=$?
readme_status=0
wait "$readme_pid" || readme_status=$?
echo "== deploy/tests/test_readme_route.py (run alongside 03/05/06's grading, exit $readme_status):"
cat "$readme_log"
hub_status=0
wait "$hub_pid" || hub_status=$?
echo "== deploy/tests/test_hub.py (run alongside, exit $hub_status):"
cat "$hub_log"
echo "== deploy tests wall time: $(( $(date +%s) - start )) s"
# exit status 5: every test of that process deselected by the arguments (-k ...)
for name in class_status readme_status grade06_status hub_status; do
    [ "${!name}" -eq 5 ] && printf -v "$name" 0
done
[ "$class_status" -eq 0 ] && [ "$readme_status" -eq 0 ] && [ "$grade06_status" -eq 0 ] \
    && [ "$hub_status" -eq 0 ]
