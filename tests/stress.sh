#!/usr/bin/env bash
# `make test-stress`: the whole suite ROUNDS times in a row (default 3) with two CPU-bound processes beside it,
# as on a loaded 2-core machine. Stops at the first red round. The burners are killed on any exit (trap).
# Usage: tests/stress.sh [PYTHON] [pytest args...]   (not called by `make test`: it takes a while)
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${1:-.venv/bin/python}"
shift || true
ROUNDS="${ROUNDS:-3}"
burners=()
cleanup() {
    for pid in "${burners[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${burners[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM HUP
for _ in 1 2; do
    "$PY" -c 'while True: pass' &
    burners+=("$!")
done
echo "stress: ${ROUNDS} rounds beside CPU burners ${burners[*]}"
for round in $(seq 1 "$ROUNDS"); do
    echo "stress: round ${round}/${ROUNDS}"
    "$PY" -m pytest -q -p no:cacheprovider "$@"
done
echo "stress: ${ROUNDS} green rounds under load"
