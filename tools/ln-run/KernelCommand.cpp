//===- KernelCommand.cpp - ln-run kernel: run a user's kernel -------------===//
//
// Loads a .ptx file (or compiles a .mlir one with ln-opt | ln-translate),
// allocates and fills its buffer arguments, launches it, and prints or saves
// the buffers afterwards.
//
//===----------------------------------------------------------------------===//

#include "KernelCommand.h"
#include "HostArray.h"
#include "LayerNormCommand.h"

#include "ln/Runtime/Runtime.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>
#include <random>
#include <regex>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace ln::run;
using namespace ln::runtime;

namespace {

std::string readFile(const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    throw UsageError("kernel: cannot read '" + path + "'");
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

/// ln-opt next to this executable (an install or build tree), else on PATH.
std::string findTool(const char *argv0, const std::string &tool) {
  char self[4096] = {};
  ssize_t length = readlink("/proc/self/exe", self, sizeof(self) - 1);
  std::string directory = length > 0 ? std::string(self, length) : argv0;
  directory = directory.substr(0, directory.rfind('/') + 1);
  if (access((directory + tool).c_str(), X_OK) == 0)
    return directory + tool;
  std::string path = getenv("PATH") ? getenv("PATH") : "";
  std::stringstream entries(path);
  std::string entry;
  while (std::getline(entries, entry, ':'))
    if (!entry.empty() && access((entry + "/" + tool).c_str(), X_OK) == 0)
      return entry + "/" + tool;
  return "";
}

std::string shellQuote(const std::string &text) {
  std::string quoted = "'";
  for (char c : text)
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

/// PTX of a .mlir kernel: ln-opt [--blk-specialize] --blk-to-ptx |
/// ln-translate.
std::string compileMLIR(const KernelOptions &options, const char *argv0) {
  std::string opt = findTool(argv0, "ln-opt");
  std::string translate = findTool(argv0, "ln-translate");
  if (opt.empty() || translate.empty())
    throw UsageError("kernel: " + options.file +
                     " is MLIR, and compiling it needs ln-opt and "
                     "ln-translate (next to ln-run or on PATH), which this "
                     "machine lacks; compile it to .ptx elsewhere");
  std::string command = shellQuote(opt) + " " + shellQuote(options.file);
  if (!options.specialize.empty())
    command += " " + shellQuote("--blk-specialize=" + options.specialize);
  command += " --blk-to-ptx | " + shellQuote(translate) + " --ptx";
  FILE *pipe = popen(command.c_str(), "r");
  if (!pipe)
    throw UsageError("kernel: cannot run " + opt);
  std::string ptx;
  char chunk[65536];
  size_t read;
  while ((read = fread(chunk, 1, sizeof(chunk), pipe)) > 0)
    ptx.append(chunk, read);
  int status = pclose(pipe);
  if (status != 0 || ptx.empty())
    throw UsageError("kernel: compiling " + options.file +
                     " failed (see ln-opt's diagnostics above)");
  return ptx;
}

size_t typeBytes(const std::string &type) {
  if (type == "i64" || type == "f64")
    return 8;
  if (type == "f16" || type == "bf16")
    return 2;
  return 4;
}

/// A buffer argument's host data, any of the supported element types.
struct Buffer {
  std::string type;
  int64_t count;
  std::vector<uint8_t> bytes;

  double get(int64_t i) const {
    const uint8_t *p = bytes.data() + i * typeBytes(type);
    if (type == "i32") {
      int32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
    if (type == "i64") {
      int64_t v;
      std::memcpy(&v, p, 8);
      return double(v);
    }
    if (type == "f32") {
      float v;
      std::memcpy(&v, p, 4);
      return v;
    }
    if (type == "f64") {
      double v;
      std::memcpy(&v, p, 8);
      return v;
    }
    uint16_t bits;
    std::memcpy(&bits, p, 2);
    return type == "f16" ? halfToFloat(bits) : bfloat16ToFloat(bits);
  }

  /// An integer element, i32 (in range: the options checked) or i64.
  void setInteger(int64_t i, int64_t value) {
    uint8_t *p = bytes.data() + i * typeBytes(type);
    if (type == "i32") {
      int32_t v = int32_t(value);
      std::memcpy(p, &v, 4);
    } else {
      std::memcpy(p, &value, 8);
    }
  }

  /// Element `i` as text that reads back to the same value: integers
  /// exactly, floats with as many digits as their type needs.
  std::string text(int64_t i) const {
    char digits[32];
    if (type == "i64") {
      int64_t v;
      std::memcpy(&v, bytes.data() + i * 8, 8);
      std::snprintf(digits, sizeof(digits), "%lld", (long long)v);
    } else if (type == "i32") {
      std::snprintf(digits, sizeof(digits), "%.0f", get(i));
    } else {
      std::snprintf(digits, sizeof(digits), type == "f64" ? "%.17g" : "%.9g",
                    get(i));
    }
    return digits;
  }

  /// Calls `f` with the conversion from double to this buffer's element
  /// (its result's size is the element's), chosen by the type once.
  template <typename F> void withConversion(F f) const {
    if (type == "i32")
      f([](double v) { return int32_t(v); });
    else if (type == "i64")
      f([](double v) { return int64_t(v); });
    else if (type == "f32")
      f([](double v) { return float(v); });
    else if (type == "f64")
      f([](double v) { return v; });
    else if (type == "f16")
      f([](double v) { return floatToHalf(float(v)); });
    else
      f([](double v) { return floatToBFloat16(float(v)); });
  }

  void set(int64_t i, double value) {
    withConversion([&](auto convert) {
      auto element = convert(value);
      std::memcpy(bytes.data() + i * sizeof(element), &element,
                  sizeof(element));
    });
  }

  /// Element i = values(i) for every i, in order: the type is looked at
  /// once, not per element (through `set`, 33M f16 elements took 2.3 s,
  /// most of it comparing type names).
  template <typename Values> void setAll(Values values) {
    withConversion([&](auto convert) {
      uint8_t *p = bytes.data();
      for (int64_t i = 0; i < count; ++i) {
        auto element = convert(values(i));
        std::memcpy(p, &element, sizeof(element));
        p += sizeof(element);
      }
    });
  }
};

/// Fills `buffer` as `how` says, drawing from `rng` in element order (a
/// seed gives the same values on every machine and in every version).
void fill(Buffer &buffer, const std::string &how, std::mt19937_64 &rng) {
  if (how == "rand") {
    std::uniform_real_distribution<double> uniform(0, 1);
    buffer.setAll([&](int64_t) { return uniform(rng); });
  } else if (how == "randn") {
    std::normal_distribution<double> normal(0, 1);
    buffer.setAll([&](int64_t) { return normal(rng); });
  } else if (how == "iota") {
    buffer.setAll([](int64_t i) { return double(i); });
  } else {
    double constant = how == "zeros"  ? 0
                      : how == "ones" ? 1
                                      : std::strtod(how.c_str(), nullptr);
    buffer.setAll([constant](int64_t) { return constant; });
  }
}

/// A kernel parameter as the PTX declares it: `.param .u64 .ptr .global
/// .align 1 k_param_0` is {"k_param_0", 'u', 64, pointer, 8 bytes}.
struct PtxParameter {
  std::string name;
  char kind;    // u, s, b or f
  int64_t bits; // of one element
  bool pointer; // declared .ptr
  int64_t bytes;
};

/// The parameters of `.entry name` in `ptx`, or none if it has no such
/// entry.
std::optional<std::vector<PtxParameter>>
entryParameters(const std::string &ptx, const std::string &name) {
  // PTX names may hold `$` and `%`, which regular expressions reserve.
  std::string escaped =
      std::regex_replace(name, std::regex(R"([.^$|()\[\]{}*+?\\%])"), R"(\$&)");
  std::regex entry("\\.entry\\s+" + escaped + "\\s*\\(([^)]*)\\)");
  std::smatch match;
  if (!std::regex_search(ptx, match, entry))
    return std::nullopt;
  std::vector<PtxParameter> parameters;
  std::string list = match[1];
  std::regex parameter(
      R"(\.param\s+(?:\.align\s+\d+\s+)?\.([usbf])(\d+)((?:\s+\.[a-z]+(?:\s+\d+)?)*)\s+([A-Za-z_$%][\w$%]*)\s*(?:\[(\d+)\])?)");
  for (auto it = std::sregex_iterator(list.begin(), list.end(), parameter);
       it != std::sregex_iterator(); ++it) {
    const std::smatch &declaration = *it;
    int64_t bits = std::stoll(declaration[2]);
    int64_t elements = declaration[5].matched ? std::stoll(declaration[5]) : 1;
    parameters.push_back(
        {declaration[4], declaration[1].str()[0], bits,
         declaration[3].str().find(".ptr") != std::string::npos,
         bits / 8 * elements});
  }
  return parameters;
}

/// Why `argument` cannot be passed as `parameter`, or "" if it can: sizes
/// must agree (cuLaunchKernel copies the parameter's size from the value
/// given), and so must kinds: a pointer for a pointer, an integer for an
/// integer, a float for a float (.b is untyped, .b8 arrays are aggregates).
std::string mismatch(const KernelArgument &argument,
                     const PtxParameter &parameter) {
  int64_t bytes = argument.isBuffer ? 8 : typeBytes(argument.type);
  if (bytes != parameter.bytes)
    return "it is " + std::to_string(bytes) + " bytes, the parameter " +
           std::to_string(parameter.bytes);
  if (parameter.bits == 8 && parameter.bytes > 1)
    return "";
  if (argument.isBuffer)
    return parameter.kind == 'f' ? "a buffer (pointer) for a float" : "";
  if (parameter.pointer)
    return "a scalar for a pointer (pass a buffer, TYPE*:COUNT)";
  bool isFloat = argument.type[0] == 'f' || argument.type == "bf16";
  if (parameter.kind == 'f' && !isFloat)
    return "an integer for a float";
  if ((parameter.kind == 'u' || parameter.kind == 's') && isFloat)
    return "a float for an integer";
  return "";
}

/// Each --arg must match the kernel's parameter in size and kind, and there
/// must be one per parameter: cuLaunchKernel would read past the arguments
/// given, or pass a truncated or reinterpreted value.
void requireMatchingParameters(const std::string &ptx,
                               const KernelOptions &options) {
  std::optional<std::vector<PtxParameter>> parameters =
      entryParameters(ptx, options.name);
  if (!parameters)
    throw UsageError("--name: the PTX has no kernel (.entry) named '" +
                     options.name + "'");
  if (parameters->size() != options.arguments.size())
    throw UsageError("kernel '" + options.name + "' takes " +
                     std::to_string(parameters->size()) + " parameters, " +
                     std::to_string(options.arguments.size()) + " --arg given");
  for (size_t i = 0; i < parameters->size(); ++i) {
    const KernelArgument &argument = options.arguments[i];
    const PtxParameter &parameter = (*parameters)[i];
    std::string why = mismatch(argument, parameter);
    if (why.empty())
      continue;
    std::string given =
        argument.isBuffer
            ? argument.type + "*:" + std::to_string(argument.count)
            : argument.type + "=" + argument.value;
    throw UsageError("--arg #" + std::to_string(i + 1) + " '" + given +
                     "' does not fit parameter #" + std::to_string(i + 1) +
                     " of '" + options.name + "', " + parameter.name + " (." +
                     parameter.kind + std::to_string(parameter.bits) +
                     (parameter.pointer ? " .ptr" : "") + "): " + why);
  }
}

/// The filled buffers and the scalars' text, in the order of the --arg list.
struct HostArguments {
  std::vector<Buffer> buffers;
  std::vector<std::vector<uint8_t>> scalars;
};

HostArguments makeArguments(const KernelOptions &options) {
  std::mt19937_64 rng(options.seed ? *options.seed : std::random_device{}());
  HostArguments host;
  for (const KernelArgument &argument : options.arguments) {
    if (argument.isBuffer) {
      Buffer buffer{
          argument.type, argument.count,
          std::vector<uint8_t>(argument.count * typeBytes(argument.type))};
      fill(buffer, argument.fill, rng);
      host.buffers.push_back(std::move(buffer));
      continue;
    }
    Buffer scalar{argument.type, 1,
                  std::vector<uint8_t>(typeBytes(argument.type))};
    if (argument.type[0] == 'i') // exactly, not through a double
      scalar.setInteger(0, std::stoll(argument.value));
    else
      scalar.set(0, std::strtod(argument.value.c_str(), nullptr));
    host.scalars.push_back(std::move(scalar.bytes));
  }
  return host;
}

/// Runs the kernel on the GPU; the buffers hold its results afterwards.
void runOnGPU(const KernelOptions &options, const std::string &ptx,
              HostArguments &host) {
  Context context = Context::get();
  CUfunction function = context.getFunctionOfText(ptx, options.name.c_str());
  std::vector<DeviceBuffer> deviceBuffers;
  for (const Buffer &buffer : host.buffers) {
    deviceBuffers.emplace_back(context, buffer.bytes.size());
    deviceBuffers.back().upload(buffer.bytes.data(), buffer.bytes.size());
  }
  // Argument pointers, in order, once the storage no longer moves.
  size_t nextBuffer = 0, nextScalar = 0;
  std::vector<CUdeviceptr> pointers;
  pointers.reserve(deviceBuffers.size());
  std::vector<void *> arguments;
  for (const KernelArgument &argument : options.arguments) {
    if (argument.isBuffer) {
      pointers.push_back(deviceBuffers[nextBuffer++].get());
      arguments.push_back(&pointers.back());
    } else {
      arguments.push_back(host.scalars[nextScalar++].data());
    }
  }
  Dim3 grid = {options.grid[0], options.grid[1], options.grid[2]};
  Dim3 block = {options.block[0], options.block[1], options.block[2]};
  // Local blocks live in dynamic shared memory, which the PTX records.
  unsigned dynamicSharedBytes = context.getDynamicSharedBytes(function);
  auto launch = [&] {
    context.launch(function, grid, block, arguments.data(), nullptr,
                   dynamicSharedBytes);
  };
  launch();
  context.check(context.getDriver().cuCtxSynchronize(),
                "cuCtxSynchronize (after the kernel)");
  for (size_t i = 0; i < host.buffers.size(); ++i)
    deviceBuffers[i].download(host.buffers[i].bytes.data(),
                              host.buffers[i].bytes.size());
  if (options.bench)
    std::printf("  time: %.4f ms (median of %d)\n",
                timeMedian(context, options.timing, launch),
                options.timing.repetitions);
}

/// A temporary folder, removed with its files when this goes out of scope.
class TemporaryFolder {
public:
  TemporaryFolder() {
    std::string pattern = (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp") +
                          std::string("/ln-run-cpu.XXXXXX");
    if (!mkdtemp(pattern.data()))
      throw UsageError("--cpu: cannot create a temporary folder");
    path = pattern;
  }
  ~TemporaryFolder() {
    for (const std::string &file : files)
      unlink(file.c_str());
    rmdir(path.c_str());
  }
  std::string file(const std::string &name) {
    files.push_back(path + "/" + name);
    return files.back();
  }

private:
  std::string path;
  std::vector<std::string> files;
};

/// Runs the kernel on the CPU evaluator, ln-interpret (next to ln-run or on
/// PATH), which reads each buffer from a file and writes it back after the
/// run. Returns its exit status: 0, or the kernel failed (it said why).
int runOnCPU(const KernelOptions &options, const char *argv0,
             HostArguments &host) {
  std::string interpret = findTool(argv0, "ln-interpret");
  if (interpret.empty())
    throw UsageError("--cpu needs ln-interpret (next to ln-run or on PATH), "
                     "which this machine lacks");
  TemporaryFolder folder;
  std::string command = shellQuote(interpret) + " " + shellQuote(options.file) +
                        " --name " + shellQuote(options.name);
  if (!options.specialize.empty())
    command += " --specialize " + shellQuote(options.specialize);
  command += " --grid " + std::to_string(options.grid[0]) + "," +
             std::to_string(options.grid[1]) + "," +
             std::to_string(options.grid[2]);
  std::vector<std::string> paths;
  size_t nextBuffer = 0;
  for (const KernelArgument &argument : options.arguments) {
    if (!argument.isBuffer) {
      command += " --arg " + shellQuote(argument.type + "=" + argument.value);
      continue;
    }
    const Buffer &buffer = host.buffers[nextBuffer];
    paths.push_back(folder.file(std::to_string(nextBuffer++)));
    std::ofstream out(paths.back(), std::ios::binary);
    out.write(reinterpret_cast<const char *>(buffer.bytes.data()),
              std::streamsize(buffer.bytes.size()));
    if (!out)
      throw UsageError("--cpu: cannot write " + paths.back());
    command += " --arg " + shellQuote(argument.type + "*@" + paths.back());
  }
  int status = std::system(command.c_str());
  if (status == -1 || !WIFEXITED(status))
    throw UsageError("--cpu: cannot run " + interpret);
  if (WEXITSTATUS(status) == 2)
    throw UsageError("--cpu: ln-interpret refused the kernel or its "
                     "arguments (see above)");
  if (WEXITSTATUS(status) != 0)
    return kExitKernelFailed;
  for (size_t i = 0; i < paths.size(); ++i) {
    std::string bytes = readFile(paths[i]);
    if (bytes.size() != host.buffers[i].bytes.size())
      throw UsageError("--cpu: ln-interpret gave back " + paths[i] +
                       " resized");
    std::memcpy(host.buffers[i].bytes.data(), bytes.data(), bytes.size());
  }
  return kExitOk;
}

void printBuffers(const KernelOptions &options, const HostArguments &host) {
  std::printf("%s: grid (%u, %u, %u), block (%u, %u, %u)%s\n",
              options.name.c_str(), options.grid[0], options.grid[1],
              options.grid[2], options.block[0], options.block[1],
              options.block[2], options.cpu ? " on the CPU" : "");
  size_t bufferIndex = 0;
  for (size_t a = 0; a < options.arguments.size(); ++a) {
    if (!options.arguments[a].isBuffer)
      continue;
    const Buffer &buffer = host.buffers[bufferIndex++];
    std::printf("  arg %zu %s[%lld]:", a, buffer.type.c_str(),
                (long long)buffer.count);
    for (int64_t i = 0; i < std::min(buffer.count, options.print); ++i)
      std::printf(" %.6g", buffer.get(i));
    std::printf(buffer.count > options.print ? " ...\n" : "\n");
  }
  if (options.outPath.empty())
    return;
  std::ofstream out(options.outPath);
  bufferIndex = 0;
  for (size_t a = 0; a < options.arguments.size(); ++a) {
    if (!options.arguments[a].isBuffer)
      continue;
    const Buffer &buffer = host.buffers[bufferIndex++];
    out << "# arg " << a << ' ' << buffer.type << '[' << buffer.count << "]\n";
    for (int64_t i = 0; i < buffer.count; ++i)
      out << buffer.text(i) << '\n';
  }
  if (!out)
    throw UsageError("--out: cannot write " + options.outPath);
}

} // namespace

int ln::run::runKernelCommand(const KernelOptions &options, const char *argv0) {
  if (access(options.file.c_str(), R_OK) != 0)
    throw UsageError("kernel: cannot read '" + options.file + "'");
  bool isMLIR = options.file.size() > 5 &&
                options.file.compare(options.file.size() - 5, 5, ".mlir") == 0;
  if (options.cpu) {
    if (!isMLIR)
      throw UsageError("--cpu: the CPU evaluator runs blk (.mlir) kernels, "
                       "not PTX");
    if (options.bench)
      throw UsageError("--cpu and --bench: the CPU evaluator is not timed");
    HostArguments host = makeArguments(options);
    int status = runOnCPU(options, argv0, host);
    if (status == kExitOk)
      printBuffers(options, host);
    return status;
  }
  std::string ptx =
      isMLIR ? compileMLIR(options, argv0) : readFile(options.file);
  requireMatchingParameters(ptx, options);
  HostArguments host = makeArguments(options);
  runOnGPU(options, ptx, host);
  printBuffers(options, host);
  return kExitOk;
}
