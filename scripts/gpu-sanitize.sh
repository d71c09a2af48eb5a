#!/usr/bin/env bash
# shellcheck disable=SC2054  # commas separate ln-run's list values
# On a GPU machine: every LayerNorm kernel family (forward; backward dx
# persistent, locked and split; the dw/db reductions) under compute-sanitizer's
# memcheck, racecheck and synccheck, over a matrix of shapes (M 1..65536,
# N 1..262144), every dtype and both backward algorithms; then a lock
# contention stress (M >= 262144, small N, repeated) without a sanitizer.
# Every run is checked against the float64 reference (--check) and runs
# under `timeout`, so a hang is reported rather than waited for. Sanitizers
# slow kernels down 10-100x, so their shapes keep M * N small, save a few.
#
#   scripts/gpu-sanitize.sh [LOG_DIR]    (default: sanitize-logs)
#
# Environment: LN_RUN (default dist/bin/ln-run), COMPUTE_SANITIZER (default
# compute-sanitizer on PATH, else /usr/local/cuda/bin/compute-sanitizer),
# LN_SANITIZE_TIMEOUT (seconds per run, default 150), LN_SANITIZE_TOOLS
# (default "memcheck racecheck synccheck").
# Writes LOG_DIR/summary.txt (one line per run: PASS, FAIL or TIMEOUT, the
# seconds it took and the command) and a log per run; exits 1 if any run
# did not pass. About 5 minutes on an H200.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

logs=${1:-sanitize-logs}
ln_run=${LN_RUN:-dist/bin/ln-run}
sanitizer=${COMPUTE_SANITIZER:-$(command -v compute-sanitizer ||
                                 echo /usr/local/cuda/bin/compute-sanitizer)}
limit=${LN_SANITIZE_TIMEOUT:-150}
tools=${LN_SANITIZE_TOOLS:-memcheck racecheck synccheck}

mkdir -p "$logs"
summary="$logs/summary.txt"
: > "$summary"
failures=0
count=0

# run NAME COMMAND...: runs COMMAND under the watchdog, logs it, records it.
run() {
  local name=$1
  shift
  local log="$logs/$name.log" start status verdict
  count=$((count + 1))
  start=$(date +%s)
  timeout --kill-after=10 "$limit" "$@" > "$log" 2>&1
  status=$?
  case $status in
    0) verdict=PASS ;;
    124 | 137) verdict=TIMEOUT ;;
    *) verdict=FAIL ;;
  esac
  [[ $verdict == PASS ]] || failures=$((failures + 1))
  printf '%-7s %4ss  %s\n' "$verdict" "$(($(date +%s) - start))" "$*" |
    tee -a "$summary"
  if [[ $verdict != PASS ]]; then
    # The sanitizer's first report, or ln-run's failed check, in place.
    grep -m 5 -E "=========|FAILED|ln-run:" "$log" | sed 's/^/          /' |
      tee -a "$summary"
  fi
}

for tool in $sanitizer $ln_run; do
  if [[ ! -x $tool ]]; then
    echo "gpu-sanitize: $tool is missing (set COMPUTE_SANITIZER / LN_RUN)" >&2
    exit 2
  fi
done
if ! "$ln_run" layernorm --M 1 --N 8 --check > /dev/null 2>&1; then
  echo "gpu-sanitize: $ln_run cannot run a kernel here (no GPU?)" >&2
  exit 2
fi

# Shapes as lists: ln-run runs every combination of its lists in one
# process, which spares the sanitizer's start-up per shape.
# Few rows, every width: N = 1, odd, each backward path's bounds (4096
# persistent, 5120 persistent for f16 and bf16, 8192 locked, above: split),
# blocks that are not powers of two (4608, 6000) and the widest rows.
few_rows=(--M 1,3,17 --N 1,7,100,1000,4096,4608,5000,6000,8192,8193,20000,262144)
# Many rows, narrow: many programs per lock and per partial row.
many_rows=(--M 1000,65536 --N 1,8,100)
dtypes=(--dtype f16,bf16,f32)

for tool in $tools; do
  sanitize=("$sanitizer" --tool "$tool" --error-exitcode 99)
  many=("${many_rows[@]}")
  # racecheck tracks every shared-memory access: 65536 rows take minutes.
  [[ $tool == racecheck ]] && many=(--M 1000,4099 --N 1,8,100)
  for group in few many; do
    if [[ $group == few ]]; then
      shapes=("${few_rows[@]}")
    else
      shapes=("${many[@]}")
    fi
    run "$tool-$group-rows-forward" "${sanitize[@]}" "$ln_run" layernorm \
        --check --mode forward "${dtypes[@]}" "${shapes[@]}"
    for algorithm in partial-rows locked; do
      run "$tool-$group-rows-backward-$algorithm" "${sanitize[@]}" "$ln_run" \
          layernorm --check --mode backward --backward-algorithm "$algorithm" \
          "${dtypes[@]}" "${shapes[@]}"
    done
  done
  # The runtime's own workspace, grown from shape to shape.
  run "$tool-runtime-workspace" "${sanitize[@]}" "$ln_run" layernorm --check \
      --mode backward --runtime-workspace --dtype f16 --M 3,1151 \
      --N 100,8192,20000
done

# A few large shapes, memcheck only: every kernel at its full block size.
run memcheck-large "$sanitizer" --tool memcheck --error-exitcode 99 \
    "$ln_run" layernorm --check --mode forward,backward --dtype bf16 \
    --M 4096 --N 1024,8192,16384
run memcheck-large-locked "$sanitizer" --tool memcheck --error-exitcode 99 \
    "$ln_run" layernorm --check --mode backward --backward-algorithm locked \
    --dtype f16 --M 8192 --N 4096

# Lock contention: hundreds of thousands of programs on a few locks, over
# and over; a lost update shows in dw/db, a deadlock trips the watchdog.
for repeat in 1 2 3; do
  run "contention-$repeat" "$ln_run" layernorm --check --mode backward \
      --backward-algorithm locked --dtype f16,f32 --M 262144,524288 \
      --N 16,64,256
done
run contention-partial-rows "$ln_run" layernorm --check --mode backward \
    --backward-algorithm partial-rows --dtype bf16 --M 262144,1048576 --N 8,100

echo "gpu-sanitize: $((count - failures)) of $count runs passed; see $summary" |
  tee -a "$summary"
[[ $failures -eq 0 ]]
