"""ctypes bindings of libln_runtime's C API (include/ln/Runtime/ln.h).

Nothing here needs torch or a GPU: the library loads anywhere and reports
the absence of a driver when a call needs one.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path
from typing import Optional

__all__ = [
    "LnError", "LnNoGpuError", "LnInvalidArgument", "LnCudaError",
    "LnUnsupported", "F16", "BF16", "F32", "library", "library_path", "check",
]

# ln_dtype
F16, BF16, F32 = 0, 1, 2


class LnError(RuntimeError):
    """A failure reported by the ln runtime; the message names the cause."""


class LnNoGpuError(LnError):
    """No NVIDIA driver (libcuda.so.1) or no CUDA device on this machine."""


class LnInvalidArgument(LnError, ValueError):
    """The runtime rejected an argument (shape, stride, pointer, ...)."""


class LnCudaError(LnError):
    """The CUDA driver reported an error."""


class LnUnsupported(LnError):
    """A valid request this build of ln cannot serve (e.g. N too large)."""


_STATUS_ERRORS = {1: LnNoGpuError, 2: LnInvalidArgument, 3: LnCudaError,
                  4: LnUnsupported}

_PACKAGE_DIR = Path(__file__).resolve().parent


def _candidates() -> list[Path]:
    env = os.environ.get("LN_RUNTIME_LIBRARY")
    paths = [Path(env)] if env else []
    paths += [
        _PACKAGE_DIR.parent.parent / "lib" / "libln_runtime.so",  # dist/
        _PACKAGE_DIR / "lib" / "libln_runtime.so",
        _PACKAGE_DIR.parent.parent / "build" / "lib" / "libln_runtime.so",
    ]
    return paths


_library: Optional[ctypes.CDLL] = None
_library_path: Optional[Path] = None


def library() -> ctypes.CDLL:
    """The loaded runtime library, with argument types declared."""
    global _library, _library_path
    if _library is not None:
        return _library
    tried = _candidates()
    for path in tried:
        if path.is_file():
            lib = ctypes.CDLL(str(path))
            break
    else:
        raise LnError(
            "libln_runtime.so not found; looked in: "
            + ", ".join(str(p) for p in tried)
            + " (build ln, or set LN_RUNTIME_LIBRARY)")

    c_i64, c_ptr = ctypes.c_int64, ctypes.c_void_p
    lib.ln_last_error.restype = ctypes.c_char_p
    lib.ln_last_error.argtypes = []
    lib.ln_init.restype = ctypes.c_int
    lib.ln_init.argtypes = []
    lib.ln_layer_norm_forward.restype = ctypes.c_int
    lib.ln_layer_norm_forward.argtypes = [
        ctypes.c_int, c_ptr, c_i64, c_i64, ctypes.c_float,
        c_ptr, c_i64, c_ptr, c_ptr, c_ptr, c_i64, c_ptr, c_ptr]
    lib.ln_layer_norm_backward_workspace_size.restype = ctypes.c_size_t
    lib.ln_layer_norm_backward_workspace_size.argtypes = [
        ctypes.c_int, c_i64, c_i64]
    lib.ln_layer_norm_backward.restype = ctypes.c_int
    lib.ln_layer_norm_backward.argtypes = [
        ctypes.c_int, c_ptr, c_i64, c_i64, c_ptr, c_i64, c_ptr, c_i64, c_ptr,
        c_ptr, c_ptr, c_ptr, c_i64, c_ptr, c_ptr, c_ptr]
    _library, _library_path = lib, path
    return lib


def library_path() -> Path:
    """Where the runtime library was loaded from."""
    library()
    assert _library_path is not None
    return _library_path


def check(status: int) -> None:
    """Raises the exception matching a non-zero ln_status."""
    if status == 0:
        return
    message = library().ln_last_error().decode(errors="replace")
    raise _STATUS_ERRORS.get(status, LnError)(message or f"ln status {status}")


def init() -> None:
    """Loads the CUDA driver; raises LnNoGpuError where there is none."""
    check(library().ln_init())


def backward_workspace_size(dtype: int, rows: int, features: int) -> int:
    """Bytes of scratch ln_layer_norm_backward needs for this shape."""
    return int(library().ln_layer_norm_backward_workspace_size(
        dtype, rows, features))
