"""ln's LayerNorm as PyTorch operators, and the launches behind them.

    torch.ops.ln.layer_norm_fwd(x, normalized_shape, weight, bias, eps)
        -> (y, mean, rstd)
    torch.ops.ln.layer_norm_bwd(dy, x, normalized_shape, mean, rstd, weight,
                                bias, output_mask) -> (dx, dw, db)

They have fake (meta) implementations, registered here, so torch.compile,
torch.export and torch.library.opcheck see them as single opaque nodes;
the forward carries its autograd formula (the backward operator) and runs
in float32 under autocast, as torch's layer_norm does. Their kernels launch
through the runtime's C API on the tensors' device and torch's current
stream there; every scratch buffer comes from torch's caching allocator,
so both can be captured into CUDA graphs.

Importing this module defines them once, in one of two ways (`native`):
the C++ operator library (csrc/ln_torch_ops.cpp, built on first use by
ln._native), where an eager call costs one dispatcher call; or, where it
cannot be built or LN_TORCH_OPS=python, torch.library custom operators
wrapping `forward` and `backward` below, which compute the same.
"""

import functools
import math
import operator
import re
from typing import Optional, Sequence

import torch

from . import _native, _runtime

__all__ = [
    "normalize_shape", "check_arguments", "count_rows", "as_rows", "forward",
    "backward", "check_backward_arguments", "native", "runtime_error",
    "layer_norm_fwd", "layer_norm_bwd", "eager_layer_norm",
]

_DTYPES = {
    torch.float16: _runtime.DType.F16,
    torch.bfloat16: _runtime.DType.BF16,
    torch.float32: _runtime.DType.F32,
}

#===----------------------------------------------------------------------===#
# Arguments
#===----------------------------------------------------------------------===#


def _dimension(size):
    # operator.index admits numpy integers and refuses floats, as torch
    # does; SymInts pass as they are, so tracing does not specialize them.
    return size if isinstance(size, (int, torch.SymInt)) else operator.index(
        size)


def normalize_shape(normalized_shape) -> list:
    """normalized_shape as a list of sizes: an int (or numpy integer) is
    one dimension; a sequence (or other iterable) lists them.

    isinstance tests only, which torch.compile traces without a break."""
    if isinstance(normalized_shape, (list, tuple)):  # torch.Size included
        return [_dimension(size) for size in normalized_shape]
    if isinstance(normalized_shape, (int, torch.SymInt)):
        return [normalized_shape]
    try:
        return [operator.index(normalized_shape)]  # a numpy integer
    except TypeError:  # an iterable, such as a numpy array
        return [_dimension(size) for size in normalized_shape]


