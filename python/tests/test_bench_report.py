"""The LayerNorm benchmark's pieces that need no GPU: its arguments and
presets, the summaries and reports of synthetic points, --replot, and the
import of a Liger-Kernel source tree. Needs neither torch nor a GPU."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import bench_layer_norm as bench  # noqa: E402
import report  # noqa: E402
from providers import Unavailable, import_liger, liger_source  # noqa: E402


def runs_of(argv):
    return bench.expand_runs(bench.parse_arguments(argv))


#===----------------------------------------------------------------------===#
# Arguments and presets
#===----------------------------------------------------------------------===#


def test_defaults_are_the_seed_sweep_in_float16_under_both_timers():
    args = bench.parse_arguments([])
    assert bench.expand_runs(args) == [bench.Run(
        "seed", "f16", 4096, tuple(range(1024, 15873, 512)))]
    assert args.timers == ["graph", "eager"]
    assert args.modes == ["forward", "backward"]
    assert "sol" in args.providers and "liger" in args.providers
    assert args.rep == 100 and args.max_minutes is None
    assert args.liger_path == bench.REPO / ".peers/liger-kernel/src"


def test_presets():
    seed, training, odd = (bench.PRESETS[name]
                           for name in ("seed", "training", "odd"))
    assert (seed.M, len(seed.Ns), seed.Ns[0], seed.Ns[-1]) == \
        (4096, 30, 1024, 15872)
    assert training.M == 32768
    assert training.Ns == (1024, 2048, 4096, 8192, 16384, 65536)
    assert odd.M == 4096
    assert all(N % 16 and N & (N - 1) for N in odd.Ns)
    for preset in (seed, training, odd):
        assert set(preset.quick) <= set(preset.Ns)


def test_several_presets_each_with_its_dtypes_and_sizes():
    runs = runs_of(["--preset", "seed:f16", "--preset", "training:bf16",
                    "--preset", "seed:f32:1024,4096,15872"])
    assert runs == [
        bench.Run("seed", "f16", 4096, bench.PRESETS["seed"].Ns),
        bench.Run("training", "bf16", 32768, bench.PRESETS["training"].Ns),
        bench.Run("seed", "f32", 4096, (1024, 4096, 15872))]


def test_a_preset_without_fields_takes_dtypes_ns_and_m():
    runs = runs_of(["--preset", "odd", "--dtypes", "f16,bf16"])
    assert [(r.preset, r.dtype) for r in runs] == [("odd", "f16"),
                                                   ("odd", "bf16")]
    assert runs[0].Ns == bench.PRESETS["odd"].Ns
    runs = runs_of(["--preset", "training::1024", "--preset", "odd",
                    "--Ns", "100,200", "--M", "8"])
    assert runs == [bench.Run("training", "f16", 8, (1024,)),
                    bench.Run("odd", "f16", 8, (100, 200))]
    assert runs_of(["--quick"])[0].Ns == (1024, 4096, 8192, 15872)


def test_timers_and_the_cuda_graph_alias():
    assert bench.parse_arguments(["--timers", "eager"]).timers == ["eager"]
    assert bench.parse_arguments(["--cuda-graph"]).timers == ["graph"]


@pytest.mark.parametrize("argv", [
    ["--preset", "nope"], ["--preset", "seed:f8"], ["--preset", "seed:f16:0"],
    ["--preset", "seed:f16:1,x"], ["--preset", "seed:f16:1:2"],
    ["--timers", "cpu"], ["--timers", ""], ["--providers", "ln,cudnn"],
    ["--M", "0"], ["--Ns", "-5"]])
def test_bad_arguments_are_refused(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        bench.parse_arguments(argv)
    assert exit_info.value.code == 2
    assert "error" in capsys.readouterr().err


#===----------------------------------------------------------------------===#
# Summaries and reports of synthetic points
#===----------------------------------------------------------------------===#


def point(provider, N, ms, mode="forward", timer="graph", preset="seed",
          dtype="f16", M=4096, ok=True):
    size = {"f16": 2, "bf16": 2, "f32": 4}[dtype]
    bytes_moved = {"forward": 2, "backward": 3}[mode] * M * N * size
    return {"preset": preset, "mode": mode, "dtype": dtype, "timer": timer,
            "M": M, "N": N, "provider": provider, "ms": ms,
            "ms_q20": ms, "ms_q80": ms, "gbps": bytes_moved / ms * 1e-6,
            "max_abs_error": 0.0 if ok else 1.0, "ok": ok}


# N -> (sol, ln, triton) times in ms: ln fastest at 1024 and 8192, triton
# at 4096 and 4608; ln drops 25 % in GB/s from 4096 to 4608.
TIMES = {1024: (1.0, 2.0, 4.0), 4096: (1.0, 1.25, 1.0),
         4608: (1.125, 1.875, 1.5), 8192: (2.0, 2.5, 5.0)}


def synthetic(**keys):
    points = []
    for N, (sol, ours, triton) in TIMES.items():
        points += [point("sol", N, sol, **keys), point("ln", N, ours, **keys),
                   point("triton", N, triton, **keys)]
    return points


def test_ratios_fastest_and_speedups_per_n():
    summary = report.summarize_group(synthetic())
    assert summary["Ns"] == [1024, 4096, 4608, 8192]
    first = summary["per_n"][0]
    assert first["ratio_to_sol"] == {"ln": 0.5, "triton": 0.25}
    assert first["fastest"] == "ln"
    assert first["ln_speedup"] == {"triton": 2.0}
    assert [entry["fastest"] for entry in summary["per_n"]] == \
        ["ln", "triton", "triton", "ln"]
    assert summary["providers"]["ln"]["points"] == 4
    assert summary["providers"]["triton"]["geomean_ratio_to_sol"] == \
        pytest.approx((0.25 * 1.0 * 0.75 * 0.4) ** 0.25)


def test_ln_figures_fastest_count_lowest_ratio_and_cliff():
    ours = report.summarize_group(synthetic())["ln"]
    assert (ours["fastest_count"], ours["compared_n"]) == (2, 4)
    assert ours["speedup_geomean"]["triton"] == \
        pytest.approx((2.0 * 0.8 * 0.8 * 2.0) ** 0.25)
    # From N = 4096: 0.8 at 4096, 0.6 at 4608, 0.8 at 8192.
    assert ours["min_ratio_to_sol_wide"] == {"ratio": pytest.approx(0.6),
                                             "N": 4608, "from_N": 4096}
    steps = ours["cliff"]
    assert steps["largest"]["from"] == 1024 and steps["largest"]["to"] == 4096
    assert steps["largest"]["change"] == pytest.approx(4 * 2.0 / 1.25 - 1)
    assert [(s["from"], s["to"]) for s in steps["flagged"]] == \
        [(1024, 4096), (4096, 4608), (4608, 8192)]
    assert steps["flagged"][1]["change"] == pytest.approx(
        (4608 / 1.875) / (4096 / 1.25) - 1)


def test_a_smooth_sweep_flags_no_cliff():
    gbps = {1024: 100.0, 1536: 105.0, 2048: 110.0, 2560: 101.0}
    steps = report.cliff(gbps)
    assert steps["flagged"] == []
    assert steps["largest"]["to"] == 2560
    assert report.cliff({1024: 1.0}) is None


def test_wrong_and_failed_points_take_no_part():
    points = synthetic()
    points[1] = point("ln", 1024, 0.1, ok=False)       # fastest, but wrong
    points[4] = {k: v for k, v in point("ln", 4096, 1.0).items()
                 if k not in ("ms", "gbps")}
    points[4]["error"] = "RuntimeError: boom"
    summary = report.summarize_group(points)
    assert summary["per_n"][0]["fastest"] == "triton"
    assert "ln" not in summary["per_n"][1]["ratio_to_sol"]
    assert summary["ln"]["compared_n"] == 2
    text = report.format_group(("seed", "f16", "forward", "graph"), points,
                               ["sol", "ln", "triton"])
    assert "WRONG" in text and "| 4096 | 67 | error |" in text


def test_without_sol_cells_are_gb_per_s_only():
    points = [p for p in synthetic() if p["provider"] != "sol"]
    summary = report.summarize_group(points)
    assert summary["per_n"][0]["ratio_to_sol"] == {}
    assert summary["ln"]["min_ratio_to_sol_wide"] is None
    text = report.format_group(("seed", "f16", "forward", "eager"), points,
                               ["sol", "ln", "triton"])
    assert "no speed of light measured" in text
    assert "| 1024 | n/a | 8 | 4 | ln |" in text


def test_groups_and_the_markdown_report():
    points = synthetic() + synthetic(timer="eager") + \
        synthetic(mode="backward") + synthetic(preset="odd", dtype="bf16")
    groups = report.group_points(points)
    assert list(groups) == [("seed", "f16", "forward", "graph"),
                            ("seed", "f16", "forward", "eager"),
                            ("seed", "f16", "backward", "graph"),
                            ("odd", "bf16", "forward", "graph")]
    results = {"device": "GPU", "torch": "2.11", "copy_gbps": 4000.0,
               "rep_ms": 100, "providers": ["sol", "ln", "triton"],
               "unavailable": {"liger": "no source"},
               "timers": {"graph": "replays"}, "points": points,
               "stopped": "--max-minutes 8 reached"}
    text = report.format_report(results)
    assert text.startswith("### LayerNorm on GPU\n")
    assert "- liger left out: no source" in text
    assert "- stopped early: --max-minutes 8 reached" in text
    assert "| seed | f16 | forward | graph | 2/4 | 0.60 (4608) | 1.26× " \
        "| 1024 → 4096 (+540 %); 3 over 10 % |" in text
    assert text.count("#### ") == 4
    assert "#### odd, bf16, forward, graph timer, M = 4096" in text
    assert "| 1024 | 17 | 8 (0.50) | 4 (0.25) | ln |" in text
    assert "lowest ln / sol from N = 4096: 0.60 at N = 4608" in text
    assert "4096 → 4608 (−25 %)" in text


def test_csv_rows_carry_the_ratio_to_sol(tmp_path):
    report.write_csv(synthetic(), tmp_path / "points.csv")
    with open(tmp_path / "points.csv") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 12
    assert float(rows[1]["ratio_to_sol"]) == 0.5
    assert rows[1]["provider"] == "ln" and rows[1]["timer"] == "graph"


def test_replot_renders_a_results_json(tmp_path, capsys):
    points = synthetic() + synthetic(mode="backward", timer="eager")
    source = tmp_path / "in" / "results.json"
    source.parent.mkdir()
    source.write_text(json.dumps({
        "device": "GPU", "copy_gbps": 4000.0, "rep_ms": 100,
        "providers": ["sol", "ln", "triton"], "unavailable": {},
        "points": points}))
    out = tmp_path / "out"
    assert bench.main(["--replot", str(source), "--out", str(out)]) == 0
    assert "| seed | f16 | backward | eager | 2/4 |" in capsys.readouterr().out
    assert sorted(path.name for path in out.glob("*.csv")) == [
        "layer-norm-seed-backward-f16-eager.csv",
        "layer-norm-seed-forward-f16-graph.csv"]
    assert "#### seed, f16, backward, eager timer" in \
        (out / "report.md").read_text()
    written = json.loads((out / "results.json").read_text())
    assert set(written["summary"]) == {"seed/f16/forward/graph",
                                       "seed/f16/backward/eager"}


def test_replot_of_an_earlier_results_json(tmp_path):
    points = [{k: v for k, v in p.items() if k not in ("preset", "timer")}
              for p in synthetic() if p["provider"] != "sol"]
    source = tmp_path / "results.json"
    source.write_text(json.dumps({"timing": "graph", "copy_gbps": 3000.0,
                                  "providers": ["ln", "triton"],
                                  "unavailable": {}, "points": points}))
    assert bench.main(["--replot", str(source), "--out",
                       str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" /
            "layer-norm-seed-forward-f16-graph.csv").is_file()


#===----------------------------------------------------------------------===#
# Liger-Kernel from a source tree
#===----------------------------------------------------------------------===#


@pytest.fixture
def clean_imports(monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield
    for name in [name for name in sys.modules
                 if name.split(".")[0] == "liger_kernel"]:
        del sys.modules[name]


def fake_liger(root, layer_norm):
    package = root / "liger_kernel"
    (package / "ops").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "utils.py").write_text("DEVICE = 'cuda'\n")
    # The real __init__ imports every operator; here it fails outright.
    (package / "ops" / "__init__.py").write_text(
        "raise ImportError('every operator imported')\n")
    (package / "ops" / "utils.py").write_text(
        "from liger_kernel.utils import DEVICE\n")
    (package / "ops" / "layer_norm.py").write_text(layer_norm)
    return root


def test_liger_layer_norm_imports_without_the_ops_package(tmp_path,
                                                         clean_imports):
    source = fake_liger(tmp_path / "src", (
        "from liger_kernel.ops.utils import DEVICE\n"
        "class LigerLayerNormFunction:\n"
        "    device = DEVICE\n"))
    module = import_liger(source)
    assert module.LigerLayerNormFunction.device == "cuda"
    assert Path(module.__file__).parent == source / "liger_kernel" / "ops"


def test_liger_import_failures_are_reasons(tmp_path, clean_imports):
    with pytest.raises(Unavailable, match="no Liger-Kernel source at .*"
                                          "docs/benchmarks.md"):
        import_liger(tmp_path / "missing")
    # A module missing with or without Triton installed (on the GPU machine
    # triton itself imports).
    source = fake_liger(tmp_path / "src", (
        "from triton.language.extra.no_such_module import rsqrt\n"))
    with pytest.raises(Unavailable, match="does not import from .*"
                                          "ModuleNotFoundError.*triton"):
        import_liger(source)


def test_liger_source_names_its_commit(tmp_path):
    source = tmp_path / "liger-kernel" / "src"
    source.mkdir(parents=True)
    assert liger_source(source) == str(source)
    (tmp_path / "liger-kernel" / "COMMIT").write_text("ead96b61\n")
    assert liger_source(source) == f"{source} (commit ead96b61)"


#===----------------------------------------------------------------------===#
# The driver, with a stand-in for the GPU
#===----------------------------------------------------------------------===#


class FakeProviders:
    """Providers whose points take 10 s of a fake clock: apex is not
    installed, triton fails at N = 2048."""

    def __init__(self, liger_path, clock):
        self.clock = clock

    def measure(self, provider, mode, dtype, M, N, rep, timers, reset):
        if provider == "apex":
            raise Unavailable("Apex is not installed")
        if provider == "triton" and N == 2048:
            raise RuntimeError("boom")
        self.clock.now += 10
        ms = {"sol": 1.0, "ln": 1.25, "triton": 1.5}[provider]
        return {timer: {"ms": ms, "gbps": 100 / ms, "ok": True,
                        "max_abs_error": 0.0} for timer in timers}


@pytest.fixture
def fake_gpu(monkeypatch):
    clock = type("Clock", (), {"now": 0.0})()
    fake_time = type("Time", (), {"monotonic": staticmethod(
        lambda: clock.now)})
    monkeypatch.setattr(bench, "time", fake_time)
    monkeypatch.setattr(bench, "torch", type("Torch", (), {
        "__version__": "0", "cuda": type("Cuda", (), {
            "get_device_name": staticmethod(lambda: "Fake GPU"),
            "empty_cache": staticmethod(lambda: None)})}))
    monkeypatch.setattr(bench, "copy_bandwidth", lambda rep: 200.0)
    monkeypatch.setattr(bench, "Providers",
                        lambda path: FakeProviders(path, clock))
    return clock


def drive(tmp_path, *argv):
    args = bench.parse_arguments(["--out", str(tmp_path), "--providers",
                                  "sol,ln,triton,apex", *argv])
    return bench.run(args, bench.expand_runs(args), "command")


def test_the_driver_measures_every_point_under_each_timer(tmp_path,
                                                         fake_gpu, capsys):
    results = drive(tmp_path, "--Ns", "1024,2048")
    assert results["unavailable"] == {"apex": "Apex is not installed"}
    assert "stopped" not in results
    # 2 N x 2 passes x 3 providers x 2 timers.
    assert len(results["points"]) == 24
    failed = [p for p in results["points"] if "error" in p]
    assert {(p["provider"], p["N"], p["timer"]) for p in failed} == {
        ("triton", 2048, "graph"), ("triton", 2048, "eager")}
    assert failed[0]["error"] == "RuntimeError: boom"
    first = results["points"][0]
    assert first == {"preset": "seed", "mode": "forward", "dtype": "f16",
                     "M": 4096, "N": 1024, "provider": "sol",
                     "timer": "graph", "ms": 1.0, "gbps": 100.0, "ok": True,
                     "max_abs_error": 0.0, "fraction_of_copy": 0.5}
    written = json.loads((tmp_path / "results.json").read_text())
    ours = written["summary"]["seed/f16/backward/eager"]["ln"]
    # At N = 2048 ln has no peer to be compared with.
    assert (ours["fastest_count"], ours["compared_n"]) == (1, 1)
    out, err = capsys.readouterr()
    assert "[   0 s] seed f16 M=4096 N=1024: forward sol ln triton apex " \
        "backward sol ln triton (60 s; about 60 s left)" in out
    assert err.count("RuntimeError: boom") == 2


def test_the_driver_stops_at_max_minutes_and_keeps_its_points(tmp_path,
                                                             fake_gpu):
    # Each point takes 10 s (both timers): one minute is reached after
    # N = 1024's six and N = 2048's first.
    results = drive(tmp_path, "--Ns", "1024,2048", "--max-minutes", "1")
    assert results["stopped"] == ("--max-minutes 1 reached before seed f16 "
                                  "N=2048 forward ln")
    assert len(results["points"]) == 14
    written = json.loads((tmp_path / "results.json").read_text())
    assert written["stopped"] == results["stopped"]
    assert len(written["points"]) == 14
