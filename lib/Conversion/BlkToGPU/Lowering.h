//===- Lowering.h - Shared pieces of the blk -> GPU conversion --*- C++ -*-===//
//
// Blocks lower to per-thread values: a block of type tensor<S x T> becomes
// BlockedLayout::getNumSlots() values of type T in every thread (a 1:N type
// conversion), scalars stay scalars (uniform across the CTA). Patterns find
// here the type converter (which knows the layouts), the AxisInfo of the
// original IR, thread coordinates, and the CTA's shared-memory arena.
//
//===----------------------------------------------------------------------===//

#ifndef LN_LIB_CONVERSION_BLKTOGPU_LOWERING_H
#define LN_LIB_CONVERSION_BLKTOGPU_LOWERING_H

#include "Layout.h"

#include "ln/Analysis/AxisInfo.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Transforms/DialectConversion.h"

namespace ln::blk_to_gpu {

/// Converts blk types: pointers to LLVM global pointers, blocks to one
/// value per slot of their layout, local blocks to the shared-memory
/// address of their storage.
class BlkTypeConverter : public mlir::TypeConverter {
public:
  BlkTypeConverter(mlir::MLIRContext *context, int64_t numWarps,
                   int64_t vectorWidth);

  BlockedLayout getLayout(mlir::RankedTensorType type) const;
  int64_t getNumWarps() const { return numWarps; }
  mlir::MLIRContext *getContext() const { return context; }

private:
  mlir::MLIRContext *context;
  int64_t numWarps, vectorWidth;
};

/// State shared by the patterns converting one kernel.
struct LoweringState {
  explicit LoweringState(const AxisInfoAnalysis &axisInfo,
                         mlir::StringAttr arenaName, mlir::StringAttr localName)
      : axisInfo(axisInfo), arenaName(arenaName), localName(localName) {}

  const AxisInfoAnalysis &axisInfo;
  /// The `llvm.mlir.global` in address space 3 every cross-thread exchange
  /// goes through. Exchanges are bracketed by barriers (one before the
  /// writes, one before the reads), so they can all share it.
  mlir::StringAttr arenaName;
  /// The largest exchange, in bytes; the pass sizes the arena with it.
  int64_t arenaBytes = 0;
  /// The external `llvm.mlir.global` in address space 3 that starts the
  /// CTA's dynamic shared memory, where local blocks live one after the
  /// other (LocalOpsToGPU.cpp).
  mlir::StringAttr localName;
  /// Bytes of the local blocks allocated so far: what the launch asks for.
  int64_t localBytes = 0;
  /// The `llvm.mlir.global` in address space 3 where each
  /// blk.cluster_reduce puts its program's values for the cluster's other
  /// programs to read, and, for each op, where in it its values go (bytes;
  /// every op has its own place: a peer may still be reading one op's
  /// values while this program writes the next op's) and whether it must
  /// wait for its peers' reads before going on (ClusterOpsToGPU.cpp).
  struct ClusterSlots {
    int64_t offset;
    bool waitForReads;
  };
  mlir::StringAttr clusterSlotsName;
  llvm::DenseMap<mlir::Operation *, ClusterSlots> clusterSlots;
  /// The kernel's blk.cluster_size (0: not a cluster kernel).
  int64_t clusterSize = 0;
};

/// Base of the blk patterns: the converter and the shared state.
template <typename OpTy>
class BlkPattern : public mlir::OpConversionPattern<OpTy> {
public:
  BlkPattern(const BlkTypeConverter &converter, LoweringState &state)
      : mlir::OpConversionPattern<OpTy>(converter, converter.getContext()),
        converter(converter), state(state) {}

protected:
  const BlkTypeConverter &converter;
  LoweringState &state;
};

//===----------------------------------------------------------------------===//
// Builders of thread-level code
//===----------------------------------------------------------------------===//

mlir::Value createI32(mlir::OpBuilder &b, mlir::Location loc, int64_t value);
mlir::Value createI64(mlir::OpBuilder &b, mlir::Location loc, int64_t value);

/// threadIdx.x, its lane and its warp, as i32.
mlir::Value getThreadId(mlir::OpBuilder &b, mlir::Location loc);
mlir::Value getLaneId(mlir::OpBuilder &b, mlir::Location loc);
mlir::Value getWarpId(mlir::OpBuilder &b, mlir::Location loc);

/// The runtime part of every slot's coordinates in this thread (i32, one per
/// dimension): slot coordinates are these plus getSlotOffset().
llvm::SmallVector<mlir::Value, 2> getThreadBase(mlir::OpBuilder &b,
                                                mlir::Location loc,
                                                const BlockedLayout &layout);

/// i1: this thread holds distinct data (not a copy) in `layout`.
mlir::Value isDistinctThread(mlir::OpBuilder &b, mlir::Location loc,
                             const BlockedLayout &layout);

/// A CTA-wide barrier (bar.sync 0).
void createBarrier(mlir::OpBuilder &b, mlir::Location loc);

/// Bytes a value of `type` takes in the shared arena (i1 travels as i8).
int64_t getSharedStorageBytes(mlir::Type type);

/// What a value of `type` is stored as in shared memory (i1 as i8), and
/// the conversions to and from it.
mlir::Type getSharedStorageType(mlir::Type type);
mlir::Value toSharedStorage(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value value);
mlir::Value fromSharedStorage(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value stored, mlir::Type type);

/// The address of element `index` (i32) of the shared arena, from
/// `regionOffset` bytes on, viewed as an array of `elementType`; records
/// that `elements` of them are needed there. Exchanges of several values at
/// once give each its own region.
mlir::Value getArenaElementPtr(mlir::OpBuilder &b, mlir::Location loc,
                               LoweringState &state, mlir::Type elementType,
                               int64_t elements, mlir::Value index,
                               int64_t regionOffset = 0);

/// Stores and loads through the arena; i1 travels as i8.
void storeShared(mlir::OpBuilder &b, mlir::Location loc, mlir::Value ptr,
                 mlir::Value value);
mlir::Value loadShared(mlir::OpBuilder &b, mlir::Location loc, mlir::Value ptr,
                       mlir::Type type);

/// Every thread gets, for each slot of `to`, the element of the block
/// (`values` laid out as `from`) at `sourceCoordinates(slot coordinates)`.
/// Goes through shared memory; `from` and `to` may have different shapes.
llvm::SmallVector<mlir::Value> exchangeThroughShared(
    mlir::OpBuilder &b, mlir::Location loc, LoweringState &state,
    mlir::ValueRange values, const BlockedLayout &from, const BlockedLayout &to,
    llvm::function_ref<
        llvm::SmallVector<mlir::Value, 2>(llvm::ArrayRef<mlir::Value>)>
        sourceCoordinates);

/// Runs `body` in thread 0 alone and returns, in every thread, the value
/// it computed (of type `resultType`). Uniform control flow only: it
/// contains barriers.
mlir::Value runOnThread0AndBroadcast(
    mlir::OpBuilder &b, mlir::Location loc, LoweringState &state,
    mlir::Type resultType,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &)> body);

