//===- ln-opt-fuzzer.cpp - libFuzzer over ln's whole compiler -------------===//
//
// Each input is MLIR text. It is parsed and verified; kernels with
// compile-time parameters are specialized (every blk.constexpr bound to one
// of 64, 24, 96, 1536 or 4608, on 2, 1, 3, 4 or 9 warps, picked from the
// input's length so that sizes and warp counts that are not powers of two
// are explored too; every !blk.typevar to f16; kernels with
// blk.cluster_reduce in clusters of 1 to 8); then the whole --blk-to-ptx
// pipeline runs, down to PTX, with prefetch-loads=true for every other
// length class (loads 1 or 2 iterations ahead, by the class: 3 ahead
// made the slowest seeds twice as slow under AddressSanitizer, 36 s of
// the 60 s a unit may take),
// local-accumulators=true for every other pair of them and
// merge-reductions=true for every other eight.
// Errors are expected of most
// inputs and are fine: only a crash, a hang, an assertion or (under
// AddressSanitizer) a memory error is a finding. scripts/fuzz.sh builds and
// runs it; its seeds are test/'s and kernels/' MLIR files.
//
//===----------------------------------------------------------------------===//

#include "ln/Dialect/Blk/IR/BlkDialect.h"
#include "ln/Dialect/Blk/IR/BlkOps.h"
#include "ln/Dialect/Blk/IR/BlkTypes.h"
#include "ln/Dialect/Blk/Transforms/Passes.h"
#include "ln/InitAll.h"
#include "ln/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/SetVector.h"

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>

using namespace mlir;

namespace {

/// Bindings for every compile-time parameter the module has: blk-specialize
/// refuses both missing and unused ones.
SmallVector<std::string> bindingsFor(ModuleOp module, int64_t size) {
  llvm::SetVector<StringRef> constexprs, typeVars;
  module.walk([&](Operation *op) {
    if (auto constexprOp = dyn_cast<ln::blk::ConstexprOp>(op))
      constexprs.insert(constexprOp.getName());
    auto collect = [&](Type type) {
      type.walk(
          [&](ln::blk::TypeVarType var) { typeVars.insert(var.getName()); });
    };
    for (Type type : op->getResultTypes())
      collect(type);
    for (Type type : op->getOperandTypes())
      collect(type);
    if (auto func = dyn_cast<func::FuncOp>(op))
      collect(func.getFunctionType());
  });
  SmallVector<std::string> bindings;
  for (StringRef name : constexprs)
    bindings.push_back((name + "=" + std::to_string(size)).str());
  for (StringRef name : typeVars)
    bindings.push_back((name + "=f16").str());
  return bindings;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static DialectRegistry *registry = [] {
    auto *registry = new DialectRegistry;
    ln::registerAllDialects(*registry);
    return registry;
  }();
  MLIRContext context(*registry, MLIRContext::Threading::DISABLED);
  context.loadAllAvailableDialects();
  // Diagnostics are the expected outcome of bad input: swallow them.
  ScopedDiagnosticHandler quiet(&context,
                                [](Diagnostic &) { return success(); });

  // MLIR's lexer stops at a NUL after the buffer: the fuzzer's bytes have
  // none, a std::string's do.
  std::string text(reinterpret_cast<const char *>(data), size);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &context);
  if (!module)
    return 0;

  // Block sizes and warp counts, chosen by the input's length.
  static constexpr int64_t kSizes[] = {64, 24, 96, 1536, 4608};
  static constexpr int kWarps[] = {2, 1, 3, 4, 9};
  PassManager pm(&context);
  SmallVector<std::string> bindings =
      bindingsFor(*module, kSizes[size % std::size(kSizes)]);
  bool specialized = true;
  module->walk([&](func::FuncOp func) {
    specialized &= func->hasAttr("blk.num_warps");
  });
  if (!specialized) {
    ln::blk::BlkSpecializeOptions options;
    options.bindings.assign(bindings.begin(), bindings.end());
    options.numWarps = kWarps[size / std::size(kSizes) % std::size(kWarps)];
    // Kernels that exchange across a cluster need one (1, 2, 4 or 8
    // programs, by the length again); the others stay without.
    bool exchanges = false;
    module->walk([&](ln::blk::ClusterReduceOp) { exchanges = true; });
    if (exchanges)
      options.clusterSize = 1 << (size / 7 % 4);
    pm.addPass(ln::blk::createBlkSpecialize(options));
  }
  // The pipeline's own option, as the build asks for it.
  ln::BlkToPTXOptions pipeline;
  size_t lengthClass = size / (std::size(kSizes) * std::size(kWarps));
  pipeline.prefetchLoads = lengthClass % 2;
  pipeline.localAccumulators = lengthClass / 2 % 2;
  pipeline.prefetchDistance = 1 + lengthClass / 4 % 2;
  pipeline.mergeReductions = lengthClass / 8 % 2;
  ln::buildBlkToPTXPipeline(pm, pipeline);
  (void)pm.run(*module);
  return 0;
}
