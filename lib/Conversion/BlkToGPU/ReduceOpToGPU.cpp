//===- ReduceOpToGPU.cpp - blk.reduce -------------------------------------===//
//
// A reduction along an axis runs in three steps, each combining with the
// op's combiner region (several blocks reduced together move through each
// step side by side): within a thread (the slots sharing a coordinate
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

#include <map>

using namespace mlir;
using namespace ln;
using namespace ln::blk_to_gpu;

namespace {

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

/// Byte offsets of the arena regions holding `elements` values of each of
/// `types` side by side, 8-byte aligned.
SmallVector<int64_t> arenaRegions(TypeRange types, int64_t elements) {
  SmallVector<int64_t> offsets;
  int64_t offset = 0;
  for (Type type : types) {
    offsets.push_back(offset);
    offset += llvm::alignTo(elements * getSharedStorageBytes(type), 8);
  }
  return offsets;
}

struct ReduceOpLowering : public BlkPattern<blk::ReduceOp> {
  using BlkPattern::BlkPattern;

  LogicalResult
  matchAndRewrite(blk::ReduceOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto srcType = cast<RankedTensorType>(op.getSrcs().front().getType());
    // i32/i64/f32/f64 only (checked by the pass): what shuffles carry.
    SmallVector<Type> elements = llvm::map_to_vector(
        op.getSrcs().getTypes(), [&](Type type) {
          return converter.convertType(getElementTypeOrSelf(type));
        });
    size_t count = elements.size();
    BlockedLayout layout = converter.getLayout(srcType);
    unsigned axis = op.getAxis(), rank = layout.getRank();
    unsigned kept = 1 - axis; // Only meaningful for 2-D blocks.
    Block &combiner = op.getCombiner().front();

    // 1. Within the thread, keyed by the offset along the kept axis; each
    // key holds one partial value per reduced block.
    std::map<int64_t, SmallVector<Value>> partials;
    for (int64_t slot = 0; slot < layout.getNumSlots(); ++slot) {
      SmallVector<Value> values = llvm::map_to_vector(
          adaptor.getSrcs(), [&](ValueRange src) { return src[slot]; });
      int64_t key = rank == 2 ? layout.getSlotOffset(slot)[kept] : 0;
      auto [it, inserted] = partials.try_emplace(key, values);
      if (!inserted)
        it->second = inlineCombiner(rewriter, combiner, it->second, values);
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
      for (auto &[key, values] : partials) {
        SmallVector<Value> others =
            llvm::map_to_vector(values, [&](Value value) -> Value {
              return gpu::ShuffleOp::create(rewriter, loc, value, offset,
                                            width, gpu::ShuffleMode::XOR)
                  .getShuffleResult();
            });
        values = inlineCombiner(rewriter, combiner, values, others);
      }
    }

    // 3. Across the warps splitting the axis, every block's partials
    // through its own arena region between one pair of barriers.
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
      int64_t slots = warps * keptSize;
      SmallVector<int64_t> regions = arenaRegions(elements, slots);
      auto arenaSlot = [&](unsigned i, Value index) {
        return getArenaElementPtr(rewriter, loc, state, elements[i], slots,
                                  index, regions[i]);
      };
      Value warp = getWarpCoordinate(rewriter, loc, layout, axis);
      createBarrier(rewriter, loc);
      for (auto &[key, values] : partials) {
        Value index = arith::AddIOp::create(
            rewriter, loc,
            arith::MulIOp::create(rewriter, loc, warp,
                                  createI32(rewriter, loc, keptSize)),
            keptCoordinate(key));
        for (unsigned i = 0; i < count; ++i)
          storeShared(rewriter, loc, arenaSlot(i, index), values[i]);
      }
      createBarrier(rewriter, loc);
      for (auto &[key, values] : partials) {
        Value coordinate = keptCoordinate(key);
        for (int64_t w = 0; w < warps; ++w) {
          Value index = arith::AddIOp::create(
              rewriter, loc, createI32(rewriter, loc, w * keptSize),
              coordinate);
          SmallVector<Value> parts;
          for (unsigned i = 0; i < count; ++i)
            parts.push_back(loadShared(rewriter, loc, arenaSlot(i, index),
                                       elements[i]));
          values = w == 0 ? parts : inlineCombiner(rewriter, combiner, values, parts);
        }
      }
    }

    if (rank == 1) {
      rewriter.replaceOp(op, partials.begin()->second);
      return success();
    }

    // 4. Redistribute the kept axis to the results' own layout.
    auto resultType = cast<RankedTensorType>(op.getResults()[0].getType());
    BlockedLayout resultLayout = converter.getLayout(resultType);
    SmallVector<int64_t> regions = arenaRegions(elements, keptSize);
    auto arenaSlot = [&](unsigned i, Value index) {
      return getArenaElementPtr(rewriter, loc, state, elements[i], keptSize,
                                index, regions[i]);
    };
    createBarrier(rewriter, loc);
    for (auto &[key, values] : partials)
      for (unsigned i = 0; i < count; ++i)
        storeShared(rewriter, loc, arenaSlot(i, keptCoordinate(key)),
                    values[i]);
    createBarrier(rewriter, loc);
    Value resultBase = getThreadBase(rewriter, loc, resultLayout)[0];
    SmallVector<SmallVector<Value>> results(count);
    for (int64_t slot = 0; slot < resultLayout.getNumSlots(); ++slot) {
      Value index = arith::AddIOp::create(
          rewriter, loc, resultBase,
          createI32(rewriter, loc, resultLayout.getSlotOffset(slot)[0]));
      for (unsigned i = 0; i < count; ++i)
        results[i].push_back(
            loadShared(rewriter, loc, arenaSlot(i, index), elements[i]));
    }
    rewriter.replaceOpWithMultiple(op, std::move(results));
    return success();
  }
};

} // namespace

void blk_to_gpu::populateReduceOpPatterns(const BlkTypeConverter &converter,
                                          LoweringState &state,
                                          RewritePatternSet &patterns) {
  patterns.add<ReduceOpLowering>(converter, state);
}
