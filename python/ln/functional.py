"""ln.layer_norm: torch.nn.functional.layer_norm computed by ln's kernels.

It is the registered operator torch.ops.ln.layer_norm_fwd (ln.ops), which
torch.compile, torch.export, autocast and opcheck see. Where the operators
are the C++ library's (ln.ops.native), an eager call is one call of the
library's Python module (ln.ops.eager_layer_norm), which calls the
operator through the dispatcher without torch.ops' Python side. Where they
are Python custom operators, a call on plain CUDA tensors in eager mode,
where the dispatcher would only route the call to that operator's kernel
and autograd formula, takes a shorter path to the same launches: an
autograd.Function that keeps mean and rstd in one allocation and skips the
dispatcher's Python round trips (most of a small call's host time).
"""

from __future__ import annotations

from typing import Optional, Sequence, Union

import torch
from torch.autograd.function import FunctionCtx

from . import ops

__all__ = ["layer_norm"]

# False sends every eager call through torch.ops.ln (benchmarks and tests
# compare both paths): the C++ operators without their library's eager
# call, the Python operators through the dispatcher.
eager_fast_path = True

_PLAIN = (torch.Tensor, torch.nn.Parameter)


def _plain_eager_call(x, weight, bias) -> bool:
    """True where the dispatcher would add nothing: plain tensors (no
    FakeTensor, FunctionalTensor or other subclass), no autocast, no
    dispatch or function modes (make_fx, export), no functorch transform.
    torch.compile never gets here (layer_norm checks is_compiling first)."""
    return (type(x) is torch.Tensor
            and (weight is None or type(weight) in _PLAIN)
            and (bias is None or type(bias) in _PLAIN)
            and not torch.is_autocast_enabled("cuda")
            and torch._C._len_torch_dispatch_stack() == 0
            and not torch._C._is_torch_function_mode_enabled()
            and torch._C._functorch.peek_interpreter_stack() is None)


def _forward(x: torch.Tensor, M: int, N: int,
             weight: Optional[torch.Tensor], bias: Optional[torch.Tensor],
             eps: float):
    """y, the rows of x read and their stride, and the statistics: mean
    then rstd, 2M float32 values in one allocation."""
    y = torch.empty(x.shape, dtype=x.dtype, device=x.device)
    stats = torch.empty(2 * M, dtype=torch.float32, device=x.device)
    mean = stats.data_ptr()
    rows, stride = ops.forward(x, M, N, weight, bias, eps, y, mean,
                               mean + 4 * M)
    return y, rows, stride, stats


class LayerNormFunction(torch.autograd.Function):
    """The eager path's autograd node: ln.ops.forward and ln.ops.backward,
    as the operators' formula runs them."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: torch.Tensor,
                weight: Optional[torch.Tensor], bias: Optional[torch.Tensor],
                M: int, N: int, eps: float) -> torch.Tensor:
        y, rows, stride, stats = _forward(x, M, N, weight, bias, eps)
        ctx.save_for_backward(rows, weight, bias, stats)
        ctx.stride, ctx.x_shape, ctx.N = stride, x.shape, N
        return y

    @staticmethod
    def backward(ctx: FunctionCtx, dy: torch.Tensor):
        # A backward pass that builds a graph (create_graph=True) would get
        # gradients without one: any second derivative through them would
        # be silently lost. Refused as the operator's is.
        if torch.is_grad_enabled():
            raise RuntimeError(ops.DOUBLE_BACKWARD_REFUSED)
        rows, weight, bias, stats = ctx.saved_tensors
        M = stats.shape[0] // 2
        mean = stats.data_ptr()
        dx, dw, db = ops.backward(dy, rows, ctx.stride, ctx.x_shape, M,
                                  ctx.N, weight, bias, mean, mean + 4 * M,
                                  ctx.needs_input_grad[:3])
        return dx, dw, db, None, None, None


def _native_layer_norm(x: torch.Tensor, normalized_shape,
                       weight: Optional[torch.Tensor],
                       bias: Optional[torch.Tensor], eps) -> torch.Tensor:
    """The C++ library's y, with a failure of the runtime raised as the
    ln.LnError the Python operators raise. Its eager call where it reads
    the arguments and no __torch_function__ is to be honoured (that call
    goes to the dispatcher, which never sees it); else the operator through
    torch.ops, which checks and converts what the eager call leaves."""
    try:
        if eager_fast_path and not _has_torch_function(x, weight, bias):
            y = ops.eager_layer_norm(x, normalized_shape, weight, bias, eps)
            if y is not NotImplemented:
                return y
        if not isinstance(x, torch.Tensor):  # before the dispatcher's
            raise TypeError(f"x must be a torch.Tensor, got "
                            f"{type(x).__name__}")
        return _layer_norm_fwd(x, ops.normalize_shape(normalized_shape),
                               weight, bias, float(eps))[0]
    except (RuntimeError, ValueError) as error:
        ln_error = ops.runtime_error(error)
        if ln_error is None:
            raise
        raise ln_error from None


_layer_norm_fwd = torch.ops.ln.layer_norm_fwd.default
# What torch.nn.functional.layer_norm asks first: whether an argument or
# a mode overrides torch functions (__torch_function__).
_has_torch_function = torch._C._has_torch_function_variadic


def layer_norm(x: torch.Tensor,
               normalized_shape: Union[int, Sequence[int]],
               weight: Optional[torch.Tensor] = None,
               bias: Optional[torch.Tensor] = None,
               eps: float = 1e-5) -> torch.Tensor:
    """torch.nn.functional.layer_norm, by ln.

    Args:
        x: a CUDA tensor of float16, bfloat16 or float32, of any shape
            (..., *normalized_shape). Rows a uniform stride apart (e.g. a
            slice of a wider tensor) are read in place; other layouts are
            copied first.
        normalized_shape: the trailing dimensions normalized together (an
            int, or a sequence of ints, numpy integers included).
        weight, bias: tensors of shape normalized_shape on x's device, of
            any floating dtype (cast to x's for the kernels, their
            gradients cast back), or None for ones / zeros.
        eps: added to the variance; >= 0.

    Returns:
        A contiguous tensor of x's shape and dtype (float32 under
        torch.autocast, as torch's layer_norm), differentiable once with
        respect to x, weight and bias.

    Raises:
        TypeError, ValueError: for inputs ln cannot take (wrong device,
            dtype or shapes), naming the problem.
        ln.LnError: a failure reported by the runtime.
    """
    eager = not torch.compiler.is_compiling()
    if ops.native and eager:
        return _native_layer_norm(x, normalized_shape, weight, bias, eps)
    if not isinstance(x, torch.Tensor):  # before the dispatcher's message
        raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
    shape = ops.normalize_shape(normalized_shape)
    eps = float(eps)
    if eager and eager_fast_path and _plain_eager_call(x, weight, bias):
        N = ops.check_arguments(x, shape, weight, bias)
        M = x.numel() // N if N else ops.count_rows(x, shape)
        if torch.is_grad_enabled() and (
                x.requires_grad
                or (weight is not None and weight.requires_grad)
                or (bias is not None and bias.requires_grad)):
            return LayerNormFunction.apply(x, weight, bias, M, N, eps)
        return _forward(x, M, N, weight, bias, eps)[0]
    return torch.ops.ln.layer_norm_fwd(x, shape, weight, bias, eps)[0]
