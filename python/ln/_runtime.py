"""ctypes bindings of libln_runtime's C API (include/ln/Runtime/ln.h).

Nothing here needs torch or a GPU: the library is located and loaded on first
use, and the runtime itself reports the absence of a driver when a call needs
one. Pointers and streams are passed as integers (``tensor.data_ptr()``,
``torch.cuda.Stream.cuda_stream``); every failing status raises the exception
matching it, carrying the runtime's ``ln_last_error()`` message.

The library is looked up, in order, at:

1. ``$LN_RUNTIME_LIBRARY`` (when set, it is the only candidate);
2. ``<package>/../../lib/libln_runtime.so`` (``cmake --install`` tree:
   ``<prefix>/python/ln`` beside ``<prefix>/lib``);
3. ``<package>/lib/libln_runtime.so`` (a copy shipped inside the package);
4. ``<repository>/build/lib/libln_runtime.so`` (the source tree's build).
"""

from __future__ import annotations

import ctypes
import enum
import os
import threading
from pathlib import Path
from typing import Optional, Sequence, Union

__all__ = [
    "LnError", "LnLibraryError", "LnNoGpuError", "LnInvalidArgument",
    "LnCudaError", "LnUnsupported", "DType", "library_candidates", "library",
    "library_path", "last_error", "status_error", "check", "init",
    "layer_norm_forward", "layer_norm_backward_workspace_size",
    "layer_norm_backward",
    "BackwardAlgorithm", "set_backward_algorithm", "release_workspaces",
    "launch_ptx",
]

LIBRARY_NAME = "libln_runtime.so"
LIBRARY_ENV = "LN_RUNTIME_LIBRARY"

#===----------------------------------------------------------------------===#
# Errors
#===----------------------------------------------------------------------===#


class LnError(RuntimeError):
    """A failure reported by the ln runtime; the message names the cause."""


class LnLibraryError(LnError):
    """libln_runtime.so could not be found or loaded."""


class LnNoGpuError(LnError):
    """No NVIDIA driver (libcuda.so.1) or no CUDA device on this machine."""


class LnInvalidArgument(LnError, ValueError):
    """The runtime rejected an argument (shape, stride, pointer, ...)."""


class LnCudaError(LnError):
    """The CUDA driver reported an error."""


class LnUnsupported(LnError):
    """A valid request this build of ln cannot serve (e.g. a build without
    its kernels, configured with LN_BUILD_COMPILER=OFF)."""


# ln_status -> exception; LN_SUCCESS (0) raises nothing.
_STATUS_ERRORS: dict[int, type[LnError]] = {
    1: LnNoGpuError,
    2: LnInvalidArgument,
    3: LnCudaError,
    4: LnUnsupported,
}


class DType(enum.IntEnum):
    """ln_dtype: the element type of x, y, weight, bias, dy and dx."""

    F16 = 0
    BF16 = 1
    F32 = 2


#===----------------------------------------------------------------------===#
# Loading
#===----------------------------------------------------------------------===#

_PACKAGE_DIR = Path(__file__).resolve().parent


def library_candidates() -> list[Path]:
    """Where the runtime library is looked for, in order."""
    override = os.environ.get(LIBRARY_ENV)
    if override:
        return [Path(override)]
    return [
        _PACKAGE_DIR.parent.parent / "lib" / LIBRARY_NAME,
        _PACKAGE_DIR / "lib" / LIBRARY_NAME,
        _PACKAGE_DIR.parent.parent / "build" / "lib" / LIBRARY_NAME,
    ]


_lock = threading.Lock()
_library: Optional[ctypes.CDLL] = None
_library_path: Optional[Path] = None


