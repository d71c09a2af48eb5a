#!/usr/bin/env bash
# The main job: set up, build, compile the tutorial's kernels to PTX and, on
# a machine with a GPU, check them and reproduce the tutorial's benchmark
# table (ln-run sweep). Without a GPU it shows the PTX of one kernel.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh
if dist/bin/ln-run layernorm --mode forward --M 1 --N 8 --check >/dev/null 2>&1; then
  dist/bin/ln-run sweep --dtype f16 --csv sweep.csv --json sweep.json
else
  echo "demo: no GPU here; the forward kernel for N <= 4096, f16, as PTX:"
  # Into a file first: `head` closing the pipe early would kill the
  # compiler with SIGPIPE, and pipefail would make that the script's status.
  ptx=$(mktemp)
  trap 'rm -f "$ptx"' EXIT
  build/bin/ln-opt kernels/layer_norm_fwd_fused.mlir \
      --blk-specialize="bind=BLOCK_SIZE=4096,T=f16 num-warps=8 divisible-by-16=0,1,2,3,6,7,8" \
      --blk-to-ptx | build/bin/ln-translate --ptx -o "$ptx"
  sed -n 1,60p "$ptx"
  echo "... ($(wc -l < "$ptx") lines; ptxas:)"
  "$(command -v ptxas || echo /usr/local/cuda/bin/ptxas)" -arch=sm_90 -v \
      "$ptx" -o /dev/null 2>&1 |
    grep -E "registers|spill"
fi
