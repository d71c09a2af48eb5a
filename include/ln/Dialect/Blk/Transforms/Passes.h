//===- Passes.h - blk transformation passes ---------------------*- C++ -*-===//

#ifndef LN_DIALECT_BLK_TRANSFORMS_PASSES_H
#define LN_DIALECT_BLK_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Pass/Pass.h"

namespace ln::blk {

#define GEN_PASS_DECL
#include "ln/Dialect/Blk/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "ln/Dialect/Blk/Transforms/Passes.h.inc"

} // namespace ln::blk

#endif // LN_DIALECT_BLK_TRANSFORMS_PASSES_H