def _declare(lib: ctypes.CDLL, path: Path) -> None:
    """Declares the signatures of ln.h's functions on `lib`, loaded from
    `path`."""
    c_int, c_i64, c_ptr = ctypes.c_int, ctypes.c_int64, ctypes.c_void_p
    c_dim3 = ctypes.POINTER(ctypes.c_uint)
    signatures = {
        "ln_last_error": (ctypes.c_char_p, []),
        "ln_init": (c_int, []),
        "ln_layer_norm_forward": (c_int, [
            c_int, c_ptr, c_i64, c_i64, ctypes.c_float,  # dtype stream M N eps
            c_ptr, c_i64, c_ptr, c_ptr,  # x x_row_stride weight bias
            c_ptr, c_i64, c_ptr, c_ptr,  # y y_row_stride mean rstd
        ]),
        "ln_layer_norm_backward_workspace_size": (ctypes.c_size_t, [
            c_int, c_i64, c_i64,  # dtype M N
        ]),
        "ln_layer_norm_backward": (c_int, [
            c_int, c_ptr, c_i64, c_i64,  # dtype stream M N
            c_ptr, c_i64, c_ptr, c_i64,  # dy dy_row_stride x x_row_stride
            c_ptr, c_ptr, c_ptr,  # weight mean rstd
            c_ptr, c_i64, c_ptr, c_ptr, c_ptr,  # dx dx_row_stride dw db workspace
        ]),
        "ln_set_backward_algorithm": (c_int, [c_int]),
        "ln_release_workspaces": (c_int, []),
        "ln_launch_ptx": (c_int, [
            ctypes.c_char_p, ctypes.c_char_p,  # ptx entry
            c_dim3, c_dim3, ctypes.c_uint,  # grid block dynamic_shared_bytes
            c_ptr, ctypes.POINTER(c_ptr),  # stream arguments
        ]),
    }
    for name, (restype, argtypes) in signatures.items():
        try:
            function = getattr(lib, name)
        except AttributeError:
            raise LnLibraryError(
                f"{path} lacks {name}: it is older than this package; "
                f"rebuild and reinstall ln") from None
        function.restype = restype
        function.argtypes = argtypes


def library() -> ctypes.CDLL:
    """The runtime library, loaded on first use with ln.h's signatures.

    Raises LnLibraryError if it is not found or does not load.
    """
    global _library, _library_path
    if _library is not None:  # every launch comes here: no lock once loaded
        return _library
    with _lock:
        if _library is not None:
            return _library
        candidates = library_candidates()
        path = next((p for p in candidates if p.is_file()), None)
        if path is None:
            where = (f"${LIBRARY_ENV} points to {candidates[0]}, which does "
                     f"not exist" if os.environ.get(LIBRARY_ENV) else
                     "looked in " + ", ".join(map(str, candidates)))
            raise LnLibraryError(
                f"{LIBRARY_NAME} not found ({where}); build and install ln "
                f"(cmake --install build --prefix dist) or set "
                f"{LIBRARY_ENV} to the library's path")
        try:
            lib = ctypes.CDLL(str(path))
        except OSError as error:
            raise LnLibraryError(f"{path} could not be loaded: "
                                 f"{error}") from error
        _declare(lib, path)
        _library, _library_path = lib, path
        return lib


def library_path() -> Path:
    """The file the runtime library was loaded from (loading it if needed)."""
    library()
    assert _library_path is not None
    return _library_path


#===----------------------------------------------------------------------===#
# The C API
#===----------------------------------------------------------------------===#


def last_error() -> str:
    """ln_last_error(): the message of this thread's last failure, or ""."""
    return library().ln_last_error().decode(errors="replace")


def status_error(status: int, message: str) -> LnError:
    """The exception matching a failing ln_status, carrying `message`."""
    return _STATUS_ERRORS.get(status, LnError)(message)


def check(status: int) -> None:
    """Raises the exception matching a failing ln_status."""
    if status == 0:
        return
    message = last_error() or f"ln runtime call failed with status {status}"
    raise status_error(status, message)


def init() -> None:
    """ln_init(): loads the CUDA driver; LnNoGpuError where there is none."""
    check(library().ln_init())


