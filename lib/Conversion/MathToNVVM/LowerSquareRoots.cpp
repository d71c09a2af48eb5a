//===- LowerSquareRoots.cpp - The lower-square-roots pass -----------------===//
//
// Left to convert-gpu-to-nvvm, an f32 math.sqrt becomes libdevice's
// __nv_sqrtf, which NVVMReflect resolves to sqrt.approx.f32 unless the
// module asks for precise square roots: results 1 ulp off the correctly
// rounded ones blk promises (the differential tester found it on the GPU).
// f16 and bf16 square roots went the same way, through f32.
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
/// sqrt.rn.f32 (not llvm.intr.sqrt: convert-gpu-to-nvvm declares it
/// illegal, to send it to libdevice). f16 and bf16 go through f32: the f32
/// root of a 16-bit value, rounded again to 16 bits, is the correctly
/// rounded 16-bit root (f32 has more than twice their precision, plus two
/// bits).
struct SqrtToCorrectlyRounded : OpRewritePattern<math::SqrtOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(math::SqrtOp sqrt,
                                PatternRewriter &rewriter) const override {
    Type type = sqrt.getType();
    if (!type.isF32() && !type.isF16() && !type.isBF16())
      return failure();
    Location loc = sqrt.getLoc();
    Type f32 = rewriter.getF32Type();
    Value operand = sqrt.getOperand();
    if (type != f32)
      operand = arith::ExtFOp::create(rewriter, loc, f32, operand);
    Value root = LLVM::CallIntrinsicOp::create(
                     rewriter, loc, f32,
                     rewriter.getStringAttr("llvm.nvvm.sqrt.rn.f"),
                     ValueRange{operand})
                     .getResult(0);
    if (type != f32)
      root = arith::TruncFOp::create(rewriter, loc, type, root);
    rewriter.replaceOp(sqrt, root);
    return success();
  }
};

struct LowerSquareRoots
    : ln::impl::LowerSquareRootsBase<LowerSquareRoots> {
  void runOnOperation() override {
    // Only these rewrites: no folding or region simplification of the rest
    // of the module, which is not this pass's business.
    GreedyRewriteConfig config;
    config.enableFolding(false)
        .enableConstantCSE(false)
        .setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
    // Reciprocals first: once a square root is an intrinsic call, the
    // 1 / sqrt(x) around it no longer matches.
    RewritePatternSet reciprocals(&getContext());
    reciprocals.add<ReciprocalSqrtToRsqrt>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(reciprocals),
                                     config)))
      return signalPassFailure();
    RewritePatternSet roots(&getContext());
    roots.add<SqrtToCorrectlyRounded>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(roots), config)))
      return signalPassFailure();
  }
};

} // namespace
