//===- BlkOps.h - blk operations --------------------------------*- C++ -*-===//

#ifndef LN_DIALECT_BLK_IR_BLKOPS_H
#define LN_DIALECT_BLK_IR_BLKOPS_H

#include "ln/Dialect/Blk/IR/BlkDialect.h"
#include "ln/Dialect/Blk/IR/BlkTypes.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "ln/Dialect/Blk/IR/BlkEnums.h.inc"

#define GET_OP_CLASSES
#include "ln/Dialect/Blk/IR/BlkOps.h.inc"

#endif // LN_DIALECT_BLK_IR_BLKOPS_H