def check_arguments(x, normalized_shape: Sequence[int],
                    weight: Optional[torch.Tensor],
                    bias: Optional[torch.Tensor]) -> int:
    """Raises TypeError or ValueError naming what ln cannot compute;
    returns N, the number of features normalized together."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
    if x.device.type != "cuda":
        raise ValueError(f"ln.layer_norm runs on CUDA tensors, but x is on "
                         f"{x.device}")
    if x.dtype not in _DTYPES:
        raise TypeError(f"ln.layer_norm supports torch.float16, "
                        f"torch.bfloat16 and torch.float32; x is {x.dtype}")
    shape = tuple(normalized_shape)
    if not shape:
        raise ValueError("normalized_shape must name at least one dimension")
    if x.dim() < len(shape) or x.shape[x.dim() - len(shape):] != shape:
        raise ValueError(f"normalized_shape {list(shape)} must equal the "
                         f"last dimensions of x, of shape {list(x.shape)}")
    for name, tensor in (("weight", weight), ("bias", bias)):
        if tensor is None:
            continue
        if not isinstance(tensor, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor or None, got "
                            f"{type(tensor).__name__}")
        if tensor.shape != shape:
            raise ValueError(f"{name} must have shape {list(shape)} "
                             f"(normalized_shape), got {list(tensor.shape)}")
        if tensor.device != x.device:
            raise ValueError(f"{name} is on {tensor.device} but x is on "
                             f"{x.device}")
        if not tensor.is_floating_point():
            raise TypeError(f"{name} must be a floating-point tensor, got "
                            f"{tensor.dtype}")
    return math.prod(shape)


def check_backward_arguments(dy, x, normalized_shape: Sequence[int],
                             mean, rstd, weight: Optional[torch.Tensor],
                             bias: Optional[torch.Tensor]) -> tuple[int, int]:
    """check_arguments, and that dy and the statistics are what the kernels
    read: dy as x (shape, dtype, device), mean and rstd as M contiguous
    float32 values on x's device. Returns (M, N). The C++ operators check
    the same, with the same messages."""
    N = check_arguments(x, normalized_shape, weight, bias)
    M = count_rows(x, normalized_shape)
    if (not isinstance(dy, torch.Tensor) or dy.shape != x.shape
            or dy.device != x.device or dy.dtype != x.dtype):
        got = (f"{list(dy.shape)}, {dy.dtype}, {dy.device}"
               if isinstance(dy, torch.Tensor) else type(dy).__name__)
        raise ValueError(f"dy must match x ({list(x.shape)}, {x.dtype}, "
                         f"{x.device}), got {got}")
    for stats in (mean, rstd):
        if (not isinstance(stats, torch.Tensor)
                or stats.dtype != torch.float32 or stats.numel() != M
                or not stats.is_contiguous() or stats.device != x.device):
            raise ValueError(f"mean and rstd must be {M} contiguous float32 "
                             f"values on {x.device}")
    return M, N


#===----------------------------------------------------------------------===#
# Launches
#===----------------------------------------------------------------------===#


class _CApi:
    """ln.h's functions, looked up once: ctypes then only converts the
    arguments with the argtypes _runtime declared."""

    forward = None
    backward = None


def _c_api() -> type[_CApi]:
    if _CApi.forward is None:
        library = _runtime.library()
        _CApi.backward = library.ln_layer_norm_backward
        _CApi.forward = library.ln_layer_norm_forward
    return _CApi


@functools.lru_cache(maxsize=256)
def _workspace_size(dtype: _runtime.DType, M: int, N: int) -> int:
    return _runtime.layer_norm_backward_workspace_size(dtype, M, N)


# The raw handle of torch's current stream, without building a Stream
# object on every launch (torch.cuda.current_stream is the fallback).
_current_raw_stream = getattr(torch._C, "_cuda_getCurrentRawStream", None)


def _call(device: int, function, dtype: _runtime.DType, *arguments) -> None:
    """Calls a launching C API function with the current stream of
    `device`, made current first unless it already is: the runtime
    launches in the calling thread's current context, torch's primary
    context of that device."""
    if _current_raw_stream is not None:
        stream = _current_raw_stream(device)
    else:
        stream = torch.cuda.current_stream(device).cuda_stream
    if device == torch.cuda.current_device():
        status = function(dtype, stream, *arguments)
    else:
        with torch.cuda.device(device):
            status = function(dtype, stream, *arguments)
    if status:
        _runtime.check(status)


def as_rows(tensor: torch.Tensor, M: int, N: int
            ) -> tuple[torch.Tensor, int]:
    """`tensor` as M rows of N contiguous elements, and their stride.

    A contiguous tensor is returned as it is (only its data pointer and the
    row stride reach the kernels); leading dimensions that collapse into
    one stride are viewed, not copied (a slice of a wider tensor keeps its
    row stride); anything else, such as a non-contiguous row or overlapping
    rows, is copied.
    """
    if tensor.is_contiguous():
        return tensor, N
    try:
        rows = tensor.view(M, N)
    except RuntimeError:  # the dimensions do not collapse
        rows = None
    if rows is not None and (rows.stride(1) == 1 or N == 1):
        # A single row's stride is meaningless; the runtime wants >= N.
        stride = rows.stride(0) if M > 1 else N
        if stride >= N:
            return rows, stride
    return tensor.reshape(M, N).contiguous(), N


# Ones and zeros standing in for an absent weight or bias, per
# (N, dtype, device): the kernels always read both.
_constants: dict = {}


def _parameter(tensor: Optional[torch.Tensor], fill: float,
               x: torch.Tensor, N: int) -> torch.Tensor:
    """weight or bias as the kernels read them: N contiguous elements of
    x's dtype (a copy when the parameter has another dtype)."""
    if tensor is not None:
        if tensor.dtype != x.dtype:
            tensor = tensor.to(x.dtype)
        return tensor if tensor.is_contiguous() else tensor.contiguous()
    key = (N, x.dtype, x.device, fill)
    constant = _constants.get(key)
    if constant is None:
        constant = torch.full((N,), fill, dtype=x.dtype, device=x.device)
        # One made while a CUDA graph is captured is filled only when the
        # graph replays, and lives in its pool: it must not outlive it.
        if not torch.cuda.is_current_stream_capturing():
            _constants[key] = constant
    return constant


