#!/usr/bin/env bash
# Fresh-machine checks of the main job (run by .ci/run after the tests, on a clean clone):
#   1. `npm start -- --budget-min=0` says up front what it will compute, and for every experiment that
#      ships units (data/results/<name>/quick/units/) it counts every shipped unit as done: an experiment
#      whose sweep is complete has nothing to compute; one shipped part-way (a sweep that spans
#      sessions, e.g. direction-flip and velocity-gap on 2026-12-05) computes only its missing units
#      (budget 0 computes nothing: one of their models would take 10-20 min of CI);
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

complete=(); partial=()
for d in data/results/*/quick/units; do
  name=$(basename "$(dirname "$(dirname "$d")")")
  line=$(grep -E "^  $name +[0-9]+ units:" "$log") || fail "no plan line for $name"
  files=$(find "$d" -type f -name '*.json.gz' | wc -l)
  grep -q "($files shipped)" <<<"$line" || fail "$name ships $files units but the main job does not count them all as done: $line"
  if grep -q 'nothing to compute' <<<"$line"; then complete+=("$name"); else partial+=("$name"); fi
done
echo "check-fresh-main: every shipped unit counted as done; complete: ${complete[*]:-none}; shipped part-way: ${partial[*]:-none}"

dirty=$(git status --porcelain)
[ -z "$dirty" ] || fail "the main job left the tree modified:
$dirty"
echo "check-fresh-main: git status clean"