def layer_norm_forward(dtype: DType, stream: Optional[int], M: int, N: int,
                       eps: float, x: int, x_row_stride: int, weight: int,
                       bias: int, y: int, y_row_stride: int, mean: int,
                       rstd: int) -> None:
    """ln_layer_norm_forward(): y, mean and rstd of the M x N matrix x.

    Pointers are device addresses in the current CUDA context; `stream` is a
    CUstream handle (None: the legacy default stream).
    """
    check(library().ln_layer_norm_forward(
        dtype, stream, M, N, eps, x, x_row_stride, weight, bias, y,
        y_row_stride, mean, rstd))


def layer_norm_backward_workspace_size(dtype: DType, M: int, N: int) -> int:
    """Bytes of scratch layer_norm_backward() needs (0: shape not served)."""
    return int(library().ln_layer_norm_backward_workspace_size(dtype, M, N))


def layer_norm_backward(dtype: DType, stream: Optional[int], M: int, N: int,
                        dy: int, dy_row_stride: int, x: int,
                        x_row_stride: int, weight: int, mean: int, rstd: int,
                        dx: int, dx_row_stride: int, dw: Optional[int],
                        db: Optional[int],
                        workspace: Optional[int]) -> None:
    """ln_layer_norm_backward(): dx, dw and db from dy and the forward's
    mean and rstd (dw and db both None: dx alone, their sums skipped).
    `workspace` holds layer_norm_backward_workspace_size()
    bytes, 16-byte aligned (None: the runtime's own, refused while the
    stream is captured into a CUDA graph)."""
    check(library().ln_layer_norm_backward(
        dtype, stream, M, N, dy, dy_row_stride, x, x_row_stride, weight, mean,
        rstd, dx, dx_row_stride, dw, db, workspace))


class BackwardAlgorithm(enum.IntEnum):
    """ln_backward_algorithm: how the backward pass sums dw and db."""
    AUTO = 0
    PARTIAL_ROWS = 1  # a persistent dx kernel, one partial row per program
    LOCKED = 2  # the Triton tutorial's spin-locked partial rows


def set_backward_algorithm(algorithm: BackwardAlgorithm) -> None:
    """ln_set_backward_algorithm(): the algorithm of every later backward
    pass in the process."""
    check(library().ln_set_backward_algorithm(int(algorithm)))


def release_workspaces() -> None:
    """ln_release_workspaces(): frees the workspaces the runtime allocated
    in the current context for backward passes given none."""
    check(library().ln_release_workspaces())


def launch_ptx(ptx: Union[str, bytes], entry: str,
               grid: Sequence[int], block: Sequence[int],
               arguments: Sequence[ctypes._SimpleCData] = (),
               stream: Optional[int] = None,
               dynamic_shared_bytes: int = 0) -> None:
    """ln_launch_ptx(): launches kernel `entry` of a PTX module (JIT-loaded
    once per context) with grid x block threads on `stream`.

    `arguments` are the kernel's parameters in order, as ctypes values of
    their types: ctypes.c_void_p(tensor.data_ptr()) for a pointer,
    ctypes.c_int32(n), ctypes.c_float(eps), ...
    The launch gets `dynamic_shared_bytes`, or more where the PTX records
    that its local blocks take more.
    """
    def dims(name: str, values: Sequence[int]):
        values = tuple(values) + (1,) * (3 - len(values))
        if len(values) != 3:
            raise ValueError(f"{name} has at most 3 dimensions, got "
                             f"{len(values)}")
        return (ctypes.c_uint * 3)(*values)

    if isinstance(ptx, str):
        ptx = ptx.encode()
    pointers = (ctypes.c_void_p * max(len(arguments), 1))(
        *(ctypes.addressof(argument) for argument in arguments))
    check(library().ln_launch_ptx(
        ptx, entry.encode(), dims("grid", grid), dims("block", block),
        dynamic_shared_bytes, stream, pointers if arguments else None))
