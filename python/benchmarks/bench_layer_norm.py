"""The Triton tutorial's LayerNorm benchmark (perf_report), with ln among the
providers: GB/s against N for M rows, forward and backward, as the tutorial
counts bytes (forward 2*M*N*size, backward 3*M*N*size), each provider timed
with CUDA events (triton.testing.do_bench: L2 flushed, median of the
repetitions) in the same run, beside the GPU's device-to-device copy
bandwidth. Writes a table to stdout, and CSV, JSON and a PNG plot per mode
and dtype to --out.

    PYTHONPATH=dist/python python3 python/benchmarks/bench_layer_norm.py --out results
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import torch
import triton
import triton.testing

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ln  # noqa: E402

DTYPES = {"f16": torch.float16, "bf16": torch.bfloat16, "f32": torch.float32}
PROVIDERS = ["ln", "triton", "torch", "torch.compile", "apex"]


def copy_bandwidth() -> float:
    """Bytes read plus written per second by a 1 GiB device copy."""
    source = torch.empty(1 << 30, dtype=torch.uint8, device="cuda")
    source.random_(0, 255)
    target = torch.empty_like(source)
    ms = triton.testing.do_bench(lambda: target.copy_(source),
                                 return_mode="median")
    return 2 * source.numel() / (ms * 1e-3)


def make_forward(provider: str, N: int, dtype: torch.dtype):
    """A function (x, w, b, eps) -> y for `provider`, or None if absent."""
    if provider == "ln":
        return lambda x, w, b, eps: ln.layer_norm(x, (N,), w, b, eps)
    if provider == "torch":
        return lambda x, w, b, eps: torch.nn.functional.layer_norm(
            x, (N,), w, b, eps)
    if provider == "torch.compile":
        # A fresh compilation for each shape, never dynamo's fallback to
        # eager once its recompilation limit is reached.
        torch._dynamo.reset()
        compiled = torch.compile(torch.nn.functional.layer_norm,
                                 dynamic=False)
        return lambda x, w, b, eps: compiled(x, (N,), w, b, eps)
    if provider == "triton":
        from triton_layer_norm import layer_norm as triton_layer_norm
        return lambda x, w, b, eps: triton_layer_norm(x, (N,), w, b, eps)
    if provider == "apex":
        try:
            from apex.normalization import FusedLayerNorm
        except ImportError:
            return None
        module = FusedLayerNorm((N,)).to("cuda").to(dtype)
        return lambda x, w, b, eps: module(x)
    raise ValueError(provider)


def bench_point(provider: str, mode: str, M: int, N: int,
                dtype: torch.dtype, rep: int, cuda_graph: bool,
                eps: float = 1e-5):
    """GB/s (median, and the 20%/80% quantiles) of one provider at one N.

    With `cuda_graph`, the calls are replayed from a CUDA graph, which takes
    the host's launch overhead (Python, autograd, the launcher) out of the
    measurement for every provider alike."""
    forward = make_forward(provider, N, dtype)
    if forward is None:
        return None
    weight = torch.rand(N, dtype=dtype, device="cuda", requires_grad=True)
    bias = torch.rand(N, dtype=dtype, device="cuda", requires_grad=True)
    x = -2.3 + 0.5 * torch.randn(M, N, dtype=dtype, device="cuda")
    dy = 0.1 * torch.randn_like(x)
    x.requires_grad_(True)
    quantiles = [0.5, 0.2, 0.8]
    size = x.numel() * x.element_size()
    if cuda_graph:
        def bench(fn, grad_to_none=None):
            return triton.testing.do_bench_cudagraph(
                fn, rep=rep, grad_to_none=grad_to_none, quantiles=quantiles)
    else:
        def bench(fn, grad_to_none=None):
            return triton.testing.do_bench(
                fn, rep=rep, grad_to_none=grad_to_none, quantiles=quantiles)
    if mode == "forward":
        forward(x, weight, bias, eps)  # compile / load outside the timing
        ms, low, high = bench(lambda: forward(x, weight, bias, eps))
        gbps = lambda t: 2 * size / t * 1e-6
    else:
        y = forward(x, weight, bias, eps)
        y.backward(dy, retain_graph=True)
        ms, low, high = bench(lambda: y.backward(dy, retain_graph=True),
                              grad_to_none=[x, weight, bias])
        gbps = lambda t: 3 * size / t * 1e-6
    return gbps(ms), gbps(high), gbps(low)


def plot(rows, mode, dtype_name, M, copy_gbps, path: Path) -> bool:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot written", file=sys.stderr)
        return False
    figure, axes = plt.subplots(figsize=(8, 5))
    providers = [p for p in PROVIDERS if any(r["provider"] == p for r in rows)]
    for provider in providers:
        points = [r for r in rows if r["provider"] == provider]
        axes.plot([r["N"] for r in points], [r["gbps"] for r in points],
                  marker="o", markersize=3, label=provider)
    axes.axhline(copy_gbps, color="gray", linestyle="--",
                 label=f"device copy ({copy_gbps:.0f} GB/s)")
    axes.set_xlabel("N")
    axes.set_ylabel("GB/s")
    axes.set_title(f"layer-norm-{mode}, M={M}, {dtype_name}, "
                   f"{torch.cuda.get_device_name()}")
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--M", type=int, default=4096)
    parser.add_argument("--Ns", type=str, default=None,
                        help="comma-separated N values (default: the "
                             "tutorial's 1024..15872 step 512)")
    parser.add_argument("--quick", action="store_true",
                        help="N in 1024, 4096, 8192, 15872 only")
    parser.add_argument("--modes", default="forward,backward")
    parser.add_argument("--dtypes", default="f16")
    parser.add_argument("--providers", default=",".join(PROVIDERS))
    parser.add_argument("--rep", type=int, default=500,
                        help="milliseconds of repetitions per point "
                             "(do_bench's rep; the tutorial uses 500)")
    parser.add_argument("--cuda-graph", action="store_true",
                        help="replay each call from a CUDA graph "
                             "(triton.testing.do_bench_cudagraph): device "
                             "time without host launch overhead")
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    args = parser.parse_args()

    Ns = ([int(n) for n in args.Ns.split(",")] if args.Ns
          else [1024, 4096, 8192, 15872] if args.quick
          else [512 * i for i in range(2, 32)])
    providers = args.providers.split(",")
    args.out.mkdir(parents=True, exist_ok=True)
    copy_gbps = copy_bandwidth() / 1e9
    device = torch.cuda.get_device_name()
    print(f"{device}: device-to-device copy {copy_gbps:.1f} GB/s "
          f"(bytes read + written)", flush=True)

    results = []
    for dtype_name in args.dtypes.split(","):
        dtype = DTYPES[dtype_name]
        for mode in args.modes.split(","):
            rows = []
            timing = "graph" if args.cuda_graph else "eager"
            print(f"\nlayer-norm-{mode} (M={args.M}, {dtype_name}, "
                  f"{'CUDA graph' if args.cuda_graph else 'eager'}), GB/s:")
            print(f"{'N':>8}" + "".join(f"{p:>15}" for p in providers),
                  flush=True)
            for N in Ns:
                line = f"{N:>8}"
                for provider in providers:
                    try:
                        point = bench_point(provider, mode, args.M, N, dtype,
                                            args.rep, args.cuda_graph)
                    except Exception as error:  # report, keep measuring
                        print(f"\n{provider} failed at N={N}: {error}",
                              file=sys.stderr)
                        point = None
                    if point is None:
                        line += f"{'n/a':>15}"
                        continue
                    gbps, low, high = point
                    rows.append({"mode": mode, "dtype": dtype_name,
                                 "timing": timing,
                                 "M": args.M, "N": N, "provider": provider,
                                 "gbps": gbps, "gbps_q20": low,
                                 "gbps_q80": high,
                                 "fraction_of_copy": gbps / copy_gbps})
                    line += f"{gbps:>15.1f}"
                print(line, flush=True)
            stem = f"layer-norm-{mode}-{dtype_name}-{timing}"
            with open(args.out / f"{stem}.csv", "w", newline="") as f:
                writer = csv.DictWriter(f, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(rows)
            plot(rows, mode, dtype_name, args.M, copy_gbps,
                 args.out / f"{stem}.png")
            results += rows
    with open(args.out / "results.json", "w") as f:
        json.dump({"device": device, "copy_gbps": copy_gbps,
                   "points": results}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
