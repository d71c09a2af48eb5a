#!/usr/bin/env bash
# Sets up, builds and runs every test: the lit suite (IR, PTX through
# ptxas; GPU integration tests run only where a GPU is), the C++ unit tests,
# a minute of fuzzing and the Python tests that need no GPU.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh
cmake --build build --target check-ln
# A minute of fuzzing the compiler, from test/'s and kernels/' MLIR.
scripts/fuzz.sh 60
# Debian's python3 (where setup.sh installed pytest), whatever else is on PATH.
LN_REQUIRE_RUNTIME=1 /usr/bin/python3 -m pytest -q python/tests
# README's main command must succeed too. Without a GPU it compiles and shows
# a kernel (seconds, the build being done); with one it runs the whole
# benchmark sweep, which the GPU tests above already cover.
if ! nvidia-smi -L >/dev/null 2>&1; then
  scripts/demo.sh >/dev/null
  echo "test: scripts/demo.sh exited 0"
fi
