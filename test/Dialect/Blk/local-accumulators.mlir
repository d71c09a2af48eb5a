// RUN: ln-opt %s --blk-local-accumulators -split-input-file | FileCheck %s
// RUN: ln-opt %s --blk-local-accumulators --canonicalize -split-input-file | FileCheck %s --check-prefix=CANON

// A loop that adds a block to an accumulator each iteration: the
// accumulator moves to a local block allocated at the kernel's top. The
// initial value is stored before the loop; in the body the block is loaded
// right before its one use and the new value stored right after it is
// computed; the loop value is yielded unchanged; the loop's result is
// loaded after it.

// CHECK-LABEL: func.func @row_sums
// CHECK-NEXT: %[[LOCAL:.*]] = blk.local_alloc : !blk.local<tensor<256xf32>>
// CHECK: blk.local_store %[[ZEROS:.*]], %[[LOCAL]] : !blk.local<tensor<256xf32>>
// CHECK-NEXT: %[[UNUSED:.*]] = scf.for %{{.*}} iter_args(%[[ACC:.*]] = %[[ZEROS]]) -> (tensor<256xf32>)
// CHECK: %[[ROW:.*]] = blk.load
// CHECK-NEXT: %[[CURRENT:.*]] = blk.local_load %[[LOCAL]] : !blk.local<tensor<256xf32>>
// CHECK-NEXT: %[[NEXT:.*]] = arith.addf %[[CURRENT]], %[[ROW]] : tensor<256xf32>
// CHECK-NEXT: blk.local_store %[[NEXT]], %[[LOCAL]] : !blk.local<tensor<256xf32>>
// CHECK-NEXT: scf.yield %[[ACC]] : tensor<256xf32>
// CHECK: %[[SUMS:.*]] = blk.local_load %[[LOCAL]] : !blk.local<tensor<256xf32>>
// CHECK: blk.store %{{.*}}, %[[SUMS]]

// After canonicalization the loop carries nothing.
// CANON-LABEL: func.func @row_sums
// CANON: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} : i32 {
func.func @row_sums(%X: !blk.ptr<f32>, %S: !blk.ptr<f32>, %M: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c256 = arith.constant 256 : i32
  %zero = arith.constant 0.0 : f32
  %zeros = blk.splat %zero : f32 -> tensor<256xf32>
  %cols = blk.range : tensor<256xi32>
  %sums = scf.for %row = %c0 to %M step %c1 iter_args(%acc = %zeros)
      -> (tensor<256xf32>) : i32 {
    %start = arith.muli %row, %c256 : i32
    %x_row = blk.addptr %X, %start : !blk.ptr<f32>, i32
    %x_block = blk.splat %x_row : !blk.ptr<f32> -> tensor<256x!blk.ptr<f32>>
    %x_ptrs = blk.addptr %x_block, %cols : tensor<256x!blk.ptr<f32>>, tensor<256xi32>
    %x = blk.load %x_ptrs : tensor<256x!blk.ptr<f32>>
    %next = arith.addf %acc, %x : tensor<256xf32>
    scf.yield %next : tensor<256xf32>
  }
  %s_block = blk.splat %S : !blk.ptr<f32> -> tensor<256x!blk.ptr<f32>>
  %s_ptrs = blk.addptr %s_block, %cols : tensor<256x!blk.ptr<f32>>, tensor<256xi32>
  blk.store %s_ptrs, %sums : tensor<256x!blk.ptr<f32>>
  return
}

// -----

// What does not move: a value whose next one is computed before its use
// (a load carried one iteration ahead: storing it there would overwrite
// the block before its use reads it), one used twice, one used in a nested
// region, one yielded from outside the body, and scalars. The one
// accumulator among them moves.

