"""torch.nn modules backed by ln's kernels."""

from __future__ import annotations

from typing import Sequence, Union

import torch

from .functional import layer_norm

__all__ = ["LayerNorm"]


class LayerNorm(torch.nn.Module):
    """Like torch.nn.LayerNorm over the last dimension, computed by ln."""

    def __init__(self, normalized_shape: Union[int, Sequence[int]],
                 eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        shape = ((normalized_shape,) if isinstance(normalized_shape, int)
                 else tuple(normalized_shape))
        if len(shape) != 1:
            raise ValueError("ln.nn.LayerNorm normalizes over the last "
                             f"dimension only, got normalized_shape={shape}")
        self.normalized_shape = shape
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        factory = {"device": device, "dtype": dtype}
        if elementwise_affine:
            self.weight = torch.nn.Parameter(torch.ones(shape, **factory))
            self.bias = (torch.nn.Parameter(torch.zeros(shape, **factory))
                         if bias else None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return layer_norm(x, self.normalized_shape, self.weight, self.bias,
                          self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")
