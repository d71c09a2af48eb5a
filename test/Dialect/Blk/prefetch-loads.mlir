// RUN: ln-opt %s --blk-prefetch-loads -split-input-file | FileCheck %s

// A loop over rows that loads one and stores another, through distinct
// noalias arguments: the load moves one iteration ahead. Its address
// arithmetic (multiplication, pointer arithmetic) is defined for every
// operand, so it is computed whether or not the iteration runs: before the
// loop the first iteration's load, masked off where the loop runs no
// iteration; in it, first thing in the body, the next iteration's, at
// row + step, masked off where that row does not exist (upper - row >
// step). The loaded value is carried. The address computation the store
// shares stays; the load's own is gone from its old place.

// CHECK-LABEL: func.func @rows
// CHECK-SAME: (%[[X:.*]]: !blk.ptr<f16> {blk.noalias}, %[[Y:.*]]: !blk.ptr<f16> {blk.noalias}, %[[M:.*]]: i32, %[[P:.*]]: i32, %[[PID:.*]]: i32)
// CHECK: %[[RUNS:.*]] = arith.cmpi slt, %[[PID]], %[[M]] : i32
// CHECK-NOT: scf.if
// CHECK-NEXT: %[[START0:.*]] = arith.muli %[[PID]]
// CHECK-NEXT: %[[ROW0:.*]] = blk.addptr %[[X]], %[[START0]]
// CHECK: %[[RUNS_BLOCK:.*]] = blk.splat %[[RUNS]] : i1 -> tensor<1024xi1>
// CHECK-NEXT: %[[FIRST:.*]] = blk.load %{{.*}}, %[[RUNS_BLOCK]] : tensor<1024x!blk.ptr<f16>>
// CHECK-NEXT: scf.for %[[ROW:.*]] = %[[PID]] to %[[M]] step %[[P]] iter_args(%[[X_NOW:.*]] = %[[FIRST]]) -> (tensor<1024xf16>)
// CHECK-NEXT: %[[NEXT:.*]] = arith.addi %[[ROW]], %[[P]] : i32
// CHECK-NEXT: %[[LEFT:.*]] = arith.subi %[[M]], %[[ROW]] : i32
// CHECK-NEXT: %[[EXISTS:.*]] = arith.cmpi ugt, %[[LEFT]], %[[P]] : i32
// CHECK-NEXT: %[[START1:.*]] = arith.muli %[[NEXT]]
// CHECK-NEXT: %[[ROW1:.*]] = blk.addptr %[[X]], %[[START1]]
// CHECK: %[[EXISTS_BLOCK:.*]] = blk.splat %[[EXISTS]] : i1 -> tensor<1024xi1>
// CHECK-NEXT: %[[AHEAD:.*]] = blk.load %{{.*}}, %[[EXISTS_BLOCK]] : tensor<1024x!blk.ptr<f16>>
// CHECK-NEXT: %[[START:.*]] = arith.muli %[[ROW]]
// CHECK-NOT: blk.load
// CHECK: blk.addptr %[[Y]], %[[START]]
// CHECK: blk.store %{{.*}}, %[[X_NOW]] : tensor<1024x!blk.ptr<f16>>
// CHECK-NEXT: scf.yield %[[AHEAD]] : tensor<1024xf16>
func.func @rows(%X: !blk.ptr<f16> {blk.noalias}, %Y: !blk.ptr<f16> {blk.noalias},
                %M: i32, %P: i32, %pid: i32) {
  %c1024 = arith.constant 1024 : i32
  %range = blk.range : tensor<1024xi32>
  scf.for %row = %pid to %M step %P : i32 {
    %start = arith.muli %row, %c1024 : i32
    %x_row = blk.addptr %X, %start : !blk.ptr<f16>, i32
    %x_block = blk.splat %x_row : !blk.ptr<f16> -> tensor<1024x!blk.ptr<f16>>
    %x_ptrs = blk.addptr %x_block, %range : tensor<1024x!blk.ptr<f16>>, tensor<1024xi32>
    %x = blk.load %x_ptrs : tensor<1024x!blk.ptr<f16>>
    %y_row = blk.addptr %Y, %start : !blk.ptr<f16>, i32
    %y_block = blk.splat %y_row : !blk.ptr<f16> -> tensor<1024x!blk.ptr<f16>>
    %y_ptrs = blk.addptr %y_block, %range : tensor<1024x!blk.ptr<f16>>, tensor<1024xi32>
    blk.store %y_ptrs, %x : tensor<1024x!blk.ptr<f16>>
  }
  return
}

