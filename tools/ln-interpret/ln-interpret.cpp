//===- ln-interpret.cpp - Run a blk kernel on the CPU ---------------------===//
//
// The CPU evaluator as a tool: ln-run kernel FILE.mlir --cpu runs it (it
// links no MLIR itself), handing it each buffer as a file of raw bytes that
// it rewrites with the buffer's contents after the run.
//
//   ln-interpret FILE.mlir [--name KERNEL] [--specialize OPTIONS]
//       [--grid X[,Y[,Z]]] [--arg TYPE=VALUE | --arg TYPE*@FILE]...
//
// Exit status: 0, 1 when the kernel fails (an error names the op's
// file:line), 2 for a bad command line or kernel file.
//
//===----------------------------------------------------------------------===//

#include "ln/Dialect/Blk/IR/BlkTypes.h"
#include "ln/InitAll.h"
#include "ln/Interpreter/Elementwise.h"
#include "ln/Interpreter/Interpreter.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <fstream>
#include <iterator>
#include <string>

using namespace mlir;

namespace {

enum ExitCode { kExitOk = 0, kExitKernelFailed = 1, kExitUsage = 2 };

struct UsageError {
  std::string message;
};

struct CommandLine {
  std::string file, name, specialize;
  std::array<uint32_t, 3> grid = {1, 1, 1};
  /// Each --arg: TYPE=VALUE, or TYPE*@FILE for a buffer.
  std::vector<std::string> arguments;
};

std::array<uint32_t, 3> parseGrid(const std::string &text) {
  std::array<uint32_t, 3> grid = {1, 1, 1};
  size_t start = 0;
  for (unsigned axis = 0; axis < 3; ++axis) {
    size_t comma = text.find(',', start);
    unsigned long long size = 0;
    if (llvm::StringRef(text.substr(start, comma - start))
            .getAsInteger(10, size) ||
        size == 0 || size > INT32_MAX)
      throw UsageError{"--grid: '" + text + "' is not X[,Y[,Z]]"};
    grid[axis] = uint32_t(size);
    if (comma == std::string::npos)
      return grid;
    start = comma + 1;
  }
  throw UsageError{"--grid: '" + text + "' has more than 3 dimensions"};
}

CommandLine parseCommandLine(int argc, char **argv) {
  CommandLine line;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        throw UsageError{flag + " needs a value"};
      return argv[++i];
    };
    if (flag == "--name")
      line.name = value();
    else if (flag == "--specialize")
      line.specialize = value();
    else if (flag == "--grid")
      line.grid = parseGrid(value());
    else if (flag == "--arg")
      line.arguments.push_back(value());
    else if (flag == "--help" || flag == "-h")
      throw UsageError{"usage: ln-interpret FILE.mlir [--name KERNEL] "
                       "[--specialize OPTIONS] [--grid X[,Y[,Z]]] "
                       "[--arg TYPE=VALUE | --arg TYPE*@FILE]..."};
    else if (flag[0] != '-' && line.file.empty())
      line.file = flag;
    else
      throw UsageError{"unknown argument '" + flag + "'"};
  }
  if (line.file.empty())
    throw UsageError{"missing the kernel's .mlir file"};
  return line;
}

std::string typeName(Type type) {
  std::string name;
  llvm::raw_string_ostream os(name);
  os << type;
  return name;
}

/// A scalar argument's element: `text` as a value of `type`.
uint64_t parseScalar(const std::string &text, Type type,
                     const std::string &argument) {
  if (auto floatType = dyn_cast<FloatType>(type)) {
    llvm::APFloat value(floatType.getFloatSemantics());
    llvm::Expected<llvm::APFloat::opStatus> status =
        value.convertFromString(text, llvm::APFloat::rmNearestTiesToEven);
    if (!status) {
      llvm::consumeError(status.takeError());
      throw UsageError{"--arg '" + argument + "': '" + text +
                       "' is not a number"};
    }
    return value.bitcastToAPInt().getZExtValue();
  }
  // Into 64 bits, then the type's low bits (an APInt parse would take the
  // fewest bits, in which 9 is 0b1001, and sign-extend it to -7).
  int64_t value;
  if (llvm::StringRef(text).getAsInteger(10, value))
    throw UsageError{"--arg '" + argument + "': '" + text +
                     "' is not an integer"};
  return ln::interpreter::lowBits(uint64_t(value),
                                  type.getIntOrFloatBitWidth());
}

