//===- ClusterOpsToGPU.cpp - blk.cluster_reduce ---------------------------===//
//
// A cluster of programs is a thread-block cluster (sm_90): the kernel is
// marked with its size (nvvm.cluster_dim, PTX's .reqnctapercluster), the
// launch groups consecutive CTAs along x, and each CTA can read the shared
// memory of the others (distributed shared memory, `mapa` then
// `ld.shared::cluster`). A blk.cluster_reduce
//
//   1. has thread 0 store the program's values in the op's own slots of
//      the CTA's shared memory (`<kernel>_cluster`);
//   2. waits at a cluster barrier (barrier.cluster.arrive, a release, then
//      barrier.cluster.wait, an acquire): every peer's values are stored
//      and visible;
//   3. has every thread load each peer's values from that peer's slots and
//      combine them in rank order, the same order in every CTA, so every
//      program gets the same bits;
//   4. in a loop only, waits at a second cluster barrier, so that no CTA
//      overwrites its slots on the next iteration while a peer may still
//      read them; unless the loop's body has another blk.cluster_reduce
//      that runs every iteration: every peer reaches that op's barrier
//      only after reading this op's slots, and this program writes them
//      again only after that barrier, so the other op's barrier does the
//      waiting (a LayerNorm row's two exchanges then cost two cluster
//      barriers, not four). Outside loops each op's slots are written
//      once, and the barrier every cluster kernel ends with
//      (convert-blk-to-gpu adds it before each return) keeps a CTA's
//      shared memory alive until its peers have read it.
//
// Every CTA keeps its values at the same address of its own shared memory;
// `mapa` maps that address to the CTA of a given rank in the cluster, and
// for clusters along x a CTA's rank is blk.program_id 0 modulo the cluster
// size: combining by rank is the order blk's semantics promises.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "ln/Dialect/Blk/IR/BlkOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace ln;
using namespace ln::blk_to_gpu;

namespace {

/// Bytes of one value's slot: i32, i64, f32 and f64 all fit, aligned.
constexpr int64_t kSlotBytes = 8;

/// Whether `op` runs again while a peer may still read its slots with no
/// other cluster barrier in between: it is in a loop, and, unless the
/// loop is an scf.for whose body runs another blk.cluster_reduce every
/// iteration (a direct child of the body: not under a branch), it must
/// wait for its peers' reads itself. Decided before the conversion, which
/// replaces the ops one by one.
bool mustWaitForReads(blk::ClusterReduceOp op) {
  auto loop = op->getParentOfType<LoopLikeOpInterface>();
  if (!loop)
    return false;
  auto forOp = dyn_cast<scf::ForOp>(loop.getOperation());
  if (!forOp)
    return true;
  for (Operation &sibling : forOp.getBody()->without_terminator())
    if (isa<blk::ClusterReduceOp>(sibling) && &sibling != op.getOperation())
      return false;
  return true;
}

struct ClusterReduceOpLowering : public BlkPattern<blk::ClusterReduceOp> {
  using BlkPattern::BlkPattern;

  LogicalResult
  matchAndRewrite(blk::ClusterReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    auto sharedPtr = LLVM::LLVMPointerType::get(context, 3);
    auto clusterPtr = LLVM::LLVMPointerType::get(context, 7);
    TypeRange types = op.getValues().getTypes();
    auto placed = state.clusterSlots.find(op);
    assert(placed != state.clusterSlots.end() &&
           "assignClusterSlots placed every op before the conversion");
    int64_t opOffset = placed->second.offset;
    auto slot = [&](unsigned i) -> Value {
      Value base = LLVM::AddressOfOp::create(rewriter, loc, sharedPtr,
                                             state.clusterSlotsName.getValue());
      return LLVM::GEPOp::create(rewriter, loc, sharedPtr,
                                 rewriter.getI8Type(), base,
                                 ArrayRef<LLVM::GEPArg>{int32_t(opOffset + kSlotBytes * i)});
    };
    auto clusterBarrier = [&] {
      UnitAttr aligned = rewriter.getUnitAttr();
      NVVM::ClusterArriveOp::create(rewriter, loc, aligned);
      NVVM::ClusterWaitOp::create(rewriter, loc, aligned);
    };

    // 1. Thread 0 stores the program's values (uniform across the CTA).
    Value isThread0 =
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                              getThreadId(rewriter, loc),
                              createI32(rewriter, loc, 0));
    auto ifOp =
        scf::IfOp::create(rewriter, loc, isThread0, /*withElseRegion=*/false);
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(ifOp.thenBlock());
      for (auto [i, value] : llvm::enumerate(adaptor.getValues()))
        LLVM::StoreOp::create(rewriter, loc, value, slot(i), kSlotBytes);
    }

    // 2. Every peer's values are stored and visible.
    clusterBarrier();

    // 3. Each peer's values, combined in rank order.
    SmallVector<Value> combined;
    for (int64_t rank = 0; rank < state.clusterSize; ++rank) {
      Value peer = createI32(rewriter, loc, rank);
      SmallVector<Value> values;
      for (auto [i, type] : llvm::enumerate(types)) {
        Value remote =
            NVVM::MapaOp::create(rewriter, loc, clusterPtr, slot(i), peer);
        // 8-byte aligned: an i64 in one access, not two halves.
        values.push_back(
            LLVM::LoadOp::create(rewriter, loc, type, remote, kSlotBytes));
      }
      combined = rank == 0 ? values
                           : inlineCombiner(rewriter, op.getCombiner().front(),
                                            combined, values);
    }

    // 4. Written again later in a loop that has no other exchange every
    // iteration: wait until every peer has read them.
    if (placed->second.waitForReads)
      clusterBarrier();
    rewriter.replaceOp(op, combined);
    return success();
  }
};

} // namespace

int64_t blk_to_gpu::assignClusterSlots(Operation *kernel,
                                       LoweringState &state) {
  int64_t end = 0;
  kernel->walk([&](blk::ClusterReduceOp op) {
    state.clusterSlots[op] = {end, mustWaitForReads(op)};
    end += kSlotBytes * op.getValues().size();
  });
  return end;
}

void blk_to_gpu::populateClusterOpPatterns(const BlkTypeConverter &converter,
                                           LoweringState &state,
                                           RewritePatternSet &patterns) {
  patterns.add<ClusterReduceOpLowering>(converter, state);
}
