"""The Triton LayerNorm tutorial's benchmark (its perf_report), with ln.

GB/s against N for M = 4096 rows, forward and backward, for ln, PyTorch
(F.layer_norm), torch.compile(F.layer_norm), the tutorial's Triton kernels
(triton_layer_norm.py) and Apex where it is installed, all measured in one
run beside the GPU's device-to-device copy bandwidth.

Conventions are the tutorial's: x ~ -2.3 + 0.5 N(0, 1), weight and bias
~ U(0, 1), dy ~ 0.1 N(0, 1); bytes moved are 2*M*N*size for the forward pass
(read x, write y) and 3*M*N*size for the backward pass (read x and dy, write
dx); the backward pass times y.backward(dy, retain_graph=True) with x.grad
reset to None before each repetition (--reset-parameter-grads: weight.grad
and bias.grad too). Times are medians of CUDA-event measurements with the L2
cache flushed before each repetition (triton.testing.do_bench, or an
equivalent loop without Triton); --cuda-graph times replays of a CUDA graph
of each call instead, without the host's launch overhead.

Each point is checked against F.layer_norm (y, and dx for the backward pass)
before it is timed. Writes a table to stdout and, to --out, a CSV and a PNG
plot per mode and dtype and results.json; --replot re-renders those from a
results.json (no GPU or torch needed, e.g. where matplotlib is installed).

    PYTHONPATH=dist/python python3 python/benchmarks/bench_layer_norm.py \\
        --out bench-results
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import math
import sys
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

try:
    import torch
except ImportError:  # --replot needs no torch
    torch = None

PROVIDERS = ("ln", "triton", "liger", "torch", "torch.compile", "apex")
MODES = ("forward", "backward")
DTYPES = {"f16": "float16", "bf16": "bfloat16", "f32": "float32"}
SEED_NS = tuple(512 * i for i in range(2, 32))
QUICK_NS = (1024, 4096, 8192, 15872)
# M x N tensors moved per pass, as the tutorial counts bytes.
PASSES_OVER_X = {"forward": 2, "backward": 3}
# Largest |provider - F.layer_norm| accepted for y and dx: the tutorial's
# atol for float16, a few units in the last place of outputs near 5 else.
CHECK_ATOL = {"f16": 1e-2, "bf16": 6e-2, "f32": 1e-4}
EPS = 1e-5
COPY_BYTES = 1 << 30
COLORS = {"ln": "tab:red", "triton": "tab:blue", "liger": "tab:brown",
          "torch": "tab:green", "torch.compile": "tab:purple",
          "apex": "tab:orange"}
# Liger-Kernel's source (its src/ folder), which the project does not
# carry: provide it there, or name another folder with --liger-path.
LIGER_PATH = Path(__file__).resolve().parents[2] / ".peers/liger-kernel/src"

Point = dict[str, Any]


class Unavailable(Exception):
    """A provider that cannot run here (not installed); the message says
    why."""


#===----------------------------------------------------------------------===#
# Timing
#===----------------------------------------------------------------------===#


def _event_loop(fn: Callable[[], Any], grad_to_none: Sequence[Any],
                rep_ms: float, warmup_ms: float = 25) -> list[float]:
    """Median, 20% and 80% quantiles of fn's time in ms: CUDA events around
    each call, the L2 cache flushed before it (triton.testing.do_bench's
    method, for machines without Triton)."""
    flush = torch.empty(256 << 20, dtype=torch.uint8, device="cuda")
    fn()
    torch.cuda.synchronize()
    start = torch.cuda.Event(enable_timing=True)
    end = torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(5):
        flush.zero_()
        fn()
    end.record()
    torch.cuda.synchronize()
    estimate = max(start.elapsed_time(end) / 5, 1e-3)
    for _ in range(max(1, int(warmup_ms / estimate))):
        fn()
    count = max(1, int(rep_ms / estimate))
    starts = [torch.cuda.Event(enable_timing=True) for _ in range(count)]
    ends = [torch.cuda.Event(enable_timing=True) for _ in range(count)]
    for begin, finish in zip(starts, ends):
        for tensor in grad_to_none:
            tensor.grad = None
        flush.zero_()
        begin.record()
        fn()
        finish.record()
    torch.cuda.synchronize()
    times = torch.tensor([b.elapsed_time(e) for b, e in zip(starts, ends)])
    return times.quantile(torch.tensor([0.5, 0.2, 0.8])).tolist()


def _graph_loop(fn: Callable[[], Any], grad_to_none: Sequence[Any],
                rep_ms: float) -> list[float]:
    """As _event_loop, with fn captured once into a CUDA graph and each
    repetition a replay of it: the device's time without the host's (Python,
    autograd, launchers), for every provider alike.

    Runs on the current stream, which must not be the default stream (no
    capture there) and must be the one fn's inputs were made on (a backward
    pass launches on its forward pass's stream)."""
    for _ in range(3):  # lazy initializations happen outside the capture
        fn()
    # Tensors whose grad is None when captured get it from the graph's
    # pool, rewritten by each replay: reset, as in the eager timing.
    for tensor in grad_to_none:
        tensor.grad = None
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph, stream=torch.cuda.current_stream()):
        fn()
    return _event_loop(graph.replay, [], rep_ms)


