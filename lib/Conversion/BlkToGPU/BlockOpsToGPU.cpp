//===- BlockOpsToGPU.cpp - range, splat, expand_dims, broadcast, cast -----===//

#include "Lowering.h"

#include "ln/Dialect/Blk/IR/BlkOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace ln;
using namespace ln::blk_to_gpu;

namespace {

/// Values of a block that is `start` plus one of its coordinates (a range,
/// possibly expanded and broadcast), computed from the coordinates of each
/// slot of `layout` without moving data between threads.
SmallVector<Value> rangeValues(OpBuilder &b, Location loc,
                               const BlockedLayout &layout, unsigned dim,
                               int64_t start) {
  Value base = getThreadBase(b, loc, layout)[dim];
  SmallVector<Value> values;
  for (int64_t slot = 0; slot < layout.getNumSlots(); ++slot)
    values.push_back(arith::AddIOp::create(
        b, loc, base,
        createI32(b, loc, layout.getSlotOffset(slot)[dim] + start)));
  return values;
}

/// If `value` is a blk.range, possibly through expand_dims and broadcast,
/// the dimension of `value` the range runs along.
std::optional<std::pair<unsigned, blk::RangeOp>> tracedRange(Value value) {
  unsigned dim = 0;
  Operation *op = value.getDefiningOp();
  while (op) {
    // A one-element range is no range once broadcast (only a dimension of
    // size 1 can be): its value repeats. isUniformBlock takes it.
    if (auto range = dyn_cast<blk::RangeOp>(op))
      return range.getType().getNumElements() == 1
                 ? std::nullopt
                 : std::make_optional(std::make_pair(dim, range));
    if (auto expand = dyn_cast<blk::ExpandDimsOp>(op)) {
      dim = expand.getAxis() == 0 ? 1 : 0;
      op = expand.getSrc().getDefiningOp();
    } else if (auto broadcast = dyn_cast<blk::BroadcastOp>(op)) {
      op = broadcast.getSrc().getDefiningOp();
    } else {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

/// Whether `value` is the same in every element: a splat or a one-element
/// range, possibly through expand_dims and broadcast.
bool isUniformBlock(Value value) {
  Operation *op = value.getDefiningOp();
  while (op) {
    if (isa<blk::SplatOp>(op))
      return true;
    if (auto range = dyn_cast<blk::RangeOp>(op))
      return range.getType().getNumElements() == 1;
    if (auto constant = dyn_cast<arith::ConstantOp>(op))
      return isa<SplatElementsAttr>(constant.getValue());
    if (!isa<blk::ExpandDimsOp, blk::BroadcastOp>(op))
      return false;
    op = op->getOperand(0).getDefiningOp();
  }
  return false;
}

/// Whether slot k of `to` holds, in every thread, the element slot k of
/// `from` holds along their last dimension, given that every other
/// dimension of `from` has size 1 (so data moves within registers).
bool sameLastDimDistribution(const BlockedLayout &from,
                             const BlockedLayout &to) {
  unsigned f = from.getRank() - 1, t = to.getRank() - 1;
  for (unsigned dim = 0; dim < f; ++dim)
    if (from.shape[dim] != 1)
      return false;
  return from.sizePerThread[f] == to.sizePerThread[t] &&
         from.threadsPerWarp[f] == to.threadsPerWarp[t] &&
         from.warpsPerCTA[f] == to.warpsPerCTA[t] &&
         from.repeats[f] == to.repeats[t];
}

/// Register-only reshuffle when the distributions agree along the last
/// dimension: slot k of `to` takes the `from` slot with the same last-dim
/// offset.
SmallVector<Value> remapLastDim(ValueRange values, const BlockedLayout &from,
                                const BlockedLayout &to) {
  unsigned f = from.getRank() - 1, t = to.getRank() - 1;
  DenseMap<int64_t, Value> byOffset;
  for (auto [slot, value] : llvm::enumerate(values))
    byOffset[from.getSlotOffset(slot)[f]] = value;
  SmallVector<Value> results;
  for (int64_t slot = 0; slot < to.getNumSlots(); ++slot)
    results.push_back(byOffset.lookup(to.getSlotOffset(slot)[t]));
  return results;
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

struct RangeOpLowering : public BlkPattern<blk::RangeOp> {
  using BlkPattern::BlkPattern;

  LogicalResult
  matchAndRewrite(blk::RangeOp op, OneToNOpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    BlockedLayout layout = converter.getLayout(op.getType());
    rewriter.replaceOpWithMultiple(
        op, {rangeValues(rewriter, op.getLoc(), layout, 0, op.getStart())});
    return success();
  }
};

struct SplatOpLowering : public BlkPattern<blk::SplatOp> {
  using BlkPattern::BlkPattern;

  LogicalResult
  matchAndRewrite(blk::SplatOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    int64_t slots = converter.getLayout(op.getType()).getNumSlots();
    rewriter.replaceOpWithMultiple(
        op, {SmallVector<Value>(slots, adaptor.getValue().front())});
    return success();
  }
};

/// expand_dims and broadcast move elements between layouts. In order of
/// preference: ranges are recomputed from coordinates, splats are shared,
/// matching distributions shuffle registers, anything else goes through
/// shared memory.
template <typename OpTy>
struct ReshapeOpLowering : public BlkPattern<OpTy> {
  using BlkPattern<OpTy>::BlkPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename BlkPattern<OpTy>::OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto srcType = cast<RankedTensorType>(op.getSrc().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    BlockedLayout from = this->converter.getLayout(srcType);
    BlockedLayout to = this->converter.getLayout(resultType);
    ValueRange values = adaptor.getSrc();

    SmallVector<Value> results;
    if (auto range = tracedRange(op.getResult())) {
      results = rangeValues(rewriter, loc, to, range->first,
                            range->second.getStart());
    } else if (isUniformBlock(op.getSrc())) {
      results.assign(to.getNumSlots(), values.front());
    } else if (sameLastDimDistribution(from, to) &&
               resultType.getShape().back() == srcType.getShape().back()) {
      results = remapLastDim(values, from, to);
    } else {
      results = exchangeThroughShared(
          rewriter, loc, this->state, values, from, to,
          [&](ArrayRef<Value> coordinates) {
            return sourceCoordinates(rewriter, loc, op, coordinates);
          });
    }
    rewriter.replaceOpWithMultiple(op, {results});
    return success();
  }

  /// Where in the source the element at `coordinates` of the result is.
  static SmallVector<Value, 2> sourceCoordinates(OpBuilder &b, Location loc,
                                                 OpTy op,
                                                 ArrayRef<Value> coordinates);
};

template <>
SmallVector<Value, 2> ReshapeOpLowering<blk::ExpandDimsOp>::sourceCoordinates(
    OpBuilder &, Location, blk::ExpandDimsOp op, ArrayRef<Value> coordinates) {
  return {coordinates[op.getAxis() == 0 ? 1 : 0]};
}

template <>
SmallVector<Value, 2> ReshapeOpLowering<blk::BroadcastOp>::sourceCoordinates(
    OpBuilder &b, Location loc, blk::BroadcastOp op,
    ArrayRef<Value> coordinates) {
  auto srcShape = cast<RankedTensorType>(op.getSrc().getType()).getShape();
  SmallVector<Value, 2> source;
  for (auto [dim, coordinate] : llvm::enumerate(coordinates))
    source.push_back(srcShape[dim] == 1 ? createI32(b, loc, 0) : coordinate);
  return source;
}

struct CastOpLowering : public BlkPattern<blk::CastOp> {
  using BlkPattern::BlkPattern;

  LogicalResult
  matchAndRewrite(blk::CastOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type to = getElementTypeOrSelf(op.getType());
    SmallVector<Value> results;
    for (Value value : adaptor.getSrc())
      results.push_back(convert(rewriter, op.getLoc(), value, to));
    rewriter.replaceOpWithMultiple(op, {results});
    return success();
  }

  static Value convert(OpBuilder &b, Location loc, Value value, Type to) {
    Type from = value.getType();
    if (from == to)
      return value;
    auto fromFloat = dyn_cast<FloatType>(from);
    auto toFloat = dyn_cast<FloatType>(to);
    if (fromFloat && toFloat) {
      if (fromFloat.getWidth() < toFloat.getWidth())
        return arith::ExtFOp::create(b, loc, to, value);
      if (fromFloat.getWidth() > toFloat.getWidth())
        return arith::TruncFOp::create(b, loc, to, value);
      // f16 <-> bf16: through f32, exactly representable on the way.
      Value wide = arith::ExtFOp::create(b, loc, b.getF32Type(), value);
      return arith::TruncFOp::create(b, loc, to, wide);
    }
    if (toFloat)
      return from.isInteger(1)
                 ? Value(arith::UIToFPOp::create(b, loc, to, value))
                 : Value(arith::SIToFPOp::create(b, loc, to, value));
    if (fromFloat)
      return arith::FPToSIOp::create(b, loc, to, value);
    unsigned fromWidth = from.getIntOrFloatBitWidth();
    unsigned toWidth = to.getIntOrFloatBitWidth();
    if (fromWidth > toWidth)
      return arith::TruncIOp::create(b, loc, to, value);
    if (fromWidth == 1)
      return arith::ExtUIOp::create(b, loc, to, value);
    return arith::ExtSIOp::create(b, loc, to, value);
  }
};

} // namespace

void blk_to_gpu::populateBlockOpPatterns(const BlkTypeConverter &converter,
                                         LoweringState &state,
                                         RewritePatternSet &patterns) {
  patterns.add<RangeOpLowering, SplatOpLowering,
               ReshapeOpLowering<blk::ExpandDimsOp>,
               ReshapeOpLowering<blk::BroadcastOp>, CastOpLowering>(converter,
                                                                    state);
}
