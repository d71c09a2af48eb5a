#!/usr/bin/env bash
# shellcheck disable=SC2054  # commas separate ln-run's list values
# On a GPU machine: every correctness check that needs a GPU, in one
# command, against the installed tree dist/ (bin/ln-run, python/ln) and,
# where it is present, the build tree build/:
#   - ln-run layernorm --check (float64 reference), forward and backward
#     with each backward algorithm (auto, partial-rows, locked), f16, bf16
#     and f32, M = 1 and 300 over N at every kernel family's bounds
#     (1000 to 65536), and M = 4096 over a few of them;
#   - compute-sanitizer: memcheck on a few shapes of both passes, racecheck
#     on a forward and a backward pass at wide N (the whole sanitizer
#     matrix is scripts/gpu-sanitize.sh);
#   - build/bin/GpuTests (GoogleTest: the runtime's workspace, threads and
#     graph capture on the GPU);
#   - the lit suite, build/test, whose Integration/ tests run ln-run on the
#     GPU (only those where LLVM's FileCheck is missing);
#   - the differential tester's GPU half (scripts/difftest.py run) on
#     kernels prepared by scripts/difftest.py prepare: the folder given by
#     --difftest-cases or LN_DIFFTEST_CASES (prepared on the build machine,
#     which has the compiler), else prepared here where build/bin/ln-opt
#     and ptxas run;
#   - the Python tests (PYTHONPATH=dist/python, LN_REQUIRE_RUNTIME=1).
# Each step runs to its end (under `timeout`) whatever the others did.
#
#   scripts/gpu-check.sh [--difftest-cases DIR] [OUTDIR]
#       OUTDIR: the logs (default gpu-check-out); DIR: difftest cases that
#       `scripts/difftest.py prepare --seed 1 --count 500 --work DIR` wrote
#       on the build machine (PATH=$PWD/build/bin:/usr/local/cuda/bin:$PATH)
#
# Paths are relative to the repository root. Needs an NVIDIA GPU and
# driver (nvidia-smi), dist/ (scripts/build.sh installs it), python3 with
# pytest (and torch for the PyTorch tests); optional: CUDA's
# compute-sanitizer and ptxas, build/ and LLVM 22's lit.
# Environment: LN_RUN (default dist/bin/ln-run), LN_BUILD (default build),
# COMPUTE_SANITIZER (default compute-sanitizer on PATH, else
# /usr/local/cuda/bin/compute-sanitizer), LIT (default
# /usr/lib/llvm-22/bin/lit, else lit on PATH), PYTHON (default python3),
# LN_DIFFTEST_CASES (as --difftest-cases), LN_DIFFTEST_SEED and
# LN_DIFFTEST_COUNT (the kernels prepared here: 1 and 500),
# LN_CHECK_TIMEOUT (seconds per step, default 1800).
# Writes OUTDIR/<step>.log per step, OUTDIR/environment.txt (GPU, driver,
# commit) and OUTDIR/summary.txt (a line per step: PASS, FAIL or SKIP, the
# seconds it took and the command or why it was skipped); exits 1 if any
# step failed, 2 if it cannot start (no GPU, no dist/, bad arguments).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

# The header above, as the usage text.
usage() {
  sed -n '3,/^set -uo/s/^# \{0,1\}//p' scripts/gpu-check.sh
}

out=
cases=${LN_DIFFTEST_CASES:-}
while (($#)); do
  case $1 in
    -h | --help)
      usage
      exit 0
      ;;
    --difftest-cases)
      if (($# < 2)); then
        echo "gpu-check: --difftest-cases needs a folder" >&2
        exit 2
      fi
      cases=$2
      shift
      ;;
    --difftest-cases=*) cases=${1#*=} ;;
    -*)
      echo "gpu-check: unknown option '$1' (try --help)" >&2
      exit 2
      ;;
    *)
      if [[ -n $out ]]; then
        echo "gpu-check: one OUTDIR only, got '$out' and '$1'" >&2
        exit 2
      fi
      out=$1
      ;;
  esac
  shift
