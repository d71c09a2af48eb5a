#!/usr/bin/env bash
# Fuzzes the compiler: builds fuzz/ln-opt-fuzzer with clang, coverage and
# AddressSanitizer in build-fuzz/ (once, then incrementally), seeds it with
# every MLIR case of test/ and kernels/ (split at `// -----`), and runs it
# for SECONDS (default 60). Exits 1 if it found a crash, a hang or a memory
# error; the input that caused it is kept in build-fuzz/findings/.
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}

if [[ ! -f build-fuzz/build.ninja ]]; then
  flags="-fsanitize=fuzzer-no-link,address -fno-omit-frame-pointer"
  CC=clang-22 CXX=clang++-22 cmake -G Ninja -S . -B build-fuzz \
    -DCMAKE_BUILD_TYPE=Release -DLN_BUILD_FUZZER=ON \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" >/dev/null
fi
cmake --build build-fuzz --target ln-opt-fuzzer

seeds=build-fuzz/seeds
rm -rf "$seeds"
mkdir -p "$seeds" build-fuzz/corpus build-fuzz/findings
find test kernels -name '*.mlir' -print0 | while IFS= read -r -d '' file; do
  awk -v out="$seeds/$(echo "$file" | tr / _)" '
    /^\/\/ -----/ { n++; next }
    { print > (out "." n) }' n=0 "$file"
done
echo "fuzz: $(ls "$seeds" | wc -l) seeds, ${seconds} s"
# Leaks are not findings: MLIR keeps its registries for the process.
ASAN_OPTIONS=detect_leaks=0 build-fuzz/bin/ln-opt-fuzzer \
  build-fuzz/corpus "$seeds" -dict=fuzz/mlir.dict \
  -max_total_time="$seconds" -timeout=60 \
  -rss_limit_mb=4096 -artifact_prefix=build-fuzz/findings/ \
  -print_final_stats=1 2>&1 | grep -vE "^#[0-9]+\s+(NEW|REDUCE|pulse)" || {
  echo "fuzz: a finding is in build-fuzz/findings/" >&2
  exit 1
}
