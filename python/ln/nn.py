"""torch.nn modules backed by ln's kernels."""

from __future__ import annotations

from typing import Optional, Sequence, Union

import torch

from .functional import layer_norm

__all__ = ["LayerNorm"]


class LayerNorm(torch.nn.Module):
    """torch.nn.LayerNorm over the last dimension, computed by ln.

    Takes the arguments of torch.nn.LayerNorm; `normalized_shape` must name
    one dimension (an int or a 1-tuple), as ln normalizes the last one only.
    Without elementwise affine parameters (or without bias) the kernels get
    ones (zeros) in their place.
    """

    def __init__(self, normalized_shape: Union[int, Sequence[int]],
                 eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device: Optional[torch.device] = None,
                 dtype: Optional[torch.dtype] = None) -> None:
        super().__init__()
        shape = ((normalized_shape,) if isinstance(normalized_shape, int)
                 else tuple(normalized_shape))
        if len(shape) != 1:
            raise ValueError(f"ln.nn.LayerNorm normalizes over the last "
                             f"dimension only: normalized_shape must be an "
                             f"int or a 1-tuple, got {shape}")
        self.normalized_shape = shape
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        factory = {"device": device, "dtype": dtype}
        if elementwise_affine:
            self.weight = torch.nn.Parameter(torch.empty(shape, **factory))
            if bias:
                self.bias = torch.nn.Parameter(torch.empty(shape, **factory))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Weight to ones and bias to zeros, as torch.nn.LayerNorm."""
        if self.weight is not None:
            torch.nn.init.ones_(self.weight)
        if self.bias is not None:
            torch.nn.init.zeros_(self.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return layer_norm(x, self.normalized_shape, self.weight, self.bias,
                          self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")
