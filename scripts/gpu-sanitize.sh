#!/usr/bin/env bash
# GPU only: every LayerNorm kernel under compute-sanitizer (memcheck,
# racecheck, synccheck) over a matrix of shapes and dtypes, both backward
# algorithms, then a lock/contention stress under a watchdog. Prints one
# line per run and a summary; exits 1 if any run reports an error.
#   scripts/gpu-sanitize.sh [--quick] [LN_RUN]   (default: dist/bin/ln-run)
# --quick: f16 only, fewer shapes, one stress round (a minute or two).
# Sanitizers slow kernels 10 to 100 times: the shapes are small except a
# few, and the stress runs without a sanitizer.
set -uo pipefail
cd "$(dirname "$0")/.."
quick=false
if [[ ${1:-} == --quick ]]; then
  quick=true
  shift
fi
ln_run=${1:-dist/bin/ln-run}
sanitizer=${COMPUTE_SANITIZER:-compute-sanitizer}
failures=0 runs=0

run() { # tool, then ln-run arguments
  local tool=$1 log
  shift
  runs=$((runs + 1))
  log=$(timeout 300 "$sanitizer" --tool "$tool" --error-exitcode 99 \
        "$ln_run" layernorm --check "$@" 2>&1)
  local status=$?
  if [[ $status -ne 0 ]] || ! grep -q "ERROR SUMMARY: 0 errors" <<<"$log"; then
    failures=$((failures + 1))
    echo "FAILED ($tool, exit $status): $*"
    grep -E "ERROR SUMMARY|Invalid|Race|Barrier|check:" <<<"$log" | head -5
  else
    echo "ok     ($tool): $*"
  fi
}

shapes=("1 1" "3 7" "64 1000" "33 4096" "17 5000" "9 8192" "5 9999" "2 40000")
dtypes=(f16 bf16 f32)
backward_shapes=("3000 64" "1100 1024" "300 4096")
rounds=(1 2 3)
if $quick; then
  shapes=("3 7" "64 1000" "9 8192" "2 40000")
  dtypes=(f16)
  backward_shapes=("1100 1024")
  rounds=(1)
fi
for dtype in "${dtypes[@]}"; do
  for shape in "${shapes[@]}"; do
    set -- $shape
    run memcheck --mode forward,backward --dtype "$dtype" --M "$1" --N "$2"
  done
done
for algorithm in partial-rows locked; do
  for shape in "${backward_shapes[@]}"; do
    set -- $shape
    run memcheck --mode backward --dtype f16 --M "$1" --N "$2" \
        --backward-algorithm "$algorithm"
    run racecheck --mode backward --dtype f16 --M "$1" --N "$2" \
        --backward-algorithm "$algorithm"
    run synccheck --mode backward --dtype f16 --M "$1" --N "$2" \
        --backward-algorithm "$algorithm"
  done
done
for shape in "64 1024" "16 8192" "4 20000"; do
  set -- $shape
  run racecheck --mode forward --dtype bf16 --M "$1" --N "$2"
  run synccheck --mode forward --dtype bf16 --M "$1" --N "$2"
done

# Contention: many programs per lock and many rows per program, repeated,
# each under a watchdog (a lost wake-up would hang).
for round in "${rounds[@]}"; do
  for algorithm in locked partial-rows; do
    runs=$((runs + 1))
    if timeout 120 "$ln_run" layernorm --check --mode backward --dtype f16 \
         --M 262144 --N 128 --backward-algorithm "$algorithm" >/dev/null; then
      echo "ok     (stress $round, $algorithm): M=262144 N=128"
    else
      failures=$((failures + 1))
      echo "FAILED (stress $round, $algorithm, exit $?): M=262144 N=128"
    fi
  done
done

echo "gpu-sanitize: $runs runs, $failures failed"
[[ $failures -eq 0 ]]
