"""LayerNorm benchmark: ln against its peers and the speed of light.

The Triton LayerNorm tutorial's benchmark (its perf_report) and more: GB/s
against N, forward and backward, for ln, PyTorch (F.layer_norm),
torch.compile(F.layer_norm), the tutorial's Triton kernels
(triton_layer_norm.py), Liger-Kernel's LayerNorm (its source from
--liger-path, not installed) and Apex where it is installed, each beside
the speed of light at the same shape ("sol": the pass's bytes moved by a
copy, timed the same way), all in one run.

Conventions are the tutorial's: x ~ -2.3 + 0.5 N(0, 1), weight and bias
~ U(0, 1), dy ~ 0.1 N(0, 1); bytes moved are 2*M*N*size for the forward pass
(read x, write y) and 3*M*N*size for the backward pass (read x and dy, write
dx); the backward pass times y.backward(dy, retain_graph=True) with x.grad
reset to None before each repetition (--reset-parameter-grads: weight.grad
and bias.grad too). Each point is timed by two timers (--timers): "graph",
replays of a CUDA graph of the call (the kernels alone), and "eager", the
call itself (host code included); both take the median of CUDA-event times
with the L2 cache flushed before each repetition.

Shapes come from presets (--preset NAME[:DTYPES[:NS]], repeatable): "seed",
the tutorial's M = 4096, N = 1024..15872 by 512; "training", M = 32768 and
N from 1024 to 65536; "odd", M = 4096 and N no multiple of 16.

Each point is checked against F.layer_norm (y, and dx for the backward pass)
before it is timed. Writes the report (markdown) to stdout and, to --out,
report.md, a CSV and a PNG plot per (preset, dtype, pass, timer) and
results.json, rewritten after each N; --replot re-renders them from a
results.json (no GPU or torch needed).

    PYTHONPATH=dist/python python3 python/benchmarks/bench_layer_norm.py \\
        --preset seed:f16 --preset training:bf16 --out bench-results
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import shlex
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

try:
    import torch
except ImportError:  # --replot and the tests need no torch
    torch = None

from providers import (DTYPES, MODES, PROVIDERS, Providers, Unavailable,
                       liger_source)
from report import normalize, report, save
from timing import TIMER_DESCRIPTIONS, TIMERS, copy_bandwidth

REPO = Path(__file__).resolve().parents[2]
DEFAULT_LIGER_PATH = REPO / ".peers" / "liger-kernel" / "src"


@dataclass(frozen=True)
class Preset:
    M: int
    Ns: tuple[int, ...]
    quick: tuple[int, ...]
    about: str


PRESETS = {
    "seed": Preset(4096, tuple(512 * i for i in range(2, 32)),
                   (1024, 4096, 8192, 15872),
                   "the Triton tutorial's sweep: N = 512*i, i = 2..31"),
    "training": Preset(32768, (1024, 2048, 4096, 8192, 16384, 65536),
                       (1024, 8192, 65536),
                       "a training batch's rows, hidden sizes to 65536"),
    "odd": Preset(4096, (1000, 1537, 3001, 4607, 5000, 7777, 12345),
                  (1000, 4607, 12345),
                  "N that are no multiple of 16: odd (rows not 16-byte "
                  "aligned), or 8 times odd (aligned rows in every dtype)"),
}


@dataclass(frozen=True)
class Run:
    """The points of one preset and dtype."""
    preset: str
    dtype: str
    M: int
    Ns: tuple[int, ...]


def comma_list(choices: Sequence[str]) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        items = [item for item in text.split(",") if item]
        if not items:
            raise argparse.ArgumentTypeError("an empty list")
        for item in items:
            if item not in choices:
                raise argparse.ArgumentTypeError(
                    f"{item!r} is not one of {', '.join(choices)}")
        return items
    return parse


def sizes(text: str) -> list[int]:
    """A comma-separated list of positive integers."""
    try:
        values = [int(item) for item in text.split(",") if item]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of integers") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(
            f"{text!r}: sizes are positive integers")
    return values


def preset_spec(text: str
                ) -> tuple[str, Optional[list[str]], Optional[list[int]]]:
    """NAME[:DTYPES[:NS]], e.g. seed, training:bf16, seed:f32:1024,8192;
    an empty field takes --dtypes or --Ns."""
    fields = text.split(":")
    if len(fields) > 3:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not NAME[:DTYPES[:NS]]")
    name = fields[0]
    if name not in PRESETS:
        raise argparse.ArgumentTypeError(
            f"{name!r} is not one of {', '.join(PRESETS)}")
    dtypes = comma_list(tuple(DTYPES))(fields[1]) \
        if len(fields) > 1 and fields[1] else None
    Ns = sizes(fields[2]) if len(fields) > 2 and fields[2] else None
    return name, dtypes, Ns


def expand_runs(args: argparse.Namespace) -> list[Run]:
    """The runs the arguments ask for, in order: each preset, each of its
    dtypes."""
    runs = []
    for name, dtypes, Ns in args.preset or [("seed", None, None)]:
        preset = PRESETS[name]
        Ns = Ns or args.Ns or (preset.quick if args.quick else preset.Ns)
        for dtype in dtypes or args.dtypes:
            runs.append(Run(name, dtype, args.M or preset.M, tuple(Ns)))
    return runs


def parse_arguments(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    presets = "\n".join(f"  {name}: M = {p.M}, N = "
                        f"{','.join(map(str, p.Ns))}\n    ({p.about})"
                        for name, p in PRESETS.items())
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1] + "\npresets:\n" + presets)
    parser.add_argument("--preset", type=preset_spec, action="append",
                        metavar="NAME[:DTYPES[:NS]]",
                        help="a preset, with its dtypes and N where they "
                             "are not --dtypes and the preset's (repeat "
                             "for several; default: seed)")
    parser.add_argument("--modes", type=comma_list(MODES),
                        default=list(MODES), help="forward,backward")
    parser.add_argument("--dtypes", type=comma_list(tuple(DTYPES)),
                        default=["f16"], help="f16,bf16,f32 (default f16)")
    parser.add_argument("--providers", type=comma_list(PROVIDERS),
                        default=list(PROVIDERS),
                        help=",".join(PROVIDERS) + " (default: all; those "
                             "that cannot run here are left out)")
    parser.add_argument("--timers", type=comma_list(TIMERS),
                        default=list(TIMERS),
                        help="graph (CUDA-graph replays: the kernels "
                             "alone), eager (the call, host code "
                             "included); default both")
    parser.add_argument("--cuda-graph", action="store_true",
                        help="the graph timer only (--timers graph)")
    parser.add_argument("--Ns", type=sizes,
                        help="comma-separated N for the presets that name "
                             "none (default: each preset's)")
    parser.add_argument("--quick", action="store_true",
                        help="a few N of each preset (seed: "
                             + ",".join(map(str, PRESETS["seed"].quick))
                             + ")")
    parser.add_argument("--M", type=int,
                        help="rows, for every preset (default: each "
                             "preset's)")
    parser.add_argument("--rep", type=float, default=100,
                        help="ms of repetitions per point and timer (100; "
                             "the tutorial's is 500)")
    parser.add_argument("--max-minutes", type=float,
                        help="start no point after this many minutes; the "
                             "files then hold what was measured")
    parser.add_argument("--liger-path", type=Path,
                        default=DEFAULT_LIGER_PATH,
                        help="the folder holding Liger-Kernel's "
                             "liger_kernel/ source tree (default: "
                             ".peers/liger-kernel/src in the repository)")
    parser.add_argument("--reset-parameter-grads", action="store_true",
                        help="in the backward pass, reset weight.grad and "
                             "bias.grad too, so that no accumulation into "
                             "them is timed (the tutorial resets x.grad "
                             "only)")
    parser.add_argument("--out", type=Path, default=Path("bench-results"),
                        help="directory for report.md, CSV, JSON and PNG "
                             "files")
    parser.add_argument("--replot", type=Path, metavar="RESULTS_JSON",
                        help="re-render the report, CSVs and plots of a "
                             "previous run's results.json into --out")
    args = parser.parse_args(argv)
    if args.cuda_graph:
        args.timers = ["graph"]
    if args.M is not None and args.M < 1:
        parser.error("--M: rows are a positive integer")
    return args


#===----------------------------------------------------------------------===#
# Driver
#===----------------------------------------------------------------------===#


def versions() -> dict[str, Optional[str]]:
    try:
        import triton
        triton_version = triton.__version__
    except ImportError:
        triton_version = None
    return {"torch": torch.__version__, "triton": triton_version}


def run(args: argparse.Namespace, runs: Sequence[Run],
        command: str) -> dict[str, Any]:
    """Measures every (run, N, mode, provider) point under each timer; a
    provider that cannot run is reported once and left out. results.json
    is rewritten after each N, so that an interrupted run can still be
    rendered with --replot; past --max-minutes no point is started."""
    started = time.monotonic()
    deadline = (None if args.max_minutes is None
                else started + 60 * args.max_minutes)
    device = torch.cuda.get_device_name()
    copy_gbps = copy_bandwidth(args.rep)
    print(f"{device}: 1 GiB device-to-device copy {copy_gbps:.0f} GB/s "
          f"(bytes read + written)", flush=True)
    results: dict[str, Any] = {
        "device": device, **versions(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"),
        "command": command, "copy_gbps": copy_gbps,
        "runs": [asdict(r) for r in runs], "modes": args.modes,
        "providers": args.providers,
        "timers": {timer: TIMER_DESCRIPTIONS[timer] for timer in args.timers},
        "rep_ms": args.rep,
        "grad_to_none": ("x, weight, bias" if args.reset_parameter_grads
                         else "x (the tutorial's)"),
        "bytes": "forward 2*M*N*size, backward 3*M*N*size (sol alike)",
        "unavailable": {}, "points": []}
    if "liger" in args.providers:
        results["liger_source"] = liger_source(args.liger_path)
    providers = Providers(args.liger_path)
    unavailable = results["unavailable"]
    total, done = sum(len(r.Ns) for r in runs), 0
    for r in runs:
        for N in r.Ns:
            begun = time.monotonic()
            print(f"[{begun - started:4.0f} s] {r.preset} {r.dtype} "
                  f"M={r.M} N={N}:", end="", flush=True)
            for mode in args.modes:
                print(f" {mode}", end="", flush=True)
                for provider in args.providers:
                    if provider in unavailable:
                        continue
                    if deadline is not None and time.monotonic() > deadline:
                        results["stopped"] = (
                            f"--max-minutes {args.max_minutes:g} reached "
                            f"before {r.preset} {r.dtype} N={N} {mode} "
                            f"{provider}")
                        print(f"\n{results['stopped']}", flush=True)
                        save(results, args.out)
                        return results
                    measure_point(providers, provider, mode, r, N, args,
                                  copy_gbps, results)
            done += 1
            save(results, args.out)
            elapsed = time.monotonic() - started
            print(f" ({time.monotonic() - begun:.0f} s; about "
                  f"{elapsed / done * (total - done):.0f} s left)",
                  flush=True)
    return results


def measure_point(providers: Providers, provider: str, mode: str, r: Run,
                  N: int, args: argparse.Namespace, copy_gbps: float,
                  results: dict[str, Any]) -> None:
    """Measures one point under every timer and appends it to results (or
    records the provider as unavailable)."""
    base = {"preset": r.preset, "mode": mode, "dtype": r.dtype, "M": r.M,
            "N": N, "provider": provider}
    print(f" {provider}", end="", flush=True)
    try:
        measured = providers.measure(provider, mode, r.dtype, r.M, N,
                                     args.rep, args.timers,
                                     args.reset_parameter_grads)
    except Unavailable as reason:
        results["unavailable"][provider] = str(reason)
        print(f"\n  {provider}: left out: {reason}", file=sys.stderr)
        return
    except Exception as error:  # one point, not the run
        message = f"{type(error).__name__}: {error}"
        measured = {timer: {"error": message} for timer in args.timers}
    finally:
        torch.cuda.empty_cache()
    problems = []
    for timer, result in measured.items():
        point = {**base, "timer": timer, **result}
        if point.get("gbps") is not None:
            point["fraction_of_copy"] = point["gbps"] / copy_gbps
            if not point["ok"]:
                problems.append(f"max |error| {point['max_abs_error']:.3g} "
                                f"against F.layer_norm")
        if "error" in point:
            problems.append(point["error"])
        results["points"].append(point)
    for problem in dict.fromkeys(problems):
        print(f"\n  {provider} {mode} N={N}: {problem}", file=sys.stderr)


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_arguments(argv)
    if args.replot:
        report(normalize(json.loads(args.replot.read_text())), args.out)
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
    command = shlex.join(["python3", "python/benchmarks/bench_layer_norm.py",
                          *argv])
    report(run(args, expand_runs(args), command), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
