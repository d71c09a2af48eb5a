#!/usr/bin/env bash
# Configures (once) and builds ln with Ninja into build/, then installs the
# self-contained GPU-machine folder dist/ (bin/ln-run, lib/libln_runtime.so,
# python/ln). Incremental: run it again after a change.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -f build/build.ninja ]]; then
  cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=Release
fi
cmake --build build
cmake --install build --prefix dist >/dev/null
echo "build: installed into $(pwd)/dist"
