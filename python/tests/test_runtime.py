"""The package's import and the runtime bindings: these need neither torch nor
a GPU, and run in CI (where LN_REQUIRE_RUNTIME=1 makes a missing runtime
library a failure rather than a skip)."""

from __future__ import annotations

import ctypes
import os
import re
import sys
from pathlib import Path

import pytest

import ln
from ln import _runtime

HEADER = Path(__file__).resolve().parents[2] / "include/ln/Runtime/ln.h"
# Non-null, 16-byte aligned device addresses that are never dereferenced:
# each call below fails before a kernel could touch them.
FAKE = 1 << 20


def run_ok(run_python, code: str, tmp_path: Path, **environment: str) -> str:
    """run_python's stdout; the child must exit 0."""
    result = run_python(code, tmp_path, timeout=60, **environment)
    assert result.returncode == 0, result.stderr
    return result.stdout


def declared_functions() -> dict[str, int]:
    """The functions ln.h declares, with their number of parameters."""
    text = re.sub(r"/\*.*?\*/", "", HEADER.read_text(), flags=re.S)
    functions = {}
    for match in re.finditer(r"\b(ln_\w+)\s*\(([^)]*)\)\s*;", text):
        parameters = match.group(2).strip()
        functions[match.group(1)] = (
            0 if parameters in ("", "void") else parameters.count(",") + 1)
    return functions


def test_import_needs_neither_torch_nor_a_gpu(tmp_path, run_python):
    output = run_ok(run_python, """
        import sys

        class BlockTorch:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "torch":
                    raise ImportError("torch is blocked by this test")

        sys.meta_path.insert(0, BlockTorch())
        import ln
        assert "torch" not in sys.modules
        assert issubclass(ln.LnNoGpuError, ln.LnError)
        assert issubclass(ln.LnInvalidArgument, ValueError)
        try:
            ln.layer_norm
        except ImportError as error:
            print("needs torch:", error)
    """, tmp_path, LN_CUDA_LIBRARY="/nonexistent/libcuda.so.1")
    assert output.startswith("needs torch: torch is blocked"), output


def test_a_lazy_attribute_is_imported_once(tmp_path, run_python):
    """ln.layer_norm, ln.nn and ln.ops become attributes of the module at
    their first lookup: a model calling ln.layer_norm at every step does
    not go through the module's __getattr__ and import_module each time
    (a few microseconds a call). import_module is replaced by a recorder,
    so that neither torch nor a GPU is needed."""
    output = run_ok(run_python, """
        import types
        import ln

        imported = []

        def import_module(name, package=None):
            imported.append(name)
            module = types.ModuleType(package + name)
            module.layer_norm = object()
            return module

        ln.importlib = types.SimpleNamespace(import_module=import_module)
        first = ln.layer_norm
        assert ln.layer_norm is first and vars(ln)["layer_norm"] is first
        assert ln.nn is ln.nn and vars(ln)["nn"] is ln.nn
        print(imported)
    """, tmp_path)
    assert output.strip() == "['.functional', '.nn']", output


def test_missing_library_is_a_clear_error(tmp_path, run_python):
    missing = tmp_path / "nowhere" / "libln_runtime.so"
    output = run_ok(run_python, """
        import ln
        try:
            ln.init()
        except ln.LnLibraryError as error:
            print(error)
    """, tmp_path, LN_RUNTIME_LIBRARY=str(missing))
    assert "libln_runtime.so not found" in output
    assert f"$LN_RUNTIME_LIBRARY points to {missing}" in output


@pytest.mark.skipif(not HEADER.is_file(), reason=f"{HEADER} not found")
def test_every_c_api_function_is_bound(runtime_library):
    functions = declared_functions()
    assert "ln_layer_norm_forward" in functions
    for name, parameters in functions.items():
        function = getattr(runtime_library, name)
        assert function.argtypes is not None, f"{name} is not declared"
        assert len(function.argtypes) == parameters, name


def test_library_is_found_where_the_package_looks(runtime_library):
    path = _runtime.library_path()
    assert path.name == "libln_runtime.so"
    assert path in _runtime.library_candidates()


