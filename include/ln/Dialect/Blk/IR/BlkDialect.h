//===- BlkDialect.h - The blk dialect ---------------------------*- C++ -*-===//

#ifndef LN_DIALECT_BLK_IR_BLKDIALECT_H
#define LN_DIALECT_BLK_IR_BLKDIALECT_H

#include "mlir/IR/Dialect.h"

#include "ln/Dialect/Blk/IR/BlkDialect.h.inc"

#endif // LN_DIALECT_BLK_IR_BLKDIALECT_H
