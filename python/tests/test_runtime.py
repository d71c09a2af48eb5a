"""The runtime bindings: these need neither torch nor a GPU, and run in CI."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import ln
from ln import _runtime


def _library_or_skip():
    try:
        return _runtime.library()
    except _runtime.LnError as error:
        if os.environ.get("LN_REQUIRE_RUNTIME") == "1":
            raise  # CI builds the library first: its absence is a failure.
        pytest.skip(f"runtime library not built: {error}")


def test_import_needs_no_torch_or_gpu():
    code = "import ln, ln._runtime; print(ln.LnNoGpuError.__mro__[1].__name__)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                            text=True, cwd=Path(__file__).parents[1])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "LnError"


def test_library_loads_and_declares_the_c_api():
    lib = _library_or_skip()
    for name in ("ln_init", "ln_last_error", "ln_layer_norm_forward",
                 "ln_layer_norm_backward",
                 "ln_layer_norm_backward_workspace_size"):
        assert hasattr(lib, name)
    assert _runtime.library_path().name == "libln_runtime.so"


def test_no_driver_is_a_clear_error():
    _library_or_skip()
    code = textwrap.dedent("""
        import ln
        from ln import _runtime
        try:
            _runtime.init()
        except ln.LnNoGpuError as error:
            print("NOGPU", error)
        else:
            print("GPU")
    """)
    env = dict(os.environ, LN_CUDA_LIBRARY="/nonexistent/libcuda.so.1")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                            text=True, env=env, cwd=Path(__file__).parents[1])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("NOGPU"), result.stdout
    assert "/nonexistent/libcuda.so.1" in result.stdout
    assert "driver" in result.stdout


def test_invalid_arguments_are_rejected_before_touching_the_gpu():
    lib = _library_or_skip()
    status = lib.ln_layer_norm_forward(_runtime.F16, None, 0, 8, 1e-5, None,
                                       8, None, None, None, 8, None, None)
    with pytest.raises(ln.LnInvalidArgument, match="M and N must be at least 1"):
        _runtime.check(status)
    status = lib.ln_layer_norm_forward(_runtime.F16, None, 4, 8, 1e-5, None,
                                       4, None, None, None, 8, None, None)
    with pytest.raises(ln.LnInvalidArgument, match="x_row_stride"):
        _runtime.check(status)
    status = lib.ln_layer_norm_forward(7, None, 4, 8, 1e-5, None, 8, None,
                                       None, None, 8, None, None)
    with pytest.raises(ln.LnInvalidArgument, match="dtype"):
        _runtime.check(status)


def test_workspace_grows_with_the_problem():
    _library_or_skip()
    small = _runtime.backward_workspace_size(_runtime.F16, 4096, 1024)
    large = _runtime.backward_workspace_size(_runtime.F16, 4096, 8192)
    assert 0 < small < large
    assert small % 256 == 0 and large % 256 == 0
    assert _runtime.backward_workspace_size(_runtime.F16, 0, 8) == 0
