//===- ReduceOpToGPU.cpp - blk.reduce -------------------------------------===//
//
// A reduction along an axis runs in three steps, each combining with the
// op's combiner region: within a thread (the slots sharing a coordinate
// along the other axis), across the lanes of a warp that split the axis
// (shfl.sync.bfly), and across the warps that split it (through shared
// memory). After the butterfly every lane and, after the shared-memory
// step, every warp holds the result, so it is available to every thread.
// A 2-D reduction's result is then redistributed to the layout of its 1-D
// result type.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "ln/Dialect/Blk/IR/BlkOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/IRMapping.h"

#include <map>

using namespace mlir;
using namespace ln;
using namespace ln::blk_to_gpu;

namespace {

/// Inlines the combiner region on `lhs` and `rhs`.
Value combine(OpBuilder &b, Block &combiner, Value lhs, Value rhs) {
  IRMapping mapping;
  mapping.map(combiner.getArgument(0), lhs);
  mapping.map(combiner.getArgument(1), rhs);
  for (Operation &op : combiner.without_terminator())
    b.clone(op, mapping);
  auto yield = cast<blk::YieldOp>(combiner.getTerminator());
  return mapping.lookup(yield.getValue());
}

/// The coordinate of this thread's warp along `dim` of `layout`.
Value getWarpCoordinate(OpBuilder &b, Location loc,
                        const BlockedLayout &layout, unsigned dim) {
  Value warp = getWarpId(b, loc);
  for (unsigned d = layout.getRank() - 1; d > dim; --d)
    warp = arith::DivUIOp::create(b, loc, warp,
                                  createI32(b, loc, layout.warpsPerCTA[d]));
  return arith::RemUIOp::create(b, loc, warp,
                                createI32(b, loc, layout.warpsPerCTA[dim]));
}

struct ReduceOpLowering : public BlkPattern<blk::ReduceOp> {
  using BlkPattern::BlkPattern;

  LogicalResult
  matchAndRewrite(blk::ReduceOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto srcType = cast<RankedTensorType>(op.getSrc().getType());
    // i32/i64/f32/f64 only (checked by the pass): what shuffles carry.
    Type element = converter.convertType(srcType.getElementType());
    BlockedLayout layout = converter.getLayout(srcType);
    unsigned axis = op.getAxis(), rank = layout.getRank();
    unsigned kept = 1 - axis; // Only meaningful for 2-D blocks.
    Block &combiner = op.getCombiner().front();

    // 1. Within the thread, keyed by the offset along the kept axis.
    std::map<int64_t, Value> partials;
    for (auto [slot, value] : llvm::enumerate(adaptor.getSrc())) {
      int64_t key = rank == 2 ? layout.getSlotOffset(slot)[kept] : 0;
      auto [it, inserted] = partials.try_emplace(key, value);
      if (!inserted)
        it->second = combine(rewriter, combiner, it->second, value);
    }

    // 2. Across the lanes splitting the axis: their lane-id bits start
    // above those of the faster dimensions.
    int64_t laneStride = 1;
    for (unsigned d = axis + 1; d < rank; ++d)
      laneStride *= layout.threadsPerWarp[d];
    Value width = createI32(rewriter, loc, 32);
    for (int64_t mask = laneStride;
         mask < laneStride * layout.threadsPerWarp[axis]; mask *= 2) {
      Value offset = createI32(rewriter, loc, mask);
      for (auto &[key, value] : partials) {
        Value other = gpu::ShuffleOp::create(rewriter, loc, value, offset,
                                             width, gpu::ShuffleMode::XOR)
                          .getShuffleResult();
        value = combine(rewriter, combiner, value, other);
      }
    }

    // 3. Across the warps splitting the axis.
    SmallVector<Value, 2> base = getThreadBase(rewriter, loc, layout);
    int64_t keptSize = rank == 2 ? layout.shape[kept] : 1;
    auto keptCoordinate = [&](int64_t key) {
      if (rank == 1)
        return createI32(rewriter, loc, 0);
      return Value(arith::AddIOp::create(rewriter, loc, base[kept],
                                         createI32(rewriter, loc, key)));
    };
    int64_t warps = layout.warpsPerCTA[axis];
    if (warps > 1) {
      int64_t elements = warps * keptSize;
      Value warp = getWarpCoordinate(rewriter, loc, layout, axis);
      createBarrier(rewriter, loc);
      for (auto &[key, value] : partials) {
        Value index = arith::AddIOp::create(
            rewriter, loc,
            arith::MulIOp::create(rewriter, loc, warp,
                                  createI32(rewriter, loc, keptSize)),
            keptCoordinate(key));
        storeShared(rewriter, loc,
                    getArenaElementPtr(rewriter, loc, state, element, elements,
                                       index),
                    value);
      }
      createBarrier(rewriter, loc);
      for (auto &[key, value] : partials) {
        Value coordinate = keptCoordinate(key);
        for (int64_t w = 0; w < warps; ++w) {
          Value index = arith::AddIOp::create(
              rewriter, loc, createI32(rewriter, loc, w * keptSize),
              coordinate);
          Value part = loadShared(rewriter, loc,
                                  getArenaElementPtr(rewriter, loc, state,
                                                     element, elements, index),
                                  element);
          value = w == 0 ? part : combine(rewriter, combiner, value, part);
        }
      }
    }

    if (rank == 1) {
      rewriter.replaceOp(op, partials.begin()->second);
      return success();
    }

    // 4. Redistribute the kept axis to the result's own layout.
    auto resultType = cast<RankedTensorType>(op.getType());
    BlockedLayout resultLayout = converter.getLayout(resultType);
    createBarrier(rewriter, loc);
    for (auto &[key, value] : partials)
      storeShared(rewriter, loc,
                  getArenaElementPtr(rewriter, loc, state, element, keptSize,
                                     keptCoordinate(key)),
                  value);
    createBarrier(rewriter, loc);
    Value resultBase = getThreadBase(rewriter, loc, resultLayout)[0];
    SmallVector<Value> results;
    for (int64_t slot = 0; slot < resultLayout.getNumSlots(); ++slot) {
      Value index = arith::AddIOp::create(
          rewriter, loc, resultBase,
          createI32(rewriter, loc, resultLayout.getSlotOffset(slot)[0]));
      results.push_back(loadShared(
          rewriter, loc,
          getArenaElementPtr(rewriter, loc, state, element, keptSize, index),
          element));
    }
    rewriter.replaceOpWithMultiple(op, {results});
    return success();
  }
};

} // namespace

void blk_to_gpu::populateReduceOpPatterns(const BlkTypeConverter &converter,
                                          LoweringState &state,
                                          RewritePatternSet &patterns) {
  patterns.add<ReduceOpLowering>(converter, state);
}
