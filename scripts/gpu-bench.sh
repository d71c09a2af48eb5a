#!/usr/bin/env bash
# shellcheck disable=SC2054  # commas separate list values of the commands
# On a GPU machine: the whole benchmark, in one command, from the installed
# tree dist/ (bin/ln-run, python/ln), every result in OUTDIR and OUTDIR
# packed into OUTDIR.tgz at the end (one file to take off the machine):
#   - ln-run sweep (timing only, --no-check, 20 repetitions a point; GB/s
#     beside the speed of light): f16, bf16 and f32 at M = 4096 over
#     N = 1024..15872 by 512, and bf16 at M = 32768 over N = 1024, 2048,
#     4096, 8192, 16384 and 65536; forward and backward; a table, CSV and
#     JSON each;
#   - the cluster kernels alone (not chosen by the runtime), bf16, 8192
#     rows of 65536, on 1, 16, 33 and 66 clusters: `ln-run kernel --bench`
#     of the PTX in build/test/ptx (LN_TEST_PTX), where it is;
#   - python/benchmarks/bench_layer_norm.py, ln beside its peers (torch,
#     torch.compile, Triton, Liger-Kernel, Apex) and the speed of light,
#     on the same shapes (its presets seed:f16,bf16,f32 and training:bf16),
#     both passes, both timers (CUDA graph, eager): report.md, a CSV and a
#     plot per group and results.json in OUTDIR/layer-norm (re-rendered by
#     --replot should it stop early). Peers that cannot run here (Triton
#     or Liger-Kernel missing, ...) are left out by the script itself, with
#     the reason in its log and results.json;
#   - bench_host_cost.py (host time a call) and bench_training_step.py (a
#     GPT-2 training step; needs transformers), where present.
# Each step runs to its end (under `timeout`) whatever the others did.
#
#   scripts/gpu-bench.sh [--quick] [OUTDIR]
#       OUTDIR: the results (default gpu-bench-out), packed into OUTDIR.tgz;
#       --quick: a few N per sweep and fewer steps, to try the pipeline
#
# Paths are relative to the repository root. Needs an NVIDIA GPU and
# driver (nvidia-smi), dist/ (scripts/build.sh installs it), python3 with
# torch (and matplotlib for the plots; triton, transformers, Apex and a
# Liger-Kernel source tree in .peers/ where those are to be measured; see
# docs/benchmarks.md), and about 70 GB of host memory for ln-run's
# M = 32768, N = 65536 point (its own estimate, even without a check).
# Environment: LN_RUN (default dist/bin/ln-run), PYTHON (default python3),
# LN_BENCH_REP (bench_layer_norm.py's --rep, ms a point and timer; default
# 50), LN_BENCH_MAX_MINUTES (its --max-minutes; default none),
# LN_LIGER_PATH (its --liger-path; default its own, .peers/liger-kernel/src),
# LN_BENCH_TIMEOUT (seconds per step, default 5400), LN_TEST_PTX (default
# build/test/ptx).
# Writes OUTDIR/<step>.log per step, OUTDIR/environment.txt (GPU, driver,
# clocks, commit) and OUTDIR/summary.txt (a line per step: PASS, FAIL or
# SKIP, the seconds it took and the command or why it was skipped); exits
# 1 if any step failed, 2 if it cannot start (no GPU, no dist/, bad
# arguments).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

# The header above, as the usage text.
usage() {
  sed -n '3,/^set -uo/s/^# \{0,1\}//p' scripts/gpu-bench.sh
}

out=
quick=0
while (($#)); do
  case $1 in
    -h | --help)
      usage
      exit 0
      ;;
    --quick) quick=1 ;;
    -*)
      echo "gpu-bench: unknown option '$1' (try --help)" >&2
      exit 2
      ;;
    *)
      if [[ -n $out ]]; then
        echo "gpu-bench: one OUTDIR only, got '$out' and '$1'" >&2
        exit 2
      fi
      out=$1
      ;;
  esac
  shift
done
out=${out:-gpu-bench-out}
out=${out%/}
if [[ -z $out || $(basename "$out") == . || $(basename "$out") == .. ]]; then
  echo "gpu-bench: OUTDIR must name a folder of its own" >&2
  exit 2
fi

ln_run=${LN_RUN:-dist/bin/ln-run}
python=${PYTHON:-python3}
limit=${LN_BENCH_TIMEOUT:-5400}
rep=${LN_BENCH_REP:-50}

