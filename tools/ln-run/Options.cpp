//===- Options.cpp - ln-run's command line --------------------------------===//

#include "Options.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>

#include <unistd.h>

using namespace ln::run;

Mode ln::run::parseMode(const std::string &flag, const std::string &text) {
  if (text == "forward")
    return Mode::Forward;
  if (text == "backward")
    return Mode::Backward;
  throw UsageError(flag + ": expected forward or backward, got '" + text + "'");
}

ln_dtype ln::run::parseDType(const std::string &flag, const std::string &text) {
  if (text == "f16" || text == "fp16" || text == "float16")
    return LN_F16;
  if (text == "bf16" || text == "bfloat16")
    return LN_BF16;
  if (text == "f32" || text == "fp32" || text == "float32")
    return LN_F32;
  throw UsageError(flag + ": unknown dtype '" + text +
                   "' (expected f16, bf16 or f32)");
}

int64_t ln::run::parseInteger(const std::string &flag, const std::string &text,
                              int64_t min, int64_t max) {
  char *end = nullptr;
  errno = 0;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE)
    throw UsageError(flag + ": '" + text + "' is not an integer");
  if (value < min || value > max)
    throw UsageError(flag + ": " + text + " is out of range [" +
                     std::to_string(min) + ", " + std::to_string(max) + "]");
  return value;
}

static double parseReal(const std::string &flag, const std::string &text) {
  char *end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0')
    throw UsageError(flag + ": '" + text + "' is not a number");
  return value;
}

void ln::run::parseDim3(const std::string &flag, const std::string &text,
                        unsigned (&dims)[3]) {
  size_t start = 0;
  for (int i = 0; i < 3; ++i) {
    size_t comma = text.find(',', start);
    std::string part = text.substr(start, comma - start);
    dims[i] = unsigned(parseInteger(flag, part, 1, INT32_MAX));
    if (comma == std::string::npos) {
      for (int j = i + 1; j < 3; ++j)
        dims[j] = 1;
      return;
    }
    start = comma + 1;
  }
  throw UsageError(flag + ": '" + text + "' has more than 3 dimensions");
}

KernelArgument ln::run::parseKernelArgument(const std::string &text) {
  static const char *types[] = {"i32", "i64", "f32", "f64", "f16", "bf16"};
  const std::string flag = "--arg";
  KernelArgument argument;
  size_t equals = text.find('=');
  std::string head = text.substr(0, equals);
  std::string tail = equals == std::string::npos ? "" : text.substr(equals + 1);
  size_t star = head.find('*');
  argument.type = head.substr(0, star);
  bool known = false;
  for (const char *type : types)
    known |= argument.type == type;
  if (!known)
    throw UsageError(flag + " '" + text + "': unknown type '" + argument.type +
                     "' (i32, i64, f32, f64, f16, bf16; add * for a buffer)");
  if (star == std::string::npos) {
    if (tail.empty())
      throw UsageError(flag + " '" + text +
                       "': a scalar needs a value, as "
                       "in i32=4096");
    // Values out of the parameter's range are refused, not wrapped.
    std::string what = flag + " '" + text + "'";
    if (argument.type == "i32") {
      parseInteger(what, tail, INT32_MIN, INT32_MAX);
    } else if (argument.type == "i64") {
      parseInteger(what, tail, INT64_MIN, INT64_MAX);
    } else {
      double value = parseReal(what, tail);
      double largest = argument.type == "f16"    ? 65504.0
                       : argument.type == "bf16" ? 3.3895313892515355e38
                       : argument.type == "f32"  ? 3.4028234663852886e38
                                                 : HUGE_VAL;
      if (std::isfinite(value) && std::fabs(value) > largest)
        throw UsageError(what + ": " + tail + " is out of the range of " +
                         argument.type);
    }
    argument.value = tail;
    return argument;
  }
  argument.isBuffer = true;
  std::string rest = head.substr(star + 1);
  if (rest.size() < 2 || rest[0] != ':')
    throw UsageError(flag + " '" + text +
                     "': a buffer needs a size, as in "
                     "f32*:4096=rand");
  argument.count = parseInteger(flag, rest.substr(1), 1, int64_t(1) << 34);
  argument.fill = tail.empty() ? "zeros" : tail;
  if (argument.fill != "rand" && argument.fill != "randn" &&
      argument.fill != "zeros" && argument.fill != "ones" &&
      argument.fill != "iota")
    parseReal(flag + " '" + text + "' fill", argument.fill);
  return argument;
}

