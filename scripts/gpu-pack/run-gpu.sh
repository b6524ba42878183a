#!/bin/bash
# The offline GPU pack's check: prints the GPU and the WebGPU adapter, checks the webgpu backend
# against wasm on a tiny DiT, trains a `smoke` model to completion, and runs the DiT bench at the
# `paper` presets (DiT-S/B/L/XL, 512 tokens) on webgpu next to PyTorch on CUDA when present.
#
# Usage: ./run-gpu.sh [OUT_DIR]          (default: ./gpu-run-<UTC date>)
# Environment (defaults in brackets):
#   BENCH_PROFILE [paper]   presets of `bench --only=dit` (paper: DiT-S/B/L/XL; quick: q64/q96/q128, 128 tokens)
#   BENCH_PRESETS [the profile's]  space-separated presets, each benched in its own process
#   BENCH_ITERS   [3]       timed runs per figure (after one warm-up)
#   BENCH_BATCH   [32]      batch size; a preset that fails at it (e.g. out of GPU memory: DiT-L/XL
#                           at 32 on an H200) is run again at a quarter of it
#   BENCH_BACKEND [webgpu]  TF.js backend of the bench (wasm: a check of this script on a CPU)
#   PHASE_TIMEOUT [600]     seconds for gpu-check and for the smoke training (the phase is stopped, not the script)
#   BENCH_TIMEOUT [1800]    seconds for the bench (rows are printed as they are measured)
#   PHYLAB_PYTHON [python3 with torch]   the PyTorch peer's interpreter
#   PHYLAB_DAWN_FLAGS       Dawn options, e.g. backend=vulkan or "adapter=NVIDIA H200"
# Every phase's output goes to OUT_DIR/<phase>.log as well as the terminal; exit status 0 when
# all phases passed, else the number of failed phases.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$PWD/gpu-run-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
phylab="$here/phylab"
profile=${BENCH_PROFILE:-paper}
iters=${BENCH_ITERS:-3}
batch=${BENCH_BATCH:-32}
backend=${BENCH_BACKEND:-webgpu}
case "$profile" in # lib/model/presets.ts PROFILE_PRESETS
  paper) presets=${BENCH_PRESETS:-DiT-S DiT-B DiT-L DiT-XL} ;;
  quick) presets=${BENCH_PRESETS:-q64 q96 q128} ;;
  *) presets=${BENCH_PRESETS:-tiny} ;;
esac
limit=${PHASE_TIMEOUT:-600}
bench_limit=${BENCH_TIMEOUT:-1800}
failed=0

# Vulkan: the NVIDIA ICD of containers that mount the driver under /usr/local/nvidia
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] \
   && ! ls /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json >/dev/null 2>&1; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1'; then
  echo "run-gpu: no Vulkan loader (libvulkan.so.1) found by ldconfig: install libvulkan1 (Debian/Ubuntu) or the driver's loader; webgpu will not start" >&2
fi
: "${PHYLAB_PYTHON:=$(command -v python3 || true)}"
export PHYLAB_PYTHON

phase() { # name, seconds, command...
  local name=$1 limit=$2; shift 2
  echo "== $name: $*" | tee "$out/$name.log"
  local t0=$(date +%s)
  timeout "$limit" "$@" 2>&1 | tee -a "$out/$name.log"
  rc=${PIPESTATUS[0]}
  echo "== $name: exit $rc after $(( $(date +%s) - t0 )) s" | tee -a "$out/$name.log"
  [ "$rc" = 0 ] || failed=$((failed + 1))
}

{
  echo "date: $(date -u +%FT%TZ)"; echo "host: $(uname -srm)"; cat "$here/PACK-INFO.json"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
  "$here/node/bin/node" --version
  [ -n "$PHYLAB_PYTHON" ] && "$PHYLAB_PYTHON" -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())' 2>&1
} 2>&1 | tee "$out/machine.log"

phase gpu-check "$limit" "$phylab" gpu-check --out "$out/gpu-check.json"
phase smoke-train "$limit" "$phylab" train --profile smoke --out "$out/smoke-run" --no-progress
for p in $presets; do
  phase "bench-$p" "$bench_limit" "$phylab" bench --only=dit --backend "$backend" --presets "$p" --iters "$iters" --batch "$batch" --out "$out/bench-$p.json"
  if [ "$rc" != 0 ] && [ "$batch" -ge 4 ]; then
    failed=$((failed - 1)) # counted again below if the smaller batch fails too
    phase "bench-$p-b$((batch / 4))" "$bench_limit" "$phylab" bench --only=dit --backend "$backend" --presets "$p" --iters "$iters" --batch "$((batch / 4))" --out "$out/bench-$p-b$((batch / 4)).json"
  fi
done
grep -h "step rate vs PyTorch" "$out"/bench-*.log 2>/dev/null | tee "$out/summary.log"
echo "run-gpu: $failed phase(s) failed; logs in $out"
exit "$failed"