def time_ms(fn: Callable[[], Any], grad_to_none: Sequence[Any],
            rep_ms: float, cuda_graph: bool) -> list[float]:
    """[median, 20% quantile, 80% quantile] of fn's time in ms."""
    if cuda_graph:
        return _graph_loop(fn, grad_to_none, rep_ms)
    try:
        from triton.testing import do_bench
    except ImportError:
        return _event_loop(fn, grad_to_none, rep_ms)
    return list(do_bench(fn, rep=rep_ms, grad_to_none=list(grad_to_none),
                         quantiles=[0.5, 0.2, 0.8]))


def timer_name(cuda_graph: bool) -> str:
    if cuda_graph:
        return ("CUDA graph replays timed with CUDA events, L2 flushed "
                "before each")
    try:
        import triton
    except ImportError:
        return "CUDA events, L2 flushed before each call (Triton absent)"
    return f"triton.testing.do_bench (Triton {triton.__version__})"


def copy_bandwidth(rep_ms: float) -> float:
    """GB/s of a 1 GiB device-to-device copy, bytes read plus written."""
    source = torch.ones(COPY_BYTES, dtype=torch.uint8, device="cuda")
    target = torch.empty_like(source)
    ms = time_ms(lambda: target.copy_(source), [], rep_ms, False)[0]
    return 2 * COPY_BYTES / ms * 1e-6


#===----------------------------------------------------------------------===#
# Providers
#===----------------------------------------------------------------------===#


def make_forward(provider: str, x, weight, bias
                 ) -> tuple[Callable[[], Any], list[Any]]:
    """`provider`'s LayerNorm of x as a function of no arguments, and the
    parameters it uses besides weight and bias (Apex's own)."""
    N = x.shape[-1]
    F = torch.nn.functional
    if provider == "ln":
        try:
            import ln
            ln.init()
        except ImportError as error:
            raise Unavailable(f"the ln package is not importable ({error}); "
                              f"set PYTHONPATH=dist/python") from None
        except ln.LnError as error:
            raise Unavailable(f"the ln runtime is unusable: {error}") from None
        return (lambda: ln.layer_norm(x, (N,), weight, bias, EPS)), []
    if provider == "torch":
        return (lambda: F.layer_norm(x, (N,), weight, bias, EPS)), []
    if provider == "torch.compile":
        # A fresh cache per shape: one compiled graph for this N, never a
        # fallback to eager after too many recompilations of F.layer_norm.
        torch._dynamo.reset()
        compiled = torch.compile(F.layer_norm, dynamic=False)
        return (lambda: compiled(x, (N,), weight, bias, EPS)), []
    if provider == "triton":
        try:
            from triton_layer_norm import layer_norm as triton_layer_norm
        except ImportError as error:
            raise Unavailable(f"Triton is not installed ({error})") from None
        return (lambda: triton_layer_norm(x, (N,), weight, bias, EPS)), []
    if provider == "liger":
        function = _liger_layer_norm_function()
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


def _liger_layer_norm_function():
    """Liger-Kernel's LigerLayerNormFunction, loaded from LIGER_PATH without
    running its packages' __init__ files (which import every one of its
    operators and their dependencies)."""
    import sys
    import types

    root = LIGER_PATH / "liger_kernel"
    if not (root / "ops" / "layer_norm.py").is_file():
        raise Unavailable(f"Liger-Kernel's source is not at {LIGER_PATH} "
                          f"(--liger-path)")
    try:
        for package, folder in (("liger_kernel", root),
                                ("liger_kernel.ops", root / "ops")):
            module = types.ModuleType(package)
            module.__path__ = [str(folder)]
            sys.modules.setdefault(package, module)
        for name, path in (("liger_kernel.utils", root / "utils.py"),
                           ("liger_kernel.ops.utils", root / "ops/utils.py"),
                           ("liger_kernel.ops.layer_norm",
                            root / "ops/layer_norm.py")):
            if name in sys.modules:
                continue
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        return sys.modules["liger_kernel.ops.layer_norm"].LigerLayerNormFunction
    except Exception as error:  # an import of theirs this machine lacks
        raise Unavailable(f"Liger-Kernel does not load: {error!r}") from None


