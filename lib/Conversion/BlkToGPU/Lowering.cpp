//===- Lowering.cpp - Shared pieces of the blk -> GPU conversion ----------===//

#include "Lowering.h"

#include "ln/Dialect/Blk/IR/BlkOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace ln;
using namespace ln::blk_to_gpu;

//===----------------------------------------------------------------------===//
// BlkTypeConverter
//===----------------------------------------------------------------------===//

BlkTypeConverter::BlkTypeConverter(MLIRContext *context, int64_t numWarps,
                                   int64_t vectorWidth)
    : context(context), numWarps(numWarps), vectorWidth(vectorWidth) {
  addConversion([](Type type) { return type; });
  addConversion([](blk::PtrType type) -> Type {
    return LLVM::LLVMPointerType::get(type.getContext(), /*addressSpace=*/1);
  });
  addConversion([](blk::LocalType type) -> Type {
    return LLVM::LLVMPointerType::get(type.getContext(), /*addressSpace=*/3);
  });
  addConversion(
      [this](RankedTensorType type,
             SmallVectorImpl<Type> &results) -> std::optional<LogicalResult> {
        if (!type.hasStaticShape() || type.getRank() < 1 || type.getRank() > 2)
          return failure();
        Type element = convertType(type.getElementType());
        if (!element)
          return failure();
        results.append(getLayout(type).getNumSlots(), element);
        return success();
      });
}

BlockedLayout BlkTypeConverter::getLayout(RankedTensorType type) const {
  return BlockedLayout::get(type.getShape(), numWarps, vectorWidth);
}

//===----------------------------------------------------------------------===//
// Thread coordinates
//===----------------------------------------------------------------------===//

Value blk_to_gpu::createI32(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIntOp::create(b, loc, b.getI32Type(), value);
}

Value blk_to_gpu::createI64(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIntOp::create(b, loc, b.getI64Type(), value);
}

Value blk_to_gpu::getThreadId(OpBuilder &b, Location loc) {
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  return arith::IndexCastUIOp::create(b, loc, b.getI32Type(), tid);
}

Value blk_to_gpu::getLaneId(OpBuilder &b, Location loc) {
  return arith::AndIOp::create(b, loc, getThreadId(b, loc),
                               createI32(b, loc, 31));
}

Value blk_to_gpu::getWarpId(OpBuilder &b, Location loc) {
  return arith::ShRUIOp::create(b, loc, getThreadId(b, loc),
                                createI32(b, loc, 5));
}

SmallVector<Value, 2> blk_to_gpu::getThreadBase(OpBuilder &b, Location loc,
                                                const BlockedLayout &layout) {
  // Lanes and warps split into per-dimension coordinates, last dimension in
  // the low bits; lanes or warps past the tile wrap around (copies).
  unsigned rank = layout.getRank();
  Value lane = getLaneId(b, loc), warp = getWarpId(b, loc);
  SmallVector<Value, 2> base(rank);
  for (int dim = rank - 1; dim >= 0; --dim) {
    auto coordinate = [&](Value &id, int64_t extent) {
      Value c = arith::RemUIOp::create(b, loc, id, createI32(b, loc, extent));
      id = arith::DivUIOp::create(b, loc, id, createI32(b, loc, extent));
      return c;
    };
    Value laneCoord = coordinate(lane, layout.threadsPerWarp[dim]);
    Value warpCoord = coordinate(warp, layout.warpsPerCTA[dim]);
    Value thread = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, warpCoord,
                              createI32(b, loc, layout.threadsPerWarp[dim])),
        laneCoord);
    base[dim] = arith::MulIOp::create(
        b, loc, thread, createI32(b, loc, layout.sizePerThread[dim]));
  }
  return base;
}

Value blk_to_gpu::isDistinctThread(OpBuilder &b, Location loc,
                                   const BlockedLayout &layout) {
  Value lanes = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ult, getLaneId(b, loc),
      createI32(b, loc, layout.getDistinctLanes()));
  Value warps = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ult, getWarpId(b, loc),
      createI32(b, loc, layout.getDistinctWarps()));
  return arith::AndIOp::create(b, loc, lanes, warps);
}

void blk_to_gpu::createBarrier(OpBuilder &b, Location loc) {
  gpu::BarrierOp::create(b, loc);
}

//===----------------------------------------------------------------------===//
// Shared memory
//===----------------------------------------------------------------------===//

int64_t blk_to_gpu::getSharedStorageBytes(Type type) {
  if (isa<LLVM::LLVMPointerType>(type))
    return 8;
  return std::max<int64_t>(1, type.getIntOrFloatBitWidth() / 8);
}

Type blk_to_gpu::getSharedStorageType(Type type) {
  if (type.isInteger(1))
    return IntegerType::get(type.getContext(), 8);
  return type;
}

Value blk_to_gpu::toSharedStorage(OpBuilder &b, Location loc, Value value) {
  Type storage = getSharedStorageType(value.getType());
  if (storage == value.getType())
    return value;
  return arith::ExtUIOp::create(b, loc, storage, value);
}

Value blk_to_gpu::fromSharedStorage(OpBuilder &b, Location loc, Value stored,
                                    Type type) {
  if (stored.getType() == type)
    return stored;
  return arith::TruncIOp::create(b, loc, type, stored);
}

