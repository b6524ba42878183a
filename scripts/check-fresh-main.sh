#!/usr/bin/env bash
# Fresh-machine checks of the main job (run by .ci/run after the tests, on a clean clone):
#   1. `npm start -- --budget-min=0` says up front what it will compute and finds nothing to compute
#      for every experiment whose results are shipped as units (data/results/<name>/quick/units/);
#      (budget 0 computes nothing: direction-flip and velocity-gap do not ship units yet, and one
#      of their models would take 10-20 min of CI);
#   2. afterwards `git status --porcelain` is empty: a summarize-only pass rewrites no committed file.
# Usage: bash scripts/check-fresh-main.sh   (exit 1 with the reason on a failed check)
set -uo pipefail
cd "$(dirname "$0")/.."
fail() { echo "check-fresh-main: FAILED: $*" >&2; exit 1; }

log=$(mktemp)
t0=$SECONDS
npm start --silent -- --budget-min=0 >"$log" 2>&1 || { tail -20 "$log"; fail "npm start exited non-zero"; }
echo "check-fresh-main: npm start -- --budget-min=0 finished in $((SECONDS - t0)) s; its plan:"
sed -n '/^main job/,/^$/p' "$log"

for d in data/results/*/quick/units; do
  name=$(basename "$(dirname "$(dirname "$d")")")
  line=$(grep -E "^  $name +[0-9]+ units:" "$log") || fail "no plan line for $name"
  grep -q 'nothing to compute' <<<"$line" || fail "$name ships its units but the main job would compute: $line"
done
echo "check-fresh-main: every experiment shipped as units: nothing to compute"

dirty=$(git status --porcelain)
[ -z "$dirty" ] || fail "the main job left the tree modified:
$dirty"
echo "check-fresh-main: git status clean"
