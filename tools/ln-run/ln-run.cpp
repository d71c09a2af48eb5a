//===- ln-run.cpp - Run, check and time kernels on a GPU ------------------===//
//
// Links no MLIR, so that it runs on a GPU machine without LLVM: .mlir
// kernels are compiled by ln-opt, or evaluated by ln-interpret (--cpu),
// found next to it.
//
//===----------------------------------------------------------------------===//

#include "KernelCommand.h"
#include "LayerNormCommand.h"
#include "Options.h"

#include "ln/Runtime/Runtime.h"

#include <cstdio>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ln::run;

static const char kHelp[] =
    R"(ln-run: run, check and time ln kernels on a CUDA GPU.

USAGE
  ln-run layernorm [options]   the tutorial's LayerNorm, checked and/or timed
  ln-run sweep [options]       the tutorial's benchmark table
  ln-run kernel FILE [options] a kernel of your own (.ptx, or .mlir via ln-opt;
                               .mlir also on the CPU, --cpu)
  ln-run --help

ln-run layernorm
  --mode forward|backward  which pass (default forward)
  --M ROWS --N FEATURES    the problem (default 4096 x 8192)
  --dtype f16|bf16|f32     element type of x, y, w, b, dy, dx, dw, db (f16)
                           --mode, --M, --N and --dtype also take
                           comma-separated lists: every combination runs,
                           in one process (e.g. --M 1,3,4096 --N 7,1000)
  --row-stride S           elements between rows (>= every N; default N)
  --eps E                  epsilon added to the variance (1e-5)
  --check                  compare y, mean, rstd (forward) or dx, dw, db
                           (backward) with a float64 CPU reference on fresh
                           random inputs, outputs poisoned (NaN) first;
                           prints the worst element if the check fails
  --bench                  time with CUDA events (L2 flushed between runs):
                           median, GB/s as the tutorial counts bytes (forward
                           2*M*N*size, backward 3*M*N*size) and the share of
                           the GPU's measured device-to-device copy bandwidth
  --warmup N --reps N      timing runs (default 25 and 100)
  --backward-algorithm A   auto, partial-rows (persistent, no locks) or
                           locked (the tutorial's); default auto
  --seed S                 fix the random inputs (default: fresh each run)
  --runtime-workspace      backward: pass no workspace, so that the runtime
                           allocates (and keeps) its own
  With neither --check nor --bench, --check is implied.

ln-run sweep               GB/s per N and pass, beside its speed of light
                           (sol: a device-to-device copy moving the same
                           bytes, timed alike) and the ratio of the two
  --dtype f16|bf16|f32     (f16)
  --M ROWS                 (4096)
  --N A,B,...              feature counts (default 1024 to 15872, step 512)
  --mode forward|backward  only one pass (default both)
  --csv FILE --json FILE   also write the table
  --no-check               time only (default: check every point too)
  --warmup N --reps N      timing runs per point
  --backward-algorithm A   auto, partial-rows or locked

ln-run kernel FILE
  --name NAME              the kernel (the PTX .entry name)
  --grid X[,Y[,Z]]         number of CTAs (default 1)
  --block X[,Y[,Z]]        threads per CTA (default 1; a blk kernel compiled
                           with num-warps=W needs 32*W)
  --arg TYPE=VALUE         a scalar argument: i32, i64, f32, f64
  --arg TYPE*:COUNT[=FILL] a buffer of COUNT elements of TYPE (i32, i64,
                           f16, bf16, f32, f64), filled with rand, randn,
                           zeros (default), ones, iota or a number
                           arguments are passed in the order given
  --specialize OPTS        for .mlir files: blk-specialize options, e.g.
                           "bind=BLOCK=1024,T=f32 num-warps=4"
  --print N                elements of each buffer to print after the run (8)
  --out FILE               write every buffer, as text, after the run (one
                           element a line, exactly: reads back bit for bit)
  --bench                  also time the launch (median)
  --cpu                    run a .mlir kernel on the CPU evaluator
                           (ln-interpret, next to ln-run) instead of a GPU:
                           blk's semantics, every program in turn; needs no
                           GPU, and an out-of-bounds access or undefined
                           operation is an error naming the op's file:line
  --seed S                 fix the fills (the same on the CPU and the GPU)
  Example:
    ln-run kernel add.ptx --name add --grid 16 --block 256 \
        --arg f32*:4096=rand --arg f32*:4096=rand --arg f32*:4096 --arg i32=4096

EXIT STATUS
  0 success   1 a check failed   2 bad arguments or unsupported request
  3 no GPU (no driver or no device)   4 CUDA error
  5 the kernel failed on the CPU evaluator (--cpu; the error names the op)
)";

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" ||
      args[0] == "help") {
    std::fputs(kHelp, args.empty() ? stderr : stdout);
    return args.empty() ? kExitBadArguments : kExitOk;
  }
  std::string command = args[0];
  args.erase(args.begin());
  for (const std::string &arg : args)
    if (arg == "--help" || arg == "-h") {
      std::fputs(kHelp, stdout);
      return kExitOk;
    }
  try {
    if (command == "layernorm")
      return runLayerNormCommand(parseLayerNormOptions(args));
    if (command == "sweep")
      return runSweepCommand(parseSweepOptions(args));
    if (command == "kernel")
      return runKernelCommand(parseKernelOptions(args), argv[0]);
    throw UsageError("unknown command '" + command +
                     "' (expected layernorm, sweep or kernel)");
  } catch (const UsageError &error) {
    std::fprintf(stderr, "ln-run: %s\n", error.what());
    return kExitBadArguments;
  } catch (const std::bad_alloc &) {
    // The options' size checks should come first; this is the backstop.
    std::fprintf(stderr, "ln-run: out of host memory; ask for fewer rows or "
                         "features (--M, --N)\n");
    return kExitBadArguments;
  } catch (const std::length_error &error) {
    std::fprintf(stderr, "ln-run: a buffer is too large (%s); ask for fewer "
                         "rows or features (--M, --N)\n",
                 error.what());
    return kExitBadArguments;
  } catch (const ln::runtime::RuntimeError &error) {
    std::fprintf(stderr, "ln-run: %s\n", error.what());
    switch (error.getStatus()) {
    case LN_ERROR_NO_GPU:
      return kExitNoGpu;
    case LN_ERROR_INVALID_ARGUMENT:
    case LN_ERROR_UNSUPPORTED:
      return kExitBadArguments;
    default:
      return kExitCudaError;
    }
  }
}
