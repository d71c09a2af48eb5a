#!/usr/bin/env python3
"""Differential tester of the blk compiler against its CPU evaluator.

Random well-formed kernels (scripts/difftest_generate.py) are evaluated on
the CPU (`ln-run kernel --cpu`, blk's semantics as docs/semantics.md states
them) and compiled to PTX (`ln-opt --blk-to-ptx`, then ptxas); on a GPU the
PTX runs through ln-run with the same seeded inputs, output buffers
poisoned, and every element is compared with the CPU's: integers exactly,
floats exactly unless a reduction's order can change them (then within the
bound the generator derived). An element the CPU left poisoned but the GPU
wrote is a write outside a mask. Each kernel is also evaluated on the CPU
after blk-prefetch-loads, after blk-local-accumulators, after both, and
after blk-merge-reductions, which must change no bit of its results;
kernels of odd seeds are compiled with local-accumulators=true, so that
the GPU runs loops' block accumulators from shared memory (local blocks)
as well as from registers, half of the kernels with prefetch-loads=true,
and half (seed // 6 odd) with merge-reductions=true, so that it runs
independent reductions through one tree. The prefetch distance (loads 1,
2 or 3 iterations ahead) cycles with the seed, on the CPU and the GPU
alike.

  difftest.py cpu --seed S --count N [--work DIR] [--ptxas "ptxas -arch=sm_90"]
      generate, evaluate on the CPU, compile and assemble; no GPU (CI)
  difftest.py prepare --seed S --count N --work DIR [--ptxas ...]
      the same, keeping in DIR each case's kernel.mlir, kernel.ptx,
      expected.txt and case.json (how to run it): the GPU machine needs
      no compiler
  difftest.py run --work DIR [--ln-run PATH]
      on the GPU machine: run every prepared case, compare, report;
      exits 1 on any disagreement

ln-opt, ln-translate and ln-run are taken from PATH (put build/bin or
dist/bin there). docs/evaluator.md records the runs.
"""

import argparse
import json
import math
import os
import shlex
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import difftest_generate  # noqa: E402


def run_checked(command, what, with_stderr=False, **kwargs):
    """The command's stdout (and stderr after it, if `with_stderr`: ptxas
    -v reports there); Failure naming it where it exits non-zero."""
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise Failure("%s failed (exit %d): %s\n%s" % (
            what, result.returncode, " ".join(map(shlex.quote, command))
            if isinstance(command, list) else command,
            result.stderr.strip()))
    return result.stdout + (result.stderr if with_stderr else "")


class Failure(Exception):
    pass


def prepare_case(seed, folder, ptxas):
    """Generates kernel `seed` into `folder`: compiles and assembles it,
    evaluates it on the CPU, and writes how to run it on the GPU."""
    kernel = difftest_generate.Kernel(seed)
    os.makedirs(folder, exist_ok=True)
    source = os.path.join(folder, "kernel.mlir")
    with open(source, "w") as f:
        f.write(kernel.text())
    specialize = kernel.specialization()
    ptx = os.path.join(folder, "kernel.ptx")
    pipeline = "fp-contract=false"
    if seed % 2:
        pipeline += " local-accumulators=true"
    distance = 1 + seed // 2 % 3
    if seed // 2 % 2:
        pipeline += " prefetch-loads=true prefetch-distance=%d" % distance
    if seed // 6 % 2:
        pipeline += " merge-reductions=true"
    run_checked("ln-opt %s --blk-specialize=%s --blk-to-ptx=%s"
                " | ln-translate --ptx > %s" % (
                    shlex.quote(source), shlex.quote(specialize),
                    shlex.quote(pipeline), shlex.quote(ptx))
                + " && test -s " + shlex.quote(ptx),
                "compiling", shell=True)
    run_checked(shlex.split(ptxas) + [ptx, "-o", os.devnull], "ptxas")
    arguments = []
    for argument in kernel.arguments:
        arguments += ["--arg", argument]
    common = ["--name", "kernel", "--grid", str(kernel.grid), "--seed",
              str(seed), "--print", "0"] + arguments
    expected = os.path.join(folder, "expected.txt")
    run_checked(["ln-run", "kernel", source, "--cpu", "--specialize",
                 specialize, "--out", expected] + common, "the CPU evaluator")
    # blk-prefetch-loads moves loads, never arithmetic,
    # blk-local-accumulators moves accumulators to shared memory, and
    # blk-merge-reductions reduces independent blocks in one op, combining
    # the same values in the same order: the evaluator must give the same
    # bits, and read nothing out of bounds or unwritten, after them.
    prefetch = "--blk-prefetch-loads=distance=%d" % distance
    for name, passes in (("prefetched", [prefetch]),
                         ("local", ["--blk-local-accumulators"]),
                         ("prefetched-local", [prefetch,
                                               "--blk-local-accumulators"]),
                         ("merged", ["--blk-merge-reductions"])):
        transformed = os.path.join(folder, name + ".mlir")
        what = " and ".join(p[2:] for p in passes)
        run_checked(["ln-opt", source, "--blk-specialize=" + specialize]
                    + passes + ["-o", transformed], what)
        transformed_out = os.path.join(folder, name + ".txt")
        run_checked(["ln-run", "kernel", transformed, "--cpu", "--out",
                     transformed_out] + common,
                    "the CPU evaluator after " + what)
        with open(expected) as before, open(transformed_out) as after:
            if before.read() != after.read():
                raise Failure("%s changed the CPU evaluator's results (%s "
                              "against %s)" % (what, transformed_out,
                                               expected))
    case = {"seed": seed,
            "arguments": ["--block", str(32 * kernel.num_warps)] + common,
            "tolerances": {str(k): v for k, v in kernel.tolerances.items()},
            "poison": difftest_generate.POISON}
    with open(os.path.join(folder, "case.json"), "w") as f:
        json.dump(case, f, indent=1)