// -----

// A loop that stores nothing needs no noalias. A scalar load with its own
// mask and `other`: the mask is and-ed with the iteration's existence.
// Its loop-carried sum stays in place.

// CHECK-LABEL: func.func @scalar_sum
// CHECK: %[[RUNS:.*]] = arith.cmpi slt
// CHECK: %[[IN0:.*]] = arith.cmpi slt, %{{.*}}, %{{.*}} : i32
// CHECK: %[[MASK0:.*]] = arith.andi %[[IN0]], %[[RUNS]] : i1
// CHECK: %[[FIRST:.*]] = blk.load %{{.*}}, %[[MASK0]], %[[ZERO:.*]] : !blk.ptr<f32>
// CHECK: scf.for {{.*}} iter_args(%[[SUM:.*]] = %{{.*}}, %[[V:.*]] = %[[FIRST]]) -> (f32, f32)
// CHECK: %[[EXISTS:.*]] = arith.cmpi ugt
// CHECK: %[[IN:.*]] = arith.cmpi slt
// CHECK: %[[MASK:.*]] = arith.andi %[[IN]], %[[EXISTS]] : i1
// CHECK: %[[AHEAD:.*]] = blk.load %{{.*}}, %[[MASK]], %[[ZERO]] : !blk.ptr<f32>
// CHECK: %[[NEW_SUM:.*]] = arith.addf %[[SUM]], %[[V]] : f32
// CHECK: scf.yield %[[NEW_SUM]], %[[AHEAD]] : f32, f32
func.func @scalar_sum(%A: !blk.ptr<f32>, %n: i32, %limit: i32) -> f32 {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %zero = arith.constant 0.0 : f32
  %sum = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (f32) : i32 {
    %in = arith.cmpi slt, %i, %limit : i32
    %p = blk.addptr %A, %i : !blk.ptr<f32>, i32
    %v = blk.load %p, %in, %zero : !blk.ptr<f32>
    %s = arith.addf %acc, %v : f32
    scf.yield %s : f32
  }
  return %sum : f32
}

// -----

// An unsigned loop runs while lower < upper unsigned: so does the
// prologue's condition.

// CHECK-LABEL: func.func @unsigned_loop
// CHECK: %[[RUNS:.*]] = arith.cmpi ult, %{{.*}}, %{{.*}} : i32
// CHECK: blk.load %{{.*}}, %[[RUNS]] : !blk.ptr<f32>
// CHECK: scf.for unsigned
func.func @unsigned_loop(%A: !blk.ptr<f32>, %lo: i32, %hi: i32, %step: i32) -> f32 {
  %zero = arith.constant 0.0 : f32
  %sum = scf.for unsigned %i = %lo to %hi step %step iter_args(%acc = %zero) -> (f32) : i32 {
    %p = blk.addptr %A, %i : !blk.ptr<f32>, i32
    %v = blk.load %p : !blk.ptr<f32>
    %s = arith.addf %acc, %v : f32
    scf.yield %s : f32
  }
  return %sum : f32
}

// -----

// Nested loops, inner first: the inner loop's load moves ahead within it.
// Its first iteration's copy, a masked load in the outer body whose
// address depends on the outer induction variable, then moves one outer
// iteration ahead in turn: before the outer loop, row 0's first element;
// in the outer loop, row i + 1's, carried to the next outer iteration's
// inner loop.

// CHECK-LABEL: func.func @nested
// CHECK: %[[FIRST:.*]] = blk.load
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}, %[[ROW_FIRST:.*]] = %[[FIRST]]) -> (f32, f32)
// CHECK: %[[NEXT_ROW_FIRST:.*]] = blk.load
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %[[ROW_FIRST]]) -> (f32, f32)
// CHECK: arith.cmpi ugt
// CHECK: blk.load
// CHECK-NOT: blk.load
// CHECK: scf.yield %{{.*}}, %[[NEXT_ROW_FIRST]] : f32, f32
// CHECK: return
func.func @nested(%A: !blk.ptr<f32>, %n: i32) -> f32 {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %zero = arith.constant 0.0 : f32
  %outer = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (f32) : i32 {
    %inner = scf.for %j = %c0 to %n step %c1 iter_args(%acc2 = %acc) -> (f32) : i32 {
      %ij = arith.muli %i, %n : i32
      %k = arith.addi %ij, %j : i32
      %p = blk.addptr %A, %k : !blk.ptr<f32>, i32
      %v = blk.load %p : !blk.ptr<f32>
      %s = arith.addf %acc2, %v : f32
      scf.yield %s : f32
    }
    scf.yield %inner : f32
  }
  return %outer : f32
}

