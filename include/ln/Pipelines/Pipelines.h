//===- Pipelines.h - Named pass pipelines of ln -----------------*- C++ -*-===//

#ifndef LN_PIPELINES_PIPELINES_H
#define LN_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace ln {

struct BlkToPTXOptions : public mlir::PassPipelineOptions<BlkToPTXOptions> {
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("Target GPU architecture"),
                           llvm::cl::init("sm_90")};
  Option<std::string> features{*this, "features",
                               llvm::cl::desc("PTX features (ISA version)"),
                               llvm::cl::init("+ptx80")};
  Option<std::string> cudaPath{
      *this, "cuda-path",
      llvm::cl::desc("CUDA toolkit whose libdevice math ops link against"),
      llvm::cl::init(LN_DEFAULT_CUDA_PATH)};
  Option<unsigned> optLevel{*this, "opt-level",
                            llvm::cl::desc("LLVM optimization level"),
                            llvm::cl::init(3)};
  Option<bool> fpContract{
      *this, "fp-contract",
      llvm::cl::desc("Fuse floating-point multiplies with adds (FMA): "
                     "blk-contract-float-ops"),
      llvm::cl::init(true)};
  Option<bool> prefetchLoads{
      *this, "prefetch-loads",
      llvm::cl::desc("Issue each loop's loads one iteration ahead: "
                     "blk-prefetch-loads"),
      llvm::cl::init(false)};
  Option<unsigned> prefetchDistance{
      *this, "prefetch-distance",
      llvm::cl::desc("With prefetch-loads, the iterations ahead each load "
                     "is issued: blk-prefetch-loads' distance"),
      llvm::cl::init(1)};
  Option<bool> localAccumulators{
      *this, "local-accumulators",
      llvm::cl::desc("Keep loops' block accumulators in shared memory: "
                     "blk-local-accumulators"),
      llvm::cl::init(false)};
  Option<bool> mergeReductions{
      *this, "merge-reductions",
      llvm::cl::desc("Reduce independent blocks of one shape through one "
                     "tree: blk-merge-reductions"),
      llvm::cl::init(false)};
};

/// Specialized blk kernels -> gpu.binary holding PTX (`format=isa`):
/// blk-prefetch-loads (with prefetch-loads=true), blk-local-accumulators
/// (with local-accumulators=true), blk-merge-reductions (with
/// merge-reductions=true), blk-contract-float-ops
/// (unless fp-contract=false), convert-blk-to-gpu,
/// then upstream scf-to-cf, gpu-to-nvvm,
/// nvvm-attach-target and gpu-module-to-binary.
void buildBlkToPTXPipeline(mlir::OpPassManager &pm,
                           const BlkToPTXOptions &options);

/// Registers `blk-to-ptx` with the pass registry.
void registerPipelines();

} // namespace ln

#endif // LN_PIPELINES_PIPELINES_H