namespace {

/// A table of flags: each takes a value, except switches.
class FlagParser {
public:
  void value(const std::string &flag,
             std::function<void(const std::string &)> handler) {
    values[flag] = std::move(handler);
  }
  void flag(const std::string &flag, std::function<void()> handler) {
    switches[flag] = std::move(handler);
  }

  void parse(const std::vector<std::string> &args) {
    for (size_t i = 0; i < args.size(); ++i) {
      std::string arg = args[i], value;
      bool inlineValue = false;
      size_t equals = arg.find('=');
      if (arg.rfind("--", 0) == 0 && equals != std::string::npos) {
        value = arg.substr(equals + 1);
        arg = arg.substr(0, equals);
        inlineValue = true;
      }
      if (auto it = switches.find(arg); it != switches.end()) {
        if (inlineValue)
          throw UsageError(arg + " takes no value");
        it->second();
        continue;
      }
      auto it = values.find(arg);
      if (it == values.end()) {
        if (positional && arg.rfind("-", 0) != 0) {
          positional(arg);
          continue;
        }
        throw UsageError("unknown argument '" + args[i] +
                         "' (see ln-run --help)");
      }
      if (!inlineValue) {
        if (i + 1 >= args.size())
          throw UsageError(arg + " needs a value");
        value = args[++i];
      }
      it->second(value);
    }
  }

  std::function<void(const std::string &)> positional;

private:
  std::map<std::string, std::function<void(const std::string &)>> values;
  std::map<std::string, std::function<void()>> switches;
};

void addTimingFlags(FlagParser &parser, TimingOptions &timing) {
  parser.value("--warmup", [&](const std::string &v) {
    timing.warmup = int(parseInteger("--warmup", v, 0, 100000));
  });
  parser.value("--reps", [&](const std::string &v) {
    timing.repetitions = int(parseInteger("--reps", v, 1, 100000));
  });
}

void addBackwardAlgorithmFlag(FlagParser &parser,
                              ln_backward_algorithm &algorithm) {
  parser.value("--backward-algorithm", [&](const std::string &v) {
    if (v == "auto")
      algorithm = LN_BACKWARD_AUTO;
    else if (v == "partial-rows")
      algorithm = LN_BACKWARD_PARTIAL_ROWS;
    else if (v == "locked")
      algorithm = LN_BACKWARD_LOCKED;
    else
      throw UsageError("--backward-algorithm must be auto, partial-rows or "
                       "locked, got '" + v + "'");
  });
}

/// A number of rows or features.
int64_t parseCount(const std::string &flag, const std::string &text) {
  return parseInteger(flag, text, 1, INT32_MAX);
}

/// Refuses, naming the flags, a problem whose host buffers cannot fit in
/// this machine's memory (allocating them would abort): the inputs and
/// outputs in their dtype, about 4 x 4 bytes an element at most, and, where
/// the run checks, a float64 reference or float64 copy, 2 x 8 more. A
/// timing-only run allocates no reference.
void requireHostMemory(int64_t M, int64_t rowElements, bool check) {
  double bytesPerElement = 4 * 4 + (check ? 2 * 8 : 0);
  double needed = double(M) * double(rowElements) * bytesPerElement;
  double available = double(sysconf(_SC_PHYS_PAGES)) *
                     double(sysconf(_SC_PAGESIZE));
  if (available > 0 && needed > available) {
    char text[256];
    std::snprintf(text, sizeof(text),
                  "--M %lld x --N %lld: %.3g elements need about %.3g GB of "
                  "host memory for the inputs and outputs%s; this machine "
                  "has %.3g GB",
                  (long long)M, (long long)rowElements,
                  double(M) * double(rowElements), needed / 1e9,
                  check ? " and the float64 reference" : "", available / 1e9);
    throw UsageError(text);
  }
}

} // namespace

