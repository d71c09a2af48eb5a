"""ln: LayerNorm kernels compiled by the ln MLIR compiler, for PyTorch.

    import ln
    y = ln.layer_norm(x, (x.shape[-1],), weight, bias, eps)
    module = ln.nn.LayerNorm(4096, device="cuda", dtype=torch.float16)

The torch-facing parts load lazily, so `import ln` works without torch (the
runtime bindings in ln._runtime need neither torch nor a GPU).
"""

import importlib

from ._runtime import (LnCudaError, LnError, LnInvalidArgument, LnNoGpuError,
                       LnUnsupported)

__all__ = ["layer_norm", "nn", "LnError", "LnNoGpuError",
           "LnInvalidArgument", "LnCudaError", "LnUnsupported"]


def __getattr__(name):
    # importlib, not `from . import`, which would look the name up here
    # again before importing the submodule.
    if name == "layer_norm":
        return importlib.import_module(".functional", __name__).layer_norm
    if name == "nn":
        return importlib.import_module(".nn", __name__)
    raise AttributeError(f"module 'ln' has no attribute {name!r}")