// -----

// Not moved: stores through an argument without noalias, which the load's
// argument could overlap.

// CHECK-LABEL: func.func @store_may_alias
// CHECK-NOT: iter_args
// CHECK: blk.load
// CHECK: blk.store
func.func @store_may_alias(%X: !blk.ptr<f32> {blk.noalias}, %Y: !blk.ptr<f32>, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  scf.for %i = %c0 to %n step %c1 : i32 {
    %p = blk.addptr %X, %i : !blk.ptr<f32>, i32
    %v = blk.load %p : !blk.ptr<f32>
    %q = blk.addptr %Y, %i : !blk.ptr<f32>, i32
    blk.store %q, %v : !blk.ptr<f32>
  }
  return
}

// -----

// Not moved: the loop stores through the argument it loads from (iteration
// i + 1 may read what iteration i writes).

// CHECK-LABEL: func.func @store_same_argument
// CHECK-NOT: iter_args
// CHECK: blk.load
// CHECK: blk.store
func.func @store_same_argument(%X: !blk.ptr<f32> {blk.noalias}, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  scf.for %i = %c0 to %n step %c1 : i32 {
    %p = blk.addptr %X, %i : !blk.ptr<f32>, i32
    %v = blk.load %p : !blk.ptr<f32>
    %j = arith.addi %i, %c1 : i32
    %q = blk.addptr %X, %j : !blk.ptr<f32>, i32
    blk.store %q, %v : !blk.ptr<f32>
  }
  return
}

// -----

// Not moved: an address that depends on a loop-carried value, and a load
// whose pointer is itself loaded.

// CHECK-LABEL: func.func @not_from_the_induction_variable
// CHECK-NOT: scf.if
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}) -> (i32)
// CHECK-COUNT-2: blk.load
// CHECK: scf.yield
func.func @not_from_the_induction_variable(%A: !blk.ptr<i32>, %n: i32) -> i32 {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%k = %c0) -> (i32) : i32 {
    %p = blk.addptr %A, %k : !blk.ptr<i32>, i32
    %v = blk.load %p : !blk.ptr<i32>
    %pv = blk.addptr %A, %v : !blk.ptr<i32>, i32
    %u = blk.load %pv : !blk.ptr<i32>
    scf.yield %u : i32
  }
  return %r : i32
}

// -----

// Moved: an address computed through a division (or a shift) is computed
// ahead only for iterations that run, so that a divisor the loop makes
// zero past its last iteration, or before its first, is never used: the
// copy in the loop divides by the current iteration's value where there
// is no next one, the one before the loop only if the loop runs.

// CHECK-LABEL: func.func @division
// CHECK: scf.if
// CHECK: arith.subi
// CHECK: arith.divsi
// CHECK: blk.load
// CHECK: scf.for
// CHECK: %[[AT:.*]] = arith.select
// CHECK: %[[DIVISOR:.*]] = arith.subi %{{.*}}, %[[AT]] : i32
// CHECK: arith.divsi %{{.*}}, %[[DIVISOR]] : i32
func.func @division(%A: !blk.ptr<i32>, %n: i32, %d: i32) -> i32 {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %c0) -> (i32) : i32 {
    %left = arith.subi %n, %i : i32
    %q = arith.divsi %d, %left : i32
    %p = blk.addptr %A, %q : !blk.ptr<i32>, i32
    %v = blk.load %p : !blk.ptr<i32>
    %s = arith.addi %acc, %v : i32
    scf.yield %s : i32
  }
  return %r : i32
}

// The same for a shift: by the width or more it is undefined.

// CHECK-LABEL: func.func @shift
// CHECK: scf.if
// CHECK: arith.shli
// CHECK: blk.load
// CHECK: scf.for
// CHECK: %[[AT:.*]] = arith.select
// CHECK: arith.shli %{{.*}}, %[[AT]] : i32
func.func @shift(%A: !blk.ptr<i32>, %n: i32) -> i32 {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %c0) -> (i32) : i32 {
    %q = arith.shli %c1, %i : i32
    %p = blk.addptr %A, %q : !blk.ptr<i32>, i32
    %v = blk.load %p : !blk.ptr<i32>
    %s = arith.addi %acc, %v : i32
    scf.yield %s : i32
  }
  return %r : i32
}

// -----

// Not moved: a loop that synchronizes (a barrier, an atomic, an acquire
// load) keeps every load where it is.

