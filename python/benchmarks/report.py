"""bench_layer_norm.py's summaries, tables and files: pure functions of its
points (no torch, no GPU), also used by --replot.

The points of one group — one (preset, dtype, pass, timer) — are compared
at each N with the speed of light at that shape ("sol": the pass's bytes
moved by a copy, timed the same way): a provider's ratio is
sol time / provider time, 1 at the speed of light.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any, Optional, Sequence

SOL = "sol"
OURS = "ln"
# A change of ln's GB/s between neighbouring N larger than this is flagged.
CLIFF_THRESHOLD = 0.10
# The lowest ln / sol is taken over N from this on (narrower rows are
# bound by launch and reduction latency rather than bandwidth).
WIDE_N = 4096
COLORS = {"ln": "tab:red", "triton": "tab:blue", "torch": "tab:green",
          "torch.compile": "tab:purple", "apex": "tab:orange",
          "liger": "tab:brown", SOL: "black"}

Point = dict[str, Any]
GroupKey = tuple[str, str, str, str]  # preset, dtype, mode, timer


def normalize(results: dict[str, Any]) -> dict[str, Any]:
    """A results.json of an earlier version of the script (one timer per
    run, no presets) in this version's terms."""
    for point in results.get("points", []):
        point.setdefault("preset", "seed")
        point.setdefault("timer", results.get("timing", "eager"))
    return results


def valid(point: Point) -> bool:
    """A point that was timed and whose outputs passed the check."""
    return point.get("ms") is not None and point.get("ok", True)


def group_points(points: Sequence[Point]) -> dict[GroupKey, list[Point]]:
    """Points by (preset, dtype, mode, timer), in the order first met."""
    groups: dict[GroupKey, list[Point]] = {}
    for point in points:
        key = (point["preset"], point["dtype"], point["mode"], point["timer"])
        groups.setdefault(key, []).append(point)
    return groups


def geometric_mean(values: Sequence[float]) -> Optional[float]:
    if not values:
        return None
    return math.exp(sum(map(math.log, values)) / len(values))


def cliff(gbps: dict[int, float],
          threshold: float = CLIFF_THRESHOLD) -> Optional[dict[str, Any]]:
    """The largest relative change of throughput between neighbouring N
    (signed: negative is a drop), and every step larger than `threshold`."""
    Ns = sorted(gbps)
    steps = [{"from": a, "to": b, "change": gbps[b] / gbps[a] - 1}
             for a, b in zip(Ns, Ns[1:])]
    if not steps:
        return None
    return {"largest": max(steps, key=lambda step: abs(step["change"])),
            "threshold": threshold,
            "flagged": [step for step in steps
                        if abs(step["change"]) > threshold]}


def summarize_group(points: Sequence[Point]) -> dict[str, Any]:
    """One group's summary: per N, each provider's ratio to sol, the
    fastest provider and ln's speedup over each peer; per provider, the
    geometric means; for ln, the count of N where it is the fastest, its
    lowest ratio to sol from N = WIDE_N on and the cliff check. Points that
    failed or were wrong take no part."""
    times: dict[str, dict[int, float]] = {}
    gbps: dict[str, dict[int, float]] = {}
    for point in points:
        if valid(point):
            times.setdefault(point["provider"], {})[point["N"]] = point["ms"]
            gbps.setdefault(point["provider"], {})[point["N"]] = point["gbps"]
    sol = times.pop(SOL, {})
    sol_gbps = gbps.pop(SOL, {})
    per_n = []
    for N in sorted({point["N"] for point in points}):
        candidates = {provider: by_n[N] for provider, by_n in times.items()
                      if N in by_n}
        entry: dict[str, Any] = {
            "N": N, "sol_ms": sol.get(N), "sol_gbps": sol_gbps.get(N),
            "ratio_to_sol": ({provider: sol[N] / ms
                              for provider, ms in candidates.items()}
                             if N in sol else {}),
            "fastest": (min(candidates, key=candidates.get) if candidates
                        else None)}
        if OURS in candidates:
            entry["ln_speedup"] = {
                peer: ms / candidates[OURS]
                for peer, ms in candidates.items() if peer != OURS}
        per_n.append(entry)
    providers = {}
    for provider, by_n in times.items():
        providers[provider] = {
            "points": len(by_n),
            "geomean_gbps": geometric_mean(list(gbps[provider].values())),
            "geomean_ratio_to_sol": geometric_mean(
                [sol[N] / ms for N, ms in by_n.items() if N in sol])}
    summary: dict[str, Any] = {
        "Ns": [entry["N"] for entry in per_n], "per_n": per_n,
        "sol_geomean_gbps": geometric_mean(list(sol_gbps.values())),
        "providers": providers}
    if OURS in times:
        summary["ln"] = summarize_ours(per_n, times, gbps[OURS])
    return summary


