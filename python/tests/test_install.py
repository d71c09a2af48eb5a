"""A pip install of the install tree's python/ folder finds its runtime
library without environment variables, from any folder. Needs neither
torch nor a GPU; needs the install tree (scripts/build.sh makes dist/)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

DIST_PYTHON = Path(__file__).resolve().parents[2] / "dist" / "python"


def test_pip_installed_package_finds_its_runtime(tmp_path):
    if not (DIST_PYTHON / "ln" / "lib" / "libln_runtime.so").is_file():
        pytest.skip(f"no install tree with its runtime at {DIST_PYTHON} "
                    f"(run scripts/build.sh)")
    if subprocess.run([sys.executable, "-m", "pip", "--version"],
                      capture_output=True).returncode != 0:
        pytest.skip(f"{sys.executable} has no pip")
    # A copy: pip builds in the source folder, which stays untouched.
    source = tmp_path / "source"
    shutil.copytree(DIST_PYTHON, source,
                    ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "site"
    # Offline, with the interpreter's own setuptools (as on a GPU machine
    # without network access).
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "--no-index", "--no-build-isolation", "--target", str(target),
         str(source)], check=True, capture_output=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("LN_") and key != "PYTHONPATH"}
    environment["PYTHONPATH"] = str(target)
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent("""
            import ln
            from ln import _native
            print(ln.__file__)
            print(ln.library_path())
            print(_native.SOURCE)
            print(_native.header_directory())
            print(*_native.SOURCES, *_native.LOCAL_HEADERS, sep=";")
            try:
                ln.init()
                print("initialized")
            except ln.LnNoGpuError:
                print("no GPU")
        """)], capture_output=True, text=True, cwd=elsewhere,
        env=environment, timeout=60)
    assert result.returncode == 0, result.stderr
    package, library, source, headers, built_from, status = \
        result.stdout.split("\n")[:6]
    assert Path(package).parent == target / "ln"
    assert Path(library) == target / "ln" / "lib" / "libln_runtime.so"
    # What the C++ operator library is built from on first use.
    assert Path(source) == target / "ln" / "csrc" / "ln_torch_ops.cpp"
    assert Path(source).is_file()
    # Every file it is compiled from: a header left out of the package
    # made the build fail, and ln fall back to its Python operators.
    for path in map(Path, built_from.split(";")):
        assert path.parent == target / "ln" / "csrc"
        assert path.is_file(), f"{path.name} is not in the installed package"
    assert Path(headers) == target / "ln" / "include"
    assert status in ("initialized", "no GPU")


DIST_BIN = DIST_PYTHON.parent / "bin"
ROOT = Path(__file__).resolve().parents[2]
KERNELS = ROOT / "kernels"


def require_llvm_of_the_build():
    """The installed compiler needs the MLIR and LLVM shared libraries it
    was built against (a GPU machine may run the install tree without
    them): skips unless the build's LLVM is on this machine."""
    cache = ROOT / "build" / "CMakeCache.txt"
    llvm = None
    if cache.is_file():
        for line in cache.read_text().splitlines():
            if line.startswith("LLVM_DIR:PATH="):
                # <prefix>/lib/cmake/llvm -> <prefix>/lib
                llvm = Path(line.split("=", 1)[1]).parents[1]
    if llvm is None or not any(llvm.glob("libMLIR.so*")):
        pytest.skip("the MLIR/LLVM libraries the compiler was built against "
                    "are not on this machine")


def test_installed_compiler_runs_from_any_folder(tmp_path):
    """dist/bin/ln-opt and ln-translate find the MLIR and LLVM libraries by
    their run path, from a folder outside the build, without
    LD_LIBRARY_PATH."""
    if not (DIST_BIN / "ln-opt").is_file():
        pytest.skip(f"no install tree at {DIST_BIN} (run scripts/build.sh)")
    require_llvm_of_the_build()
    environment = {key: value for key, value in os.environ.items()
                   if key != "LD_LIBRARY_PATH"}
    mlir = tmp_path / "fwd.mlir"
    subprocess.run(
        [str(DIST_BIN / "ln-opt"), str(KERNELS / "layer_norm_fwd_fused.mlir"),
         "--blk-specialize=bind=BLOCK_SIZE=256,T=f32 num-warps=1",
         "--blk-to-ptx", "-o", str(mlir)],
        check=True, capture_output=True, cwd=tmp_path, env=environment,
        timeout=120)
    ptx = subprocess.run(
        [str(DIST_BIN / "ln-translate"), "--ptx", str(mlir)], check=True,
        capture_output=True, text=True, cwd=tmp_path, env=environment,
        timeout=60).stdout
    assert ".visible .entry layer_norm_fwd_fused(" in ptx


def test_installed_ln_run_compiles_mlir_from_any_folder(tmp_path):
    """dist/bin/ln-run kernel FILE.mlir runs the installed ln-opt and
    ln-translate, from a folder outside the build: without a GPU it gets as
    far as the driver (exit 3, no GPU), with one it runs the kernel."""
    if not (DIST_BIN / "ln-run").is_file():
        pytest.skip(f"no install tree at {DIST_BIN} (run scripts/build.sh)")
    require_llvm_of_the_build()
    environment = {key: value for key, value in os.environ.items()
                   if key != "LD_LIBRARY_PATH" and not key.startswith("LN_")}
    # Only the install tree's bin/ may provide ln-opt: not PATH's.
    environment["PATH"] = "/usr/bin:/bin"
    buffers = ["--arg", "f32*:256=ones"] * 4 + ["--arg", "f32*:1"] * 2
    result = subprocess.run(
        [str(DIST_BIN / "ln-run"), "kernel",
         str(KERNELS / "layer_norm_fwd_fused.mlir"),
         "--specialize", "bind=BLOCK_SIZE=256,T=f32 num-warps=1",
         "--name", "layer_norm_fwd_fused", "--block", "32", *buffers,
         "--arg", "i64=256", "--arg", "i64=256", "--arg", "i32=256",
         "--arg", "f32=1e-5"],
        capture_output=True, text=True, cwd=tmp_path, env=environment,
        timeout=300)
    assert result.returncode in (0, 3), result.stderr
    if result.returncode == 3:
        assert "no usable NVIDIA driver" in result.stderr or \
            "no CUDA device" in result.stderr, result.stderr
    else:
        assert "layer_norm_fwd_fused: grid (1, 1, 1)" in result.stdout
