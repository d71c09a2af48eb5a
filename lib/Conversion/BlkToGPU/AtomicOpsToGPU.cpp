//===- AtomicOpsToGPU.cpp - blk.atomic_cas, blk.atomic_xchg, blk.barrier --===//
//
// A scalar atomic belongs to the program, not to its threads: thread 0
// performs it and every thread reads its result from shared memory. The
// barrier before it orders every thread's earlier accesses before a
// release; the barrier after it orders an acquire before every thread's
// later accesses. A release is additionally preceded by a GPU-scope fence
// so that the stores of the whole CTA are visible to the next acquirer.
// See docs/lowering.md, "Memory model".
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "ln/Dialect/Blk/IR/BlkOps.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace ln;
using namespace ln::blk_to_gpu;

namespace {

StringRef semanticSuffix(blk::MemSemantic semantic) {
  switch (semantic) {
  case blk::MemSemantic::relaxed:
    return ".relaxed";
  case blk::MemSemantic::acquire:
    return ".acquire";
  case blk::MemSemantic::release:
    return ".release";
  case blk::MemSemantic::acq_rel:
    return ".acq_rel";
  }
  llvm_unreachable("unknown memory semantic");
}

bool releases(blk::MemSemantic semantic) {
  return semantic == blk::MemSemantic::release ||
         semantic == blk::MemSemantic::acq_rel;
}

/// `atom<sem><scope>.global.<op>.b<bits> $0, [$1], ...` in inline PTX.
Value emitAtomic(OpBuilder &b, Location loc, StringRef operation,
                 blk::MemSemantic semantic, blk::MemScope scope, Value ptr,
                 ValueRange values) {
  Type type = values.front().getType();
  unsigned bits = type.getIntOrFloatBitWidth();
  StringRef reg = bits == 64 ? "l" : "r";
  std::string operands = "[$1]", constraints = ("=" + reg + ",l").str();
  for (size_t i = 0; i < values.size(); ++i) {
    operands += llvm::formatv(", ${0}", i + 2).str();
    constraints += ("," + reg).str();
  }
  std::string text;
  if (releases(semantic))
    text = llvm::formatv("fence.acq_rel.{0};\n\t", stringifyMemScope(scope));
  text += llvm::formatv("atom{0}.{1}.global.{2}.b{3} $0, {4};",
                        semanticSuffix(semantic), stringifyMemScope(scope),
                        operation, bits, operands)
              .str();
  SmallVector<Value> asmOperands = {ptr};
  llvm::append_range(asmOperands, values);
  return LLVM::InlineAsmOp::create(
             b, loc, type, asmOperands, text, constraints,
             /*has_side_effects=*/true, /*is_align_stack=*/false,
             LLVM::tailcallkind::TailCallKind::None,
             LLVM::AsmDialectAttr::get(b.getContext(),
                                       LLVM::AsmDialect::AD_ATT),
             /*operand_attrs=*/ArrayAttr())
      .getRes();
}

template <typename OpTy>
struct AtomicOpLowering : public BlkPattern<OpTy> {
  using BlkPattern<OpTy>::BlkPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    SmallVector<Value> values;
    if constexpr (std::is_same_v<OpTy, blk::AtomicCasOp>)
      values.push_back(adaptor.getCmp());
    values.push_back(adaptor.getValue());
    StringRef operation =
        std::is_same_v<OpTy, blk::AtomicCasOp> ? "cas" : "exch";
    Value result = runOnThread0AndBroadcast(
        rewriter, op.getLoc(), this->state, op.getType(), [&](OpBuilder &b) {
          return emitAtomic(b, op.getLoc(), operation, op.getSem(),
                            op.getScope(), adaptor.getPtr(), values);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

namespace {

/// bar.sync: every thread of the CTA waits, and the memory accesses of
/// each before it are performed for all of them.
struct BarrierOpLowering : public BlkPattern<blk::BarrierOp> {
  using BlkPattern::BlkPattern;

  LogicalResult
  matchAndRewrite(blk::BarrierOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    createBarrier(rewriter, op.getLoc());
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void blk_to_gpu::populateAtomicOpPatterns(const BlkTypeConverter &converter,
                                          LoweringState &state,
                                          RewritePatternSet &patterns) {
  patterns.add<AtomicOpLowering<blk::AtomicCasOp>,
               AtomicOpLowering<blk::AtomicXchgOp>, BarrierOpLowering>(
      converter, state);
}