# No GPU, no point: say so before anything runs.
if ! command -v nvidia-smi > /dev/null; then
  echo "gpu-bench: no nvidia-smi here (no NVIDIA driver); the benchmark" \
       "needs a GPU" >&2
  exit 2
fi
if ! gpus=$(nvidia-smi -L 2>&1) || ! grep -q "^GPU " <<< "$gpus"; then
  echo "gpu-bench: nvidia-smi -L finds no NVIDIA GPU here; the benchmark" \
       "needs one" >&2
  [[ -n $gpus ]] && echo "  nvidia-smi: ${gpus//$'\n'/$'\n  nvidia-smi: '}" >&2
  exit 2
fi
if [[ ! -x $ln_run ]]; then
  echo "gpu-bench: $ln_run is missing: build and install dist/ first" \
       "(scripts/build.sh), or set LN_RUN" >&2
  exit 2
fi

mkdir -p "$out" || exit 2
summary=$out/summary.txt
: > "$summary"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(uname -n)"
  echo "commit: $(git rev-parse HEAD 2>/dev/null || echo "(no git checkout)")"
  echo "uncommitted changes: $(git status --short 2>/dev/null | wc -l) files"
  echo "ln-run: $ln_run"
  echo "$gpus"
  nvidia-smi 2>&1
  nvidia-smi -q -d CLOCK 2>&1
} > "$out/environment.txt"

# The step harness (scripts/gpu-steps.sh): step, skip and record, a line
# of the summary each, a failed step's log lines matching $excerpt under
# it; Ctrl-C or a TERM stops the step that runs and then the script, which
# still packs what was measured.
name_width=26
excerpt='FAILED|ln-run:|rror|needs'
# shellcheck source-path=SCRIPTDIR/..
source scripts/gpu-steps.sh || exit 2

# The tutorial's N (its sweep and bench_layer_norm.py's seed preset) and
# the training shapes' (its training preset), or a few of each.
if ((quick)); then
  seed_n=1024,4096,8192,15872
  training_n=1024,8192
else
  seed_n=$(seq -s, 1024 512 15872)
  training_n=1024,2048,4096,8192,16384
fi

echo "gpu-bench: $(head -1 <<< "$gpus"); results in $out/"
sweep=("$ln_run" sweep --no-check --reps 20)
for dtype in f16 bf16 f32; do
  step "sweep-$dtype-M4096" "${sweep[@]}" --dtype "$dtype" --M 4096 \
      --N "$seed_n" --csv "$out/sweep-$dtype-M4096.csv" \
      --json "$out/sweep-$dtype-M4096.json"
done
step sweep-bf16-M32768 "${sweep[@]}" --dtype bf16 --M 32768 \
    --N "$training_n" --csv "$out/sweep-bf16-M32768.csv" \
    --json "$out/sweep-bf16-M32768.json"
# Alone: ln-run wants about 70 GB of host memory for it, which a smaller
# machine refuses without losing the other N.
step sweep-bf16-M32768-N65536 "${sweep[@]}" --dtype bf16 --M 32768 \
    --N 65536 --csv "$out/sweep-bf16-M32768-N65536.csv" \
    --json "$out/sweep-bf16-M32768-N65536.json"

