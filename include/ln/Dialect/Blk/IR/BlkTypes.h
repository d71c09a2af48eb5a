//===- BlkTypes.h - blk types -----------------------------------*- C++ -*-===//

#ifndef LN_DIALECT_BLK_IR_BLKTYPES_H
#define LN_DIALECT_BLK_IR_BLKTYPES_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/Types.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_TYPEDEF_CLASSES
#include "ln/Dialect/Blk/IR/BlkTypes.h.inc"

namespace ln::blk {

/// Whether blocks and pointers may hold `type`: i1, i8, i16, i32, i64, f16,
/// bf16, f32, f64, a pointer or a type variable.
bool isElementType(mlir::Type type);

/// The shared memory of blk.local_* ops: private to a program, never
/// global memory.
struct LocalMemoryResource
    : public mlir::SideEffects::Resource::Base<LocalMemoryResource> {
  llvm::StringRef getName() final { return "blk.local"; }
};

/// `elementType` with the shape of `like` when `like` is a block.
mlir::Type getTypeWithShapeOf(mlir::Type like, mlir::Type elementType);

} // namespace ln::blk

#endif // LN_DIALECT_BLK_IR_BLKTYPES_H