LayerNormOptions
ln::run::parseLayerNormOptions(const std::vector<std::string> &args) {
  LayerNormOptions options;
  FlagParser parser;
  parser.value("--mode", [&](const std::string &v) {
    options.modes = parseList<Mode>("--mode", v, parseMode);
  });
  parser.value("--M", [&](const std::string &v) {
    options.Ms = parseList<int64_t>("--M", v, parseCount);
  });
  parser.value("--N", [&](const std::string &v) {
    options.Ns = parseList<int64_t>("--N", v, parseCount);
  });
  parser.value("--row-stride", [&](const std::string &v) {
    options.rowStride = parseInteger("--row-stride", v, 1, INT32_MAX);
  });
  parser.value("--dtype", [&](const std::string &v) {
    options.dtypes = parseList<ln_dtype>("--dtype", v, parseDType);
  });
  parser.value("--eps", [&](const std::string &v) {
    double eps = parseReal("--eps", v);
    if (!(eps >= 0) || !std::isfinite(eps))
      throw UsageError("--eps must be non-negative and finite, got " + v);
    options.eps = float(eps);
  });
  parser.value("--seed", [&](const std::string &v) {
    options.seed = uint64_t(parseInteger("--seed", v, 0, INT64_MAX));
  });
  parser.flag("--check", [&] { options.check = true; });
  parser.flag("--bench", [&] { options.bench = true; });
  parser.flag("--runtime-workspace", [&] { options.runtimeWorkspace = true; });
  addTimingFlags(parser, options.timing);
  addBackwardAlgorithmFlag(parser, options.backwardAlgorithm);
  parser.parse(args);
  int64_t widest = *std::max_element(options.Ns.begin(), options.Ns.end());
  if (options.rowStride && *options.rowStride < widest)
    throw UsageError("--row-stride (" + std::to_string(*options.rowStride) +
                     ") must be at least --N (" + std::to_string(widest) + ")");
  if (!options.check && !options.bench)
    options.check = true;
  int64_t mostRows = *std::max_element(options.Ms.begin(), options.Ms.end());
  requireHostMemory(mostRows, options.rowStride.value_or(widest),
                    options.check);
  return options;
}

SweepOptions ln::run::parseSweepOptions(const std::vector<std::string> &args) {
  SweepOptions options;
  FlagParser parser;
  parser.value("--dtype", [&](const std::string &v) {
    options.dtype = parseDType("--dtype", v);
  });
  parser.value("--M", [&](const std::string &v) {
    options.M = parseInteger("--M", v, 1, INT32_MAX);
  });
  parser.value("--N", [&](const std::string &v) {
    options.Ns = parseList<int64_t>("--N", v, parseCount);
  });
  parser.value("--mode", [&](const std::string &v) {
    options.modes = parseList<Mode>("--mode", v, parseMode);
  });
  parser.value("--csv", [&](const std::string &v) { options.csvPath = v; });
  parser.value("--json", [&](const std::string &v) { options.jsonPath = v; });
  parser.flag("--no-check", [&] { options.check = false; });
  addTimingFlags(parser, options.timing);
  addBackwardAlgorithmFlag(parser, options.backwardAlgorithm);
  parser.parse(args);
  if (options.Ns.empty())
    for (int64_t i = 2; i < 32; ++i)
      options.Ns.push_back(512 * i);
  requireHostMemory(options.M,
                    *std::max_element(options.Ns.begin(), options.Ns.end()),
                    options.check);
  return options;
}

KernelOptions
ln::run::parseKernelOptions(const std::vector<std::string> &args) {
  KernelOptions options;
  FlagParser parser;
  parser.positional = [&](const std::string &v) {
    if (!options.file.empty())
      throw UsageError("kernel: one file only, got '" + options.file +
                       "' and '" + v + "'");
    options.file = v;
  };
  parser.value("--name", [&](const std::string &v) { options.name = v; });
  parser.value("--specialize",
               [&](const std::string &v) { options.specialize = v; });
  parser.value("--grid", [&](const std::string &v) {
    parseDim3("--grid", v, options.grid);
  });
  parser.value("--block", [&](const std::string &v) {
    parseDim3("--block", v, options.block);
  });
  parser.value("--arg", [&](const std::string &v) {
    options.arguments.push_back(parseKernelArgument(v));
  });
  parser.value("--print", [&](const std::string &v) {
    options.print = parseInteger("--print", v, 0, INT64_MAX);
  });
  parser.value("--out", [&](const std::string &v) { options.outPath = v; });
  parser.value("--seed", [&](const std::string &v) {
    options.seed = uint64_t(parseInteger("--seed", v, 0, INT64_MAX));
  });
  parser.flag("--bench", [&] { options.bench = true; });
  parser.flag("--cpu", [&] { options.cpu = true; });
  addTimingFlags(parser, options.timing);
  parser.parse(args);
  if (options.file.empty())
    throw UsageError("kernel: missing the .ptx or .mlir file");
  if (options.name.empty())
    throw UsageError("kernel: --name (the kernel's entry name) is required");
  if (uint64_t(options.block[0]) * options.block[1] * options.block[2] > 1024)
    throw UsageError("--block: at most 1024 threads per block");
  return options;
}
