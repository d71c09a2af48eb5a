//===- Passes.td - ln conversion passes --------------------*- tablegen -*-===//

#ifndef LN_CONVERSION_PASSES_TD
#define LN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertBlkToGPU : Pass<"convert-blk-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Lower specialized blk kernels to thread-level gpu.func";
  let description = [{
    Moves every specialized `func.func` kernel into `gpu.module @ln_kernels`
    as a `gpu.func` kernel of the same name, run by one CTA of
    `32 * blk.num_warps` threads per program instance. Blocks become
    per-thread values (see docs/lowering.md for the layout), loads and
    stores become vectorized inline PTX guided by AxisInfo, reductions
    become shuffles plus shared memory, and scalar atomics run on thread 0
    with their result broadcast.

    The kernel ABI: the kernel's arguments in order, pointers as 64-bit
    global addresses, integers and floats as themselves.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::scf::SCFDialect",
  ];
}

#endif // LN_CONVERSION_PASSES_TD