def summarize_ours(per_n: Sequence[dict[str, Any]],
                   times: dict[str, dict[int, float]],
                   gbps: dict[int, float]) -> dict[str, Any]:
    ours = times[OURS]
    compared = [entry for entry in per_n if entry.get("ln_speedup")]
    wide = [(entry["ratio_to_sol"][OURS], entry["N"]) for entry in per_n
            if entry["N"] >= WIDE_N and OURS in entry["ratio_to_sol"]]
    lowest = min(wide) if wide else None
    return {
        "fastest_count": sum(entry["fastest"] == OURS for entry in compared),
        "compared_n": len(compared),
        "speedup_geomean": {
            peer: geometric_mean([by_n[N] / ours[N] for N in by_n
                                  if N in ours])
            for peer, by_n in times.items()
            if peer != OURS and set(by_n) & set(ours)},
        "min_ratio_to_sol_wide": (None if lowest is None else
                                  {"ratio": lowest[0], "N": lowest[1],
                                   "from_N": WIDE_N}),
        "cliff": cliff(gbps)}


def summarize(points: Sequence[Point]) -> dict[str, Any]:
    """Every group's summary, keyed "preset/dtype/mode/timer"."""
    return {"/".join(key): summarize_group(group)
            for key, group in group_points(points).items()}


#===----------------------------------------------------------------------===#
# Markdown
#===----------------------------------------------------------------------===#


def _percent(change: float) -> str:
    return f"{100 * change:+.0f} %".replace("-", "−")


def _step(step: dict[str, Any]) -> str:
    return f"{step['from']} → {step['to']} ({_percent(step['change'])})"


def _cell(point: Optional[Point], sol_ms: Optional[float]) -> str:
    if point is None:
        return "n/a"
    if point.get("ms") is None:
        return "error"
    text = f"{point['gbps']:.0f}"
    if sol_ms is not None:
        text += f" ({sol_ms / point['ms']:.2f})"
    return text if point.get("ok", True) else text + " WRONG"


def group_title(key: GroupKey, M: int) -> str:
    preset, dtype, mode, timer = key
    return f"{preset}, {dtype}, {mode}, {timer} timer, M = {M}"