done
out=${out:-gpu-check-out}
out=${out%/}
if [[ -z $out || $(basename "$out") == . || $(basename "$out") == .. ]]; then
  echo "gpu-check: OUTDIR must name a folder of its own" >&2
  exit 2
fi
if [[ -n $cases && ! -d $cases ]]; then
  echo "gpu-check: --difftest-cases: $cases is not a folder" >&2
  exit 2
fi

ln_run=${LN_RUN:-dist/bin/ln-run}
build=${LN_BUILD:-build}
sanitizer=${COMPUTE_SANITIZER:-$(command -v compute-sanitizer ||
                                 echo /usr/local/cuda/bin/compute-sanitizer)}
python=${PYTHON:-python3}
limit=${LN_CHECK_TIMEOUT:-1800}
ptxas=$(command -v ptxas || echo /usr/local/cuda/bin/ptxas)

# No GPU, no point: say so before anything runs.
if ! command -v nvidia-smi > /dev/null; then
  echo "gpu-check: no nvidia-smi here (no NVIDIA driver); these checks need" \
       "a GPU (the checks without one are scripts/test.sh)" >&2
  exit 2
fi
if ! gpus=$(nvidia-smi -L 2>&1) || ! grep -q "^GPU " <<< "$gpus"; then
  echo "gpu-check: nvidia-smi -L finds no NVIDIA GPU here; these checks need" \
       "one (the checks without a GPU are scripts/test.sh)" >&2
  [[ -n $gpus ]] && echo "  nvidia-smi: ${gpus//$'\n'/$'\n  nvidia-smi: '}" >&2
  exit 2
fi
if [[ ! -x $ln_run ]]; then
  echo "gpu-check: $ln_run is missing: build and install dist/ first" \
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
} > "$out/environment.txt"

# The step harness (scripts/gpu-steps.sh): step, skip and record, a line
# of the summary each, a failed step's log lines matching $excerpt under
# it; Ctrl-C or a TERM stops the step that runs and then the script.
name_width=30
excerpt='FAILED|Failed Tests|=========|^FAIL|ln-run:|rror'
# shellcheck source-path=SCRIPTDIR/..
source scripts/gpu-steps.sh || exit 2

# N at the bounds of every kernel family: the forward's blocks, the
# backward's persistent kernel (registers to 4096, 8192 in 16-bit types;
# shared memory to 16384, 11264 unaligned, and f32's 8193 to 14336, 10240
# unaligned), the locked kernel (to 8192) and the split pass past them.
all_n=1000,1024,4096,4100,5000,7500,8192,8200,8700,9999,10200,10240,10700
all_n+=,11264,12000,14336,15872,16000,16383,16384,16385,20001,24576,32768
all_n+=,32769,65536
# Training-sized M (many rows a persistent program, a lock, a slab).
training_n=1024,4100,8192,8200,12000,16384,16385,32769
dtypes=(--dtype f16,bf16,f32)
check=("$ln_run" layernorm --check)

echo "gpu-check: $(head -1 <<< "$gpus"); logs in $out/"
step forward "${check[@]}" --mode forward "${dtypes[@]}" --M 1,300 \
    --N "$all_n"
step forward-M4096 "${check[@]}" --mode forward "${dtypes[@]}" --M 4096 \
    --N "$training_n"
for algorithm in auto partial-rows locked; do
  backward=("${check[@]}" --mode backward --backward-algorithm "$algorithm")
  step "backward-$algorithm" "${backward[@]}" "${dtypes[@]}" --M 1,300 \
      --N "$all_n"
  step "backward-$algorithm-M4096" "${backward[@]}" "${dtypes[@]}" \
      --M 4096 --N "$training_n"
done

if [[ -x $sanitizer ]]; then
  memcheck=("$sanitizer" --tool memcheck --error-exitcode 99)
  racecheck=("$sanitizer" --tool racecheck --error-exitcode 99)
  step memcheck "${memcheck[@]}" "${check[@]}" --mode forward,backward \
      "${dtypes[@]}" --M 1,300 --N 1000,4100,8200,12000,16385,32769
  # Wide rows: the forward's cross-warp reductions; the backward's sums in
  # shared memory (bf16 16384, f32 14336) and its split pass (f32 16384).
  step racecheck-forward "${racecheck[@]}" "${check[@]}" --mode forward \
      --dtype bf16,f32 --M 300 --N 16384
  step racecheck-backward "${racecheck[@]}" "${check[@]}" --mode backward \
      --dtype bf16,f32 --M 300 --N 14336,16384