# The cluster kernels alone, which the runtime does not choose (entry 30 of
# docs/performance-log.md): bf16, 8192 rows of 65536, at 1 to 66 clusters
# along y, a median time each, beside the sweep's 65536 point (the
# runtime's chunk walk and split pass). An H100 holds 30 forward clusters
# and 15 backward ones at once; there, in session 25, they ran at 0.54
# and 0.43 of the copy (4096 rows), against 0.495 and 0.446.
cluster_ptx=${LN_TEST_PTX:-build/test/ptx}
cluster_rows=8192
cluster_elements=$((cluster_rows * 65536))
if [[ -f $cluster_ptx/layer_norm_fwd_cluster_bf16.ptx &&
      -f $cluster_ptx/layer_norm_bwd_dx_cluster_bf16.ptx ]]; then
  cluster_counts=(1 16 33 66)
  ((quick)) && cluster_counts=(1 33)
  for clusters in "${cluster_counts[@]}"; do
    step "cluster-forward-P$clusters" "$ln_run" kernel \
        "$cluster_ptx/layer_norm_fwd_cluster_bf16.ptx" \
        --name layer_norm_fwd_cluster --grid "8,$clusters" --block 512 \
        --bench --print 0 --arg "bf16*:$cluster_elements=randn" \
        --arg "bf16*:$cluster_elements" --arg bf16*:65536=randn \
        --arg bf16*:65536=randn --arg "f32*:$cluster_rows" \
        --arg "f32*:$cluster_rows" --arg i64=65536 --arg i64=65536 \
        --arg "i32=$cluster_rows" --arg i32=65536 --arg f32=1e-5
    step "cluster-backward-P$clusters" "$ln_run" kernel \
        "$cluster_ptx/layer_norm_bwd_dx_cluster_bf16.ptx" \
        --name layer_norm_bwd_dx_cluster --grid "8,$clusters" --block 512 \
        --bench --print 0 --arg "bf16*:$cluster_elements" \
        --arg "bf16*:$cluster_elements=randn" \
        --arg "f32*:$((clusters * 65536))" --arg "f32*:$((clusters * 65536))" \
        --arg "bf16*:$cluster_elements=randn" --arg bf16*:65536=randn \
        --arg "f32*:$cluster_rows=randn" --arg "f32*:$cluster_rows=rand" \
        --arg i64=65536 --arg i64=65536 --arg i64=65536 \
        --arg "i32=$cluster_rows" --arg i32=65536
  done
else
  skip cluster-kernels "no $cluster_ptx/layer_norm_{fwd,bwd_dx}_cluster_bf16.ptx" \
       "(ninja -C build ln_test_ptx builds them; LN_TEST_PTX names another" \
       "folder)"
fi

benchmarks=python/benchmarks
with_ln=(env PYTHONPATH=dist/python PYTHONUNBUFFERED=1 "$python")
layer_norm=("${with_ln[@]}" "$benchmarks/bench_layer_norm.py"
            --preset seed:f16,bf16,f32 --preset training:bf16 --rep "$rep"
            --out "$out/layer-norm")
((quick)) && layer_norm+=(--quick)
[[ -n ${LN_BENCH_MAX_MINUTES:-} ]] &&
  layer_norm+=(--max-minutes "$LN_BENCH_MAX_MINUTES")
[[ -n ${LN_LIGER_PATH:-} ]] && layer_norm+=(--liger-path "$LN_LIGER_PATH")
started=$(date +%s)
step layer-norm "${layer_norm[@]}"
# bench_layer_norm.py writes its report when it ends; results.json, after
# every N: a run that stopped early is rendered from it (if it got as far
# as one N: an older results.json is not this run's).
results=$out/layer-norm/results.json
if [[ $last_verdict == FAIL && -s $results ]] &&
   (($(stat -c %Y "$results") >= started)); then
  step layer-norm-replot "$python" "$benchmarks/bench_layer_norm.py" \
      --replot "$results" --out "$out/layer-norm"
fi

if [[ -f $benchmarks/bench_host_cost.py ]]; then
  host_cost=("${with_ln[@]}" "$benchmarks/bench_host_cost.py")
  ((quick)) && host_cost+=(--samples 5)
  step host-cost "${host_cost[@]}"
fi

if [[ -f $benchmarks/bench_training_step.py ]]; then
  if "$python" -c "import transformers" > /dev/null 2>&1; then
    training=("${with_ln[@]}" "$benchmarks/bench_training_step.py")
    ((quick)) && training+=(--steps 10 --warmup 2)
    step training-step "${training[@]}"
  else
    skip training-step "transformers is not installed for $python" \
         "(pip install transformers)"
  fi
fi

if ((interrupted)); then
  echo "gpu-bench: interrupted; the steps after it did not run" |
    tee -a "$summary"
else
  echo "gpu-bench: $((count - failures)) of $count steps passed or were" \
       "skipped, $failures failed; see $summary" | tee -a "$summary"
fi
# One file to take off the machine: every table, CSV, plot and log.
if tar -czf "$out.tgz" -C "$(dirname "$out")" "$(basename "$out")"; then
  echo "gpu-bench: packed into $out.tgz ($(du -h "$out.tgz" | cut -f 1))"
else
  echo "gpu-bench: packing $out into $out.tgz failed" >&2
  failures=$((failures + 1))
fi
((interrupted)) && exit 130
[[ $failures -eq 0 ]]
