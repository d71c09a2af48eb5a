"""ln's LayerNorm for PyTorch: an autograd function on ln's kernels.

The forward and backward passes are the Triton tutorial's (the seed of ln),
compiled by ln and launched through the runtime's C API on the tensors'
device and on torch's current stream there, so they order with the
surrounding torch work like any torch kernel. The backward pass's scratch
(locks and partial dw/db sums) comes from torch's caching allocator.
"""

from __future__ import annotations

import contextlib
import functools
import math
from typing import Any, ContextManager, Optional, Sequence, Union

import torch
from torch.autograd.function import FunctionCtx, once_differentiable

from . import _runtime

__all__ = ["layer_norm", "LayerNormFunction"]

_DTYPES = {
    torch.float16: _runtime.DType.F16,
    torch.bfloat16: _runtime.DType.BF16,
    torch.float32: _runtime.DType.F32,
}


def _as_rows(tensor: torch.Tensor) -> tuple[torch.Tensor, int]:
    """`tensor` as an M x N matrix with contiguous rows, and its row stride.

    Leading dimensions that collapse into one stride are viewed, not copied
    (a slice of a wider tensor keeps its row stride); anything else, such as
    a non-contiguous last dimension or overlapping rows, is copied. A
    contiguous tensor is returned as it is: only its data pointer and row
    stride reach the kernels.
    """
    N = tensor.shape[-1]
    if tensor.is_contiguous():
        return tensor, N
    M = math.prod(tensor.shape[:-1])
    try:
        rows = tensor.view(M, N)
    except RuntimeError:  # the leading dimensions do not collapse
        rows = None
    if rows is not None and (rows.stride(1) == 1 or N == 1):
        # A single row's stride is meaningless; the runtime wants >= N.
        stride = rows.stride(0) if M > 1 else N
        if stride >= N:
            return rows, stride
    return tensor.reshape(M, N).contiguous(), N


# The raw handle of torch's current stream, without building a Stream
# object on every launch (torch.cuda.current_stream is the fallback).
_current_raw_stream = getattr(torch._C, "_cuda_getCurrentRawStream", None)


def _stream(device: torch.device) -> int:
    """The CUstream handle of torch's current stream on `device`."""
    if _current_raw_stream is not None:
        return _current_raw_stream(device.index)
    return torch.cuda.current_stream(device).cuda_stream


def _current(device: torch.device) -> ContextManager[Any]:
    """Makes `device` current, unless it already is: the runtime launches
    in the calling thread's current CUDA context, which is then torch's
    primary context of that device."""
    if device.index == torch.cuda.current_device():
        return contextlib.nullcontext()
    return torch.cuda.device(device)


@functools.lru_cache(maxsize=256)
def _workspace_size(dtype: _runtime.DType, M: int, N: int) -> int:
    return _runtime.layer_norm_backward_workspace_size(dtype, M, N)


def _forward(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor,
             eps: float
             ) -> tuple[torch.Tensor, torch.Tensor, int, torch.Tensor]:
    """Runs the forward kernel: y (a new contiguous tensor of x's shape),
    the rows of x it read and their stride, and the float32 statistics the
    backward pass needs, mean then rstd (2M values in one allocation)."""
    rows, x_stride = _as_rows(x)
    N = x.shape[-1]
    M = rows.numel() // N if N else 0
    # y is allocated in x's shape, not viewed into it: a view returned
    # by a custom Function could not be modified in place afterwards.
    y = torch.empty(x.shape, dtype=x.dtype, device=x.device)
    stats = torch.empty(2 * M, dtype=torch.float32, device=x.device)
    if M and N:
        mean = stats.data_ptr()
        with _current(x.device):
            _runtime.layer_norm_forward(
                _DTYPES[x.dtype], _stream(x.device), M, N, eps,
                rows.data_ptr(), x_stride, weight.data_ptr(),
                bias.data_ptr(), y.data_ptr(), N, mean, mean + 4 * M)
    return y, rows, x_stride, stats


