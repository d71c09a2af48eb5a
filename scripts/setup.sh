#!/usr/bin/env bash
# Installs what building and testing ln needs on Debian 12; safe to run again.
#   LLVM/MLIR 22 (Debian: llvm-22-dev libmlir-22-dev mlir-22-tools
#   llvm-22-tools), CMake, Ninja, g++, GoogleTest, Python 3 with pytest
#   and pip (the install test pip-installs the package offline), clang 22
#   and libFuzzer (scripts/fuzz.sh).
# CUDA's ptxas is not a Debian package: it is expected under
# /usr/local/cuda/bin (the test suite assembles every PTX it produces).
set -euo pipefail

packages=(cmake ninja-build g++ git llvm-22-dev libmlir-22-dev mlir-22-tools
          llvm-22-tools libgtest-dev python3 python3-pytest python3-numpy
          python3-pip python3-setuptools clang-22 libfuzzer-22-dev
          libclang-rt-22-dev)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null |
    grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
    "${missing[@]}" >/dev/null
fi

if ! command -v ptxas >/dev/null && [[ ! -x /usr/local/cuda/bin/ptxas ]]; then
  echo "setup: CUDA's ptxas was not found (looked on PATH and in" \
       "/usr/local/cuda/bin); install the CUDA toolkit (13.0)." >&2
  exit 1
fi
echo "setup: all dependencies present"
