#!/usr/bin/env python3
"""Warps-per-program sweep of ln's persistent kernels, for a tuning table.

The build picks each persistent kernel's warps by a rule (16 elements a
thread forward, one or two 16-byte vectors a thread backward, as recorded
sweeps chose: kernels/CMakeLists.txt); a program's warps
decide its registers, hence how many CTAs a multiprocessor holds and how
many bytes are in flight. This script times the alternatives, as the
runtime would launch them, so that the choice can come from a recorded
sweep instead:

  tune.py prepare --work DIR [--kernel K ...] [--dtype D ...] [--blocks B,..]
                  [--warps W,.. | --elements-per-thread E,..] [--generic]
                  [--pipeline OPTIONS] [--min-programs-per-sm K]
                  [--source FILE] [--bind NAME=VALUE,..]
      compiles every (kernel, dtype, block, warps) with ln-opt, ln-translate
      and ptxas -v, keeps the spill-free ones, and writes DIR/manifest.json:
      each variant's PTX, registers, CTAs a multiprocessor and ln-run
      arguments (no GPU needed)
  tune.py run --work DIR [--ln-run PATH] [--M ROWS] [--sms N] [--reps N]
              [--programs-per-sm K,..]
      on the GPU machine: times each variant (`ln-run kernel --bench`, a
      row of N = block features, M rows, one program per CTA the GPU holds:
      --sms times the CTAs a multiprocessor holds by ptxas's registers,
      the threads and the shared memory, the estimate the runtime's
      occupancy query makes; --programs-per-sm times each variant at
      fewer programs too, and records the partial dw/db bytes the
      backward's final reduction then reads)
      and writes DIR/results.csv; prints the fastest warps per block.
      --cpu runs each variant's blk on the CPU evaluator instead, with the
      same arguments (a check of the launch, no timing; use a small --M)

ln-opt and ln-translate come from PATH (build/bin), ptxas from PATH or
--ptxas. --pipeline passes options to --blk-to-ptx (e.g.
prefetch-loads=true, for a kernel written as a plain loop; or
local-accumulators=true, whose shared memory then bounds the CTAs a
multiprocessor holds); --bind adds blk-specialize bindings the other
source needs (X_HAT_IN_SHARED=0); --min-programs-per-sm K has ptxas
size registers for K CTAs a multiprocessor (blk-specialize's option, the
build's ln_min_programs; the variant's name ends in _mK). The aligned
flavour's divisible arguments are kernels/CMakeLists.txt's
(test/Tools/tune.test checks that they agree).
"""

import argparse
import csv
import json
import os
import re
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from difftest import Failure, run_checked  # noqa: E402

# Each kernel: its source, its blocks' binding, the arguments the aligned
# flavour declares aligned ("POINTERS|COUNTS": 16-byte-aligned pointers,
# counts that are multiples of 16 bytes' worth of elements, as
# kernels/CMakeLists.txt writes them), and its ln-run arguments (T the
# element type, N the features, M the rows, P the programs).
KERNELS = {
    "fwd-persistent": {
        "entry": "layer_norm_fwd_persistent",
        "source": "kernels/layer_norm_fwd_persistent.mlir",
        "binding": "BLOCK_SIZE",
        # Parameters other than the block's, as the build's blocks to 16384
        # bind them (--bind overrides).
        "defaults": {"X_IN_SHARED": "0"},
        "divisible": "0,1,2,3|6,7,9",
        "arguments": ["{T}*:{MN}=rand", "{T}*:{MN}", "{T}*:{N}=rand",
                      "{T}*:{N}=rand", "f32*:{M}", "f32*:{M}", "i64={N}",
                      "i64={N}", "i32={M}", "i32={N}", "f32=1e-5"],
        # Bytes moved: read x, write y.
        "bytes_per_element": 2,
    },
    "bwd-dx-persistent": {
        "entry": "layer_norm_bwd_dx_persistent",
        "source": "kernels/layer_norm_bwd_dx_persistent.mlir",
        "binding": "BLOCK_SIZE_N",
        "divisible": "0,1,2,3,4,5|8,9,10,12",
        "arguments": ["{T}*:{MN}", "{T}*:{MN}=randn", "f32*:{PN}",
                      "f32*:{PN}", "{T}*:{MN}=randn", "{T}*:{N}=rand",
                      "f32*:{M}=randn", "f32*:{M}=rand", "i64={N}",
                      "i64={N}", "i64={N}", "i32={M}", "i32={N}"],
        # Bytes moved: read x and dy, write dx.
        "bytes_per_element": 3,
    },
}
ELEMENT_BYTES = {"f16": 2, "bf16": 2, "f32": 4}
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REGISTERS_PER_SM = 65536
THREADS_PER_SM = 2048
CTAS_PER_SM = 32
# Shared memory of an H200 multiprocessor, and what each CTA reserves.
SHARED_BYTES_PER_SM = 228 * 1024
SHARED_BYTES_RESERVED_PER_CTA = 1024