def forward(x: torch.Tensor, M: int, N: int, weight: Optional[torch.Tensor],
            bias: Optional[torch.Tensor], eps: float, y: torch.Tensor,
            mean: int, rstd: int) -> tuple[torch.Tensor, int]:
    """Launches the forward kernel: y (contiguous, x's shape and dtype), and
    M float32 means and rstds at the device addresses `mean` and `rstd`.
    Returns the rows of x the kernel read and their stride, for the
    backward pass. Arguments are checked (check_arguments)."""
    if not (M and N):
        return x, N  # nothing to normalize: no launch, as torch does
    rows, stride = as_rows(x, M, N)
    weight = _parameter(weight, 1.0, x, N)
    bias = _parameter(bias, 0.0, x, N)
    _call(x.get_device(), _c_api().forward, _DTYPES[x.dtype], M, N, eps,
          rows.data_ptr(), stride, weight.data_ptr(), bias.data_ptr(),
          y.data_ptr(), N, mean, rstd)
    return rows, stride


def _align(size: int) -> int:
    return (size + 255) // 256 * 256


def backward(dy: torch.Tensor, rows: torch.Tensor, stride: int,
             x_shape: Sequence[int], M: int, N: int,
             weight: Optional[torch.Tensor], bias: Optional[torch.Tensor],
             mean: int, rstd: int, output_mask: Sequence[bool]
             ) -> tuple[Optional[torch.Tensor], Optional[torch.Tensor],
                        Optional[torch.Tensor]]:
    """Launches the backward kernels: dx (x_shape, rows' dtype), dw and db
    (weight's and bias's shape and dtype), each None where `output_mask`
    does not ask for it (and dw, db where there is no weight, bias).

    Where neither dw nor db is asked for, the C API skips their sums (both
    NULL); otherwise it computes dx, dw and db together, and what is not
    asked for is written into scratch after the workspace, in the same
    allocation.
    """
    need_dx, need_dw, need_db = output_mask
    need_dw = need_dw and weight is not None
    need_db = need_db and bias is not None
    device, dtype = rows.device, rows.dtype
    if not (M and N):  # no launch: the sums over no rows are zeros
        return (torch.empty(x_shape, dtype=dtype, device=device)
                if need_dx else None,
                weight.new_zeros(weight.shape) if need_dw else None,
                bias.new_zeros(bias.shape) if need_db else None)

    # Outputs the kernels write as they are; dw/db of another dtype than
    # x are computed in x's and converted below.
    dx = torch.empty(x_shape, dtype=dtype, device=device) if need_dx else None
    dw = (torch.empty(N, dtype=dtype, device=device)
          if need_dw else None)
    db = (torch.empty(N, dtype=dtype, device=device)
          if need_db else None)
    ln_dtype = _DTYPES[dtype]
    size = _workspace_size(ln_dtype, M, N)
    scratch_dx = 0 if need_dx else _align(M * N * rows.element_size())
    need_sums = need_dw or need_db
    scratch_dwdb = ((0 if need_dw else 1) + (0 if need_db else 1)
                    if need_sums else 0)
    row_bytes = _align(N * rows.element_size())
    workspace = torch.empty(size + scratch_dx + scratch_dwdb * row_bytes,
                            dtype=torch.uint8, device=device)
    scratch = workspace.data_ptr() + size
    dx_pointer = dx.data_ptr() if need_dx else scratch
    scratch += scratch_dx
    dw_pointer = dw.data_ptr() if need_dw else scratch
    scratch += 0 if need_dw else row_bytes
    db_pointer = db.data_ptr() if need_db else scratch
    if not need_sums:
        dw_pointer = db_pointer = None

    dy_rows, dy_stride = as_rows(dy, M, N)
    kernel_weight = _parameter(weight, 1.0, rows, N)
    _call(rows.get_device(), _c_api().backward, ln_dtype, M, N,
          dy_rows.data_ptr(), dy_stride, rows.data_ptr(), stride,
          kernel_weight.data_ptr(), mean, rstd, dx_pointer, N, dw_pointer,
          db_pointer, workspace.data_ptr())
    if need_dw:
        dw = dw.view(weight.shape).to(weight.dtype)
    if need_db:
        db = db.view(bias.shape).to(bias.dtype)
    return dx, dw, db