class LayerNormFunction(torch.autograd.Function):
    """y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias over the last
    dimension of x, with ln's fused forward and backward kernels.

    Inputs are validated by `layer_norm`; weight and bias are contiguous
    tensors of x's dtype and device with x.shape[-1] elements.
    """

    @staticmethod
    def forward(ctx: FunctionCtx, x: torch.Tensor, weight: torch.Tensor,
                bias: torch.Tensor, eps: float) -> torch.Tensor:
        y, rows, x_stride, stats = _forward(x, weight, bias, eps)
        ctx.save_for_backward(rows, weight, stats)
        ctx.x_stride = x_stride
        ctx.x_shape = x.shape
        return y

    @staticmethod
    @once_differentiable
    def backward(ctx: FunctionCtx, dy: torch.Tensor):
        rows, weight, stats = ctx.saved_tensors
        N = weight.shape[0]
        M = stats.shape[0] // 2
        device = rows.device
        dy_rows, dy_stride = _as_rows(dy)
        dx = torch.empty(ctx.x_shape, dtype=rows.dtype, device=device)
        dw = torch.empty(N, dtype=weight.dtype, device=device)
        db = torch.empty(N, dtype=weight.dtype, device=device)
        if dx.numel() == 0:
            dw.zero_()
            db.zero_()
        else:
            dtype = _DTYPES[rows.dtype]
            mean = stats.data_ptr()
            with _current(device):
                workspace = torch.empty(_workspace_size(dtype, M, N),
                                        dtype=torch.uint8, device=device)
                _runtime.layer_norm_backward(
                    dtype, _stream(device), M, N, dy_rows.data_ptr(),
                    dy_stride, rows.data_ptr(), ctx.x_stride,
                    weight.data_ptr(), mean, mean + 4 * M, dx.data_ptr(), N,
                    dw.data_ptr(), db.data_ptr(), workspace.data_ptr())
        needs_dw, needs_db = ctx.needs_input_grad[1:3]
        return (dx, dw if needs_dw else None, db if needs_db else None,
                None)


def _check_parameter(name: str, tensor: Optional[torch.Tensor],
                     x: torch.Tensor) -> None:
    """Raises if weight or bias does not match x in shape, device or dtype."""
    if tensor is None:
        return
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor or None, got "
                        f"{type(tensor).__name__}")
    if tuple(tensor.shape) != (x.shape[-1],):
        raise ValueError(f"{name} must have shape ({x.shape[-1]},) to match "
                         f"x's last dimension, got {tuple(tensor.shape)}")
    if tensor.device != x.device:
        raise ValueError(f"{name} is on {tensor.device} but x is on "
                         f"{x.device}")
    if tensor.dtype != x.dtype:
        raise TypeError(f"{name} is {tensor.dtype} but x is {x.dtype}: ln "
                        f"needs weight, bias and x of one dtype")


def _check_arguments(x: torch.Tensor,
                     normalized_shape: Union[int, Sequence[int]],
                     weight: Optional[torch.Tensor],
                     bias: Optional[torch.Tensor]) -> None:
    """Raises TypeError or ValueError naming what ln cannot compute."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
    if x.device.type != "cuda":
        raise ValueError(f"ln.layer_norm runs on CUDA tensors, but x is on "
                         f"{x.device}")
    if x.dtype not in _DTYPES:
        raise TypeError(f"ln.layer_norm supports torch.float16, "
                        f"torch.bfloat16 and torch.float32; x is {x.dtype}")
    if x.dim() == 0:
        raise ValueError("x must have at least one dimension")
    shape = ((normalized_shape,) if isinstance(normalized_shape, int)
             else tuple(normalized_shape))
    if shape != (x.shape[-1],):
        raise ValueError(
            f"ln.layer_norm normalizes over the last dimension only: "
            f"normalized_shape must be ({x.shape[-1]},) for x of shape "
            f"{tuple(x.shape)}, got {shape}")
    _check_parameter("weight", weight, x)
    _check_parameter("bias", bias, x)


def layer_norm(x: torch.Tensor,
               normalized_shape: Union[int, Sequence[int]],
               weight: Optional[torch.Tensor] = None,
               bias: Optional[torch.Tensor] = None,
               eps: float = 1e-5) -> torch.Tensor:
    """torch.nn.functional.layer_norm over the last dimension, by ln.

    Args:
        x: a CUDA tensor of float16, bfloat16 or float32, of any shape
            (..., N). Rows a uniform stride apart (e.g. a slice of a wider
            tensor) are read in place; other layouts are copied first.
        normalized_shape: N or (N,): only the last dimension is normalized.
        weight: (N,) tensor of x's dtype and device, or None for ones.
        bias: (N,) tensor of x's dtype and device, or None for zeros.
        eps: added to the variance, positive.

    Returns:
        A contiguous tensor of x's shape and dtype, differentiable with
        respect to x, weight and bias (once: no double backward).

    Raises:
        TypeError, ValueError: for inputs ln cannot take (wrong device,
            dtype or shapes), naming the problem.
        ln.LnError: a failure reported by the runtime (its subclasses say
            which: no GPU, a build without kernels, a CUDA error).
    """
    _check_arguments(x, normalized_shape, weight, bias)
    N = x.shape[-1]
    if weight is None:
        weight = torch.ones(N, dtype=x.dtype, device=x.device)
    if bias is None:
        bias = torch.zeros(N, dtype=x.dtype, device=x.device)
    weight, bias, eps = weight.contiguous(), bias.contiguous(), float(eps)
    if torch.is_grad_enabled() and (x.requires_grad or weight.requires_grad
                                    or bias.requires_grad):
        return LayerNormFunction.apply(x, weight, bias, eps)
    # Nothing to differentiate: skip the autograd machinery (a third of
    # a small call's host time).
    return _forward(x, weight, bias, eps)[0]