def format_group(key: GroupKey, points: Sequence[Point],
                 providers: Sequence[str]) -> str:
    """A group's markdown: the summary lines and a table of GB/s (ratio
    to sol) per N and provider, with the fastest provider."""
    summary = summarize_group(points)
    shown = [p for p in providers if p != SOL
             and any(point["provider"] == p for point in points)]
    cells = {(point["N"], point["provider"]): point for point in points}
    lines = [f"#### {group_title(key, points[0]['M'])}", ""]
    lines += [f"- {line}" for line in summary_lines(summary)]
    lines += ["", "| N | sol GB/s | " + " | ".join(shown) + " | fastest |",
              "|--:|--:|" + "--:|" * len(shown) + "---|"]
    for entry in summary["per_n"]:
        N, sol_ms = entry["N"], entry["sol_ms"]
        sol = "n/a" if entry["sol_gbps"] is None else \
            f"{entry['sol_gbps']:.0f}"
        row = [str(N), sol] + [_cell(cells.get((N, p)), sol_ms)
                               for p in shown] + [entry["fastest"] or ""]
        lines.append("| " + " | ".join(row) + " |")
    means = summary["providers"]
    row = ["**geomean**", "" if summary["sol_geomean_gbps"] is None else
           f"{summary['sol_geomean_gbps']:.0f}"]
    for provider in shown:
        entry = means.get(provider)
        if entry is None:
            row.append("")
            continue
        ratio = entry["geomean_ratio_to_sol"]
        row.append(f"{entry['geomean_gbps']:.0f}" + (
            "" if ratio is None else f" ({ratio:.2f})"))
    lines.append("| " + " | ".join(row + [""]) + " |")
    return "\n".join(lines)


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """ln's figures in a group, as sentences."""
    if summary["sol_geomean_gbps"] is None:
        lines = ["no speed of light measured: cells are GB/s only"]
    else:
        lines = ["cells: GB/s (sol time / provider time; 1.00 is the speed "
                 "of light)"]
    ours = summary.get("ln")
    if ours is None:
        return lines + ["ln has no valid point here"]
    lines.append(f"ln is the fastest at {ours['fastest_count']} of "
                 f"{ours['compared_n']} N")
    if ours["speedup_geomean"]:
        lines.append("ln's geometric-mean speedup: " + ", ".join(
            f"{value:.2f}× {peer}"
            for peer, value in ours["speedup_geomean"].items()))
    lowest = ours["min_ratio_to_sol_wide"]
    if lowest is not None:
        lines.append(f"lowest ln / sol from N = {lowest['from_N']}: "
                     f"{lowest['ratio']:.2f} at N = {lowest['N']}")
    steps = ours["cliff"]
    if steps is not None:
        text = f"largest step of ln's GB/s between neighbouring N: " \
               f"{_step(steps['largest'])}"
        if steps["flagged"]:
            text += (f"; over {100 * steps['threshold']:.0f} %: "
                     + ", ".join(map(_step, steps["flagged"])))
        lines.append(text)
    return lines


def format_overview(groups: dict[GroupKey, list[Point]]) -> str:
    """One row per group: ln's count of fastest N, lowest ratio to sol,
    speedup over each peer and largest step."""
    summaries = {key: summarize_group(points)
                 for key, points in groups.items()}
    peers: list[str] = []
    for summary in summaries.values():
        for peer in summary.get("ln", {}).get("speedup_geomean", {}):
            if peer not in peers:
                peers.append(peer)
    lines = ["| preset | dtype | pass | timer | ln fastest | "
             f"min ln/sol (N ≥ {WIDE_N}) | "
             + "".join(f"ln vs {peer} | " for peer in peers)
             + "largest ln step |",
             "|---|---|---|---|--:|--:|" + "--:|" * len(peers) + "--:|"]
    for key, summary in summaries.items():
        ours = summary.get("ln")
        row = list(key)
        if ours is None:
            row += ["n/a"] * (3 + len(peers))
        else:
            lowest = ours["min_ratio_to_sol_wide"]
            row.append(f"{ours['fastest_count']}/{ours['compared_n']}")
            row.append("n/a" if lowest is None else
                       f"{lowest['ratio']:.2f} ({lowest['N']})")
            row += [f"{ours['speedup_geomean'][peer]:.2f}×"
                    if peer in ours["speedup_geomean"] else "n/a"
                    for peer in peers]
            steps = ours["cliff"]
            row.append("n/a" if steps is None else
                       _step(steps["largest"]) + (
                           f"; {len(steps['flagged'])} over "
                           f"{100 * steps['threshold']:.0f} %"
                           if steps["flagged"] else ""))
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def format_report(results: dict[str, Any]) -> str:
    """The run as markdown: how it was measured, the overview, and each
    group's summary and table."""
    groups = group_points(results["points"])
    lines = [f"### LayerNorm on {results.get('device', 'an unknown GPU')}",
             ""]
    facts = [("PyTorch", results.get("torch")),
             ("Triton", results.get("triton")),
             ("Liger-Kernel", results.get("liger_source")),
             ("repetitions", f"{results['rep_ms']:g} ms a point and timer"
              if "rep_ms" in results else None),
             ("1 GiB device-to-device copy",
              f"{results['copy_gbps']:.0f} GB/s (bytes read + written)"
              if results.get("copy_gbps") else None)]
    lines += [f"- {name}: {value}" for name, value in facts if value]
    for timer, description in results.get("timers", {}).items():
        lines.append(f"- {timer} timer: {description}")
    for provider, reason in results.get("unavailable", {}).items():
        lines.append(f"- {provider} left out: {reason}")
    if results.get("stopped"):
        lines.append(f"- stopped early: {results['stopped']}")
    if results.get("command"):
        lines += ["", "```sh", results["command"], "```"]
    if not groups:
        return "\n".join(lines + ["", "No points measured."]) + "\n"
    lines += ["", format_overview(groups)]
    providers = results.get("providers") or sorted(
        {point["provider"] for point in results["points"]})
    for key, points in groups.items():
        lines += ["", format_group(key, points, providers)]
    return "\n".join(lines) + "\n"