// CHECK-LABEL: func.func @kept_in_registers
// CHECK-COUNT-1: blk.local_alloc
// CHECK-NOT: blk.local_alloc
// CHECK: scf.for {{.*}} iter_args(%[[AHEAD:.*]] = %{{.*}}, %[[TWICE:.*]] = %{{.*}}, %[[NESTED:.*]] = %{{.*}}, %[[OUTSIDE:.*]] = %{{.*}}, %[[SCALAR:.*]] = %{{.*}}, %[[MOVED:.*]] = %{{.*}})
// CHECK: scf.yield %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[MOVED]] :
func.func @kept_in_registers(%X: !blk.ptr<f32>, %M: i32, %flag: i1,
                             %first: tensor<64xf32>)
    -> (tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, f32,
        tensor<64xf32>) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %zero = arith.constant 0.0 : f32
  %zeros = blk.splat %zero : f32 -> tensor<64xf32>
  %ptrs = blk.splat %X : !blk.ptr<f32> -> tensor<64x!blk.ptr<f32>>
  %r:6 = scf.for %i = %c0 to %M step %c1
      iter_args(%ahead = %first, %twice = %zeros, %nested = %zeros,
                %outside = %zeros, %scalar = %zero, %moved = %zeros)
      -> (tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>,
          f32, tensor<64xf32>) : i32 {
    %next_ahead = blk.load %ptrs : tensor<64x!blk.ptr<f32>>
    %use_ahead = arith.addf %ahead, %ahead : tensor<64xf32>
    %next_twice = arith.mulf %twice, %twice : tensor<64xf32>
    %next_nested = scf.if %flag -> (tensor<64xf32>) {
      %n = arith.addf %nested, %zeros : tensor<64xf32>
      scf.yield %n : tensor<64xf32>
    } else {
      scf.yield %zeros : tensor<64xf32>
    }
    %use_outside = arith.addf %outside, %use_ahead : tensor<64xf32>
    %next_scalar = arith.addf %scalar, %zero : f32
    %next_moved = arith.addf %moved, %use_outside : tensor<64xf32>
    scf.yield %next_ahead, %next_twice, %next_nested, %first, %next_scalar,
              %next_moved
        : tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, f32,
          tensor<64xf32>
  }
  return %r#0, %r#1, %r#2, %r#3, %r#4, %r#5
      : tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, f32,
        tensor<64xf32>
}

// -----

// An accumulator of an inner loop: its local block is allocated once, at
// the kernel's top, and stored before each run of the inner loop.

// CHECK-LABEL: func.func @nested
// CHECK-NEXT: %[[LOCAL:.*]] = blk.local_alloc : !blk.local<tensor<32xi32>>
// CHECK: scf.for
// CHECK: blk.local_store %{{.*}}, %[[LOCAL]]
// CHECK-NEXT: scf.for
// CHECK: blk.local_load %[[LOCAL]]
// CHECK: blk.local_store %{{.*}}, %[[LOCAL]]
// CHECK: %[[TOTAL:.*]] = blk.local_load %[[LOCAL]]
// CHECK-NEXT: blk.reduce %[[TOTAL]] axis 0
func.func @nested(%n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %ones = blk.splat %c1 : i32 -> tensor<32xi32>
  scf.for %i = %c0 to %n step %c1 : i32 {
    %counts = blk.splat %i : i32 -> tensor<32xi32>
    %total = scf.for %j = %c0 to %i step %c1 iter_args(%acc = %counts)
        -> (tensor<32xi32>) : i32 {
      %next = arith.addi %acc, %ones : tensor<32xi32>
      scf.yield %next : tensor<32xi32>
    }
    %sum = blk.reduce %total axis 0 : tensor<32xi32> -> i32 {
    ^bb0(%a: i32, %b: i32):
      %s = arith.addi %a, %b : i32
      blk.yield %s : i32
    }
  }
  return
}

// -----

// Loop values no local block can hold stay loop values: a rank-3 block
// and a block of index.

// CHECK-LABEL: func.func @not_blocks
// CHECK-NOT: blk.local_alloc
// CHECK: scf.for {{.*}} -> (tensor<2x2x2xf32>, tensor<4xindex>)
func.func @not_blocks(%n: i32, %a: tensor<2x2x2xf32>, %b: tensor<4xindex>)
    -> (tensor<2x2x2xf32>, tensor<4xindex>) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%x = %a, %y = %b)
      -> (tensor<2x2x2xf32>, tensor<4xindex>) : i32 {
    %x2 = arith.addf %x, %a : tensor<2x2x2xf32>
    %y2 = arith.addi %y, %b : tensor<4xindex>
    scf.yield %x2, %y2 : tensor<2x2x2xf32>, tensor<4xindex>
  }
  return %r#0, %r#1 : tensor<2x2x2xf32>, tensor<4xindex>
}
