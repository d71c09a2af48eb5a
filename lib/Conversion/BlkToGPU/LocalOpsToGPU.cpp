//===- LocalOpsToGPU.cpp - blk.local_alloc, local_store, local_load -------===//
//
// A local block is storage in the CTA's dynamic shared memory where every
// thread keeps, in slots of its own, the elements it holds in registers:
// the slots of thread t, in groups of up to 16 bytes, are
//
//   element ((group * threads + t) * width + i)
//
// of the block's storage, so a warp's accesses to one group are
// consecutive (no bank conflict) and no thread ever reads what another
// wrote: stores and loads need no barrier, whatever the layout's copies.
// The storage therefore takes the block's slots times the CTA's threads.
//
// The allocations of a kernel are laid out one after the other from the
// start of its dynamic shared memory (`<kernel>_local`, an external array
// of no size); their total is what the launch must ask for, recorded by
// the pass in the visible global `<kernel>_dynamic_shared_bytes`.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "ln/Dialect/Blk/IR/BlkOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

using namespace mlir;
using namespace ln;
using namespace ln::blk_to_gpu;

namespace {

/// How a local block of `type` sits in shared memory.
struct LocalPlacement {
  Type storage;    // what an element is stored as (i1 as i8)
  int64_t width;   // elements a thread accesses at once
  int64_t groups;  // accesses per thread
  int64_t threads; // threads of the CTA
  int64_t bytes;   // the whole storage, 16-byte aligned
};

LocalPlacement getPlacement(const BlkTypeConverter &converter,
                            RankedTensorType type) {
  BlockedLayout layout = converter.getLayout(type);
  Type storage =
      getSharedStorageType(converter.convertType(type.getElementType()));
  int64_t elementBytes = getSharedStorageBytes(storage);
  // The widest power of two that divides a thread's slots and stays within
  // 16 bytes; pointers move one at a time. The slots are the thread's own,
  // so any of its elements may share an access, whether or not they are
  // consecutive in the block (a layout of one element a thread per access
  // still moves 16 bytes at once).
  int64_t slots = layout.getNumSlots();
  int64_t width = 1;
  if (!isa<LLVM::LLVMPointerType>(storage))
    while (slots % (2 * width) == 0 && 2 * width * elementBytes <= 16)
      width *= 2;
  int64_t threads = 32 * converter.getNumWarps();
  return {storage, width, slots / width, threads,
          int64_t(llvm::alignTo(slots * threads * elementBytes, 16))};
}

/// What one access moves: an element, or a vector of `width`.
Type getAccessType(const LocalPlacement &placement) {
  return placement.width == 1
             ? placement.storage
             : VectorType::get({placement.width}, placement.storage);
}

/// The address of this thread's access `group` to the local block at
/// `base`.
Value getGroupPtr(OpBuilder &b, Location loc, const LocalPlacement &placement,
                  Value base, Value threadId, int64_t group) {
  Value index = arith::AddIOp::create(
      b, loc, createI32(b, loc, group * placement.threads), threadId);
  return LLVM::GEPOp::create(b, loc, base.getType(), getAccessType(placement),
                             base, ArrayRef<LLVM::GEPArg>{index});
}

int64_t getAccessAlignment(const LocalPlacement &placement) {
  return placement.width * getSharedStorageBytes(placement.storage);
}

struct LocalAllocOpLowering : public BlkPattern<blk::LocalAllocOp> {
  using BlkPattern::BlkPattern;

  LogicalResult
  matchAndRewrite(blk::LocalAllocOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    LocalPlacement placement =
        getPlacement(converter, op.getType().getBlockType());
    auto sharedPtr = LLVM::LLVMPointerType::get(rewriter.getContext(), 3);
    Value base = LLVM::AddressOfOp::create(rewriter, loc, sharedPtr,
                                           state.localName.getValue());
    if (state.localBytes)
      base = LLVM::GEPOp::create(
          rewriter, loc, sharedPtr, rewriter.getI8Type(), base,
          ArrayRef<LLVM::GEPArg>{int32_t(state.localBytes)});
    state.localBytes += placement.bytes;
    rewriter.replaceOp(op, base);
    return success();
  }
};

struct LocalStoreOpLowering : public BlkPattern<blk::LocalStoreOp> {
  using BlkPattern::BlkPattern;

  LogicalResult
  matchAndRewrite(blk::LocalStoreOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    LocalPlacement placement =
        getPlacement(converter, op.getLocal().getType().getBlockType());
    Value base = adaptor.getLocal().front();
    ValueRange slots = adaptor.getValue();
    Value threadId = getThreadId(rewriter, loc);
    for (int64_t group = 0; group < placement.groups; ++group) {
      SmallVector<Value> elements;
      for (Value slot : slots.slice(group * placement.width, placement.width))
        elements.push_back(toSharedStorage(rewriter, loc, slot));
      Value access = elements.front();
      if (placement.width > 1) {
        access =
            LLVM::PoisonOp::create(rewriter, loc, getAccessType(placement));
        for (auto [i, element] : llvm::enumerate(elements))
          access = LLVM::InsertElementOp::create(rewriter, loc, access, element,
                                                 createI32(rewriter, loc, i));
      }
      LLVM::StoreOp::create(
          rewriter, loc, access,
          getGroupPtr(rewriter, loc, placement, base, threadId, group),
          getAccessAlignment(placement));
    }
    rewriter.eraseOp(op);
    return success();
  }
};

struct LocalLoadOpLowering : public BlkPattern<blk::LocalLoadOp> {
  using BlkPattern::BlkPattern;

  LogicalResult
  matchAndRewrite(blk::LocalLoadOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    LocalPlacement placement =
        getPlacement(converter, op.getLocal().getType().getBlockType());
    Type element = converter.convertType(op.getType().getElementType());
    Value base = adaptor.getLocal().front();
    Value threadId = getThreadId(rewriter, loc);
    SmallVector<Value> results;
    for (int64_t group = 0; group < placement.groups; ++group) {
      Value access = LLVM::LoadOp::create(
          rewriter, loc, getAccessType(placement),
          getGroupPtr(rewriter, loc, placement, base, threadId, group),
          getAccessAlignment(placement));
      for (int64_t i = 0; i < placement.width; ++i) {
        Value value =
            placement.width == 1
                ? access
                : LLVM::ExtractElementOp::create(rewriter, loc, access,
                                                 createI32(rewriter, loc, i));
        results.push_back(fromSharedStorage(rewriter, loc, value, element));
      }
    }
    rewriter.replaceOpWithMultiple(op, {results});
    return success();
  }
};

} // namespace

void blk_to_gpu::populateLocalOpPatterns(const BlkTypeConverter &converter,
                                         LoweringState &state,
                                         RewritePatternSet &patterns) {
  patterns.add<LocalAllocOpLowering, LocalStoreOpLowering, LocalLoadOpLowering>(
      converter, state);
}
