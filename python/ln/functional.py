"""ln's LayerNorm for PyTorch: an autograd function on ln's kernels."""

from __future__ import annotations

from typing import Optional, Sequence, Union

import torch

from . import _runtime

__all__ = ["layer_norm", "LayerNormFunction"]

_DTYPES = {torch.float16: _runtime.F16, torch.bfloat16: _runtime.BF16,
           torch.float32: _runtime.F32}


class _LazyLibrary:
    """The runtime library, loaded on first use (importing ln.functional
    must not fail where the library is missing)."""

    def __getattr__(self, name):
        return getattr(_runtime.library(), name)


_LIBRARY = _LazyLibrary()


def _ln_dtype(tensor: torch.Tensor) -> int:
    try:
        return _DTYPES[tensor.dtype]
    except KeyError:
        raise TypeError(
            f"ln.layer_norm supports float16, bfloat16 and float32, "
            f"got {tensor.dtype}") from None


def _rows(x: torch.Tensor) -> tuple[torch.Tensor, int]:
    """x as M rows of N contiguous features, and the rows' stride.

    Leading dimensions that collapse into one strided dimension are kept as
    they are (no copy); anything else is made contiguous.
    """
    features = x.shape[-1]
    if x.dim() == 1:
        x = x.unsqueeze(0)
    if x.stride(-1) != 1:
        x = x.contiguous()
    try:
        rows = x.view(-1, features)
    except RuntimeError:
        rows = x.reshape(-1, features).contiguous()
    stride = rows.stride(0) if rows.shape[0] > 1 else features
    return rows, max(stride, features)


def _stream(device: torch.device) -> int:
    """The raw handle of the device's current stream: what ln launches on."""
    index = device.index if device.index is not None else \
        torch.cuda.current_device()
    raw = getattr(torch._C, "_cuda_getCurrentRawStream", None)
    if raw is not None:  # no Stream object per call: this is the hot path
        return raw(index)
    return torch.cuda.current_stream(device).cuda_stream


class LayerNormFunction(torch.autograd.Function):
    """y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias over the last
    dimension, with the tutorial's fused forward and backward kernels."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, weight: torch.Tensor,
                bias: torch.Tensor, eps: float) -> torch.Tensor:
        rows, stride = _rows(x)
        M, N = rows.shape
        y = torch.empty((M, N), dtype=x.dtype, device=x.device)
        mean = torch.empty(M, dtype=torch.float32, device=x.device)
        rstd = torch.empty(M, dtype=torch.float32, device=x.device)
        if M > 0:
            _runtime.check(_LIBRARY.ln_layer_norm_forward(
                _ln_dtype(x), _stream(x.device), M, N, eps, rows.data_ptr(),
                stride, weight.data_ptr(), bias.data_ptr(), y.data_ptr(), N,
                mean.data_ptr(), rstd.data_ptr()))
        ctx.save_for_backward(rows, weight, mean, rstd)
        ctx.row_stride = stride
        ctx.x_shape = x.shape
        return y.view(x.shape)

    @staticmethod
    def backward(ctx, dy: torch.Tensor):
        rows, weight, mean, rstd = ctx.saved_tensors
        M, N = rows.shape
        dy_rows, dy_stride = _rows(dy)
        dx = torch.empty((M, N), dtype=rows.dtype, device=rows.device)
        dw = torch.empty(N, dtype=weight.dtype, device=rows.device)
        db = torch.empty(N, dtype=weight.dtype, device=rows.device)
        if M == 0:
            return dx.view(ctx.x_shape), dw.zero_(), db.zero_(), None
        dtype = _ln_dtype(rows)
        workspace = torch.empty(
            _runtime.backward_workspace_size(dtype, M, N), dtype=torch.uint8,
            device=rows.device)
        _runtime.check(_LIBRARY.ln_layer_norm_backward(
            dtype, _stream(rows.device), M, N, dy_rows.data_ptr(), dy_stride,
            rows.data_ptr(), ctx.row_stride, weight.data_ptr(),
            mean.data_ptr(), rstd.data_ptr(), dx.data_ptr(), N,
            dw.data_ptr(), db.data_ptr(), workspace.data_ptr()))
        return dx.view(ctx.x_shape), dw, db, None


def _check_arguments(x: torch.Tensor, normalized_shape, weight, bias):
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
    if x.device.type != "cuda":
        raise ValueError(f"ln.layer_norm runs on CUDA tensors; x is on "
                         f"{x.device}")
    if x.dim() == 0:
        raise ValueError("x must have at least one dimension")
    shape = ((normalized_shape,) if isinstance(normalized_shape, int)
             else tuple(normalized_shape))
    if len(shape) != 1 or shape[0] != x.shape[-1]:
        raise ValueError(
            f"ln.layer_norm normalizes over the last dimension only: "
            f"normalized_shape must be ({x.shape[-1]},), got {shape}")
    _ln_dtype(x)
    for name, tensor in (("weight", weight), ("bias", bias)):
        if tensor is None:
            continue
        if tensor.shape != (x.shape[-1],):
            raise ValueError(f"{name} must have shape ({x.shape[-1]},), got "
                             f"{tuple(tensor.shape)}")
        if tensor.device != x.device:
            raise ValueError(f"{name} is on {tensor.device}, x on {x.device}")
        if tensor.dtype != x.dtype:
            raise TypeError(f"{name} is {tensor.dtype}, x is {x.dtype}: ln "
                            f"needs them equal")


def layer_norm(x: torch.Tensor,
               normalized_shape: Union[int, Sequence[int]],
               weight: Optional[torch.Tensor] = None,
               bias: Optional[torch.Tensor] = None,
               eps: float = 1e-5) -> torch.Tensor:
    """Drop-in for torch.nn.functional.layer_norm on CUDA f16/bf16/f32
    tensors normalized over their last dimension (any leading dimensions).
    Differentiable with respect to x, weight and bias."""
    _check_arguments(x, normalized_shape, weight, bias)
    N = x.shape[-1]
    if weight is None:
        weight = torch.ones(N, dtype=x.dtype, device=x.device)
    if bias is None:
        bias = torch.zeros(N, dtype=x.dtype, device=x.device)
    weight, bias = weight.contiguous(), bias.contiguous()
    if x.device.index == torch.cuda.current_device():
        return LayerNormFunction.apply(x, weight, bias, float(eps))
    # ln uses the calling thread's current context: make x's device current.
    with torch.cuda.device(x.device):
        return LayerNormFunction.apply(x, weight, bias, float(eps))
