//===- BlkDialect.h - The blk dialect ---------------------------*- C++ -*-===//

#ifndef LN_DIALECT_BLK_IR_BLKDIALECT_H
#define LN_DIALECT_BLK_IR_BLKDIALECT_H

#include "mlir/IR/Dialect.h"

#include "ln/Dialect/Blk/IR/BlkDialect.h.inc"

namespace ln::blk {
/// The kernel argument attribute that promises no other pointer argument
/// reaches the memory this one does (LLVM's noalias, C's restrict;
/// docs/semantics.md, "Memory"). Verified by the dialect, relied on by
/// blk-prefetch-loads.
inline constexpr llvm::StringLiteral kNoAliasAttrName = "blk.noalias";
} // namespace ln::blk

#endif // LN_DIALECT_BLK_IR_BLKDIALECT_H
