//===- BlkTypes.td - blk types -----------------------------*- tablegen -*-===//

#ifndef LN_DIALECT_BLK_IR_BLKTYPES_TD
#define LN_DIALECT_BLK_IR_BLKTYPES_TD

include "ln/Dialect/Blk/IR/BlkDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinTypeInterfaces.td"

class Blk_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<Blk_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

def Blk_PtrType : Blk_Type<"Ptr", "ptr"> {
  let summary = "Pointer into global memory";
  let description = [{
    A pointer to elements of type `pointeeType` in global memory. A tensor
    of pointers addresses one element per tensor element. Elements are
    `i1`, `i8`, `i16`, `i32`, `i64`, `f16`, `bf16`, `f32`, `f64`, pointers
    or a `!blk.typevar`: whole bytes in a power of two, which is what
    addresses and vector accesses are computed from.

    ```mlir
    !blk.ptr<f16>
    tensor<1024x!blk.ptr<f32>>
    ```
  }];
  let parameters = (ins "::mlir::Type":$pointeeType);
  let assemblyFormat = "`<` $pointeeType `>`";
  let genVerifyDecl = 1;
}

def Blk_TypeVarType : Blk_Type<"TypeVar", "typevar"> {
  let summary = "Element type bound when the kernel is specialized";
  let description = [{
    A placeholder for an element type, named like a Triton `constexpr`
    dtype parameter. `blk-specialize{bind="T=f16"}` replaces every
    occurrence; the lowering rejects kernels that still contain one.

    ```mlir
    !blk.ptr<!blk.typevar<"T">>
    ```
  }];
  let parameters = (ins StringRefParameter<"parameter name">:$name);
  let assemblyFormat = "`<` $name `>`";
}

def Blk_LocalType : Blk_Type<"Local", "local"> {
  let summary = "A block held in the program's shared memory";
  let description = [{
    Storage for one block of type `blockType`, private to the program
    (one CTA), in shared memory instead of registers: what
    `blk.local_alloc` creates and `blk.local_store` and `blk.local_load`
    write and read. Triton keeps such buffers out of its language and
    allocates them in its GPU dialect (`ttg.local_alloc`); in blk they are
    explicit ops, created by `blk-local-accumulators` or written by hand.

    ```mlir
    !blk.local<tensor<8192xf32>>
    ```
  }];
  let parameters = (ins "::mlir::RankedTensorType":$blockType);
  let builders = [
    TypeBuilderWithInferredContext<(ins "::mlir::RankedTensorType":$blockType), [{
      return $_get(blockType.getContext(), blockType);
    }]>
  ];
  let skipDefaultBuilders = 1;
  let assemblyFormat = "`<` $blockType `>`";
  let genVerifyDecl = 1;
}

#endif // LN_DIALECT_BLK_IR_BLKTYPES_TD
