//===- BlkOps.td - blk operations --------------------------*- tablegen -*-===//

#ifndef LN_DIALECT_BLK_IR_BLKOPS_TD
#define LN_DIALECT_BLK_IR_BLKOPS_TD

include "ln/Dialect/Blk/IR/BlkDialect.td"
include "ln/Dialect/Blk/IR/BlkTypes.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Type constraints and enums
//===----------------------------------------------------------------------===//

def Blk_PtrLike : AnyTypeOf<[Blk_PtrType, RankedTensorOf<[Blk_PtrType]>],
                            "pointer or tensor of pointers">;
def Blk_IntLike : AnyTypeOf<[I32, I64, RankedTensorOf<[I32, I64]>],
                            "i32/i64 or tensor of them">;
def Blk_MaskLike : AnyTypeOf<[I1, RankedTensorOf<[I1]>],
                             "i1 or tensor of i1">;
// Integers of other widths have no byte size that addresses, shared-memory
// exchanges and vector accesses could be computed from (i24 divided by zero
// in the lowering, i48 moved 4 of its 6 bytes).
def Blk_Element : Type<CPred<"::ln::blk::isElementType($_self)">,
    "i1, i8, i16, i32, i64, f16, bf16, f32, f64, !blk.ptr or !blk.typevar">;
def Blk_Block : RankedTensorOf<[Blk_Element]>;

def Blk_MemSemantic : I32EnumAttr<"MemSemantic",
    "memory ordering of an atomic", [
      I32EnumAttrCase<"relaxed", 0>, I32EnumAttrCase<"acquire", 1>,
      I32EnumAttrCase<"release", 2>, I32EnumAttrCase<"acq_rel", 3>]> {
  let cppNamespace = "::ln::blk";
}

def Blk_MemScope : I32EnumAttr<"MemScope",
    "set of threads an atomic synchronizes with", [
      I32EnumAttrCase<"cta", 0>, I32EnumAttrCase<"gpu", 1>,
      I32EnumAttrCase<"sys", 2>]> {
  let cppNamespace = "::ln::blk";
}

// Shared memory private to a program (blk.local_*): distinct from global
// memory, so moving a global access across a local one changes nothing.
def Blk_LocalMemory : Resource<"::ln::blk::LocalMemoryResource">;

class Blk_Op<string mnemonic, list<Trait> traits = []>
    : Op<Blk_Dialect, mnemonic, traits>;

//===----------------------------------------------------------------------===//
// Compile-time parameters and program coordinates
//===----------------------------------------------------------------------===//

def Blk_ConstexprOp : Blk_Op<"constexpr", [Pure]> {
  let summary = "An integer bound when the kernel is specialized";
  let description = [{
    The counterpart of a Triton `tl.constexpr` integer argument: its value
    is unknown in the kernel source and bound by `blk-specialize`, which
    replaces the op with an `arith.constant`. Block sizes are written with
    it, so that one source serves every block size.

    ```mlir
    %bs = blk.constexpr "BLOCK_SIZE" : i32
    %cols = blk.range [%bs] : tensor<?xi32>
    ```
  }];
  let arguments = (ins StrAttr:$name);
  let results = (outs AnySignlessInteger:$result);
  let assemblyFormat = "$name attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Blk_ProgramIdOp : Blk_Op<"program_id", [Pure]> {
  let summary = "Index of this program instance along a grid axis";
  let description = [{
    Triton's `tl.program_id(axis)`. Axis 0, 1 or 2 (x, y, z of the grid).

    ```mlir
    %row = blk.program_id 0 : i32
    ```
  }];
  let arguments = (ins ConfinedAttr<I32Attr, [IntMinValue<0>, IntMaxValue<2>]>:$axis);
  let results = (outs I32:$result);
  let assemblyFormat = "$axis attr-dict `:` type($result)";
}

def Blk_NumProgramsOp : Blk_Op<"num_programs", [Pure]> {
  let summary = "Number of program instances along a grid axis";
  let description = [{
    Triton's `tl.num_programs(axis)`.

    ```mlir
    %n = blk.num_programs 0 : i32
    ```
  }];
  let arguments = (ins ConfinedAttr<I32Attr, [IntMinValue<0>, IntMaxValue<2>]>:$axis);
  let results = (outs I32:$result);
  let assemblyFormat = "$axis attr-dict `:` type($result)";
}

//===----------------------------------------------------------------------===//
// Building blocks
//===----------------------------------------------------------------------===//