#===----------------------------------------------------------------------===#
# Files
#===----------------------------------------------------------------------===#


CSV_FIELDS = ["preset", "mode", "dtype", "timer", "M", "N", "provider",
              "gbps", "gbps_low", "gbps_high", "ms", "ms_q20", "ms_q80",
              "ratio_to_sol", "fraction_of_copy", "max_abs_error", "ok",
              "error"]


def group_stem(key: GroupKey) -> str:
    preset, dtype, mode, timer = key
    return f"layer-norm-{preset}-{mode}-{dtype}-{timer}"


def write_csv(points: Sequence[Point], path: Path) -> None:
    """One row per point, with its ratio to sol at the same N."""
    sol = {point["N"]: point["ms"] for point in points
           if point["provider"] == SOL and valid(point)}
    with open(path, "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=CSV_FIELDS, restval="",
                                extrasaction="ignore")
        writer.writeheader()
        for point in points:
            row = dict(point)
            if point.get("ms") and point["N"] in sol:
                row["ratio_to_sol"] = sol[point["N"]] / point["ms"]
            writer.writerow(row)


def plot(points: Sequence[Point], providers: Sequence[str],
         copy_gbps: Optional[float], title: str, path: Path) -> bool:
    """GB/s against N, one line per provider, sol dashed; False without
    matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    figure, axes = plt.subplots(figsize=(9, 5.5))
    for provider in providers:
        measured = sorted((p["N"], p["gbps"]) for p in points
                          if p["provider"] == provider and valid(p))
        if measured:
            axes.plot(*zip(*measured), marker="o", markersize=3,
                      label=provider, color=COLORS.get(provider),
                      linestyle="--" if provider == SOL else "-")
    if copy_gbps:
        axes.axhline(copy_gbps, color="gray", linestyle=":", linewidth=1,
                     label=f"1 GiB copy ({copy_gbps:.0f} GB/s)")
    Ns = [p["N"] for p in points]
    if Ns and max(Ns) > 16 * min(Ns):  # the training preset: 1024 to 65536
        axes.set_xscale("log", base=2)
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


def save(results: dict[str, Any], out: Path) -> None:
    """Writes results.json, with every group's summary."""
    results["summary"] = summarize(results["points"])
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "results.json", "w") as file:
        json.dump(results, file, indent=1)


def report(results: dict[str, Any], out: Path) -> str:
    """Prints the markdown report and writes report.md, a CSV and a plot
    per group and results.json; returns the report."""
    out.mkdir(parents=True, exist_ok=True)
    text = format_report(results)
    print("\n" + text)
    (out / "report.md").write_text(text)
    providers = results.get("providers") or []
    plotted = True
    for key, points in group_points(results["points"]).items():
        write_csv(points, out / f"{group_stem(key)}.csv")
        title = f"layer-norm {group_title(key, points[0]['M'])}"
        if results.get("device"):
            title += f"\n{results['device']}"
        plotted = plot(points, providers or sorted(
            {p["provider"] for p in points}), results.get("copy_gbps"),
            title, out / f"{group_stem(key)}.png") and plotted
    if not plotted:
        print("matplotlib is not installed: no plots written (install it, "
              "or re-render them elsewhere with --replot "
              f"{out / 'results.json'})")
    save(results, out)
    print(f"written to {out}/")
    return text
