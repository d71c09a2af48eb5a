"""torch.nn modules backed by ln's kernels."""

from __future__ import annotations

import torch

from .functional import layer_norm

__all__ = ["LayerNorm", "replace_layer_norms"]


class LayerNorm(torch.nn.LayerNorm):
    """torch.nn.LayerNorm computed by ln.layer_norm.

    A subclass that changes forward only: same arguments, parameters,
    state_dict keys and initialization, and isinstance(m, torch.nn.LayerNorm)
    holds, so code that special-cases LayerNorm (weight init, weight-decay
    groups, FSDP wrapping policies) treats it as before.
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return layer_norm(input, self.normalized_shape, self.weight,
                          self.bias, self.eps)


def replace_layer_norms(model: torch.nn.Module
                        ) -> tuple[torch.nn.Module, int]:
    """Makes every torch.nn.LayerNorm in `model` (itself included) an
    ln.nn.LayerNorm, in place; returns the model and how many modules
    changed.

    Each module keeps its identity, and with it its Parameter objects (an
    optimizer built before still updates them), device, dtype, eps,
    elementwise_affine and bias settings, hooks and training mode: only its
    class changes, to the subclass whose forward calls ln. Subclasses of
    torch.nn.LayerNorm are left alone, as they may compute something else.
    """
    count = 0
    for module in model.modules():  # each module once, even if shared
        if type(module) is torch.nn.LayerNorm:
            module.__class__ = LayerNorm
            count += 1
    return model, count
