//===- LocalAccumulators.cpp - Loops' block accumulators in shared memory -===//
//
// Moves each qualifying loop-carried block of an scf.for into a local block
// (Passes.td has the rules). The loop keeps the value as an iter_arg that
// it yields unchanged, which scf.for's canonicalization then removes.
//
//===----------------------------------------------------------------------===//

#include "ln/Dialect/Blk/IR/BlkOps.h"
#include "ln/Dialect/Blk/Transforms/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

namespace ln::blk {
#define GEN_PASS_DEF_BLKLOCALACCUMULATORS
#include "ln/Dialect/Blk/Transforms/Passes.h.inc"
} // namespace ln::blk

using namespace mlir;
using namespace ln::blk;

namespace {

/// The op of the loop's body that reads loop value `index`, if the value
/// is an accumulator the pass may move: a static block a local block can
/// hold, read by one op directly in the body, and replaced by a value that
/// op or one after it computes directly in the body.
Operation *getAccumulatorUser(scf::ForOp loop, unsigned index) {
  BlockArgument value = loop.getRegionIterArgs()[index];
  auto type = dyn_cast<RankedTensorType>(value.getType());
  // What a local block may hold: a static 1-D or 2-D block of blk
  // elements (an index or rank-3 tensor stays where it is).
  if (!type || !type.hasStaticShape() || type.getRank() < 1 ||
      type.getRank() > 2 || !isElementType(type.getElementType()) ||
      llvm::any_of(type.getShape(), [](int64_t size) { return size < 1; }) ||
      !value.hasOneUse())
    return nullptr;
  Block *body = loop.getBody();
  Operation *user = *value.getUsers().begin();
  if (user->getBlock() != body || isa<scf::YieldOp>(user))
    return nullptr;
  Operation *next = loop.getYieldedValues()[index].getDefiningOp();
  if (!next || next->getBlock() != body ||
      (next != user && next->isBeforeInBlock(user)))
    return nullptr;
  return user;
}

void moveAccumulators(scf::ForOp loop) {
  auto function = loop->getParentOfType<FunctionOpInterface>();
  if (!function)
    return;
  OpBuilder builder(loop);
  for (unsigned index = 0; index < loop.getNumRegionIterArgs(); ++index) {
    Operation *user = getAccumulatorUser(loop, index);
    if (!user)
      continue;
    BlockArgument value = loop.getRegionIterArgs()[index];
    Location loc = value.getLoc();
    auto type = LocalType::get(cast<RankedTensorType>(value.getType()));

    builder.setInsertionPointToStart(&function.getFunctionBody().front());
    Value local = LocalAllocOp::create(builder, loc, type, ValueRange{});

    builder.setInsertionPoint(loop);
    LocalStoreOp::create(builder, loc, local, loop.getInitArgs()[index]);

    builder.setInsertionPoint(user);
    Value current = LocalLoadOp::create(builder, loc, local);
    value.replaceAllUsesWith(current);

    Value next = loop.getYieldedValues()[index];
    builder.setInsertionPointAfterValue(next);
    LocalStoreOp::create(builder, loc, local, next);
    // Yielded unchanged, the loop value no longer carries anything.
    loop.getBody()->getTerminator()->setOperand(index, value);

    builder.setInsertionPointAfter(loop);
    Value result = LocalLoadOp::create(builder, loc, local);
    loop.getResult(index).replaceAllUsesWith(result);
  }
}

struct BlkLocalAccumulatorsPass
    : public ln::blk::impl::BlkLocalAccumulatorsBase<BlkLocalAccumulatorsPass> {
  void runOnOperation() override {
    getOperation()->walk([](scf::ForOp loop) { moveAccumulators(loop); });
  }
};

} // namespace