def make_inputs(M: int, N: int, dtype):
    """The tutorial's data: x, weight, bias (requiring grad) and dy."""
    weight = torch.rand(N, dtype=dtype, device="cuda", requires_grad=True)
    bias = torch.rand(N, dtype=dtype, device="cuda", requires_grad=True)
    x = -2.3 + 0.5 * torch.randn(M, N, dtype=dtype, device="cuda")
    dy = 0.1 * torch.randn_like(x)
    return x.requires_grad_(True), weight, bias, dy


def measure(provider: str, mode: str, dtype_name: str, M: int, N: int,
            rep_ms: float, reset_parameter_grads: bool,
            cuda_graph: bool) -> Point:
    """One point: the provider's median time and GB/s at (M, N), after a
    check of its outputs against F.layer_norm. With `cuda_graph`, the point
    runs on a side stream, where CUDA graphs can be captured."""
    if not cuda_graph:
        return _measure(provider, mode, dtype_name, M, N, rep_ms,
                        reset_parameter_grads, cuda_graph)
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        point = _measure(provider, mode, dtype_name, M, N, rep_ms,
                         reset_parameter_grads, cuda_graph)
    torch.cuda.current_stream().wait_stream(stream)
    return point


def _measure(provider: str, mode: str, dtype_name: str, M: int, N: int,
             rep_ms: float, reset_parameter_grads: bool,
             cuda_graph: bool) -> Point:
    dtype = getattr(torch, DTYPES[dtype_name])
    x, weight, bias, dy = make_inputs(M, N, dtype)
    forward, parameters = make_forward(provider, x, weight, bias)
    leaves = [x, weight, bias, *parameters]

    # Warm-up (compilation, module loading) and the check, untimed.
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
    ms, ms_q20, ms_q80 = time_ms(run, grad_to_none, rep_ms, cuda_graph)
    bytes_moved = PASSES_OVER_X[mode] * x.numel() * x.element_size()
    return {"ms": ms, "ms_q20": ms_q20, "ms_q80": ms_q80,
            "gbps": bytes_moved / ms * 1e-6,
            "gbps_low": bytes_moved / ms_q80 * 1e-6,
            "gbps_high": bytes_moved / ms_q20 * 1e-6,
            "max_abs_error": error, "ok": error <= CHECK_ATOL[dtype_name]}


#===----------------------------------------------------------------------===#
# Reporting
#===----------------------------------------------------------------------===#


def geometric_mean(values: Sequence[float]) -> float:
    return math.exp(sum(map(math.log, values)) / len(values))


def summarize(points: list[Point], copy_gbps: float) -> dict[str, Any]:
    """Per provider: geometric mean GB/s and fraction of the copy bandwidth
    over the Ns it ran, and ln's geometric-mean speedup over it."""
    by_provider: dict[str, dict[int, float]] = {}
    for point in points:
        if point.get("gbps") is not None:
            by_provider.setdefault(point["provider"], {})[point["N"]] = \
                point["gbps"]
    ours = by_provider.get("ln", {})
    summary = {}
    for provider, gbps in by_provider.items():
        mean = geometric_mean(list(gbps.values()))
        entry = {"geomean_gbps": mean, "fraction_of_copy": mean / copy_gbps,
                 "points": len(gbps)}
        common = sorted(set(ours) & set(gbps))
        if provider != "ln" and common:
            entry["ln_speedup"] = geometric_mean(
                [ours[n] / gbps[n] for n in common])
        summary[provider] = entry
    return summary


def format_table(points: list[Point], providers: Sequence[str],
                 copy_gbps: float) -> str:
    """GB/s (and % of the copy bandwidth) per N and provider, and the
    summary."""
    width = 17
    cells = {(p["N"], p["provider"]): p for p in points}
    lines = [f"{'N':>7}" + "".join(f"{p:>{width}}" for p in providers)]
    for N in sorted({p["N"] for p in points}):
        line = f"{N:>7}"
        for provider in providers:
            point = cells.get((N, provider))
            if point is None or point.get("gbps") is None:
                text = "n/a" if point is None else "error"
            else:
                text = (f"{point['gbps']:.0f} "
                        f"({100 * point['gbps'] / copy_gbps:.0f}%)"
                        + ("" if point["ok"] else " WRONG"))
            line += f"{text:>{width}}"
        lines.append(line)
    summary = summarize(points, copy_gbps)
    line = f"{'geomean':>7}"
    for provider in providers:
        entry = summary.get(provider)
        text = (f"{entry['geomean_gbps']:.0f} "
                f"({100 * entry['fraction_of_copy']:.0f}%)" if entry
                else "n/a")
        line += f"{text:>{width}}"
    lines.append(line)
    speedups = [f"{p} x{summary[p]['ln_speedup']:.2f}" for p in providers
                if "ln_speedup" in summary.get(p, {})]
    if speedups:
        lines.append("ln's geomean speedup over " + ", ".join(speedups))
    return "\n".join(lines)