#===----------------------------------------------------------------------===#
# The operators
#===----------------------------------------------------------------------===#


def count_rows(x: torch.Tensor, normalized_shape: Sequence[int]) -> int:
    """M: the number of rows, the product of the leading dimensions."""
    return math.prod(x.shape[:x.dim() - len(normalized_shape)])



DOUBLE_BACKWARD_REFUSED = (
    "ln.layer_norm is differentiable once: its backward pass "
    "(ln::layer_norm_bwd) has no derivative, so double backward (e.g. "
    "torch.autograd.grad(..., create_graph=True) followed by another "
    "backward through it) is not supported; use "
    "torch.nn.functional.layer_norm there")


def _define_python_operators():
    """torch.ops.ln's operators as torch.library custom operators over
    `forward` and `backward` (csrc/ln_torch_ops.cpp defines the same in
    C++, the double backward's message included); returns them."""

    @torch.library.custom_op(
        "ln::layer_norm_fwd", mutates_args=(), device_types="cuda",
        schema="(Tensor x, SymInt[] normalized_shape, Tensor? weight, "
               "Tensor? bias, float eps) -> (Tensor, Tensor, Tensor)")
    def layer_norm_fwd(x, normalized_shape, weight, bias, eps):
        """y of x's shape and dtype, then the float32 mean and rstd of each
        of the M rows (M = the product of x's leading dimensions)."""
        N = check_arguments(x, normalized_shape, weight, bias)
        M = count_rows(x, normalized_shape)
        y = torch.empty(x.shape, dtype=x.dtype, device=x.device)
        # Two allocations where ln.layer_norm makes one: a custom
        # operator's outputs may not alias each other.
        mean = torch.empty(M, dtype=torch.float32, device=x.device)
        rstd = torch.empty(M, dtype=torch.float32, device=x.device)
        forward(x, M, N, weight, bias, eps, y, mean.data_ptr(),
                rstd.data_ptr())
        return y, mean, rstd

    @torch.library.custom_op(
        "ln::layer_norm_bwd", mutates_args=(), device_types="cuda",
        schema="(Tensor dy, Tensor x, SymInt[] normalized_shape, "
               "Tensor mean, Tensor rstd, Tensor? weight, Tensor? bias, "
               "bool[3] output_mask) -> (Tensor, Tensor, Tensor)")
    def layer_norm_bwd(dy, x, normalized_shape, mean, rstd, weight, bias,
                       output_mask):
        """dx, dw and db of layer_norm_fwd; an empty tensor in place of each
        one output_mask does not ask for (or of dw, db without weight,
        bias)."""
        M, N = check_backward_arguments(dy, x, normalized_shape, mean, rstd,
                                        weight, bias)
        rows, stride = as_rows(x, M, N) if M and N else (x, N)
        grads = backward(dy, rows, stride, x.shape, M, N, weight, bias,
                         mean.data_ptr(), rstd.data_ptr(), output_mask)
        return tuple(dy.new_empty(0) if grad is None else grad
                     for grad in grads)

    def setup_context(ctx, inputs, output):
        x, normalized_shape, weight, bias, _ = inputs
        _, mean, rstd = output
        ctx.save_for_backward(x, weight, bias, mean, rstd)
        ctx.normalized_shape = normalized_shape

    def backward_formula(ctx, dy, _dmean, _drstd):
        x, weight, bias, mean, rstd = ctx.saved_tensors
        need_dx, _, need_dw, need_db, _ = ctx.needs_input_grad
        dx, dw, db = layer_norm_bwd(dy, x, ctx.normalized_shape, mean, rstd,
                                    weight, bias, [need_dx, need_dw, need_db])
        return (dx if need_dx else None, None, dw if need_dw else None,
                db if need_db else None, None)

    def refuse_double_backward(ctx, *grads):
        raise RuntimeError(DOUBLE_BACKWARD_REFUSED)

    layer_norm_fwd.register_autograd(backward_formula,
                                     setup_context=setup_context)
    layer_norm_bwd.register_autograd(refuse_double_backward)
    # torch's autocast runs layer_norm in float32 (it is on the CUDA fp32
    # list): floating-point inputs are cast to float32, and so is the
    # output.
    layer_norm_fwd.register_autocast("cuda", torch.float32)
    return layer_norm_fwd, layer_norm_bwd


