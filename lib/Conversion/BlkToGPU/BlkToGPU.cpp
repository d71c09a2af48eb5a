//===- BlkToGPU.cpp - The convert-blk-to-gpu pass -------------------------===//

#include "Lowering.h"

#include "ln/Conversion/Passes.h"
#include "ln/Dialect/Blk/IR/BlkOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/IR/AttrTypeSubElements.h"

namespace ln {
#define GEN_PASS_DEF_CONVERTBLKTOGPU
#include "ln/Conversion/Passes.h.inc"
} // namespace ln

using namespace mlir;
using namespace ln;
using namespace ln::blk_to_gpu;

namespace {

constexpr StringLiteral kGPUModuleName = "ln_kernels";

/// Warps of a CTA: 1024 threads at most.
constexpr int64_t kMaxWarps = 32;
/// Elements of one block a thread may hold. Every element is a value in
/// registers: past a few hundred, kernels spill and compile slowly (a block
/// of 2^20 elements on 4 warps took 17 s and 900 MB); the shipped kernels
/// hold at most 32.
constexpr int64_t kMaxElementsPerThread = 256;
/// Static shared memory of a CTA: the exchanges' arena. Local blocks live in
/// dynamic shared memory, which the launch asks for.
constexpr int64_t kMaxSharedBytes = 48 * 1024;
/// Shared memory of a CTA, static and dynamic together, on sm_90 (227 KB,
/// with the opt-in the runtime and ln-run make).
constexpr int64_t kMaxTotalSharedBytes = 227 * 1024;

/// Rejects, with an error at the culprit, kernels blk-specialize has not
/// made lowerable.
LogicalResult checkSpecialized(func::FuncOp kernel) {
  auto numWarps = kernel->getAttrOfType<IntegerAttr>("blk.num_warps");
  if (!numWarps)
    return kernel.emitError("kernel '")
           << kernel.getName()
           << "' is not specialized (no blk.num_warps); run blk-specialize "
              "first";
  // A CTA has at most 1024 threads.
  int64_t warps = numWarps.getInt();
  if (warps < 1 || warps > kMaxWarps)
    return kernel.emitError("blk.num_warps must be from 1 to ")
           << kMaxWarps << " (a CTA has at most 1024 threads), got " << warps;
  WalkResult result = kernel.walk([&](Operation *op) {
    if (auto constexprOp = dyn_cast<blk::ConstexprOp>(op)) {
      op->emitError("constexpr '")
          << constexprOp.getName() << "' is unbound; run blk-specialize";
      return WalkResult::interrupt();
    }
    auto check = [&](Type type) {
      bool typeVar = false;
      type.walk([&](blk::TypeVarType) { typeVar = true; });
      if (typeVar) {
        op->emitError("type ") << type << " has an unbound !blk.typevar";
        return false;
      }
      if (auto local = dyn_cast<blk::LocalType>(type))
        type = local.getBlockType();
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor)
        return true;
      if (!tensor.hasStaticShape()) {
        op->emitError("blocks must have static shapes, got ") << type;
        return false;
      }
      int64_t threads = 32 * warps;
      if (tensor.getNumElements() / threads > kMaxElementsPerThread) {
        op->emitError("block ")
            << type << " gives each of the kernel's " << threads << " threads "
            << tensor.getNumElements() / threads << " elements, more than the "
            << kMaxElementsPerThread
            << " a thread can hold in registers; use more warps or loop "
               "over smaller blocks";
        return false;
      }
      return true;
    };
    for (Type type : op->getResultTypes())
      if (!check(type))
        return WalkResult::interrupt();
    for (Region &region : op->getRegions())
      for (Type type : region.getArgumentTypes())
        if (!check(type))
          return WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (result.wasInterrupted())
    return failure();

  // A cluster's programs must be known to the kernel (and so to its
  // launch) for them to reach each other.
  if (auto clusterSize = kernel->getAttrOfType<IntegerAttr>("blk.cluster_size")) {
    int64_t size = clusterSize.getInt();
    if (size < 1 || size > 8 || !llvm::isPowerOf2_64(size))
      return kernel.emitError("blk.cluster_size must be a power of two from "
                              "1 to 8, got ")
             << size;
  } else {
    WalkResult clustered = kernel.walk([&](blk::ClusterReduceOp op) {
      op.emitError("needs a cluster kernel: specialize it with "
                   "blk-specialize's cluster-size (blk.cluster_size)");
      return WalkResult::interrupt();
    });
    if (clustered.wasInterrupted())
      return failure();
  }

  if (kernel.getNumResults() != 0)
    return kernel.emitError("kernels return no results");
  for (auto [index, type] : llvm::enumerate(kernel.getArgumentTypes()))
    if (isa<RankedTensorType, blk::LocalType>(type))
      return kernel.emitError("kernel arguments are scalars or pointers, "
                              "argument #")
             << index << " is " << type;
  // What the lowering supports, reported at the op rather than as a generic
  // legalization failure.
  WalkResult supported = kernel.walk([&](Operation *op) {
    if (auto reduce = dyn_cast<blk::ReduceOp>(op)) {
      for (Type type : reduce.getSrcs().getTypes()) {
        Type element = getElementTypeOrSelf(type);
        if (!element.isInteger(32) && !element.isInteger(64) &&
            !element.isF32() && !element.isF64()) {
          op->emitError("reductions of ")
              << element << " are not supported; cast to f32 or i32 first";
          return WalkResult::interrupt();
        }
      }
    }
    if (isa<blk::LoadOp, blk::StoreOp>(op)) {
      auto ptr =
          cast<blk::PtrType>(getElementTypeOrSelf(op->getOperand(0).getType()));
      Type element = ptr.getPointeeType();
      unsigned bits =
          element.isIntOrFloat() ? element.getIntOrFloatBitWidth() : 0;
      if (bits != 16 && bits != 32 && bits != 64) {
        op->emitError("global memory accesses of ")
            << element << " are not supported (elements of 16, 32 or 64 bits)";
        return WalkResult::interrupt();
      }
    }
    return WalkResult::advance();
  });
  return failure(supported.wasInterrupted());
}

/// Elements per thread along a block's last dimension: enough for 16-byte
/// accesses of the narrowest element, but no more than any contiguous global
/// access is aligned for. A thread's elements are consecutive, so a
/// misaligned access over them goes element by element, and each of those
/// scalar accesses touches every lane's run for one element in `width`;
/// with as many elements per thread as the alignment allows (one, when
/// nothing is known), consecutive lanes take consecutive elements and the
/// scalar accesses coalesce. Gathers (no contiguity) do not constrain it.
/// A misaligned block too small to give a thread more than one element
/// still does (a row's 16 statistics beside its 4096 elements would make
/// those scalar): AxisInfo knows some contiguous accesses only as gathers
/// (a 2-D tile `rows * N + cols` with N of unknown divisibility, pointers
/// carried by a loop), and such a cap is what makes them coalesce in the
/// generic dw/db kernels.
int64_t vectorWidthFor(func::FuncOp kernel, const AxisInfoAnalysis &axisInfo) {
  int64_t narrowest = 4, aligned = 16;
  kernel.walk([&](Operation *op) {
    if (!isa<blk::LoadOp, blk::StoreOp>(op))
      return;
    Value ptr = op->getOperand(0);
    auto element =
        cast<blk::PtrType>(getElementTypeOrSelf(ptr.getType())).getPointeeType();
    if (!element.isIntOrFloat())
      return;
    int64_t bytes = std::max(1u, element.getIntOrFloatBitWidth() / 8);
    narrowest = std::min(narrowest, bytes);
    auto block = dyn_cast<RankedTensorType>(ptr.getType());
    if (!block)
      return;
    unsigned last = block.getRank() - 1;
    AxisInfo info = axisInfo.getAxisInfo(ptr);
    // Misaligned: contiguous over more bytes than its alignment, which is
    // under the 16 bytes one access moves (elements are aligned to their
    // size whatever the analysis knows).
    int64_t contiguity = info.getContiguity(last);
    int64_t alignment = std::max(info.getDivisibility(last), bytes);
    if (contiguity > 1 && alignment < 16 && contiguity * bytes > alignment)
      aligned = std::min(aligned, alignment / bytes);
  });
  return std::min(16 / narrowest, aligned);
}

gpu::GPUModuleOp getOrCreateGPUModule(ModuleOp module) {
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  UnitAttr::get(module.getContext()));
  for (auto gpuModule : module.getOps<gpu::GPUModuleOp>())
    if (gpuModule.getName() == kGPUModuleName)
      return gpuModule;
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  return gpu::GPUModuleOp::create(builder, module.getLoc(), kGPUModuleName);
}

struct ConvertBlkToGPUPass
    : public ln::impl::ConvertBlkToGPUBase<ConvertBlkToGPUPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> kernels(module.getOps<func::FuncOp>());
    for (func::FuncOp kernel : kernels)
      if (failed(checkSpecialized(kernel)))
        return signalPassFailure();
    if (kernels.empty())
      return;