Value blk_to_gpu::getArenaElementPtr(OpBuilder &b, Location loc,
                                     LoweringState &state, Type elementType,
                                     int64_t elements, Value index,
                                     int64_t regionOffset) {
  Type storage = getSharedStorageType(elementType);
  state.arenaBytes =
      std::max(state.arenaBytes,
               regionOffset + elements * getSharedStorageBytes(storage));
  auto sharedPtr = LLVM::LLVMPointerType::get(b.getContext(), 3);
  Value base =
      LLVM::AddressOfOp::create(b, loc, sharedPtr, state.arenaName.getValue());
  if (regionOffset)
    base = LLVM::GEPOp::create(b, loc, sharedPtr, b.getI8Type(), base,
                               ArrayRef<LLVM::GEPArg>{int32_t(regionOffset)});
  return LLVM::GEPOp::create(b, loc, sharedPtr, storage, base,
                             ArrayRef<LLVM::GEPArg>{index});
}

void blk_to_gpu::storeShared(OpBuilder &b, Location loc, Value ptr,
                             Value value) {
  LLVM::StoreOp::create(b, loc, toSharedStorage(b, loc, value), ptr);
}

Value blk_to_gpu::loadShared(OpBuilder &b, Location loc, Value ptr, Type type) {
  return fromSharedStorage(
      b, loc, LLVM::LoadOp::create(b, loc, getSharedStorageType(type), ptr),
      type);
}

/// Row-major index of `coordinates` in `shape`.
static Value linearize(OpBuilder &b, Location loc, ArrayRef<Value> coordinates,
                       ArrayRef<int64_t> shape) {
  Value index = coordinates[0];
  for (unsigned dim = 1; dim < shape.size(); ++dim)
    index = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, index, createI32(b, loc, shape[dim])),
        coordinates[dim]);
  return index;
}

static SmallVector<Value, 2> slotCoordinates(OpBuilder &b, Location loc,
                                             ArrayRef<Value> base,
                                             const BlockedLayout &layout,
                                             int64_t slot) {
  SmallVector<Value, 2> coordinates;
  for (auto [dim, offset] : llvm::enumerate(layout.getSlotOffset(slot)))
    coordinates.push_back(
        arith::AddIOp::create(b, loc, base[dim], createI32(b, loc, offset)));
  return coordinates;
}

SmallVector<Value> blk_to_gpu::exchangeThroughShared(
    OpBuilder &b, Location loc, LoweringState &state, ValueRange values,
    const BlockedLayout &from, const BlockedLayout &to,
    function_ref<SmallVector<Value, 2>(ArrayRef<Value>)> sourceCoordinates) {
  Type type = values.front().getType();
  int64_t elements = 1;
  for (int64_t size : from.shape)
    elements *= size;

  // The barrier before the writes keeps them from overtaking the reads of
  // the previous exchange through the arena.
  createBarrier(b, loc);
  SmallVector<Value, 2> fromBase = getThreadBase(b, loc, from);
  for (auto [slot, value] : llvm::enumerate(values)) {
    Value index = linearize(
        b, loc, slotCoordinates(b, loc, fromBase, from, slot), from.shape);
    storeShared(b, loc,
                getArenaElementPtr(b, loc, state, type, elements, index),
                value);
  }
  createBarrier(b, loc);

  SmallVector<Value> results;
  SmallVector<Value, 2> toBase = getThreadBase(b, loc, to);
  for (int64_t slot = 0; slot < to.getNumSlots(); ++slot) {
    SmallVector<Value, 2> source =
        sourceCoordinates(slotCoordinates(b, loc, toBase, to, slot));
    Value index = linearize(b, loc, source, from.shape);
    results.push_back(loadShared(
        b, loc, getArenaElementPtr(b, loc, state, type, elements, index),
        type));
  }
  return results;
}

Value blk_to_gpu::runOnThread0AndBroadcast(
    OpBuilder &b, Location loc, LoweringState &state, Type resultType,
    function_ref<Value(OpBuilder &)> body) {
  Value slot =
      getArenaElementPtr(b, loc, state, resultType, 1, createI32(b, loc, 0));
  createBarrier(b, loc);
  Value isThread0 =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                            getThreadId(b, loc), createI32(b, loc, 0));
  auto ifOp = scf::IfOp::create(b, loc, isThread0, /*withElseRegion=*/false);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    storeShared(b, loc, slot, body(b));
  }
  createBarrier(b, loc);
  return loadShared(b, loc, slot, resultType);
}

SmallVector<Value> blk_to_gpu::inlineCombiner(OpBuilder &b, Block &combiner,
                                              ValueRange lhs, ValueRange rhs) {
  IRMapping mapping;
  for (auto [argument, value] :
       llvm::zip_equal(combiner.getArguments(),
                       llvm::concat<const Value>(lhs, rhs)))
    mapping.map(argument, value);
  for (Operation &op : combiner.without_terminator())
    b.clone(op, mapping);
  auto yield = cast<blk::YieldOp>(combiner.getTerminator());
  return llvm::map_to_vector(yield.getValues(), [&](Value value) {
    return mapping.lookup(value);
  });
}
