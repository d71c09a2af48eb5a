//===- BlkDialect.cpp - The blk dialect -----------------------------------===//

#include "ln/Dialect/Blk/IR/BlkDialect.h"
#include "ln/Dialect/Blk/IR/BlkOps.h"
#include "ln/Dialect/Blk/IR/BlkTypes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace ln::blk;

#include "ln/Dialect/Blk/IR/BlkDialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "ln/Dialect/Blk/IR/BlkTypes.cpp.inc"

void BlkDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "ln/Dialect/Blk/IR/BlkTypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "ln/Dialect/Blk/IR/BlkOps.cpp.inc"
      >();
}

Operation *BlkDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  return arith::ConstantOp::materialize(builder, value, type, loc);
}

Type ln::blk::getTypeWithShapeOf(Type like, Type elementType) {
  if (auto tensor = dyn_cast<RankedTensorType>(like))
    return RankedTensorType::get(tensor.getShape(), elementType);
  return elementType;
}
