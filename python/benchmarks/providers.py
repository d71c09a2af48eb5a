"""The providers bench_layer_norm.py measures, and one point's measurement.

Every provider runs the same pass on the same data; "sol" is the speed of
light at that shape: no LayerNorm, only the pass's bytes moved, timed the
same way (forward: y.copy_(x); backward: dx = x + dy).
"""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path
from typing import Any, Callable, Sequence

try:
    import torch
except ImportError:  # the report and the argument parsing need no torch
    torch = None

from timing import time_ms

PROVIDERS = ("sol", "ln", "triton", "liger", "torch", "torch.compile",
             "apex")
MODES = ("forward", "backward")
DTYPES = {"f16": "float16", "bf16": "bfloat16", "f32": "float32"}
# M x N tensors moved per pass, as the tutorial counts bytes: the speed of
# light moves exactly these.
PASSES_OVER_X = {"forward": 2, "backward": 3}
# Largest |provider - F.layer_norm| accepted for y and dx: the tutorial's
# atol for float16, a few units in the last place of outputs near 5 else.
CHECK_ATOL = {"f16": 1e-2, "bf16": 6e-2, "f32": 1e-4}
EPS = 1e-5

Point = dict[str, Any]


class Unavailable(Exception):
    """A provider that cannot run here (not installed); the message says
    why."""


def import_liger(source: Path) -> types.ModuleType:
    """liger_kernel.ops.layer_norm from the source tree `source` (the folder
    holding liger_kernel/), without installing it.

    liger_kernel.ops's __init__ imports every operator of the package and
    its hardware backends; the package is entered without it, so that only
    layer_norm and what it imports (liger_kernel.ops.utils,
    liger_kernel.utils) have to import here."""
    package_dir = Path(source) / "liger_kernel"
    if not (package_dir / "ops" / "layer_norm.py").is_file():
        raise Unavailable(
            f"no Liger-Kernel source at {source} (no "
            f"liger_kernel/ops/layer_norm.py there; see docs/benchmarks.md, "
            f"or pass --liger-path)")
    if str(source) not in sys.path:
        sys.path.insert(0, str(source))
    try:
        package = importlib.import_module("liger_kernel")
        if Path(package.__file__).resolve().parent != package_dir.resolve():
            raise ImportError(f"liger_kernel is already imported from "
                              f"{package.__file__}")
        if "liger_kernel.ops" not in sys.modules:
            ops = types.ModuleType("liger_kernel.ops")
            ops.__path__ = [str(package_dir / "ops")]
            ops.__package__ = "liger_kernel.ops"
            sys.modules["liger_kernel.ops"] = ops
            package.ops = ops
        return importlib.import_module("liger_kernel.ops.layer_norm")
    except Exception as error:  # ImportError, or a module's own failure
        raise Unavailable(
            f"Liger-Kernel's layer_norm does not import from {source}: "
            f"{type(error).__name__}: {error}") from None


def liger_source(source: Path) -> str:
    """Where the Liger-Kernel source comes from: its folder, and the commit
    written beside it (COMMIT in its parent folder) where there is one."""
    commit = Path(source).parent / "COMMIT"
    if commit.is_file():
        return f"{source} (commit {commit.read_text().strip()})"
    return str(source)


def make_inputs(M: int, N: int, dtype):
    """The tutorial's data: x, weight, bias (requiring grad) and dy."""
    weight = torch.rand(N, dtype=dtype, device="cuda", requires_grad=True)
    bias = torch.rand(N, dtype=dtype, device="cuda", requires_grad=True)
    x = -2.3 + 0.5 * torch.randn(M, N, dtype=dtype, device="cuda")
    dy = 0.1 * torch.randn_like(x)
    return x.requires_grad_(True), weight, bias, dy


def speed_of_light(mode: str, x, dy) -> Callable[[], Any]:
    """The pass's bytes moved and nothing else: read x, write an M x N
    tensor (forward); read x and dy, write an M x N tensor (backward).
    Both are elementwise kernels: a copy_ would be a memcpy, which a CUDA
    graph may hand to a copy engine (from 512 MB on the H200: 2730 GB/s
    replayed against 4180 eager), and the graph timer replays it."""
    source = x.detach()
    target = torch.empty_like(source)
    if mode == "forward":
        return lambda: torch.neg(source, out=target)
    return lambda: torch.add(source, dy, out=target)