std::vector<uint8_t> readBytes(const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    throw UsageError{"cannot read '" + path + "'"};
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(file), {});
}

/// The kernel's arguments from the --arg list; each must be of its
/// parameter's type (a buffer of its pointee type).
std::vector<ln::interpreter::Argument>
makeArguments(func::FuncOp kernel, const CommandLine &line,
              std::vector<std::string> &bufferPaths) {
  if (kernel.getNumArguments() != line.arguments.size())
    throw UsageError{"kernel '" + kernel.getName().str() + "' takes " +
                     std::to_string(kernel.getNumArguments()) +
                     " arguments, " + std::to_string(line.arguments.size()) +
                     " --arg given"};
  std::vector<ln::interpreter::Argument> arguments;
  for (auto [index, text] : llvm::enumerate(line.arguments)) {
    Type parameter = kernel.getArgumentTypes()[index];
    auto pointer = dyn_cast<ln::blk::PtrType>(parameter);
    size_t at = text.find("*@"), equals = text.find('=');
    bool isBuffer = at != std::string::npos;
    std::string type = text.substr(0, isBuffer ? at : equals);
    Type expected = pointer ? pointer.getPointeeType() : parameter;
    if (isBuffer != bool(pointer) || type != typeName(expected))
      throw UsageError{"--arg #" + std::to_string(index + 1) + " '" + text +
                       "' does not fit parameter #" +
                       std::to_string(index + 1) + " (" +
                       typeName(parameter) + ")"};
    ln::interpreter::Argument argument;
    argument.isBuffer = isBuffer;
    if (isBuffer) {
      bufferPaths.push_back(text.substr(at + 2));
      argument.buffer = readBytes(bufferPaths.back());
    } else {
      if (equals == std::string::npos)
        throw UsageError{"--arg '" + text + "': expected TYPE=VALUE or "
                                            "TYPE*@FILE"};
      argument.scalar = parseScalar(text.substr(equals + 1), parameter, text);
    }
    arguments.push_back(std::move(argument));
  }
  return arguments;
}

func::FuncOp findKernel(ModuleOp module, const std::string &name) {
  func::FuncOp found;
  int count = 0;
  module.walk([&](func::FuncOp function) {
    if (name.empty() || function.getName() == name) {
      found = function;
      ++count;
    }
  });
  if (count == 0)
    throw UsageError{"the module has no function named '" + name + "'"};
  if (count > 1)
    throw UsageError{"the module has several functions: choose one with "
                     "--name"};
  return found;
}

int run(const CommandLine &line) {
  DialectRegistry registry;
  ln::registerAllDialects(registry);
  ln::registerAllPasses();
  MLIRContext context(registry);
  // Errors name the op's source line; the generic form of the op adds none.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  auto file = llvm::MemoryBuffer::getFile(line.file);
  if (!file)
    throw UsageError{"cannot read '" + line.file + "'"};
  sourceMgr.AddNewSourceBuffer(std::move(*file), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return kExitUsage;
  if (!line.specialize.empty()) {
    PassManager pm(&context);
    if (failed(parsePassPipeline("blk-specialize{" + line.specialize + "}",
                                 pm)) ||
        failed(pm.run(*module)))
      return kExitUsage;
  }
  func::FuncOp kernel = findKernel(*module, line.name);
  std::vector<std::string> bufferPaths;
  std::vector<ln::interpreter::Argument> arguments =
      makeArguments(kernel, line, bufferPaths);
  if (failed(ln::interpreter::runKernel(kernel, arguments, line.grid)))
    return kExitKernelFailed;
  size_t next = 0;
  for (const ln::interpreter::Argument &argument : arguments) {
    if (!argument.isBuffer)
      continue;
    const std::string &path = bufferPaths[next++];
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(argument.buffer.data()),
              std::streamsize(argument.buffer.size()));
    if (!out)
      throw UsageError{"cannot write '" + path + "'"};
  }
  return kExitOk;
}

} // namespace

int main(int argc, char **argv) {
  try {
    return run(parseCommandLine(argc, argv));
  } catch (const UsageError &error) {
    llvm::errs() << "ln-interpret: " << error.message << "\n";
    return kExitUsage;
  }
}