// CHECK-LABEL: func.func @synchronizing_loops
// CHECK-NOT: iter_args
// CHECK: return
func.func @synchronizing_loops(%A: !blk.ptr<i32>, %flag: !blk.ptr<i32>, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  scf.for %i = %c0 to %n step %c1 : i32 {
    %p = blk.addptr %A, %i : !blk.ptr<i32>, i32
    %v = blk.load %p : !blk.ptr<i32>
    blk.barrier
  }
  scf.for %i = %c0 to %n step %c1 : i32 {
    %p = blk.addptr %A, %i : !blk.ptr<i32>, i32
    %v = blk.load %p : !blk.ptr<i32>
    %old = blk.atomic_xchg relaxed gpu %flag, %v : !blk.ptr<i32>
  }
  scf.for %i = %c0 to %n step %c1 : i32 {
    %ready = blk.load acquire gpu %flag : !blk.ptr<i32>
    %p = blk.addptr %A, %i : !blk.ptr<i32>, i32
    %v = blk.load %p : !blk.ptr<i32>
  }
  return
}

// -----

// Not moved: a block of dynamic shape (before blk-specialize).

// CHECK-LABEL: func.func @dynamic_shape
// CHECK-NOT: iter_args
func.func @dynamic_shape(%A: !blk.ptr<f32>, %n: i32, %size: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %range = blk.range [%size] : tensor<?xi32>
  scf.for %i = %c0 to %n step %c1 : i32 {
    %base = blk.splat %A [%size] : !blk.ptr<f32> -> tensor<?x!blk.ptr<f32>>
    %p = blk.addptr %base, %range : tensor<?x!blk.ptr<f32>>, tensor<?xi32>
    %v = blk.load %p : tensor<?x!blk.ptr<f32>>
  }
  return
}

// -----

// Not moved: a load of the same address in every iteration (the kernels
// reload W and B each row to spare registers; LICM's business, not this
// pass's). The row's load moves.

// CHECK-LABEL: func.func @invariant_load
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}, %[[ROW_VALUE:.*]] = %{{.*}}) -> (f32, f32)
// CHECK: %[[AHEAD:.*]] = blk.load %{{.*}}, %{{.*}} : !blk.ptr<f32>
// CHECK: %[[W:.*]] = blk.load %[[W_PTR:.*]] : !blk.ptr<f32>
// CHECK: arith.mulf %[[ROW_VALUE]], %[[W]]
func.func @invariant_load(%A: !blk.ptr<f32>, %W: !blk.ptr<f32>, %n: i32) -> f32 {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %zero = arith.constant 0.0 : f32
  %sum = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (f32) : i32 {
    %p = blk.addptr %A, %i : !blk.ptr<f32>, i32
    %v = blk.load %p : !blk.ptr<f32>
    %w = blk.load %W : !blk.ptr<f32>
    %vw = arith.mulf %v, %w : f32
    %s = arith.addf %acc, %vw : f32
    scf.yield %s : f32
  }
  return %sum : f32
}

// -----

// Arithmetic that promises no overflow (`overflow<nsw>`) is poison where
// it does overflow, which it may for an iteration that does not run: the
// address is computed ahead only for iterations that run, as for a shift.

// CHECK-LABEL: func.func @no_signed_wrap
// CHECK: scf.if
// CHECK: arith.muli %{{.*}}, %{{.*}} overflow<nsw> : i32
// CHECK: scf.for
// CHECK: %[[AT:.*]] = arith.select
// CHECK: arith.muli %[[AT]], %{{.*}} overflow<nsw> : i32
func.func @no_signed_wrap(%A: !blk.ptr<f32>, %lo: i32, %n: i32, %N: i32) -> f32 {
  %c1 = arith.constant 1 : i32
  %zero = arith.constant 0.0 : f32
  %r = scf.for %i = %lo to %n step %c1 iter_args(%acc = %zero) -> (f32) : i32 {
    %o = arith.muli %i, %N overflow<nsw> : i32
    %p = blk.addptr %A, %o : !blk.ptr<f32>, i32
    %v = blk.load %p : !blk.ptr<f32>
    %s = arith.addf %acc, %v : f32
    scf.yield %s : f32
  }
  return %r : f32
}

// -----

// Total and non-total address arithmetic in one loop: the loads are moved
// together, in the form the non-total one needs.