def aligned_options(divisible, dtype):
    """blk-specialize options of the aligned flavour, from "POINTERS|COUNTS"
    (kernels/CMakeLists.txt's ln_compile_kernel does the same)."""
    pointers, counts = divisible.split("|")
    elements = 4 if dtype == "f32" else 8
    return " divisible-by-16=%s divisibility=%s" % (
        pointers, ",".join("%s:%d" % (c, elements) for c in counts.split(",")))


def resident_ctas(registers, warps, shared_bytes=0):
    """CTAs a multiprocessor holds, by registers (allocated per warp in
    units of 256, so 8 a thread), threads and shared memory (static and
    dynamic: local blocks make it the limit)."""
    per_thread = (registers + 7) // 8 * 8
    by_registers = REGISTERS_PER_SM // (per_thread * 32 * warps)
    by_shared = SHARED_BYTES_PER_SM // (shared_bytes +
                                        SHARED_BYTES_RESERVED_PER_CTA)
    return min(by_registers, by_shared, THREADS_PER_SM // (32 * warps),
               CTAS_PER_SM)


def dynamic_shared_bytes(ptx, entry):
    """What the PTX records for `entry`'s local blocks (the runtime's
    getDynamicSharedBytes), 0 if nothing."""
    with open(ptx) as f:
        found = re.search(r"\.u32 %s_dynamic_shared_bytes = (\d+);" %
                          re.escape(entry), f.read())
    return int(found.group(1)) if found else 0


def ptxas_usage(ptxas, ptx):
    """(registers, spill bytes, static shared bytes) as ptxas -v reports
    them."""
    command = shlex.split(ptxas)
    if "-v" not in command:
        command.append("-v")
    text = run_checked(command + [ptx, "-o", os.devnull], "ptxas",
                       with_stderr=True)
    registers = re.search(r"Used (\d+) registers", text)
    spills = re.search(r"(\d+) bytes spill stores", text)
    shared = re.search(r"(\d+) bytes smem", text)
    if not registers or not spills:
        raise RuntimeError("no register count in ptxas's report:\n" + text)
    return (int(registers.group(1)), int(spills.group(1)),
            int(shared.group(1)) if shared else 0)


def block_warps(options, block):
    """The warps to try for `block`: --warps, or from
    --elements-per-thread the warps that give each thread that many of the
    block's elements (as the build's rules do), where that is whole."""
    if not options.elements_per_thread:
        return options.warps or [4, 8, 12, 16, 24, 32]
    return [block // (32 * elements)
            for elements in options.elements_per_thread
            if block % (32 * elements) == 0]


def command_prepare(options):
    os.makedirs(options.work, exist_ok=True)
    variants, skipped = [], []
    for kernel_name in options.kernel:
        kernel = KERNELS[kernel_name]
        source = options.source or os.path.join(REPO, kernel["source"])
        for dtype in options.dtype:
            for block in options.blocks:
                for warps in block_warps(options, block):
                    # A block the warps tile: whole 32-lane rows of it.
                    if block % (32 * warps) or warps > 32:
                        continue
                    name = "%s_%s_%d_w%d_%s%s" % (
                        kernel["entry"], dtype, block, warps,
                        "generic" if options.generic else "aligned",
                        "_m%d" % options.min_programs_per_sm
                        if options.min_programs_per_sm else "")
                    bindings = dict(kernel.get("defaults", {}))
                    bindings.update(options.bind)
                    specialize = "bind=%s=%d,T=%s%s num-warps=%d" % (
                        kernel["binding"], block, dtype,
                        "".join(",%s=%s" % b for b in bindings.items()), warps)
                    if not options.generic:
                        specialize += aligned_options(kernel["divisible"],
                                                      dtype)
                    if options.min_programs_per_sm:
                        specialize += " min-programs-per-sm=%d" % (
                            options.min_programs_per_sm)
                    pipeline = "--blk-to-ptx" + (
                        "=" + options.pipeline if options.pipeline else "")
                    blk = os.path.join(options.work, name + ".blk.mlir")
                    mlir = os.path.join(options.work, name + ".mlir")
                    ptx = os.path.join(options.work, name + ".ptx")
                    run_checked(["ln-opt", source, "--blk-specialize=" +
                                 specialize, "-o", blk], "ln-opt")
                    entry = {"name": name, "kernel": kernel_name,
                             "dtype": dtype, "block": block, "warps": warps,
                             "aligned": not options.generic,
                             "min_programs_per_sm":
                                 options.min_programs_per_sm}
                    try:
                        run_checked(["ln-opt", blk, pipeline, "-o", mlir],
                                    "ln-opt")
                    except Failure as error:
                        # A variant whose local blocks take more shared
                        # memory than a CTA has is skipped; any other
                        # failure is the compiler's, and fatal.
                        if "of dynamic shared memory" not in str(error):
                            raise
                        skipped.append(dict(entry, reason="shared memory"))
                        continue
                    run_checked(["ln-translate", "--ptx", mlir, "-o", ptx],
                                "ln-translate")
                    registers, spills, static_shared = ptxas_usage(
                        options.ptxas, ptx)
                    shared = static_shared + dynamic_shared_bytes(
                        ptx, kernel["entry"])
                    ctas = resident_ctas(registers, warps, shared)
                    entry.update({"registers": registers, "spills": spills,
                                  "shared_bytes": shared,
                                  "ctas_per_sm": ctas,
                                  "blk": os.path.basename(blk),
                                  "ptx": os.path.basename(ptx)})
                    if spills or ctas == 0:
                        skipped.append(entry)
                    else:
                        variants.append(entry)
    with open(os.path.join(options.work, "manifest.json"), "w") as out:
        json.dump({"variants": variants, "skipped": skipped}, out, indent=1)
    for entry in variants + skipped:
        if "reason" in entry:
            print("%-52s more shared memory than a CTA has  (skipped)"
                  % entry["name"])
            continue
        print("%-52s %3d registers %4d B spills %6d B shared %2d CTAs/SM%s" % (
            entry["name"], entry["registers"], entry["spills"],
            entry["shared_bytes"], entry["ctas_per_sm"],
            "" if entry in variants else "  (skipped)"))
    print("tune: %d variants in %s, %d skipped (spills or no CTA fits)" % (
        len(variants), options.work, len(skipped)))
    return 0