class Providers:
    """Makes each provider's LayerNorm, keeping what outlives one point:
    the imported modules and the torch.compile'd function of the current
    shape."""

    def __init__(self, liger_path: Path):
        self.liger_path = liger_path
        self._compiled_key: Any = None
        self._compiled: Any = None
        self._liger: Any = None

    def compiled_layer_norm(self, x) -> Callable[..., Any]:
        """torch.compile(F.layer_norm, dynamic=False) for x's shape and
        dtype. With dynamic=False dynamo compiles each shape afresh anyway;
        one compiled function serves every point of a shape (forward and
        backward, both timers), and dynamo's cache is reset when the shape
        changes, so that it holds one entry (no other shape's guards
        checked on a call, no fallback to eager after too many
        recompilations)."""
        key = (tuple(x.shape), x.dtype)
        if key != self._compiled_key:
            torch._dynamo.reset()
            self._compiled = torch.compile(torch.nn.functional.layer_norm,
                                           dynamic=False)
            self._compiled_key = key
        return self._compiled

    def forward(self, provider: str, x, weight, bias
                ) -> tuple[Callable[[], Any], list[Any]]:
        """`provider`'s LayerNorm of x as a function of no arguments, and
        the parameters it uses besides weight and bias (Apex's own)."""
        N = x.shape[-1]
        F = torch.nn.functional
        if provider == "ln":
            try:
                import ln
                ln.init()
            except ImportError as error:
                raise Unavailable(f"the ln package is not importable "
                                  f"({error}); set PYTHONPATH=dist/python"
                                  ) from None
            except ln.LnError as error:
                raise Unavailable(f"the ln runtime is unusable: {error}"
                                  ) from None
            return (lambda: ln.layer_norm(x, (N,), weight, bias, EPS)), []
        if provider == "torch":
            return (lambda: F.layer_norm(x, (N,), weight, bias, EPS)), []
        if provider == "torch.compile":
            compiled = self.compiled_layer_norm(x)
            return (lambda: compiled(x, (N,), weight, bias, EPS)), []
        if provider == "triton":
            try:
                from triton_layer_norm import layer_norm as triton_layer_norm
            except ImportError as error:
                raise Unavailable(f"Triton is not installed ({error})"
                                  ) from None
            return (lambda: triton_layer_norm(x, (N,), weight, bias, EPS)), []
        if provider == "liger":
            if self._liger is None:
                self._liger = import_liger(self.liger_path)
            function = self._liger.LigerLayerNormFunction
            return (lambda: function.apply(x, weight, bias, EPS)), []
        if provider == "apex":
            try:
                from apex.normalization import FusedLayerNorm
            except ImportError as error:
                raise Unavailable(f"Apex is not installed ({error})") from None
            module = FusedLayerNorm((N,), eps=EPS).to(x.device, x.dtype)
            with torch.no_grad():
                module.weight.copy_(weight)
                module.bias.copy_(bias)
            return (lambda: module(x)), [module.weight, module.bias]
        raise ValueError(f"unknown provider {provider!r}")

    def measure(self, provider: str, mode: str, dtype_name: str, M: int,
                N: int, rep_ms: float, timers: Sequence[str],
                reset_parameter_grads: bool) -> dict[str, Point]:
        """One point under each timer: {timer: its median time, GB/s and
        the check of its outputs against F.layer_norm (or its error)}. Runs
        on a side stream, where CUDA graphs can be captured."""
        stream = torch.cuda.Stream()
        stream.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(stream):
            results = self._measure(provider, mode, dtype_name, M, N, rep_ms,
                                    timers, reset_parameter_grads)
        torch.cuda.current_stream().wait_stream(stream)
        torch.cuda.synchronize()
        return results

    def _measure(self, provider: str, mode: str, dtype_name: str, M: int,
                 N: int, rep_ms: float, timers: Sequence[str],
                 reset_parameter_grads: bool) -> dict[str, Point]:
        dtype = getattr(torch, DTYPES[dtype_name])
        x, weight, bias, dy = make_inputs(M, N, dtype)
        bytes_moved = PASSES_OVER_X[mode] * x.numel() * x.element_size()
        if provider == "sol":
            run, grad_to_none = speed_of_light(mode, x, dy), []
            check: Point = {"max_abs_error": None, "ok": True}
        else:
            run, grad_to_none, check = self._checked_run(
                provider, mode, dtype_name, x, weight, bias, dy,
                reset_parameter_grads)
        results = {}
        for timer in timers:
            try:
                ms, ms_q20, ms_q80 = time_ms(run, grad_to_none, rep_ms, timer)
            except Exception as error:  # one timer, not the point
                results[timer] = {"error": f"{type(error).__name__}: {error}"}
                continue
            results[timer] = {
                "ms": ms, "ms_q20": ms_q20, "ms_q80": ms_q80,
                "gbps": bytes_moved / ms * 1e-6,
                "gbps_low": bytes_moved / ms_q80 * 1e-6,
                "gbps_high": bytes_moved / ms_q20 * 1e-6, **check}
        return results

    def _checked_run(self, provider, mode, dtype_name, x, weight, bias, dy,
                     reset_parameter_grads):
        """The call to time, the tensors whose grad is reset before each
        repetition, and the check of y (and dx) against F.layer_norm; the
        first call, untimed, compiles and loads what the provider needs."""
        N = x.shape[-1]
        forward, parameters = self.forward(provider, x, weight, bias)
        leaves = [x, weight, bias, *parameters]
        y = forward()
        expected = torch.nn.functional.layer_norm(x, (N,), weight, bias, EPS)
        error = (y - expected).abs().max().item()
        if mode == "backward":
            y.backward(dy, retain_graph=True)
            dx = x.grad
            x.grad = None
            expected.backward(dy)
            error = max(error, (dx - x.grad).abs().max().item())
            for leaf in leaves:
                leaf.grad = None
            run = lambda: y.backward(dy, retain_graph=True)  # noqa: E731
        else:
            run = forward
        del expected
        # The tutorial resets x.grad only: dw and db then accumulate into
        # weight.grad and bias.grad, as in a training step's first layer.
        grad_to_none = leaves if reset_parameter_grads else [x]
        return run, grad_to_none, {"max_abs_error": error,
                                   "ok": error <= CHECK_ATOL[dtype_name]}