// CHECK-LABEL: func.func @mixed
// CHECK: scf.if
// CHECK: arith.shli
// CHECK: scf.for {{.*}} -> (i32, i32, i32)
// CHECK: arith.select
func.func @mixed(%A: !blk.ptr<i32>, %n: i32) -> i32 {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %c0) -> (i32) : i32 {
    %q = arith.shli %c1, %i : i32
    %p = blk.addptr %A, %q : !blk.ptr<i32>, i32
    %v = blk.load %p : !blk.ptr<i32>
    %p2 = blk.addptr %A, %i : !blk.ptr<i32>, i32
    %w = blk.load %p2 : !blk.ptr<i32>
    %s = arith.addi %acc, %v : i32
    %s2 = arith.addi %s, %w : i32
    scf.yield %s2 : i32
  }
  return %r : i32
}

// -----

// The rest of the total ops: min, truncation, zero extension, comparison
// and select; the loop's first load is masked by whether it runs, and the
// next one computed at iv + step without a select.

// CHECK-LABEL: func.func @total_ops
// CHECK: %[[RUNS:.*]] = arith.cmpi slt
// CHECK-NOT: scf.if
// CHECK: blk.load %{{.*}}, %[[RUNS]] : !blk.ptr<i32>
// CHECK: scf.for
// CHECK-NOT: arith.select %{{.*}}, %{{.*}}, %{{.*}} : i32
// CHECK: scf.yield
func.func @total_ops(%A: !blk.ptr<i32>, %n: i32, %lim: i32) -> i32 {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %c0) -> (i32) : i32 {
    %m = arith.minsi %i, %lim : i32
    %t = arith.trunci %m : i32 to i16
    %e = arith.extui %t : i16 to i64
    %b = arith.cmpi slt, %i, %lim : i32
    %z = arith.constant 0 : i64
    %s = arith.select %b, %e, %z : i64
    %p = blk.addptr %A, %s : !blk.ptr<i32>, i64
    %v = blk.load %p : !blk.ptr<i32>
    %s2 = arith.addi %acc, %v : i32
    scf.yield %s2 : i32
  }
  return %r : i32
}

// -----

// A static load whose address slice holds an op of dynamic shape (before
// blk-specialize): not total, so the first load runs only where the loop
// does.

// CHECK-LABEL: func.func @dynamic_slice
// CHECK: scf.if
// CHECK: blk.splat %{{.*}}[%{{.*}}] : i32 -> tensor<?xi32>
// CHECK: blk.load
// CHECK: scf.for
// CHECK: arith.select
func.func @dynamic_slice(%A: !blk.ptr<f32>, %n: i32, %size: i32) -> f32 {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %zero = arith.constant 0.0 : f32
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (f32) : i32 {
    %column = blk.splat %i [%size] : i32 -> tensor<?xi32>
    %row = blk.expand_dims %column, 0 : tensor<?xi32> -> tensor<1x?xi32>
    %block = blk.broadcast %row : tensor<1x?xi32> -> tensor<4x8xi32>
    %base = blk.splat %A : !blk.ptr<f32> -> tensor<4x8x!blk.ptr<f32>>
    %p = blk.addptr %base, %block : tensor<4x8x!blk.ptr<f32>>, tensor<4x8xi32>
    %v = blk.load %p : tensor<4x8x!blk.ptr<f32>>
    %s = blk.reduce %v axis 0 : tensor<4x8xf32> -> tensor<8xf32> {
    ^bb0(%a: f32, %b: f32):
      %t = arith.addf %a, %b : f32
      blk.yield %t : f32
    }
    %first = blk.reduce %s axis 0 : tensor<8xf32> -> f32 {
    ^bb0(%a: f32, %b: f32):
      %t = arith.addf %a, %b : f32
      blk.yield %t : f32
    }
    %sum = arith.addf %acc, %first : f32
    scf.yield %sum : f32
  }
  return %r : f32
}

// -----

// Not moved: a load through an argument without noalias, though the loop
// stores through a noalias one (the two might overlap).

// CHECK-LABEL: func.func @load_may_alias
// CHECK-NOT: iter_args
// CHECK: blk.load
// CHECK: blk.store
func.func @load_may_alias(%X: !blk.ptr<f32>, %Y: !blk.ptr<f32> {blk.noalias}, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  scf.for %i = %c0 to %n step %c1 : i32 {
    %p = blk.addptr %X, %i : !blk.ptr<f32>, i32
    %v = blk.load %p : !blk.ptr<f32>
    %q = blk.addptr %Y, %i : !blk.ptr<f32>, i32
    blk.store %q, %v : !blk.ptr<f32>
  }
  return
}