def read_buffers(path):
    """{argument index: [element text]} of an `ln-run --out` file."""
    buffers, current = {}, None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("# arg "):
                current = buffers.setdefault(int(line.split()[2]), [])
            else:
                current.append(line)
    return buffers


def same(expected, actual, tolerance):
    if expected == actual:
        return True
    try:
        e, a = float(expected), float(actual)
    except ValueError:
        return False
    if math.isnan(e) or math.isnan(a):
        return math.isnan(e) and math.isnan(a)  # NaNs' signs may differ
    return tolerance > 0 and abs(e - a) <= tolerance


def compare(case, expected_path, actual_path):
    """Each disagreement, as a line."""
    expected, actual = read_buffers(expected_path), read_buffers(actual_path)
    poison = float(case["poison"])
    problems = []
    for index, elements in expected.items():
        tolerance = case["tolerances"].get(str(index), 0.0)
        for i, (e, a) in enumerate(zip(elements, actual.get(index, []))):
            if same(e, a, tolerance):
                continue
            # f16's poison is the nearest f16 (-12344): compare loosely.
            outside = abs(float(e) - poison) <= 8 and not math.isnan(
                float(e))
            problems.append("arg %d element %d: %s %s, GPU %s" % (
                index, i, "written outside its mask:" if outside else
                "CPU", e, a))
        if len(actual.get(index, [])) != len(elements):
            problems.append("arg %d: the GPU gave %d elements, the CPU %d"
                            % (index, len(actual.get(index, [])),
                               len(elements)))
    return problems


def command_prepare(options, keep):
    work = options.work or tempfile.mkdtemp(prefix="difftest.")
    failures = 0
    for seed in range(options.seed, options.seed + options.count):
        try:
            prepare_case(seed, os.path.join(work, "%06d" % seed),
                         options.ptxas)
        except Failure as failure:
            failures += 1
            print("seed %d: %s" % (seed, failure))
    print("difftest: %d kernels from seed %d, %d failed to verify, compile, "
          "assemble or evaluate%s" % (options.count, options.seed, failures,
                                      "; cases in " + work if keep else ""))
    if not keep and not options.work:
        subprocess.run(["rm", "-rf", work])
    return 1 if failures else 0


def command_run(options):
    cases = sorted(d for d in os.listdir(options.work)
                   if os.path.exists(os.path.join(options.work, d,
                                                  "case.json")))
    bad = 0
    for name in cases:
        folder = os.path.join(options.work, name)
        with open(os.path.join(folder, "case.json")) as f:
            case = json.load(f)
        actual = os.path.join(folder, "actual.txt")
        try:
            result = subprocess.run(
                [options.ln_run, "kernel", os.path.join(folder, "kernel.ptx"),
                 "--out", actual] + case["arguments"], capture_output=True,
                text=True, timeout=120)
        except subprocess.TimeoutExpired:
            result = subprocess.CompletedProcess([], -1, "",
                                                 "hung: killed after 120 s")
        if result.returncode != 0:
            problems = ["ln-run failed (exit %d): %s" % (
                result.returncode, result.stderr.strip())]
        else:
            problems = compare(case, os.path.join(folder, "expected.txt"),
                               actual)
        if problems:
            bad += 1
            print("case %s (%s): %d disagreements" % (name, folder,
                                                       len(problems)))
            for line in problems[:10]:
                print("  " + line)
    print("difftest run: %d cases, %d disagree" % (len(cases), bad))
    return 1 if bad else 0


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("command", choices=["cpu", "prepare", "run"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--work", help="the cases' folder")
    parser.add_argument("--ptxas", default="ptxas -arch=sm_90",
                        help="ptxas and its flags (default: %(default)s)")
    parser.add_argument("--ln-run", default="ln-run", dest="ln_run")
    options = parser.parse_args()
    if options.command == "run":
        if not options.work:
            parser.error("run needs --work, the folder prepare wrote")
        return command_run(options)
    if options.command == "prepare" and not options.work:
        parser.error("prepare needs --work, the folder to write")
    return command_prepare(options, keep=options.command == "prepare")


if __name__ == "__main__":
    sys.exit(main())