_library = _native.load()
# True where the C++ operator library defines torch.ops.ln's operators.
native = _library is not None
# The library's eager call of layer_norm_fwd (csrc/ln_torch_eager.cpp):
# (x, normalized_shape, weight, bias, eps) -> y, or NotImplemented for
# arguments it does not read; None with the Python operators.
eager_layer_norm = _library.layer_norm if native else None
if native:
    layer_norm_fwd = torch.ops.ln.layer_norm_fwd
    layer_norm_bwd = torch.ops.ln.layer_norm_bwd
else:
    layer_norm_fwd, layer_norm_bwd = _define_python_operators()


@torch.library.register_fake("ln::layer_norm_fwd")
def _(x, normalized_shape, weight, bias, eps):
    check_arguments(x, normalized_shape, weight, bias)
    M = count_rows(x, normalized_shape)
    return (torch.empty(x.shape, dtype=x.dtype, device=x.device),
            x.new_empty(M, dtype=torch.float32),
            x.new_empty(M, dtype=torch.float32))


@torch.library.register_fake("ln::layer_norm_bwd")
def _(dy, x, normalized_shape, mean, rstd, weight, bias, output_mask):
    check_backward_arguments(dy, x, normalized_shape, mean, rstd, weight,
                             bias)
    need_dx, need_dw, need_db = output_mask
    return (torch.empty(x.shape, dtype=x.dtype, device=x.device)
            if need_dx else dy.new_empty(0),
            torch.empty_like(weight, memory_format=torch.contiguous_format)
            if need_dw and weight is not None else dy.new_empty(0),
            torch.empty_like(bias, memory_format=torch.contiguous_format)
            if need_db and bias is not None else dy.new_empty(0))


# How the C++ operators report a failing ln_status (csrc's check()).
_RUNTIME_FAILURE = re.compile(r"ln runtime error (\d+): (.*)", re.DOTALL)


def runtime_error(error: Exception) -> Optional[_runtime.LnError]:
    """The ln.LnError a C++ operator's RuntimeError or ValueError stands
    for, as the Python operators raise it; None for any other error."""
    match = _RUNTIME_FAILURE.match(str(error))
    if match is None:
        return None
    return _runtime.status_error(int(match.group(1)), match.group(2))
