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
    become shuffles plus shared memory, scalar atomics run on thread 0
    with their result broadcast, and a cluster kernel's (`blk.cluster_size`)
    `blk.cluster_reduce` goes through distributed shared memory between
    cluster barriers.

    The kernel ABI: the kernel's arguments in order, pointers as 64-bit
    global addresses, integers and floats as themselves.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::NVVM::NVVMDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def LowerSquareRoots : Pass<"lower-square-roots"> {
  let summary = "Give f32 square roots the rounding blk's semantics promise";
  let description = [{
    Runs on the thread-level code `convert-blk-to-gpu` produces, before
    `convert-gpu-to-nvvm`, which would turn `math.sqrt` into libdevice's
    `__nv_sqrtf`: that function is the approximate `sqrt.approx.f32`
    unless the module asks for precise square roots, and nothing in the
    pipeline does. blk promises a correctly rounded `math.sqrt` and one
    documented exception (docs/semantics.md), so, on scalar `f32`:

    - `1.0 / math.sqrt(x)` becomes `math.rsqrt(x)`, the approximate
      reciprocal square root (`rsqrt.approx.f32`, within 2 ulp): one
      instruction where the exact form costs a square root and a division;
    - every other `math.sqrt` becomes a call of the NVVM intrinsic
      `llvm.nvvm.sqrt.rn.f`, the correctly rounded `sqrt.rn.f32`; `f16`
      and `bf16` ones are taken in `f32` and rounded back, which is their
      correctly rounded root (`f32` has more than twice their precision).

    `f64` square roots are left to libdevice, whose `__nv_sqrt` is already
    `sqrt.rn.f64`. Nothing else is rewritten or folded.

    Example:

    ```mlir
    %r = arith.divf %one, %s : f32   // %s = math.sqrt %v : f32
    %t = math.sqrt %u : f32
    ```
    becomes
    ```mlir
    %r = math.rsqrt %v : f32
    %t = llvm.call_intrinsic "llvm.nvvm.sqrt.rn.f"(%u) : (f32) -> f32
    ```
  }];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect",
    "::mlir::math::MathDialect",
  ];
}

#endif // LN_CONVERSION_PASSES_TD
