"""ln: LayerNorm kernels compiled by the ln MLIR compiler, for PyTorch.

    import ln
    y = ln.layer_norm(x, (x.shape[-1],), weight, bias, eps=1e-5)
    norm = ln.nn.LayerNorm(4096, device="cuda", dtype=torch.float16)
    model, count = ln.nn.replace_layer_norms(model)

`layer_norm`, `nn` and `ops` (the torch.ops.ln operators) need torch and
load on first use, so `import ln` works without torch and without a GPU;
so do `ln.init()` and `ln.library_path()`, which check the runtime library
and the CUDA driver.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._runtime import (LnCudaError, LnError, LnInvalidArgument,
                       LnLibraryError, LnNoGpuError, LnUnsupported, init,
                       library_path)

__all__ = [
    "layer_norm", "nn", "ops", "init", "library_path", "LnError",
    "LnLibraryError", "LnNoGpuError", "LnInvalidArgument", "LnCudaError",
    "LnUnsupported",
]


def __getattr__(name: str) -> Any:
    # importlib, not `from . import nn`: that would look `nn` up on this
    # module first, calling __getattr__ again.
    if name == "layer_norm":
        value = importlib.import_module(".functional", __name__).layer_norm
    elif name in ("nn", "ops"):
        value = importlib.import_module("." + name, __name__)
    else:
        raise AttributeError(f"module 'ln' has no attribute {name!r}")
    # Kept as the module's attribute: later lookups (ln.layer_norm in a
    # model's forward, every call) find it without this function and
    # import_module, which cost more than a small call's launch.
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