else
  for name in memcheck racecheck-forward racecheck-backward; do
    skip "$name" "no compute-sanitizer: looked on PATH and for $sanitizer"
  done
fi

# With a GPU here, a skipped GoogleTest means the runtime found none.
if [[ -x $build/bin/GpuTests ]]; then
  step --fail-if '^\[  SKIPPED \]' "GpuTests skipped tests: the runtime found no GPU" \
      GpuTests "$build/bin/GpuTests"
else
  skip GpuTests "no $build/bin/GpuTests: no build tree here"
fi

lit=${LIT:-$(if [[ -x /usr/lib/llvm-22/bin/lit ]]; then
               echo /usr/lib/llvm-22/bin/lit
             else
               command -v lit
             fi)}
site=$build/test/lit.site.cfg.py
configured=$(sed -n 's/^config.ln_obj_root = "\(.*\)"$/\1/p' "$site" 2>/dev/null)
if [[ -z $lit ]]; then
  skip lit "no lit: looked for /usr/lib/llvm-22/bin/lit and lit on PATH"
elif [[ ! -f $site ]]; then
  skip lit "no $site: no build tree here"
elif [[ $(realpath -m "$configured") != $(realpath -m "$build") ]]; then
  skip lit "$site names the build tree $configured, not $(realpath -m "$build"):" \
       "lit runs only where build/ was configured"
elif [[ ! -x $ptxas ]]; then
  skip lit "no ptxas (lit's configuration needs it): looked on PATH and for $ptxas"
else
  lit_args=(-sv --show-unsupported)
  if [[ ! -x /usr/lib/llvm-22/bin/FileCheck ]]; then
    echo "gpu-check: no LLVM 22 here (FileCheck): lit runs Integration/ only"
    lit_args+=(--filter 'Integration/')
  fi
  # Integration/ is unsupported where lit's own probe sees no GPU.
  step --fail-if 'UNSUPPORTED: LN :: Integration/' \
      "lit saw no GPU: the Integration tests did not run" \
      lit "$lit" "${lit_args[@]}" "$build/test"
fi

# The differential tester's GPU half: kernels compiled where the compiler
# is, their CPU evaluator's outputs beside them.
difftest_run=("$python" scripts/difftest.py run --ln-run "$ln_run")
if [[ -n $cases ]]; then
  skip difftest-prepare "prepared cases given: $cases"
  step difftest "${difftest_run[@]}" --work "$cases"
elif "$build/bin/ln-opt" --version > /dev/null 2>&1 && [[ -x $ptxas ]]; then
  cases=$out/difftest-cases
  step difftest-prepare env "PATH=$(realpath "$build/bin"):$PATH" \
      "$python" scripts/difftest.py prepare \
      --seed "${LN_DIFFTEST_SEED:-1}" --count "${LN_DIFFTEST_COUNT:-500}" \
      --ptxas "$ptxas -arch=sm_90" --work "$cases"
  step difftest "${difftest_run[@]}" --work "$cases"
else
  skip difftest-prepare "no compiler here ($build/bin/ln-opt with LLVM 22," \
       "and ptxas); prepare cases on the build machine and pass" \
       "--difftest-cases DIR"
  skip difftest "no prepared cases"
fi

if "$python" -c "import pytest" > /dev/null 2>&1; then
  step pytest env PYTHONPATH=dist/python LN_REQUIRE_RUNTIME=1 \
      "$python" -m pytest -q -rs python/tests
elif ((!interrupted)); then
  record FAIL 0 pytest "(pytest is not installed for $python: pip install pytest)"
fi

if ((interrupted)); then
  echo "gpu-check: interrupted; the steps after it did not run" |
    tee -a "$summary"
  exit 130
fi
echo "gpu-check: $((count - failures)) of $count steps passed or were" \
     "skipped, $failures failed; see $summary" | tee -a "$summary"
[[ $failures -eq 0 ]]