def test_no_driver_is_a_clear_error(runtime_library, tmp_path, run_python):
    output = run_ok(run_python, """
        import ln
        try:
            ln.init()
        except ln.LnNoGpuError as error:
            print(error)
    """, tmp_path, LN_CUDA_LIBRARY="/nonexistent/libcuda.so.1",
        LN_RUNTIME_LIBRARY=str(_runtime.library_path()))
    assert output.startswith("/nonexistent/libcuda.so.1 could not be loaded, "
                             "so there is no usable NVIDIA driver"), output


def test_launch_without_driver_is_a_clear_error(kernels_embedded, tmp_path,
                                                run_python):
    output = run_ok(run_python, f"""
        import ln
        from ln import _runtime
        try:
            _runtime.layer_norm_forward(
                _runtime.DType.F16, None, 4, 8, 1e-5, {FAKE}, 8, {FAKE},
                {FAKE}, {FAKE}, 8, {FAKE}, {FAKE})
        except ln.LnNoGpuError as error:
            print(error)
    """, tmp_path, LN_CUDA_LIBRARY="/nonexistent/libcuda.so.1",
        LN_RUNTIME_LIBRARY=str(_runtime.library_path()))
    assert output.startswith("/nonexistent/libcuda.so.1 could not be loaded, "
                             "so there is no usable NVIDIA driver"), output


FORWARD_ARGUMENTS = dict(dtype=_runtime.DType.F16, stream=None, M=4, N=8,
                         eps=1e-5, x=FAKE, x_row_stride=8, weight=FAKE,
                         bias=FAKE, y=FAKE, y_row_stride=8, mean=FAKE,
                         rstd=FAKE)


@pytest.mark.parametrize("change, message", [
    (dict(M=0), "M and N must be at least 1, got M=0 N=8"),
    (dict(N=0), "M and N must be at least 1, got M=4 N=0"),
    (dict(x_row_stride=4), r"x_row_stride \(4\) must be at least N \(8\)"),
    (dict(y_row_stride=7), r"y_row_stride \(7\) must be at least N \(8\)"),
    (dict(dtype=7), "dtype 7 is not LN_F16, LN_BF16 or LN_F32"),
    (dict(x=None), "x is null"),
    (dict(rstd=None), "rstd is null"),
    # A misaligned element access would kill the kernel and the context.
    (dict(y=FAKE + 1),
     r"y \(0x100001\) is not aligned to its 2-byte f16 elements"),
    (dict(dtype=_runtime.DType.F32, x=FAKE + 2),
     r"x \(0x100002\) is not aligned to its 4-byte f32 elements"),
    (dict(mean=FAKE + 2),
     r"mean \(0x100002\) is not aligned to its 4-byte f32 elements"),
    # eps = 0 is valid (torch accepts it); negative and NaN are not.
    (dict(eps=-1.0), "eps must be .*finite"),
    (dict(eps=float("nan")), "eps must be .*finite"),
])
def test_invalid_arguments_are_rejected_before_touching_the_gpu(
        runtime_library, change, message):
    with pytest.raises(ln.LnInvalidArgument, match=message):
        _runtime.layer_norm_forward(**dict(FORWARD_ARGUMENTS, **change))
    # The message stays until the next call on this thread.
    assert re.search(message, _runtime.last_error())


BACKWARD_ARGUMENTS = dict(dtype=_runtime.DType.F16, stream=None, M=4, N=8,
                          dy=FAKE, dy_row_stride=8, x=FAKE, x_row_stride=8,
                          weight=FAKE, mean=FAKE, rstd=FAKE, dx=FAKE,
                          dx_row_stride=8, dw=FAKE, db=FAKE, workspace=FAKE)


