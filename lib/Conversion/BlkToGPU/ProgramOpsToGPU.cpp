//===- ProgramOpsToGPU.cpp - Kernels, program ids, elementwise ops --------===//
//
// The kernel itself becomes a gpu.func whose CTA runs one program instance;
// program coordinates become block coordinates. Elementwise arith/math ops
// on blocks become one scalar op per slot.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "ln/Dialect/Blk/IR/BlkOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

using namespace mlir;
using namespace ln;
using namespace ln::blk_to_gpu;

namespace {

//===----------------------------------------------------------------------===//
// Kernels
//===----------------------------------------------------------------------===//

/// func.func @k(...) -> gpu.func @k(...) kernel, with the converted
/// argument types (pointers become !llvm.ptr<1>) and the CTA size known.
struct FuncOpLowering : public OpConversionPattern<func::FuncOp> {
  FuncOpLowering(const BlkTypeConverter &converter)
      : OpConversionPattern(converter, converter.getContext()),
        numWarps(converter.getNumWarps()) {}

  LogicalResult
  matchAndRewrite(func::FuncOp func, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // convert-blk-to-gpu checked that arguments are scalars or pointers.
    TypeConverter::SignatureConversion signature(func.getNumArguments());
    for (auto [index, type] : llvm::enumerate(func.getArgumentTypes()))
      signature.addInputs(index, getTypeConverter()->convertType(type));
    auto gpuFunc = gpu::GPUFuncOp::create(
        rewriter, func.getLoc(), func.getName(),
        rewriter.getFunctionType(signature.getConvertedTypes(), {}));
    gpuFunc->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                     rewriter.getUnitAttr());
    gpuFunc.setKnownBlockSizeAttr(
        rewriter.getDenseI32ArrayAttr({int32_t(32 * numWarps), 1, 1}));
    // ptxas sizes registers for this many CTAs a multiprocessor
    // (.minnctapersm) instead of by its own occupancy guess, which spills
    // some kernels whose warp count is not a power of two.
    if (auto minPrograms =
            func->getAttrOfType<IntegerAttr>("blk.min_programs_per_sm"))
      gpuFunc->setAttr(NVVM::NVVMDialect::getMinctasmAttrName(),
                       rewriter.getI32IntegerAttr(minPrograms.getInt()));
    // A cluster kernel's CTAs launch in clusters of this many along x
    // (PTX's .reqnctapercluster): its blk.cluster_reduce ops rely on it.
    if (auto clusterSize = func->getAttrOfType<IntegerAttr>("blk.cluster_size"))
      gpuFunc->setAttr(NVVM::NVVMDialect::getClusterDimAttrName(),
                       rewriter.getDenseI32ArrayAttr(
                           {int32_t(clusterSize.getInt()), 1, 1}));
    rewriter.eraseBlock(&gpuFunc.getBody().front());
    rewriter.inlineRegionBefore(func.getBody(), gpuFunc.getBody(),
                                gpuFunc.end());
    if (failed(rewriter.convertRegionTypes(&gpuFunc.getBody(),
                                           *getTypeConverter(), &signature)))
      return failure();
    rewriter.eraseOp(func);
    return success();
  }

  int64_t numWarps;
};

struct ReturnOpLowering : public OpConversionPattern<func::ReturnOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(func::ReturnOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<gpu::ReturnOp>(op);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Program coordinates
//===----------------------------------------------------------------------===//

gpu::Dimension gridDimension(int32_t axis) {
  return axis == 0 ? gpu::Dimension::x
                   : axis == 1 ? gpu::Dimension::y : gpu::Dimension::z;
}

struct ProgramIdOpLowering : public BlkPattern<blk::ProgramIdOp> {
  using BlkPattern::BlkPattern;

  LogicalResult
  matchAndRewrite(blk::ProgramIdOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value id = gpu::BlockIdOp::create(rewriter, op.getLoc(),
                                      gridDimension(op.getAxis()));
    rewriter.replaceOpWithNewOp<arith::IndexCastUIOp>(op, rewriter.getI32Type(),
                                                      id);
    return success();
  }
};

struct NumProgramsOpLowering : public BlkPattern<blk::NumProgramsOp> {
  using BlkPattern::BlkPattern;

  LogicalResult
  matchAndRewrite(blk::NumProgramsOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value count = gpu::GridDimOp::create(rewriter, op.getLoc(),
                                         gridDimension(op.getAxis()));
    rewriter.replaceOpWithNewOp<arith::IndexCastUIOp>(op, rewriter.getI32Type(),
                                                      count);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Elementwise ops
//===----------------------------------------------------------------------===//

/// Any elementwise op (arith, math) whose types change: one op per slot,
/// scalar operands shared by all slots.
struct ElementwiseOpLowering : public ConversionPattern {
  ElementwiseOpLowering(const BlkTypeConverter &converter)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1,
                          converter.getContext()) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<ValueRange> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (!op->hasTrait<OpTrait::Elementwise>() || op->getNumResults() != 1 ||
        op->getNumRegions() != 0)
      return failure();
    Type resultType = op->getResult(0).getType();
    Type scalarType =
        getTypeConverter()->convertType(getElementTypeOrSelf(resultType));
    if (!scalarType)
      return failure();
    size_t slots = 1;
    for (ValueRange range : operands)
      slots = std::max(slots, range.size());

    SmallVector<Value> results;
    for (size_t slot = 0; slot < slots; ++slot) {
      SmallVector<Value> scalars;
      for (ValueRange range : operands)
        scalars.push_back(range.size() == 1 ? range[0] : range[slot]);
      OperationState state(op->getLoc(), op->getName(), scalars, {scalarType},
                           op->getAttrs());
      results.push_back(rewriter.create(state)->getResult(0));
    }
    rewriter.replaceOpWithMultiple(op, {results});
    return success();
  }
};

/// Splat constants become one scalar constant shared by all slots.
struct ConstantOpLowering : public OpConversionPattern<arith::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(arith::ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(op.getType());
    if (!type)
      return failure();
    auto splat = dyn_cast<SplatElementsAttr>(op.getValue());
    if (!splat)
      return op.emitError("only splat block constants are supported");
    SmallVector<Type> slotTypes;
    if (failed(getTypeConverter()->convertType(type, slotTypes)))
      return failure();
    Value scalar = arith::ConstantOp::create(
        rewriter, op.getLoc(), cast<TypedAttr>(splat.getSplatValue<Attribute>()));
    rewriter.replaceOpWithMultiple(
        op, {SmallVector<Value>(slotTypes.size(), scalar)});
    return success();
  }
};

} // namespace

void blk_to_gpu::populateFuncOpPatterns(const BlkTypeConverter &converter,
                                        RewritePatternSet &patterns) {
  patterns.add<FuncOpLowering>(converter);
  patterns.add<ReturnOpLowering>(converter, converter.getContext());
}

void blk_to_gpu::populateProgramOpPatterns(const BlkTypeConverter &converter,
                                           LoweringState &state,
                                           RewritePatternSet &patterns) {
  patterns.add<ProgramIdOpLowering, NumProgramsOpLowering>(converter, state);
}

void blk_to_gpu::populateElementwisePatterns(const BlkTypeConverter &converter,
                                             RewritePatternSet &patterns) {
  patterns.add<ElementwiseOpLowering>(converter);
  patterns.add<ConstantOpLowering>(converter, converter.getContext());
}
