//===- LowerSquareRoots.cpp - The lower-square-roots pass -----------------===//
//
// Left to convert-gpu-to-nvvm, an f32 math.sqrt becomes libdevice's
// __nv_sqrtf, which NVVMReflect resolves to sqrt.approx.f32 unless the
// module asks for precise square roots: results 1 ulp off the correctly
// rounded ones blk promises (the differential tester found it on the GPU).
//
//===----------------------------------------------------------------------===//

#include "ln/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace ln {
#define GEN_PASS_DEF_LOWERSQUAREROOTS
#include "ln/Conversion/Passes.h.inc"
} // namespace ln

using namespace mlir;

namespace {

/// `1.0 / math.sqrt(x)` on f32 -> `math.rsqrt(x)`, the one square root blk
/// lets be approximate (rsqrt.approx.f32, within 2 ulp; docs/semantics.md).
struct ReciprocalSqrtToRsqrt : OpRewritePattern<arith::DivFOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::DivFOp div,
                                PatternRewriter &rewriter) const override {
    if (!div.getType().isF32())
      return failure();
    auto sqrt = div.getRhs().getDefiningOp<math::SqrtOp>();
    if (!sqrt || !matchPattern(div.getLhs(), m_OneFloat()))
      return failure();
    rewriter.replaceOpWithNewOp<math::RsqrtOp>(div, sqrt.getOperand());
    return success();
  }
};

/// Any other f32 `math.sqrt` -> the NVVM intrinsic of the correctly rounded
/// sqrt.rn.f32. (Not llvm.intr.sqrt: convert-gpu-to-nvvm declares it
/// illegal, to send it to libdevice.)
struct SqrtToCorrectlyRounded : OpRewritePattern<math::SqrtOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(math::SqrtOp sqrt,
                                PatternRewriter &rewriter) const override {
    if (!sqrt.getType().isF32())
      return failure();
    rewriter.replaceOpWithNewOp<LLVM::CallIntrinsicOp>(
        sqrt, sqrt.getType(), rewriter.getStringAttr("llvm.nvvm.sqrt.rn.f"),
        ValueRange{sqrt.getOperand()});
    return success();
  }
};

struct LowerSquareRoots
    : ln::impl::LowerSquareRootsBase<LowerSquareRoots> {
  void runOnOperation() override {
    // Reciprocals first: once a square root is an llvm.intr.sqrt, the
    // 1 / sqrt(x) around it no longer matches.
    RewritePatternSet reciprocals(&getContext());
    reciprocals.add<ReciprocalSqrtToRsqrt>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(reciprocals))))
      return signalPassFailure();
    RewritePatternSet roots(&getContext());
    roots.add<SqrtToCorrectlyRounded>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(roots))))
      return signalPassFailure();
  }
};

} // namespace
