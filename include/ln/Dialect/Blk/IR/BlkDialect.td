//===- BlkDialect.td - The blk dialect ---------------------*- tablegen -*-===//
//
// Block-level programs in the style of Triton: one program instance is one
// CTA working on whole blocks (builtin tensors) of values.
//
//===----------------------------------------------------------------------===//

#ifndef LN_DIALECT_BLK_IR_BLKDIALECT_TD
#define LN_DIALECT_BLK_IR_BLKDIALECT_TD

include "mlir/IR/OpBase.td"

def Blk_Dialect : Dialect {
  let name = "blk";
  let summary = "Block-level GPU programs (program_id, masked loads/stores, "
                "reductions, atomics)";
  let description = [{
    A `blk` kernel is a `func.func` whose body describes what one *program
    instance* does; a launch runs a grid of them, one per CTA. Values are
    scalars (uniform across the CTA) or *blocks*: builtin ranked tensors of
    one or two dimensions, whose elements are spread over the CTA's threads
    by the lowering. Global memory is reached through `!blk.ptr<T>` values
    and tensors of them. Elementwise arithmetic reuses `arith` and `math` on
    tensors; control flow reuses `scf` on scalars.

    Kernels are written once: block sizes are `blk.constexpr` values and
    element types may be `!blk.typevar<"T">`; `blk-specialize` binds them.
  }];
  let cppNamespace = "::ln::blk";
  let useDefaultTypePrinterParser = 1;
  let hasConstantMaterializer = 1;
  // `blk.noalias` on kernel arguments (docs/semantics.md, "Memory").
  let hasRegionArgAttrVerify = 1;
}

#endif // LN_DIALECT_BLK_IR_BLKDIALECT_TD