/// Inlines a combiner region (of blk.reduce or blk.cluster_reduce) on the
/// partial values `lhs` and `rhs` (one per combined value) and returns the
/// values it yields.
llvm::SmallVector<mlir::Value> inlineCombiner(mlir::OpBuilder &b,
                                              mlir::Block &combiner,
                                              mlir::ValueRange lhs,
                                              mlir::ValueRange rhs);

//===----------------------------------------------------------------------===//
// Pattern sets (one file per op family)
//===----------------------------------------------------------------------===//

void populateProgramOpPatterns(const BlkTypeConverter &converter,
                               LoweringState &state,
                               mlir::RewritePatternSet &patterns);
void populateBlockOpPatterns(const BlkTypeConverter &converter,
                             LoweringState &state,
                             mlir::RewritePatternSet &patterns);
void populateMemoryOpPatterns(const BlkTypeConverter &converter,
                              LoweringState &state,
                              mlir::RewritePatternSet &patterns);
void populateLocalOpPatterns(const BlkTypeConverter &converter,
                             LoweringState &state,
                             mlir::RewritePatternSet &patterns);
void populateReduceOpPatterns(const BlkTypeConverter &converter,
                              LoweringState &state,
                              mlir::RewritePatternSet &patterns);
void populateClusterOpPatterns(const BlkTypeConverter &converter,
                               LoweringState &state,
                               mlir::RewritePatternSet &patterns);
/// Gives every blk.cluster_reduce of `kernel` its place in the cluster
/// slots, and says which must wait for their peers' reads
/// (state.clusterSlots); returns the slots' bytes.
int64_t assignClusterSlots(mlir::Operation *kernel, LoweringState &state);
void populateAtomicOpPatterns(const BlkTypeConverter &converter,
                              LoweringState &state,
                              mlir::RewritePatternSet &patterns);
void populateElementwisePatterns(const BlkTypeConverter &converter,
                                 mlir::RewritePatternSet &patterns);
void populateFuncOpPatterns(const BlkTypeConverter &converter,
                            mlir::RewritePatternSet &patterns);

} // namespace ln::blk_to_gpu

#endif // LN_LIB_CONVERSION_BLKTOGPU_LOWERING_H
