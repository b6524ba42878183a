#!/usr/bin/env bash
# `npm run setup`: set up this checkout on a fresh machine, idempotently.
#   1. Debian/Ubuntu system packages listed in scripts/system-packages.txt, through apt-get when
#      running as root or with passwordless sudo; otherwise one message with the exact command.
#   2. npm packages (npm ci, on a fresh checkout or when package-lock.json changed).
#   3. The native OpenBLAS addon (native/build.cjs: builds only when missing or out of date).
#   4. `phylab setup`: registers the Jupyter kernel, reports Chromium, PyTorch peer, TF.js backend.
# Ends with a summary of what it installed and what is missing. A second run changes nothing.
#
# Usage: npm run setup [-- --no-system] [-- --system-only] [-- --with-optional]
#   --no-system       skip the system packages (step 1)
#   --system-only     only the system packages (step 1)
#   --with-optional   also install scripts/system-packages-optional.txt (PyTorch benchmark peer)
set -uo pipefail
cd "$(dirname "$0")/.."

NO_SYSTEM=0
SYSTEM_ONLY=0
WITH_OPTIONAL=0
for a in "$@"; do
  case "$a" in
    --no-system) NO_SYSTEM=1 ;;
    --system-only) SYSTEM_ONLY=1 ;;
    --with-optional) WITH_OPTIONAL=1 ;;
    -h|--help) sed -n '2,/^[^#]/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup: unknown option '$a' (allowed: --no-system, --system-only, --with-optional, --help)" >&2; exit 2 ;;
  esac
done

say() { printf 'setup: %s\n' "$*"; }
INSTALLED=()
MISSING=()
NOTES=()

# Package names from a list file (comments and blank lines dropped).
read_list() { sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$1" | awk 'NF {print $1}'; }
# "name: why" lines for the given packages, from the list files.
why_of() {
  local p
  for p in "$@"; do
    grep -h -E "^$p[[:space:]]" scripts/system-packages*.txt | sed -E 's/^([^[:space:]]+)[[:space:]]+#[[:space:]]*/  \1: /' | head -1
  done
}

# ---- 1. system packages -------------------------------------------------------------------------
step_system() {
  local lists=(scripts/system-packages.txt)
  [ "$WITH_OPTIONAL" = 1 ] && lists+=(scripts/system-packages-optional.txt)
  local wanted=() p
  for l in "${lists[@]}"; do while read -r p; do wanted+=("$p"); done < <(read_list "$l"); done

  if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg >/dev/null 2>&1; then
    say "not a Debian/Ubuntu system (no apt-get): install these by hand, then run 'npm run setup' again:"
    why_of "${wanted[@]}"
    say "  (macOS: brew install openblas chromium jupyterlab; other Linux: your package manager's names for the same)"
    MISSING+=("system packages (not Debian/Ubuntu)")
    return 0
  fi

  local missing=()
  for p in "${wanted[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -eq 0 ]; then
    say "system packages: all ${#wanted[@]} present"
    return 0
  fi

  local SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      SUDO="sudo"
    else
      say "missing system packages, and no root or passwordless sudo to install them. Run:"
      say "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
      say "then 'npm run setup' again. Without them:"
      why_of "${missing[@]}"
      MISSING+=("${missing[@]}")
      return 0
    fi
  fi
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  local t0=$SECONDS
  if $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/phylab-apt.log 2>&1; then
    INSTALLED+=("${missing[@]}")
    say "system packages installed in $((SECONDS - t0)) s (log: /tmp/phylab-apt.log)"
  else
    say "apt-get failed (log: /tmp/phylab-apt.log, last lines below); continuing without:"
    tail -5 /tmp/phylab-apt.log | sed 's/^/    /'
    for p in "${missing[@]}"; do dpkg -s "$p" >/dev/null 2>&1 && INSTALLED+=("$p") || MISSING+=("$p"); done
  fi
}

# ---- 2. npm packages ----------------------------------------------------------------------------
step_npm() {
  # node_modules/.phylab-lock records the package-lock.json it was installed from: npm ci runs
  # only on a fresh checkout or when the lockfile changed (npm ci on an up-to-date tree costs ~30 s).
  local t0=$SECONDS stamp=node_modules/.phylab-lock want
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ -d node_modules ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    say "npm packages: up to date"
    return 0
  fi
  say "npm ci"
  npm ci --no-audit --no-fund || { say "npm ci failed"; exit 1; }
  echo "$want" >"$stamp"
  INSTALLED+=("npm packages")
  say "npm step took $((SECONDS - t0)) s"
}

# ---- 3. native addon (builds only when missing or stale) -----------------------------------------
step_native() {
  local out
  out=$(node native/build.cjs 2>&1)
  [ -n "$out" ] && printf '%s\n' "$out"
  if [ -f native/build/Release/phylab_blas.node ]; then
    grep -q ' built in ' <<<"$out" && INSTALLED+=("native OpenBLAS addon")
  else
    MISSING+=("native OpenBLAS addon (stock wasm kernels, ~8x slower training)")
  fi
}

[ "$NO_SYSTEM" = 1 ] && say "skipping system packages (--no-system)" || step_system
if [ "$SYSTEM_ONLY" = 1 ]; then
  say "summary: installed: ${INSTALLED[*]:-nothing (all present)}; missing: ${MISSING[*]:-nothing}"
  [ ${#MISSING[@]} -eq 0 ]; exit $?
fi
step_npm
step_native

# ---- 4. kernel + machine checks -------------------------------------------------------------------
node bin/phylab.cjs setup
SETUP_RC=$?

echo
say "summary: installed: ${INSTALLED[*]:-nothing (all present)}"
if [ ${#MISSING[@]} -gt 0 ]; then
  say "summary: missing: ${MISSING[*]}"
else
  say "summary: nothing missing"
fi
if [ "$WITH_OPTIONAL" = 0 ]; then
  opt=()
  while read -r p; do dpkg -s "$p" >/dev/null 2>&1 || opt+=("$p"); done < <(read_list scripts/system-packages-optional.txt)
  [ ${#opt[@]} -gt 0 ] && say "optional, not installed: ${opt[*]} (npm run setup -- --with-optional)"
fi
exit $SETUP_RC