def Blk_RangeOp : Blk_Op<"range", [Pure]> {
  let summary = "The block [start, start + size) of consecutive integers";
  let description = [{
    Triton's `tl.arange(start, start + size)`. The size is the (positive)
    length of the result; when the result type has a dynamic size, it is
    given as an operand, usually a `blk.constexpr`.

    ```mlir
    %a = blk.range : tensor<128xi32>
    %b = blk.range [%bs] {start = 64 : i32} : tensor<?xi32>
    ```
  }];
  let arguments = (ins Optional<I32>:$dynamicSize,
                       DefaultValuedAttr<I32Attr, "0">:$start);
  let results = (outs 1DTensorOf<[I32]>:$result);
  let assemblyFormat = "(`[` $dynamicSize^ `]`)? attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Blk_SplatOp : Blk_Op<"splat", [Pure]> {
  let summary = "A block with every element equal to a scalar";
  let description = [{
    Broadcasts a scalar to a 1-D or 2-D block (`tl.zeros`, `tl.full`, and
    the implicit scalar-to-block broadcasts of Triton). Dynamic dimensions
    of the result take their sizes from the trailing operands, in order, as
    `tensor.empty` does.

    ```mlir
    %z = blk.splat %zero : f32 -> tensor<1024xf32>
    %t = blk.splat %zero [%bm, %bn] : f32 -> tensor<?x?xf32>
    ```
  }];
  let arguments = (ins AnyType:$value, Variadic<I32>:$dynamicSizes);
  let results = (outs Blk_Block:$result);
  let assemblyFormat = [{
    $value (`[` $dynamicSizes^ `]`)? attr-dict `:` type($value) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Blk_ExpandDimsOp : Blk_Op<"expand_dims", [Pure]> {
  let summary = "Insert a dimension of size 1";
  let description = [{
    `x[None, :]` (axis 0) or `x[:, None]` (axis 1) of a 1-D block.

    ```mlir
    %row = blk.expand_dims %cols, 0 : tensor<128xi32> -> tensor<1x128xi32>
    ```
  }];
  let arguments = (ins Blk_Block:$src, I32Attr:$axis);
  let results = (outs Blk_Block:$result);
  let assemblyFormat = [{
    $src `,` $axis attr-dict `:` type($src) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

def Blk_BroadcastOp : Blk_Op<"broadcast", [Pure]> {
  let summary = "Repeat a block along its dimensions of size 1";
  let description = [{
    Stretches every dimension of size 1 to the result's size, as Triton's
    implicit broadcasting does. Dynamic dimensions of the result take their
    sizes from the trailing operands, in order.

    ```mlir
    %b = blk.broadcast %row : tensor<1x128xi32> -> tensor<32x128xi32>
    ```
  }];
  let arguments = (ins Blk_Block:$src, Variadic<I32>:$dynamicSizes);
  let results = (outs Blk_Block:$result);
  let assemblyFormat = [{
    $src (`[` $dynamicSizes^ `]`)? attr-dict `:` type($src) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Blk_CastOp : Blk_Op<"cast", [Pure]> {
  let summary = "Convert elements to another numeric type";
  let description = [{
    Triton's `x.to(dtype)`: float to float (extension or rounding to
    nearest even), integer to float, float to integer, integer width
    changes. Unlike `arith` casts it accepts equal types, which lets one
    kernel source serve f32 as well as f16 once `!blk.typevar` is bound; such
    casts fold away.

    ```mlir
    %f = blk.cast %x : tensor<1024xf16> to tensor<1024xf32>
    ```
  }];
  let arguments = (ins AnyType:$src);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$src attr-dict `:` type($src) `to` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

def Blk_AddPtrOp : Blk_Op<"addptr", [Pure, AllTypesMatch<["ptr", "result"]>]> {
  let summary = "Advance pointers by element offsets";
  let description = [{
    `ptr + offset` in units of the pointee type, elementwise when the
    operands are blocks (of compatible shapes).

    ```mlir
    %row_ptr = blk.addptr %X, %off : !blk.ptr<f16>, i64
    %ptrs = blk.addptr %base, %cols : tensor<1024x!blk.ptr<f16>>, tensor<1024xi32>
    ```
  }];
  let arguments = (ins Blk_PtrLike:$ptr, Blk_IntLike:$offset);
  let results = (outs Blk_PtrLike:$result);
  let assemblyFormat = [{
    $ptr `,` $offset attr-dict `:` type($ptr) `,` type($offset)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Blk_LoadOp : Blk_Op<"load", [AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "Load from global memory, optionally masked";
  let description = [{
    Triton's `tl.load(ptrs, mask, other)`. Elements whose mask is false are
    not read and take the value of `other` (undefined without it). A scalar
    pointer loads one value, seen by the whole program.

    A plain load is weak: it may be merged with another, removed when
    unused, or hoisted out of a loop that writes nothing. `volatile` makes
    every execution read memory (a spin-wait on a flag); `acquire <scope>`
    also orders every later access of the program after it, and pairs with
    a `release` atomic of another program at that scope. Neither is ever
    merged, removed or moved.

    ```mlir
    %x = blk.load %ptrs, %mask, %zero : tensor<1024x!blk.ptr<f16>>
    %m = blk.load %mean_ptr : !blk.ptr<f32>
    %ready = blk.load acquire gpu %flag : !blk.ptr<i32>
    ```
  }];
  let arguments = (ins Blk_PtrLike:$ptr, Optional<Blk_MaskLike>:$mask,
                       Optional<AnyType>:$other, UnitAttr:$isVolatile,
                       OptionalAttr<Blk_MemScope>:$acquireScope);
  let results = (outs AnyType:$result);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Value":$ptr,
                   CArg<"::mlir::Value", "{}">:$mask,
                   CArg<"::mlir::Value", "{}">:$other)>
  ];
  let extraClassDeclaration = [{
    /// Volatile or acquire: every execution reads memory, in order.
    bool isOrdered() { return getIsVolatile() || getAcquireScope(); }
  }];
}

def Blk_StoreOp : Blk_Op<"store", [
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "Store to global memory, optionally masked";
  let description = [{
    Triton's `tl.store(ptrs, value, mask)`: elements whose mask is false are
    not written. Storing through a scalar pointer writes once per program.

    ```mlir
    blk.store %ptrs, %y, %mask : tensor<1024x!blk.ptr<f16>>
    blk.store %mean_ptr, %mean : !blk.ptr<f32>
    ```
  }];
  let arguments = (ins Blk_PtrLike:$ptr, AnyType:$value,
                       Optional<Blk_MaskLike>:$mask);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

def Blk_ReduceOp : Blk_Op<"reduce", [RecursiveMemoryEffects,
                                      IsolatedFromAbove]> {
  let summary = "Reduce blocks along one axis with a combiner";
  let description = [{
    Triton's `tl.reduce` (and so `tl.sum`, `tl.max`): the combiner region
    takes two partial values and returns their combination; it must be
    associative and commutative, since the lowering combines in a tree
    within threads, across lanes and across warps. Reducing a 1-D block
    gives a scalar, a 2-D block a 1-D block of the other axis. The combiner
    is a function of its arguments alone: it is isolated from above
    (values of the enclosing kernel are not visible in it), since every
    thread runs it at every step of the tree.

    ```mlir
    %sum = blk.reduce %x axis 0 : tensor<1024xf32> -> f32 {
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      blk.yield %s : f32
    }
    ```

    Several blocks of one shape reduce together, as Triton's reductions
    of tuples: the combiner takes the n partial values of one side, then
    the n of the other, and yields n values. The lowering moves them
    through one tree, so two sums cost the shared-memory round trip and
    barriers of one:

    ```mlir
    %s, %q = blk.reduce %x, %x2 axis 0 : tensor<1024xf32>, tensor<1024xf32>
        -> f32, f32 {
    ^bb0(%a: f32, %a2: f32, %b: f32, %b2: f32):
      %s = arith.addf %a, %b : f32
      %q = arith.addf %a2, %b2 : f32
      blk.yield %s, %q : f32, f32
    }
    ```
  }];
  let arguments = (ins Variadic<Blk_Block>:$srcs, I32Attr:$axis);
  let results = (outs Variadic<AnyType>:$results);
  let regions = (region SizedRegion<1>:$combiner);
  let assemblyFormat = [{
    $srcs `axis` $axis attr-dict `:` type($srcs) `->` type($results)
    $combiner
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
}

def Blk_ClusterReduceOp : Blk_Op<"cluster_reduce", [IsolatedFromAbove]> {
  let summary = "Combine scalars across the programs of a cluster";
  let description = [{
    A kernel specialized with a cluster size C (`blk-specialize`'s
    `cluster-size`, the kernel's `blk.cluster_size`) runs its programs in
    clusters: programs `C*k` to `C*k + C - 1` along axis 0 (the grid's
    axis-0 size is a multiple of C). Every program of a cluster passes its
    scalar values; each gets back the combination of the cluster's values,
    combined left to right in the order of their programs' axis-0 ids, so
    that every program of the cluster gets the same bits. The combiner is
    blk.reduce's: n values of one side, then n of the other, yielding n.

    This is how a row too wide for one program is split across several: a
    program reduces its part of the row with blk.reduce, then the parts'
    sums are combined here. On the GPU a cluster is a thread-block cluster
    (sm_90): the values go through distributed shared memory between
    cluster barriers, not through global memory and atomics.

    Every program of a cluster must reach each `blk.cluster_reduce` the
    same number of times, in the same order (control flow uniform across
    the cluster, as it is across a program for every blk op); otherwise
    the behaviour is undefined (on the GPU a program may wait forever, or
    pair with a peer's later exchange), and the CPU evaluator reports it.
    It cannot be inside a combiner, which runs in some threads only.

    ```mlir
    %row_sum = blk.cluster_reduce %part_sum : f32 -> f32 {
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      blk.yield %s : f32
    }
    ```
  }];
  let arguments = (ins Variadic<AnyTypeOf<[I32, I64, F32, F64]>>:$values);
  let results = (outs Variadic<AnyTypeOf<[I32, I64, F32, F64]>>:$results);
  let regions = (region SizedRegion<1>:$combiner);
  let assemblyFormat = [{
    $values attr-dict `:` type($values) `->` type($results) $combiner
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
}

def Blk_YieldOp : Blk_Op<"yield", [Pure, Terminator, ReturnLike,
    ParentOneOf<["ReduceOp", "ClusterReduceOp"]>]> {
  let summary = "Return the combined values from a combiner";
  let description = [{
    ```mlir
    blk.yield %s : f32
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "$values attr-dict `:` type($values)";
}

//===----------------------------------------------------------------------===//
// Atomics
//===----------------------------------------------------------------------===//

def Blk_AtomicCasOp : Blk_Op<"atomic_cas", [
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>,
    TypesMatchWith<"cmp type is the pointee type", "ptr", "cmp",
                   "::llvm::cast<::ln::blk::PtrType>($_self).getPointeeType()">,
    TypesMatchWith<"value type is the pointee type", "ptr", "value",
                   "::llvm::cast<::ln::blk::PtrType>($_self).getPointeeType()">,
    TypesMatchWith<"result type is the pointee type", "ptr", "result",
                   "::llvm::cast<::ln::blk::PtrType>($_self).getPointeeType()">]> {
  let summary = "Atomic compare-and-swap through a scalar pointer";
  let description = [{
    Triton's `tl.atomic_cas(ptr, cmp, val)`: if `*ptr == cmp` then
    `*ptr = val`; returns the old value. It runs once per program instance
    and every thread of the program sees its result. `sem` orders it with
    the program's other memory accesses, `scope` says which threads it
    synchronizes with (see docs/lowering.md for the memory model).

    ```mlir
    %old = blk.atomic_cas acquire gpu %lock, %c0, %c1 : !blk.ptr<i32>
    ```
  }];
  let arguments = (ins Blk_PtrType:$ptr, AnyTypeOf<[I32, I64]>:$cmp,
                       AnyTypeOf<[I32, I64]>:$value,
                       Blk_MemSemantic:$sem, Blk_MemScope:$scope);
  let results = (outs AnyTypeOf<[I32, I64]>:$result);
  let assemblyFormat = [{
    $sem $scope $ptr `,` $cmp `,` $value attr-dict `:` qualified(type($ptr))
  }];
  let extraClassDeclaration = [{
    ::mlir::Type getPointeeType() { return getPtr().getType().getPointeeType(); }
  }];
}

def Blk_AtomicXchgOp : Blk_Op<"atomic_xchg", [
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>,
    TypesMatchWith<"value type is the pointee type", "ptr", "value",
                   "::llvm::cast<::ln::blk::PtrType>($_self).getPointeeType()">,
    TypesMatchWith<"result type is the pointee type", "ptr", "result",
                   "::llvm::cast<::ln::blk::PtrType>($_self).getPointeeType()">]> {
  let summary = "Atomic exchange through a scalar pointer";
  let description = [{
    Triton's `tl.atomic_xchg(ptr, val)`: stores `val`, returns the old value.
    Runs once per program instance; every thread sees the result. With
    `release` semantics, every store the program made before it (by any of
    its threads) is visible to whoever acquires the new value.

    ```mlir
    %old = blk.atomic_xchg release gpu %lock, %c0 : !blk.ptr<i32>
    ```
  }];
  let arguments = (ins Blk_PtrType:$ptr, AnyTypeOf<[I32, I64]>:$value,
                       Blk_MemSemantic:$sem, Blk_MemScope:$scope);
  let results = (outs AnyTypeOf<[I32, I64]>:$result);
  let assemblyFormat = [{
    $sem $scope $ptr `,` $value attr-dict `:` qualified(type($ptr))
  }];
}

def Blk_BarrierOp : Blk_Op<"barrier"> {
  let summary = "Wait for every thread of the program, ordering its memory";
  let description = [{
    Every thread of the program reaches it before any goes on, and every
    memory access made before it by any thread of the program is performed
    for all of them (CTA scope) before any access after it: a scalar store
    (made by one thread) is then seen by the whole program's loads. Use it
    where a program reads back through one layout what it wrote through
    another. Control flow around it must be uniform across the program, as
    it is for every blk op.

    ```mlir
    blk.store %flag, %c1 : !blk.ptr<i32>
    blk.barrier
    %seen = blk.load %flags, %mask : tensor<128x!blk.ptr<i32>>
    ```
  }];
  let assemblyFormat = "attr-dict";
}

//===----------------------------------------------------------------------===//
// Blocks in shared memory
//===----------------------------------------------------------------------===//

def Blk_LocalAllocOp : Blk_Op<"local_alloc"> {
  let summary = "Shared-memory storage for one block";
  let description = [{
    Allocates, once per program, storage for a block of the result's block
    type in shared memory. Dynamic dimensions take their sizes from the
    operands, in order (as `blk.splat`'s do): `blk-specialize` makes them
    static, which the lowering requires. The contents are undefined until a
    `blk.local_store` writes them (the CPU evaluator reports a read
    before). The storage lives until the kernel returns, which is why it
    must be created at the kernel's top level, outside loops and branches;
    it is used by `blk.local_store` and `blk.local_load` only (it does not
    flow through selects, branches or loop values).

    A local block is what a value that would not fit in registers beside
    the rest of the kernel becomes: per-feature sums carried across the
    rows of a persistent program, or a block held across reductions.
    Every thread keeps its own elements (the ones it holds in registers) in
    its own slots, so storing and loading need no barrier and cost no bank
    conflict; the kernel's shared memory grows by the block's size times
    the copies of it the layout keeps (docs/lowering.md). Past 48 KB in all
    the launch must ask for it (the runtime and ln-run do, from the PTX).

    ```mlir
    %acc = blk.local_alloc : !blk.local<tensor<8192xf32>>
    %row = blk.local_alloc [%BLOCK] : !blk.local<tensor<?xf32>>
    ```
  }];
  let arguments = (ins Variadic<I32>:$dynamicSizes);
  let results = (outs Res<Blk_LocalType, "the storage",
                          [MemAlloc<Blk_LocalMemory>]>:$result);
  let assemblyFormat = [{
    (` ` `[` $dynamicSizes^ `]`)? attr-dict `:` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Blk_LocalStoreOp : Blk_Op<"local_store", [
    MemoryEffects<[MemWrite<Blk_LocalMemory>]>,
    TypesMatchWith<"the value has the local block's type", "local", "value",
                   "::llvm::cast<::ln::blk::LocalType>($_self).getBlockType()">]> {
  let summary = "Write a whole block to its shared-memory storage";
  let description = [{
    Replaces the contents of `local` with `value`. A later
    `blk.local_load` of it returns `value`: like every blk op, the store
    and the load are the program's, not a thread's.

    ```mlir
    blk.local_store %sums, %acc : !blk.local<tensor<8192xf32>>
    ```
  }];
  let arguments = (ins Blk_LocalType:$local, Blk_Block:$value);
  let assemblyFormat = "$value `,` $local attr-dict `:` qualified(type($local))";
}

def Blk_LocalLoadOp : Blk_Op<"local_load", [
    MemoryEffects<[MemRead<Blk_LocalMemory>]>,
    TypesMatchWith<"the result has the local block's type", "local", "result",
                   "::llvm::cast<::ln::blk::LocalType>($_self).getBlockType()">]> {
  let summary = "Read a whole block from its shared-memory storage";
  let description = [{
    The block last stored to `local`. Reading storage that no
    `blk.local_store` has written is undefined.

    ```mlir
    %sums = blk.local_load %acc : !blk.local<tensor<8192xf32>>
    ```
  }];
  let arguments = (ins Blk_LocalType:$local);
  let results = (outs Blk_Block:$result);
  let builders = [
    OpBuilder<(ins "::mlir::Value":$local), [{
      build($_builder, $_state,
            ::llvm::cast<LocalType>(local.getType()).getBlockType(), local);
    }]>
  ];
  let assemblyFormat = "$local attr-dict `:` qualified(type($local))";
}

#endif // LN_DIALECT_BLK_IR_BLKOPS_TD