def write_csv(points: list[Point], path: Path) -> None:
    fields = ["mode", "dtype", "M", "N", "provider", "gbps", "gbps_low",
              "gbps_high", "ms", "ms_q20", "ms_q80", "fraction_of_copy",
              "max_abs_error", "ok", "error"]
    with open(path, "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=fields, restval="")
        writer.writeheader()
        writer.writerows(points)


def plot(points: list[Point], providers: Sequence[str], copy_gbps: float,
         title: str, path: Path) -> bool:
    """GB/s against N, one line per provider; False without matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    figure, axes = plt.subplots(figsize=(9, 5.5))
    for provider in providers:
        measured = sorted((p["N"], p["gbps"]) for p in points
                          if p["provider"] == provider
                          and p.get("gbps") is not None)
        if measured:
            axes.plot(*zip(*measured), marker="o", markersize=3,
                      label=provider, color=COLORS.get(provider))
    axes.axhline(copy_gbps, color="gray", linestyle="--", linewidth=1,
                 label=f"device copy ({copy_gbps:.0f} GB/s)")
    axes.set_xlabel("N")
    axes.set_ylabel("GB/s")
    axes.set_ylim(bottom=0)
    axes.set_title(title)
    axes.grid(alpha=0.3)
    axes.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return True


def report(results: dict[str, Any], out: Path) -> None:
    """Prints the tables and writes the CSVs, plots and results.json."""
    out.mkdir(parents=True, exist_ok=True)
    copy_gbps = results["copy_gbps"]
    providers = results["providers"]
    plotted = True
    for dtype_name in results["dtypes"]:
        for mode in results["modes"]:
            points = [p for p in results["points"]
                      if p["mode"] == mode and p["dtype"] == dtype_name]
            if not points:
                continue
            title = (f"layer-norm-{mode}, {dtype_name}, M={results['M']}, "
                     f"{results['timing']} ({results['device']})")
            print(f"\n{title}: GB/s (% of device copy)")
            print(format_table(points, providers, copy_gbps))
            stem = f"layer-norm-{mode}-{dtype_name}-{results['timing']}"
            write_csv(points, out / f"{stem}.csv")
            plotted = plot(points, providers, copy_gbps, title,
                           out / f"{stem}.png") and plotted
    for provider, reason in results["unavailable"].items():
        print(f"\n{provider} left out: {reason}")
    if not plotted:
        print("\nmatplotlib is not installed: no plots written (install it, "
              "or re-render them elsewhere with --replot "
              f"{out / 'results.json'})")
    save(results, out)
    print(f"\nwritten to {out}/")


def save(results: dict[str, Any], out: Path) -> None:
    """Writes results.json, with the summary of each mode and dtype."""
    results["summary"] = {
        f"{mode}/{dtype_name}": summarize(
            [p for p in results["points"]
             if p["mode"] == mode and p["dtype"] == dtype_name],
            results["copy_gbps"])
        for dtype_name in results["dtypes"] for mode in results["modes"]}
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "results.json", "w") as file:
        json.dump(results, file, indent=1)


#===----------------------------------------------------------------------===#
# Driver
#===----------------------------------------------------------------------===#


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Measures every (dtype, mode, N, provider) point the arguments ask
    for; a provider that is not installed is reported once and left out.
    results.json is rewritten after each N, so that an interrupted run can
    still be rendered with --replot."""
    Ns = args.Ns or (QUICK_NS if args.quick else SEED_NS)
    device = torch.cuda.get_device_name()
    copy_gbps = copy_bandwidth(args.rep)
    timer = timer_name(args.cuda_graph)
    print(f"{device}: device-to-device copy {copy_gbps:.0f} GB/s (1 GiB, "
          f"bytes read + written); timing: {timer}", flush=True)
    results: dict[str, Any] = {
        "device": device, "torch": torch.__version__, "timer": timer,
        "timing": "graph" if args.cuda_graph else "eager",
        "copy_gbps": copy_gbps, "M": args.M, "Ns": list(Ns),
        "modes": args.modes, "dtypes": args.dtypes,
        "providers": args.providers, "rep_ms": args.rep,
        "grad_to_none": ("x, weight, bias" if args.reset_parameter_grads
                         else "x (the tutorial's)"),
        "bytes": "forward 2*M*N*size, backward 3*M*N*size",
        "unavailable": {}, "points": []}
    unavailable = results["unavailable"]
    for dtype_name in args.dtypes:
        for mode in args.modes:
            print(f"layer-norm-{mode} {dtype_name}:", end="", flush=True)
            for N in Ns:
                print(f" {N}", end="", flush=True)
                for provider in args.providers:
                    if provider in unavailable:
                        continue
                    point = {"mode": mode, "dtype": dtype_name, "M": args.M,
                             "N": N, "provider": provider}
                    try:
                        point.update(measure(
                            provider, mode, dtype_name, args.M, N, args.rep,
                            args.reset_parameter_grads, args.cuda_graph))
                        point["fraction_of_copy"] = point["gbps"] / copy_gbps
                        if not point["ok"]:
                            print(f"\n  {provider} N={N}: max |error| "
                                  f"{point['max_abs_error']:.3g} against "
                                  f"F.layer_norm", file=sys.stderr)
                    except Unavailable as reason:
                        unavailable[provider] = str(reason)
                        print(f"\n  {provider}: left out: {reason}",
                              file=sys.stderr)
                        continue
                    except Exception as error:  # one point, not the run
                        point["error"] = f"{type(error).__name__}: {error}"
                        print(f"\n  {provider} N={N}: {point['error']}",
                              file=sys.stderr)
                    results["points"].append(point)
                    torch.cuda.empty_cache()
                save(results, args.out)
            print(flush=True)
    return results


def comma_list(choices: Sequence[str]) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        items = [item for item in text.split(",") if item]
        for item in items:
            if item not in choices:
                raise argparse.ArgumentTypeError(
                    f"{item!r} is not one of {', '.join(choices)}")
        return items
    return parse


def parse_arguments(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--modes", type=comma_list(MODES),
                        default=list(MODES), help="forward,backward")
    parser.add_argument("--dtypes", type=comma_list(tuple(DTYPES)),
                        default=["f16"], help="f16,bf16,f32 (default f16)")
    parser.add_argument("--providers", type=comma_list(PROVIDERS),
                        default=list(PROVIDERS),
                        help=",".join(PROVIDERS) + " (default: all; those "
                             "not installed are left out)")
    parser.add_argument("--Ns", type=lambda s: [int(n) for n in s.split(",")],
                        help="comma-separated N (default: the tutorial's "
                             "512*i for i in 2..31)")
    parser.add_argument("--quick", action="store_true",
                        help="N in " + ",".join(map(str, QUICK_NS)))
    parser.add_argument("--M", type=int, default=4096, help="rows (4096)")
    parser.add_argument("--rep", type=float, default=500,
                        help="ms of repetitions per point (the tutorial's "
                             "500)")
    parser.add_argument("--reset-parameter-grads", action="store_true",
                        help="in the backward pass, reset weight.grad and "
                             "bias.grad too, so that no accumulation into "
                             "them is timed (the tutorial resets x.grad "
                             "only)")
    parser.add_argument("--liger-path", type=Path, default=LIGER_PATH,
                        help="Liger-Kernel's src/ folder (the liger "
                             "provider; default .peers/liger-kernel/src)")
    parser.add_argument("--cuda-graph", action="store_true",
                        help="time replays of a CUDA graph of each call: "
                             "device time without the host's launch "
                             "overhead, for every provider alike")
    parser.add_argument("--out", type=Path, default=Path("bench-results"),
                        help="directory for CSV, JSON and PNG files")
    parser.add_argument("--replot", type=Path, metavar="RESULTS_JSON",
                        help="re-render the tables, CSVs and plots of a "
                             "previous run's results.json into --out")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_arguments(argv)
    global LIGER_PATH
    LIGER_PATH = args.liger_path
    if args.replot:
        report(json.loads(args.replot.read_text()), args.out)
        return 0
    if torch is None or not torch.cuda.is_available():
        print("bench_layer_norm: measuring needs PyTorch with a CUDA GPU",
              file=sys.stderr)
        return 1
    # The tutorial's Triton code sits beside this script, and the source
    # tree's ln above it (used when no other ln is importable).
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here))
    if importlib.util.find_spec("ln") is None:
        sys.path.append(str(here.parent))
    report(run(args), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
