"""Host cost per call of ln.layer_norm against torch's layer_norm.

Tiny inputs (8 x 1024 float16 by default), whose kernels take a few
microseconds, so that a loop of calls is bound by the host: each sample
times --calls calls back to back and synchronizes once at the end; the
median over --samples samples, divided by --calls, is the wall time per
call. The samples of torch's, ln's and the operator's loops alternate, so
that a drift of the machine's speed weighs on the three alike. Measured
for the forward pass alone (no autograd), the backward pass alone (through
autograd, the forward's graph retained) and forward + backward (x, weight
and bias requiring grad), for torch.nn.functional.layer_norm,
ln.layer_norm (eager path) and the operator itself
(torch.ops.ln.layer_norm_fwd, as torch.compile and export see it), each
looked up at every call as a model's forward writes it. Prints
which operators torch.ops.ln are (the C++ library, or the Python ones:
LN_TORCH_OPS=python or a failed build), the times and each ln's ratio to
torch.

    PYTHONPATH=dist/python python3 python/benchmarks/bench_host_cost.py
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path


def per_call(steps: dict, calls: int, samples: int) -> dict:
    """Median seconds per call of each of `steps` (name -> function) over
    `samples` loops. The loops of the steps alternate, so that a drift of
    the machine's speed (clocks, other processes) during the run weighs on
    every step alike instead of on whichever ran last."""
    import torch

    for step in steps.values():  # warm up: caches, lazy loads
        for _ in range(max(calls // 10, 10)):
            step()
    torch.cuda.synchronize()
    times = {name: [] for name in steps}
    for _ in range(samples):
        for name, step in steps.items():
            start = time.perf_counter()
            for _ in range(calls):
                step()
            torch.cuda.synchronize()
            times[name].append((time.perf_counter() - start) / calls)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--M", type=int, default=8)
    parser.add_argument("--N", type=int, default=1024)
    parser.add_argument("--dtype", default="float16",
                        choices=("float16", "bfloat16", "float32"))
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=15)
    args = parser.parse_args()

    import torch
    import torch.nn.functional as F

    if not torch.cuda.is_available():
        print("bench_host_cost: needs a CUDA GPU", file=sys.stderr)
        return 1
    if importlib.util.find_spec("ln") is None:  # the source tree's
        sys.path.append(str(Path(__file__).resolve().parents[1]))
    import ln
    import ln.ops

    dtype = getattr(torch, args.dtype)
    shape = (args.N,)
    x = torch.randn(args.M, args.N, dtype=dtype, device="cuda")
    weight = torch.rand(args.N, dtype=dtype, device="cuda")
    bias = torch.rand(args.N, dtype=dtype, device="cuda")
    x_grad, weight_grad, bias_grad = (t.clone().requires_grad_()
                                      for t in (x, weight, bias))
    dy = torch.randn_like(x)

    def forward(function):
        return lambda: function(x, shape, weight, bias, 1e-5)

    def training(function):
        def step():
            y = function(x_grad, shape, weight_grad, bias_grad, 1e-5)
            torch.autograd.backward(y, dy)
        return step

    def backward(function):
        # The backward pass alone, through autograd, as the benchmark's
        # eager timer runs it: one forward kept, its graph retained, and
        # the leaves' gradients reset so that none is accumulated.
        leaves = [t.clone().requires_grad_() for t in (x, weight, bias)]
        y = function(leaves[0], shape, leaves[1], leaves[2], 1e-5)

        def step():
            for leaf in leaves:
                leaf.grad = None
            y.backward(dy, retain_graph=True)
        return step

    def operator(x, shape, weight, bias, eps):
        return torch.ops.ln.layer_norm_fwd(x, shape, weight, bias, eps)[0]

    print("torch.ops.ln: " + ("the C++ operator library" if ln.ops.native
                              else "Python custom operators"))
    print(f"host cost per call, {args.M} x {args.N} {args.dtype}, "
          f"median of {args.samples} x {args.calls} calls")
    print(f"{'pass':<18}{'torch us':>10}{'ln us':>10}{'ratio':>8}"
          f"{'torch.ops.ln us':>17}{'ratio':>8}")
    for name, wrap in (("forward", forward), ("backward", backward),
                       ("forward+backward", training)):
        with torch.no_grad() if name == "forward" else torch.enable_grad():
            # Each function looked up at every call, as a model's forward
            # writes it (ln.layer_norm is a lazy attribute of the package).
            times = per_call({"torch": wrap(lambda *a: F.layer_norm(*a)),
                              "ln": wrap(lambda *a: ln.layer_norm(*a)),
                              "operator": wrap(operator)},
                             args.calls, args.samples)
        torch_time, ln_time, operator_time = (
            times["torch"], times["ln"], times["operator"])
        print(f"{name:<18}{torch_time * 1e6:>10.2f}{ln_time * 1e6:>10.2f}"
              f"{ln_time / torch_time:>7.2f}x{operator_time * 1e6:>17.2f}"
              f"{operator_time / torch_time:>7.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
