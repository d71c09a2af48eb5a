//===- Passes.td - blk transformation passes ---------------*- tablegen -*-===//

#ifndef LN_DIALECT_BLK_TRANSFORMS_PASSES_TD
#define LN_DIALECT_BLK_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def BlkSpecialize : Pass<"blk-specialize", "::mlir::ModuleOp"> {
  let summary = "Bind a kernel's compile-time parameters";
  let description = [{
    What Triton does with `constexpr` arguments: every `blk.constexpr "NAME"`
    becomes the bound integer, every `!blk.typevar<"NAME">` the bound type,
    and block types made dynamic by them become static. The number of warps
    is attached to each kernel (`blk.num_warps`), as is the cluster size
    (`blk.cluster_size`) when given, and arguments listed in
    `divisible-by-16` get `blk.divisibility = 16` (pointers: 16-byte
    aligned; integers: multiples of 16), which lets the lowering use 16-byte
    memory accesses; `divisibility` gives an argument any power of two
    instead (e.g. a row length of f16 elements that is a multiple of 8,
    16 bytes' worth). Fails, naming the parameter and the op, when a
    parameter has no binding or a binding names no parameter.

    ```
    ln-opt --blk-specialize="bind=BLOCK_SIZE=1024,T=f16 num-warps=4"
    ln-opt --blk-specialize="bind=BLOCK_SIZE=1024,T=f16 divisible-by-16=0,1 divisibility=2:8"
    ```
  }];
  let options = [
    ListOption<"bindings", "bind", "std::string",
               "NAME=VALUE bindings: integers for blk.constexpr, types "
               "(f16, bf16, f32, i32, ...) for !blk.typevar">,
    Option<"numWarps", "num-warps", "int", "4",
           "Warps per program instance (1 to 32)">,
    Option<"minProgramsPerSM", "min-programs-per-sm", "int", "0",
           "Programs that must fit on one multiprocessor at once (1 to 32; "
           "0: ptxas decides): bounds each thread's registers, as CUDA's "
           "__launch_bounds__ minimum blocks do">,
    Option<"clusterSize", "cluster-size", "int", "0",
           "Programs of a cluster (blk.cluster_reduce's scope): 0, no "
           "clusters, or a power of two up to 8, consecutive along axis 0">,
    ListOption<"divisibleBy16", "divisible-by-16", "unsigned",
               "Indices of kernel arguments known to be multiples of 16 "
               "(pointers: 16-byte aligned)">,
    ListOption<"divisibility", "divisibility", "std::string",
               "INDEX:VALUE pairs: kernel argument INDEX is a multiple of "
               "VALUE, a power of two (pointers: VALUE-byte aligned); "
               "overrides divisible-by-16 for that argument">,
    Option<"kernel", "kernel", "std::string", "\"\"",
           "Specialize only this kernel (default: every func.func)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def BlkContractFloatOps : Pass<"blk-contract-float-ops"> {
  let summary = "Let floating-point multiplies fuse with adds (FMA)";
  let description = [{
    Marks every `arith.mulf`, `arith.addf` and `arith.subf` with the
    `contract` fast-math flag, which lets LLVM fuse a multiply and the add or
    subtraction of its product into one `fma.rn` (rounded once instead of
    twice), as CUDA C++ and Triton do by default. Nothing else about the
    arithmetic changes: no reassociation, no approximation, NaN and infinity
    kept. `--blk-to-ptx` runs it unless `fp-contract=false`.

    ```mlir
    %p = arith.mulf %a, %b : tensor<128xf32>
    %s = arith.addf %p, %c : tensor<128xf32>
    // becomes
    %p = arith.mulf %a, %b fastmath<contract> : tensor<128xf32>
    %s = arith.addf %p, %c fastmath<contract> : tensor<128xf32>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def BlkMergeReductions : Pass<"blk-merge-reductions"> {
  let summary = "Reduce independent blocks of one shape in one blk.reduce";
  let description = [{
    Every `blk.reduce` lowers to a tree whose last steps go through shared
    memory between two barriers. A reduce of several blocks moves them all
    through one tree (one round trip, one pair of barriers), so this pass
    joins independent reductions of a block into one: the backward
    LayerNorm kernels reduce two blocks a row, sum(x_hat * w * dy) and
    sum(w * dy), written as two ops.

    A `blk.reduce` joins an earlier one of the same block when
    - both reduce blocks of one static shape along the same axis (run the
      pass after `blk-specialize`), and
    - no op between the two (the later one included, nested regions too)
      uses the earlier one's results; the later one's operands then cannot
      depend on them.

    The merged op takes the earlier op's blocks, then the later op's, with
    a combiner that runs both combiners side by side, and stands where the
    later op stood. Each result is what its own reduce gave, bit for bit:
    the lowering combines every block of a tuple in the same tree, and the
    CPU evaluator in the same order. The earlier op's blocks live until the
    merged op, which may cost registers where ops between the two need
    them.

    ```mlir
    %a = blk.reduce %x axis 0 : tensor<1024xf32> -> f32 { ...addf... }
    %b = blk.reduce %y axis 0 : tensor<1024xf32> -> f32 { ...addf... }
    // becomes
    %a, %b = blk.reduce %x, %y axis 0 : tensor<1024xf32>, tensor<1024xf32>
        -> f32, f32 {
    ^bb0(%x0: f32, %y0: f32, %x1: f32, %y1: f32):
      %s = arith.addf %x0, %x1 : f32
      %t = arith.addf %y0, %y1 : f32
      blk.yield %s, %t : f32, f32
    }
    ```
  }];
}

def BlkPrefetchLoads : Pass<"blk-prefetch-loads"> {
  let summary = "Issue a loop's loads one or more iterations ahead";
  let description = [{
    One stage of software pipelining (Triton's `num_stages = 2`) for every
    `scf.for`: each qualifying `blk.load` of the loop's body is issued for
    iteration i + 1 at the top of iteration i and carried to it as a loop
    value; the first iteration's is issued before the loop. Memory then
    stays busy while an iteration reduces and stores.

    The copies compute nothing undefined. Where every op of a load's
    address arithmetic is defined for every operand (wrapping integer
    arithmetic without `nsw`/`nuw` flags, comparisons, selects, pointer
    arithmetic, ranges, splats and broadcasts: docs/semantics.md), the copy before the loop is
    computed for the lower bound and masked off where the loop runs no
    iteration, and the copy in the loop for iv + step, masked off where
    that iteration does not exist, as a hand-written prefetch does. Where
    it may shift or divide (undefined past the width, or by zero), the copy
    in the last iteration computes the current iteration's addresses
    (its loads masked off), and the one before the loop runs only if the
    loop does (`scf.if`, a zero standing in otherwise). Whether the next
    iteration exists is `upper - iv >u step`, exact where iv + step would
    overflow.

    A load qualifies when
    - it is a plain load (not volatile, not acquire) directly in the body,
      with a static shape (run the pass after `blk-specialize`);
    - its pointer, mask and `other` are computed from the induction
      variable and values defined outside the loop by ops without memory
      effects or regions; not from loop-carried values or other loads;
    - its type has a zero (it stands in before a loop that runs none);
    - the loop has no barrier, atomic, ordered load or op of unknown
      memory effects (moving a load across them could break the program's
      synchronization);
    - the loop stores nothing, or the load's pointer and every stored one
      come from distinct kernel arguments marked `blk.noalias` (moved one
      iteration early, the load crosses every store of the loop).

    Inner loops first; an inner loop's first copy, a load in the outer
    body, may then move one outer iteration ahead in turn. The shipped
    kernels carry their prefetching in their source; this pass derives it
    for any loop.

    `distance=D` issues the loads D iterations ahead (Triton's `num_stages
    = D + 1`): D iterations' loads are in flight before the loop, and each
    iteration issues those of iteration i + D and carries D sets of values,
    passing each down one place a turn. Iteration i + k exists when `upper
    - iv - j * step >u step` for every j < k, a chain of subtractions that
    never multiplies the step. A loop whose address arithmetic is not
    total takes one iteration (its copies may not be computed ahead of the
    iterations that run).

    ```mlir
    scf.for %row = %pid to %M step %P {
      %ptrs = ... %row ...
      %x = blk.load %ptrs, %mask : tensor<1024x!blk.ptr<f16>>
      ...
    }
    // becomes (the address arithmetic is total)
    %runs = arith.cmpi slt, %pid, %M : i32
    %ptrs0 = ... %pid ...
    %x0 = blk.load %ptrs0, %mask_and_runs : tensor<1024x!blk.ptr<f16>>
    scf.for %row = %pid to %M step %P iter_args(%x = %x0) {
      %exists = arith.cmpi ugt, (%M - %row), %P
      %next_ptrs = ... %row + %P ...
      %x_next = blk.load %next_ptrs, %mask_and_exists : ...
      ...
      scf.yield %x_next
    }
    ```
  }];
  let options = [
    Option<"distance", "distance", "unsigned", "1",
           "Iterations ahead each load is issued (at least 1)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

def BlkLocalAccumulators : Pass<"blk-local-accumulators"> {
  let summary = "Keep loops' block accumulators in shared memory";
  let description = [{
    A block carried across the iterations of an `scf.for` holds its
    registers for the whole loop. For an accumulator (a value read once per
    iteration and replaced by a result computed from it) that is most of
    the loop's registers for little use: the per-feature dw/db sums of a
    persistent backward program take 16 of a thread's 64 registers at 8192
    features on 32 warps, and at 16384 the row no longer fits beside them.

    This pass moves such a block into a `blk.local_alloc`ed block of shared
    memory: stored before the loop, loaded right before its one use in the
    body, the new value stored right after it is computed, and loaded after
    the loop for its results. Between those two points nothing else holds
    it, so the registers serve the rest of the iteration. The results do
    not change: the same values are combined in the same order.

    A loop value moves when
    - it is a block a local block can hold: 1-D or 2-D, of static shape
      (run the pass after `blk-specialize`), of blk elements;
    - its only use in the body is by one op directly in the body (not in a
      nested region, not the `scf.yield`);
    - the value yielded for it is computed directly in the body by that op
      or by one after it (so the store cannot overwrite the block before
      its use reads it).

    Loads of the next iteration carried by `blk-prefetch-loads`, or by hand,
    do not qualify (their value is computed before their use). The pass is
    opt-in: where registers suffice, shared memory only adds traffic.

    ```mlir
    %sums = scf.for %row = %lb to %ub step %s iter_args(%acc = %zeros)
        -> (tensor<8192xf32>) : i32 {
      %row_values = ...
      %next = arith.addf %acc, %row_values : tensor<8192xf32>
      scf.yield %next : tensor<8192xf32>
    }
    // becomes
    %local = blk.local_alloc : !blk.local<tensor<8192xf32>>   // at the top
    blk.local_store %zeros, %local : !blk.local<tensor<8192xf32>>
    scf.for %row = %lb to %ub step %s : i32 {
      %row_values = ...
      %acc = blk.local_load %local : !blk.local<tensor<8192xf32>>
      %next = arith.addf %acc, %row_values : tensor<8192xf32>
      blk.local_store %next, %local : !blk.local<tensor<8192xf32>>
    }
    %sums = blk.local_load %local : !blk.local<tensor<8192xf32>>
    ```
  }];
  let dependentDialects = ["::ln::blk::BlkDialect",
                           "::mlir::scf::SCFDialect"];
}

#endif // LN_DIALECT_BLK_TRANSFORMS_PASSES_TD
