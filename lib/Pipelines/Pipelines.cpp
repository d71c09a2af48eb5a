//===- Pipelines.cpp - Named pass pipelines of ln -------------------------===//

#include "ln/Pipelines/Pipelines.h"

#include "ln/Conversion/Passes.h"
#include "ln/Dialect/Blk/Transforms/Passes.h"

#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void ln::buildBlkToPTXPipeline(OpPassManager &pm,
                               const BlkToPTXOptions &options) {
  if (options.prefetchLoads)
    pm.addPass(ln::blk::createBlkPrefetchLoads(
        ln::blk::BlkPrefetchLoadsOptions{options.prefetchDistance}));
  if (options.localAccumulators)
    pm.addPass(ln::blk::createBlkLocalAccumulators());
  if (options.mergeReductions)
    pm.addPass(ln::blk::createBlkMergeReductions());
  if (options.fpContract)
    pm.addPass(ln::blk::createBlkContractFloatOps());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(ln::createConvertBlkToGPU());

  OpPassManager &gpuPm = pm.nest<gpu::GPUModuleOp>();
  // Slots share thread coordinates; fold them before going to LLVM.
  gpuPm.addPass(createCanonicalizerPass());
  gpuPm.addPass(createCSEPass());
  gpuPm.addPass(createSCFToControlFlowPass());
  // Before libdevice would make every f32 square root approximate.
  gpuPm.addPass(ln::createLowerSquareRoots());
  gpuPm.addPass(createConvertGpuOpsToNVVMOps());
  gpuPm.addPass(createCanonicalizerPass());
  gpuPm.addPass(createCSEPass());
  pm.addPass(createReconcileUnrealizedCastsPass());

  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.features;
  target.optLevel = options.optLevel;
  pm.addPass(createGpuNVVMAttachTarget(target));

  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = "isa";
  // The remaining math ops become libdevice calls (__nv_expf, ...), linked
  // from the toolkit's nvvm/libdevice.
  binary.toolkitPath = options.cudaPath;
  pm.addPass(createGpuModuleToBinaryPass(binary));
}

void ln::registerPipelines() {
  PassPipelineRegistration<BlkToPTXOptions>(
      "blk-to-ptx",
      "Lower specialized blk kernels to a gpu.binary holding PTX "
      "(get the text with ln-translate --ptx)",
      buildBlkToPTXPipeline);
}
