//===- MergeReductions.cpp - Reduce independent blocks together -----------===//
//
// Every blk.reduce lowers to a tree whose last steps go through shared
// memory between two barriers; a reduce of several blocks moves them
// through one tree, so two independent reductions cost one round trip
// instead of two. The backward LayerNorm kernels reduce two blocks a row
// (sum(x_hat * w * dy) and sum(w * dy)), written as two ops.
//
// A later reduce R joins an earlier one E of its block when
// - both reduce blocks of one static shape along the same axis, and
// - no op between E and R (R included, nested regions too) uses E's
//   results: R's operands then do not depend on them either, since they
//   are computed before R.
// The merged op stands where R stood (every operand of both is defined
// there); E's results are used after it only. Each result stays what its
// own reduce gave: the lowering combines every block of a tuple in the
// same tree, and the CPU evaluator in the same order.
//
//===----------------------------------------------------------------------===//

#include "ln/Dialect/Blk/IR/BlkOps.h"
#include "ln/Dialect/Blk/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

namespace ln::blk {
#define GEN_PASS_DEF_BLKMERGEREDUCTIONS
#include "ln/Dialect/Blk/Transforms/Passes.h.inc"
} // namespace ln::blk

using namespace mlir;
using ln::blk::ReduceOp;
using ln::blk::YieldOp;

namespace {

/// The shape every block of `reduce` has, where it is static.
std::optional<ArrayRef<int64_t>> getStaticShape(ReduceOp reduce) {
  auto type = cast<RankedTensorType>(reduce.getSrcs().front().getType());
  if (!type.hasStaticShape())
    return std::nullopt;
  return type.getShape();
}

/// Whether `later` may join `earlier` (both in one block, `earlier`
/// first): same shape and axis, and no use of `earlier`'s results up to
/// `later`.
bool canMerge(ReduceOp earlier, ReduceOp later) {
  if (earlier.getAxis() != later.getAxis())
    return false;
  std::optional<ArrayRef<int64_t>> shape = getStaticShape(earlier);
  if (!shape || getStaticShape(later) != shape)
    return false;
  Block *block = earlier->getBlock();
  for (Operation *user : earlier->getUsers()) {
    Operation *ancestor = block->findAncestorOpInBlock(*user);
    if (ancestor && !later->isBeforeInBlock(ancestor))
      return false; // used before `later`, or by it
  }
  return true;
}

/// Copies `from`'s combiner body into the merged combiner, its arguments
/// mapped to `arguments`; returns the values it yields.
SmallVector<Value> cloneCombiner(OpBuilder &builder, Block &from,
                                 ArrayRef<BlockArgument> arguments) {
  IRMapping mapping;
  mapping.map(from.getArguments(), ValueRange(arguments));
  for (Operation &op : from.without_terminator())
    builder.clone(op, mapping);
  return llvm::map_to_vector(from.getTerminator()->getOperands(),
                             [&](Value v) { return mapping.lookup(v); });
}

/// One reduce of `earlier`'s blocks, then `later`'s, where `later` stood.
ReduceOp merge(ReduceOp earlier, ReduceOp later) {
  OpBuilder builder(later);
  Location loc = builder.getFusedLoc({earlier.getLoc(), later.getLoc()});
  SmallVector<Value> srcs(earlier.getSrcs());
  llvm::append_range(srcs, later.getSrcs());
  SmallVector<Type> types(earlier.getResultTypes());
  llvm::append_range(types, later.getResultTypes());
  auto merged = ReduceOp::create(builder, loc, types, srcs,
                                 earlier.getAxisAttr());

  // Arguments: one side of each (earlier's, then later's), then the other.
  Block &first = earlier.getCombiner().front();
  Block &second = later.getCombiner().front();
  size_t firstCount = earlier.getSrcs().size();
  size_t secondCount = later.getSrcs().size();
  Block *body = builder.createBlock(&merged.getCombiner());
  SmallVector<BlockArgument> firstArguments, secondArguments;
  // One side's `count` arguments of `from`, starting at `side * count`.
  auto addSide = [&](Block &from, size_t count, size_t side,
                     SmallVectorImpl<BlockArgument> &into) {
    for (size_t i = 0; i < count; ++i)
      into.push_back(body->addArgument(
          from.getArgument(side * count + i).getType(), loc));
  };
  addSide(first, firstCount, 0, firstArguments);
  addSide(second, secondCount, 0, secondArguments);
  addSide(first, firstCount, 1, firstArguments);
  addSide(second, secondCount, 1, secondArguments);
  SmallVector<Value> yielded = cloneCombiner(builder, first, firstArguments);
  llvm::append_range(yielded, cloneCombiner(builder, second, secondArguments));
  YieldOp::create(builder, loc, yielded);

  earlier->replaceAllUsesWith(merged.getResults().take_front(firstCount));
  later->replaceAllUsesWith(merged.getResults().drop_front(firstCount));
  earlier->erase();
  later->erase();
  return merged;
}

void mergeReductionsIn(Block &block) {
  SmallVector<ReduceOp> open; // this block's reduces so far, in order
  for (Operation &op : llvm::make_early_inc_range(block)) {
    auto reduce = dyn_cast<ReduceOp>(&op);
    if (!reduce || !getStaticShape(reduce))
      continue;
    auto partner = llvm::find_if(llvm::reverse(open), [&](ReduceOp earlier) {
      return canMerge(earlier, reduce);
    });
    if (partner == open.rend()) {
      open.push_back(reduce);
      continue;
    }
    ReduceOp merged = merge(*partner, reduce);
    open.erase(std::next(partner).base());
    open.push_back(merged);
  }
}

struct BlkMergeReductionsPass
    : public ln::blk::impl::BlkMergeReductionsBase<BlkMergeReductionsPass> {
  void runOnOperation() override {
    // Combiner bodies hold no reduce and are replaced by a merge: only
    // other blocks are visited, collected before any of them changes.
    SmallVector<Block *> blocks;
    getOperation()->walk([&](Block *block) {
      if (!isa_and_nonnull<ReduceOp, ln::blk::ClusterReduceOp>(
              block->getParentOp()))
        blocks.push_back(block);
    });
    for (Block *block : blocks)
      mergeReductionsIn(*block);
  }
};

} // namespace