    AxisInfoAnalysis axisInfo(module);
    gpu::GPUModuleOp gpuModule = getOrCreateGPUModule(module);
    // Every kernel joins the module before any shared-memory global is
    // named, so that the globals' names avoid all the kernels' names.
    for (func::FuncOp kernel : kernels)
      kernel->moveBefore(gpuModule.getBody(), gpuModule.getBody()->end());
    SymbolTable symbols(gpuModule);
    for (func::FuncOp kernel : kernels)
      if (failed(convertKernel(kernel, symbols, axisInfo)))
        return signalPassFailure();
  }

  /// A 16-byte-aligned byte array of `bytes` in shared memory, named
  /// `<kernel><suffix>` (uniqued), placed before the kernel.
  static LLVM::GlobalOp createSharedGlobal(func::FuncOp kernel,
                                           SymbolTable &symbols,
                                           StringRef suffix, int64_t bytes,
                                           LLVM::Linkage linkage) {
    OpBuilder builder(kernel);
    auto global = LLVM::GlobalOp::create(
        builder, kernel.getLoc(),
        LLVM::LLVMArrayType::get(builder.getI8Type(), bytes),
        /*isConstant=*/false, linkage, (kernel.getName() + suffix).str(),
        Attribute(), /*alignment=*/16, /*addrSpace=*/3);
    global->remove();
    symbols.insert(global, Block::iterator(kernel));
    return global;
  }

  LogicalResult convertKernel(func::FuncOp kernel, SymbolTable &symbols,
                              const AxisInfoAnalysis &axisInfo) {
    MLIRContext *context = &getContext();
    int64_t numWarps =
        kernel->getAttrOfType<IntegerAttr>("blk.num_warps").getInt();
    BlkTypeConverter converter(context, numWarps, vectorWidthFor(kernel, axisInfo));

    // The shared-memory arena, sized once the patterns have said how much
    // they need; named `<kernel>_shared`, or uniqued if a symbol (a user's
    // kernel) has that name.
    LLVM::GlobalOp arena = createSharedGlobal(kernel, symbols, "_shared", 1,
                                              LLVM::Linkage::Internal);
    // The start of its dynamic shared memory (an array of no size: PTX's
    // `.extern .shared`), where local blocks live.
    LLVM::GlobalOp local = createSharedGlobal(kernel, symbols, "_local", 0,
                                              LLVM::Linkage::External);
    LoweringState state(axisInfo, arena.getSymNameAttr(),
                        local.getSymNameAttr());
    if (auto clusterSize =
            kernel->getAttrOfType<IntegerAttr>("blk.cluster_size"))
      state.clusterSize = clusterSize.getInt();
    // Where each blk.cluster_reduce puts the program's values for its
    // peers (`<kernel>_cluster`).
    int64_t clusterSlotBytes = assignClusterSlots(kernel, state);
    if (clusterSlotBytes)
      state.clusterSlotsName =
          createSharedGlobal(kernel, symbols, "_cluster", clusterSlotBytes,
                             LLVM::Linkage::Internal)
              .getSymNameAttr();
    // The name of the dynamic shared memory's size, fixed (launchers look
    // it up by the kernel's name).
    Location loc = kernel.getLoc();
    std::string recordName = (kernel.getName() + "_dynamic_shared_bytes").str();
    bool usesLocals = false;
    kernel.walk([&](blk::LocalAllocOp) { usesLocals = true; });
    if (usesLocals && symbols.lookup(recordName))
      return kernel.emitError("the symbol '")
             << recordName
             << "' is taken: it records the dynamic shared memory of kernel '"
             << kernel.getName() << "'";

    RewritePatternSet patterns(context);
    populateFuncOpPatterns(converter, patterns);
    populateProgramOpPatterns(converter, state, patterns);
    populateBlockOpPatterns(converter, state, patterns);
    populateMemoryOpPatterns(converter, state, patterns);
    populateLocalOpPatterns(converter, state, patterns);
    populateReduceOpPatterns(converter, state, patterns);
    populateClusterOpPatterns(converter, state, patterns);
    populateAtomicOpPatterns(converter, state, patterns);
    populateElementwisePatterns(converter, patterns);

    ConversionTarget target(*context);
    target.addLegalDialect<gpu::GPUDialect, LLVM::LLVMDialect,
                           NVVM::NVVMDialect, cf::ControlFlowDialect>();
    target.addIllegalDialect<blk::BlkDialect, func::FuncDialect>();
    target.addDynamicallyLegalDialect<arith::ArithDialect, math::MathDialect>(
        [&](Operation *op) { return converter.isLegal(op); });
    scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                         target);

    StringAttr kernelName = kernel.getSymNameAttr();
    Operation *gpuModule = kernel->getParentOp();
    if (failed(applyFullConversion(kernel.getOperation(), target,
                                   std::move(patterns))))
      return failure();
    // A CTA's shared memory goes when the CTA exits: a cluster kernel that
    // shared values waits at its end until every peer is done reading.
    if (clusterSlotBytes) {
      auto gpuFunc = cast<gpu::GPUFuncOp>(
          SymbolTable::lookupSymbolIn(gpuModule, kernelName));
      gpuFunc.walk([&](gpu::ReturnOp ret) {
        OpBuilder atReturn(ret);
        UnitAttr aligned = atReturn.getUnitAttr();
        NVVM::ClusterArriveOp::create(atReturn, ret.getLoc(), aligned);
        NVVM::ClusterWaitOp::create(atReturn, ret.getLoc(), aligned);
      });
    }

    // Each global starts 16-byte aligned: the arena's padding counts.
    int64_t staticBytes =
        clusterSlotBytes ? llvm::alignTo(state.arenaBytes, 16) + clusterSlotBytes
                         : state.arenaBytes;
    if (staticBytes > kMaxSharedBytes)
      return emitError(loc, "kernel needs ")
             << staticBytes << " bytes of shared memory, more than the "
             << kMaxSharedBytes << " a CTA can have statically";
    if (staticBytes + state.localBytes > kMaxTotalSharedBytes)
      return emitError(loc, "kernel needs ")
             << staticBytes << " bytes of static and " << state.localBytes
             << " bytes of dynamic shared memory (its local blocks), more "
                "than the "
             << kMaxTotalSharedBytes << " a CTA can have";
    OpBuilder builder(context);
    if (state.arenaBytes == 0)
      arena.erase();
    else
      arena.setGlobalType(
          LLVM::LLVMArrayType::get(builder.getI8Type(), state.arenaBytes));
    if (state.localBytes == 0) {
      local.erase();
      return success();
    }
    // Launchers read what to ask for (the runtime's getDynamicSharedBytes)
    // from this visible constant of the PTX.
    builder.setInsertionPoint(local);
    LLVM::GlobalOp::create(builder, loc, builder.getI32Type(),
                           /*isConstant=*/true, LLVM::Linkage::External,
                           recordName,
                           builder.getI32IntegerAttr(state.localBytes),
                           /*alignment=*/4, /*addrSpace=*/1);
    return success();
  }
};

} // namespace