def launch_arguments(entry, M, sms, per_sm=None):
    """ln-run's arguments for `entry` on M rows: one program per CTA the
    GPU holds, or `per_sm` programs a multiprocessor (at most that)."""
    kernel = KERNELS[entry["kernel"]]
    ctas = entry["ctas_per_sm"]
    if per_sm:
        ctas = min(ctas, per_sm)
    N, programs = entry["block"], ctas * sms
    programs = min(programs, M)
    values = {"T": entry["dtype"], "N": N, "M": M, "MN": M * N,
              "PN": programs * N}
    arguments = ["--name", kernel["entry"], "--grid", str(programs),
                 "--block", str(32 * entry["warps"])]
    for argument in kernel["arguments"]:
        arguments += ["--arg", argument.format(**values)]
    return arguments


def command_run(options):
    with open(os.path.join(options.work, "manifest.json")) as manifest:
        variants = json.load(manifest)["variants"]
    rows = []
    # Each variant at each number of programs a multiprocessor asked for
    # (one run at what the GPU holds where none is asked for).
    variants = [dict(entry, programs_per_sm=min(k, entry["ctas_per_sm"]))
                for entry in variants
                for k in sorted(set(options.programs_per_sm or
                                    [entry["ctas_per_sm"]]))
                if k <= entry["ctas_per_sm"] or k == min(
                    options.programs_per_sm)]
    for entry in variants:
        if options.cpu:
            # The kernel as blk on the CPU evaluator, with the arguments
            # the GPU run passes: they must fit its signature.
            command = [options.ln_run, "kernel",
                       os.path.join(options.work, entry["blk"]), "--cpu"]
            command += launch_arguments(entry, options.M, options.sms,
                                        entry["programs_per_sm"])
            command += ["--print", "0"]
            run_checked(command, "ln-run --cpu")
            rows.append(entry)
            continue
        command = [options.ln_run, "kernel",
                   os.path.join(options.work, entry["ptx"])]
        command += launch_arguments(entry, options.M, options.sms,
                                    entry["programs_per_sm"])
        command += ["--bench", "--print", "0", "--reps", str(options.reps),
                    "--warmup", "5"]
        if options.dry_run:
            print(" ".join(map(shlex.quote, command)))
            continue
        text = run_checked(command, "ln-run", with_stderr=True)
        time = re.search(r"time: ([0-9.]+) ms", text)
        if not time:
            raise RuntimeError("no time in ln-run's output:\n" + text)
        milliseconds = float(time.group(1))
        bytes_moved = (KERNELS[entry["kernel"]]["bytes_per_element"] *
                       ELEMENT_BYTES[entry["dtype"]] * options.M *
                       entry["block"])
        programs = min(entry["programs_per_sm"] * options.sms, options.M)
        # The backward's partial dw/db rows: written by this kernel, read
        # again by the final reduction (not timed here).
        partial_bytes = (8 * programs * entry["block"]
                         if entry["kernel"] == "bwd-dx-persistent" else 0)
        rows.append(dict(entry, programs=programs,
                         partial_bytes=partial_bytes, ms=milliseconds,
                         gbps=bytes_moved / milliseconds / 1e6))
    if options.dry_run:
        return 0
    if options.cpu:
        print("tune: %d variants ran on the CPU evaluator with their launch "
              "arguments" % len(rows))
        return 0
    fields = ["kernel", "dtype", "block", "aligned", "warps",
              "min_programs_per_sm", "registers", "shared_bytes",
              "ctas_per_sm", "programs", "partial_bytes", "ms", "gbps"]
    path = os.path.join(options.work, "results.csv")
    with open(path, "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    best = {}
    for row in rows:
        key = (row["kernel"], row["dtype"], row["block"], row["aligned"])
        if key not in best or row["ms"] < best[key]["ms"]:
            best[key] = row
    for key in sorted(best):
        row = best[key]
        print("%-18s %-4s %6d %-7s fastest on %2d warps, %4d programs: "
              "%.4f ms, %.0f GB/s" % (
                  row["kernel"], row["dtype"], row["block"],
                  "aligned" if row["aligned"] else "generic", row["warps"],
                  row["programs"], row["ms"], row["gbps"]))
    print("tune: %d variants timed, written to %s" % (len(rows), path))
    return 0


def comma_list(kind):
    return lambda text: [kind(item) for item in text.split(",") if item]


def binding(text):
    name, equals, value = text.partition("=")
    if not name or not equals or not value:
        raise argparse.ArgumentTypeError("%r is not NAME=VALUE" % text)
    return name, value


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    prepare = commands.add_parser("prepare")
    prepare.add_argument("--work", required=True)
    prepare.add_argument("--kernel", type=comma_list(str),
                         default=list(KERNELS))
    prepare.add_argument("--dtype", type=comma_list(str), default=["f16"])
    prepare.add_argument("--blocks", type=comma_list(int),
                         default=[512 * i for i in range(4, 17)])
    prepare.add_argument("--warps", type=comma_list(int),
                         help="warps to try for every block (default "
                              "4,8,12,16,24,32)")
    prepare.add_argument("--elements-per-thread", type=comma_list(int),
                         default=[],
                         help="instead of --warps: for each block, the "
                              "warps that give each thread this many of "
                              "its elements (e.g. 16: the forward's rule)")
    prepare.add_argument("--generic", action="store_true",
                         help="the generic flavour (default: aligned)")
    prepare.add_argument("--pipeline", default="",
                         help="--blk-to-ptx options, e.g. prefetch-loads=true")
    prepare.add_argument("--min-programs-per-sm", type=int, default=0,
                         help="have ptxas fit this many CTAs a "
                              "multiprocessor (registers bounded to fit; "
                              "default 0: no bound)")
    prepare.add_argument("--source", help="another source for the kernel")
    prepare.add_argument("--bind", type=comma_list(binding), default=[],
                         help="more blk-specialize bindings, NAME=VALUE,..")
    prepare.add_argument("--ptxas", default="ptxas -arch=sm_90")
    run = commands.add_parser("run")
    run.add_argument("--work", required=True)
    run.add_argument("--ln-run", default="ln-run")
    run.add_argument("--M", type=int, default=4096)
    run.add_argument("--programs-per-sm", type=comma_list(int), default=[],
                     help="programs a multiprocessor to time each variant "
                          "at (at most what it holds; default: what it "
                          "holds)")
    run.add_argument("--sms", type=int, default=132,
                     help="multiprocessors (132 on the H200)")
    run.add_argument("--reps", type=int, default=30)
    run.add_argument("--dry-run", action="store_true",
                     help="print the ln-run commands only")
    run.add_argument("--cpu", action="store_true",
                     help="run each variant's blk on the CPU evaluator "
                          "instead (no timing; checks the arguments)")
    options = parser.parse_args()
    for name in getattr(options, "kernel", []):
        if name not in KERNELS:
            parser.error("--kernel %s: expected one of %s" % (
                name, ", ".join(KERNELS)))
    if getattr(options, "warps", None) and getattr(
            options, "elements_per_thread", None):
        parser.error("--warps and --elements-per-thread both choose the "
                     "warps; give one")
    if getattr(options, "min_programs_per_sm", 0) < 0:
        parser.error("--min-programs-per-sm %d: expected a count of CTAs, "
                     "0 for no bound" % options.min_programs_per_sm)
    for dtype in getattr(options, "dtype", []):
        if dtype not in ELEMENT_BYTES:
            parser.error("--dtype %s: expected f16, bf16 or f32" % dtype)
    try:
        return (command_prepare if options.command == "prepare"
                else command_run)(options)
    except (Failure, RuntimeError) as error:
        print("tune: " + str(error), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
