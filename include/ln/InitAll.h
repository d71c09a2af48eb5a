//===- InitAll.h - Everything ln's tools register ---------------*- C++ -*-===//

#ifndef LN_INITALL_H
#define LN_INITALL_H

#include "mlir/IR/DialectRegistry.h"

namespace ln {

/// The blk dialect, the upstream dialects the blk -> PTX pipeline goes
/// through, their conversion-to-LLVM interfaces, the NVVM target and the
/// LLVM IR translations gpu-module-to-binary needs.
void registerAllDialects(mlir::DialectRegistry &registry);

/// ln's passes and pipelines and the upstream passes they use.
void registerAllPasses();

} // namespace ln

#endif // LN_INITALL_H
