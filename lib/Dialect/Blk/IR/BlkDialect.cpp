//===- BlkDialect.cpp - The blk dialect -----------------------------------===//

#include "ln/Dialect/Blk/IR/BlkDialect.h"
#include "ln/Dialect/Blk/IR/BlkOps.h"
#include "ln/Dialect/Blk/IR/BlkTypes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
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

LogicalResult BlkDialect::verifyRegionArgAttribute(Operation *op,
                                                   unsigned regionIndex,
                                                   unsigned argIndex,
                                                   NamedAttribute attribute) {
  if (attribute.getName() != kNoAliasAttrName)
    return success();
  if (!isa<UnitAttr>(attribute.getValue()))
    return op->emitError("'")
           << kNoAliasAttrName << "' is a unit attribute, got "
           << attribute.getValue();
  // A function's argument types, its body or not (a declaration has none).
  Type type;
  if (auto function = dyn_cast<FunctionOpInterface>(op))
    type = function.getArgumentTypes()[argIndex];
  else if (!op->getRegion(regionIndex).empty())
    type = op->getRegion(regionIndex).getArgument(argIndex).getType();
  else
    return op->emitError("'")
           << kNoAliasAttrName << "' marks arguments of a function";
  if (!isa<PtrType>(type))
    return op->emitError("'")
           << kNoAliasAttrName << "' marks pointer arguments; argument "
           << argIndex << " is " << type;
  return success();
}

Operation *BlkDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  return arith::ConstantOp::materialize(builder, value, type, loc);
}

bool ln::blk::isElementType(Type type) {
  if (isa<PtrType, TypeVarType>(type))
    return true;
  if (auto integer = dyn_cast<IntegerType>(type))
    return integer.isSignless() &&
           llvm::is_contained({1u, 8u, 16u, 32u, 64u}, integer.getWidth());
  return type.isF16() || type.isBF16() || type.isF32() || type.isF64();
}

LogicalResult PtrType::verify(function_ref<InFlightDiagnostic()> emitError,
                              Type pointeeType) {
  if (!isElementType(pointeeType))
    return emitError() << "pointers address i1, i8, i16, i32, i64, f16, bf16, "
                          "f32, f64, pointer or !blk.typevar elements, got "
                       << pointeeType;
  return success();
}

LogicalResult LocalType::verify(function_ref<InFlightDiagnostic()> emitError,
                                RankedTensorType blockType) {
  if (!isElementType(blockType.getElementType()))
    return emitError() << "local blocks hold i1, i8, i16, i32, i64, f16, "
                          "bf16, f32, f64, pointer or !blk.typevar elements, "
                          "got "
                       << blockType.getElementType();
  if (blockType.getRank() < 1 || blockType.getRank() > 2)
    return emitError() << "local blocks are 1-D or 2-D, got " << blockType;
  return success();
}

Type ln::blk::getTypeWithShapeOf(Type like, Type elementType) {
  if (auto tensor = dyn_cast<RankedTensorType>(like))
    return RankedTensorType::get(tensor.getShape(), elementType);
  return elementType;
}