@pytest.mark.parametrize("change, message", [
    # dw and db come from one reduction: both, or neither (dx alone).
    (dict(dw=None), "dw is null but db is not"),
    (dict(db=None), "db is null but dw is not"),
    (dict(dx=None), "dx is null"),
    (dict(dx_row_stride=7), r"dx_row_stride \(7\) must be at least N"),
])
def test_invalid_backward_arguments_are_rejected_before_touching_the_gpu(
        kernels_embedded, change, message):
    with pytest.raises(ln.LnInvalidArgument, match=message):
        _runtime.layer_norm_backward(**dict(BACKWARD_ARGUMENTS, **change))


def test_dx_alone_is_a_valid_backward(kernels_embedded, tmp_path,
                                      run_python):
    """dw and db both None pass the checks: only the missing driver stops
    the call."""
    output = run_ok(run_python, f"""
        import ln
        from ln import _runtime
        try:
            _runtime.layer_norm_backward(
                _runtime.DType.F16, None, 4, 8, {FAKE}, 8, {FAKE}, 8, {FAKE},
                {FAKE}, {FAKE}, {FAKE}, 8, None, None, {FAKE})
        except ln.LnNoGpuError as error:
            print(error)
    """, tmp_path, LN_CUDA_LIBRARY="/nonexistent/libcuda.so.1",
        LN_RUNTIME_LIBRARY=str(_runtime.library_path()))
    assert output.startswith("/nonexistent/libcuda.so.1 could not be loaded, "
                             "so there is no usable NVIDIA driver"), output


def test_workspace_size(kernels_embedded):
    size = _runtime.layer_norm_backward_workspace_size
    small = size(_runtime.DType.F16, 4096, 1024)
    large = size(_runtime.DType.F16, 4096, 8192)
    # Up to 4096 features, the persistent pass's partial rows (at most 1024
    # programs) outweigh the locked pass's 256 rows and their locks.
    assert small == 2 * 1024 * 1024 * 4
    assert size(_runtime.DType.F16, 100, 1024) == 2 * 100 * 1024 * 4
    # f16 rows of 8192 are persistent too, with as many partial rows as
    # 256 multiprocessors hold CTAs of their kernel: 1024 aligned (16 warps,
    # 4 by threads, the cap), 768 unaligned (16 warps and 64 KB of shared
    # memory: 3).
    # Auto runs f32 rows of 8192 on the locked pass (96 partial rows and
    # 2 x 96 int32 locks), but the workspace also fits the persistent
    # pass that LN_BACKWARD_PARTIAL_ROWS asks for there: the 8704 block,
    # 17 warps and 68 KB of shared memory, 3 CTAs a multiprocessor.
    assert large == 2 * 1024 * 8192 * 4
    assert size(_runtime.DType.F32, 4096, 8192) == 2 * 768 * 8192 * 4
    assert small % 256 == 0 and large % 256 == 0
    # The partial dw and db buffers are float32 whatever the dtype.
    assert size(_runtime.DType.F32, 4096, 1024) == small
    assert size(_runtime.DType.F16, 0, 8) == 0
    assert size(_runtime.DType.F16, 8, 0) == 0
    assert size(_runtime.DType.F16, 8, 2**31) == 0
    assert size(999, 8, 8) == 0  # not an ln_dtype
    # Rows wider than the fused kernels sum over slabs of rows, here one
    # (two rows): one partial row each for dw and db, no locks.
    partial_row = (20000 * 4 + 255) // 256 * 256
    assert size(_runtime.DType.F32, 2, 20000) == 2 * partial_row


def test_launch_ptx_rejects_bad_launches(runtime_library):
    with pytest.raises(ln.LnInvalidArgument,
                       match="grid and block dimensions must be at least 1"):
        _runtime.launch_ptx(".version 8.0", "kernel", grid=(0,),
                            block=(32,))
    with pytest.raises(ln.LnInvalidArgument, match="ptx is null"):
        _runtime.check(runtime_library.ln_launch_ptx(
            None, b"kernel", (ctypes.c_uint * 3)(1, 1, 1),
            (ctypes.c_uint * 3)(1, 1, 1), 0, None, None))
    with pytest.raises(ValueError, match="at most 3 dimensions"):
        _runtime.launch_ptx(".version 8.0", "kernel", grid=(1, 1, 1, 1),
                            block=(32,))
