//===- Options.h - ln-run's command line ------------------------*- C++ -*-===//

#ifndef LN_TOOLS_LN_RUN_OPTIONS_H
#define LN_TOOLS_LN_RUN_OPTIONS_H

#include "ln/Runtime/ln.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ln::run {

/// Exit codes, documented in --help.
enum ExitCode {
  kExitOk = 0,
  kExitCheckFailed = 1,
  kExitBadArguments = 2,
  kExitNoGpu = 3,
  kExitCudaError = 4,
  kExitKernelFailed = 5,
};

/// A command-line error; the message names the flag.
class UsageError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

enum class Mode { Forward, Backward };

struct TimingOptions {
  int warmup = 25;
  int repetitions = 100;
};

/// One problem of `ln-run layernorm`.
struct LayerNormPoint {
  Mode mode;
  ln_dtype dtype;
  int64_t M, N;
};

/// `ln-run layernorm`: every combination of the listed modes, dtypes, Ms
/// and Ns (one process, so that a matrix of checks pays for one context).
struct LayerNormOptions {
  std::vector<Mode> modes = {Mode::Forward};
  std::vector<ln_dtype> dtypes = {LN_F16};
  std::vector<int64_t> Ms = {4096}, Ns = {8192};
  std::optional<int64_t> rowStride;
  float eps = 1e-5f;
  bool check = false, bench = false;
  /// Backward: pass no workspace, so that the runtime uses its own.
  bool runtimeWorkspace = false;
  /// How backward passes sum dw and db (--backward-algorithm).
  ln_backward_algorithm backwardAlgorithm = LN_BACKWARD_AUTO;
  std::optional<uint64_t> seed;
  TimingOptions timing;
};

struct SweepOptions {
  ln_dtype dtype = LN_F16;
  int64_t M = 4096;
  std::vector<int64_t> Ns; // the tutorial's 1024..15872 step 512 by default
  std::vector<Mode> modes = {Mode::Forward, Mode::Backward};
  bool check = true;
  std::string csvPath, jsonPath;
  TimingOptions timing;
  ln_backward_algorithm backwardAlgorithm = LN_BACKWARD_AUTO;
};

/// One argument of a user kernel: a scalar, or a buffer of `count` elements
/// filled per `fill` ("rand", "randn", "zeros", "ones", "iota" or a number).
struct KernelArgument {
  std::string type; // i32, i64, f32, f64, f16, bf16
  bool isBuffer = false;
  int64_t count = 0;
  std::string fill;  // buffers
  std::string value; // scalars
};

struct KernelOptions {
  std::string file;       // .ptx, or .mlir compiled with ln-opt
  std::string name;       // the kernel (PTX entry)
  std::string specialize; // blk-specialize options for .mlir input
  unsigned grid[3] = {1, 1, 1}, block[3] = {1, 1, 1};
  std::vector<KernelArgument> arguments;
  int64_t print = 8; // elements of each buffer to print
  std::string outPath;
  std::optional<uint64_t> seed;
  bool bench = false;
  /// Run on the CPU evaluator (ln-interpret) instead of a GPU.
  bool cpu = false;
  TimingOptions timing;
};

ln_dtype parseDType(const std::string &flag, const std::string &text);
Mode parseMode(const std::string &flag, const std::string &text);
int64_t parseInteger(const std::string &flag, const std::string &text,
                     int64_t min, int64_t max);
/// "X", "X,Y" or "X,Y,Z".
void parseDim3(const std::string &flag, const std::string &text,
               unsigned (&dims)[3]);
/// "f32*:4096=rand", "i32=4096", "f16*:1024" (zeros), ...
KernelArgument parseKernelArgument(const std::string &text);

/// "A,B,C": each element parsed by `parseElement(flag, element)`.
template <typename T, typename Parse>
std::vector<T> parseList(const std::string &flag, const std::string &text,
                         Parse parseElement) {
  std::vector<T> values;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    values.push_back(parseElement(flag, text.substr(start, comma - start)));
    if (comma == std::string::npos)
      return values;
    start = comma + 1;
  }
}

LayerNormOptions parseLayerNormOptions(const std::vector<std::string> &args);
SweepOptions parseSweepOptions(const std::vector<std::string> &args);
KernelOptions parseKernelOptions(const std::vector<std::string> &args);

} // namespace ln::run

#endif // LN_TOOLS_LN_RUN_OPTIONS_H
