// RUN: ln-opt %s --blk-prefetch-loads=distance=2 -split-input-file | FileCheck %s
// RUN: ln-opt %s --blk-prefetch-loads=distance=3 -split-input-file | FileCheck %s --check-prefix=THREE
// RUN: not ln-opt %s --blk-prefetch-loads=distance=0 -split-input-file 2>&1 | FileCheck %s --check-prefix=ZERO

// blk-prefetch-loads with distance=D issues each load D iterations ahead.
// Before the loop, the loads of iterations lower and lower + step (masked
// off unless the loop runs, and unless upper - lower >u step); in the
// loop, iteration row + 2 * step's, which exists when upper - row >u step
// and upper - row - step >u step (a chain of subtractions: row + 2 * step
// may overflow). Two values are carried: the current row's, which the
// body uses, and the next one's, which moves down a place each turn.

// CHECK-LABEL: func.func @rows
// CHECK-SAME: (%[[X:.*]]: !blk.ptr<f16> {blk.noalias}, %[[Y:.*]]: !blk.ptr<f16> {blk.noalias}, %[[M:.*]]: i32, %[[P:.*]]: i32, %[[PID:.*]]: i32)
// CHECK: %[[RUNS:.*]] = arith.cmpi slt, %[[PID]], %[[M]] : i32
// CHECK: %[[RUNS_BLOCK:.*]] = blk.splat %[[RUNS]] : i1 -> tensor<1024xi1>
// CHECK-NEXT: %[[FIRST:.*]] = blk.load %{{.*}}, %[[RUNS_BLOCK]] : tensor<1024x!blk.ptr<f16>>
// CHECK-NEXT: %[[SECOND_ROW:.*]] = arith.addi %[[PID]], %[[P]] : i32
// CHECK-NEXT: %[[SPAN:.*]] = arith.subi %[[M]], %[[PID]] : i32
// CHECK-NEXT: %[[MORE:.*]] = arith.cmpi ugt, %[[SPAN]], %[[P]] : i32
// CHECK-NEXT: %[[RUNS_TWICE:.*]] = arith.andi %[[RUNS]], %[[MORE]] : i1
// CHECK-NEXT: arith.muli %[[SECOND_ROW]]
// CHECK: %[[TWICE_BLOCK:.*]] = blk.splat %[[RUNS_TWICE]] : i1 -> tensor<1024xi1>
// CHECK-NEXT: %[[SECOND:.*]] = blk.load %{{.*}}, %[[TWICE_BLOCK]] : tensor<1024x!blk.ptr<f16>>
// CHECK-NEXT: scf.for %[[ROW:.*]] = %[[PID]] to %[[M]] step %[[P]] iter_args(%[[X_NOW:.*]] = %[[FIRST]], %[[X_NEXT:.*]] = %[[SECOND]]) -> (tensor<1024xf16>, tensor<1024xf16>)
// CHECK-NEXT: %[[NEXT:.*]] = arith.addi %[[ROW]], %[[P]] : i32
// CHECK-NEXT: %[[LEFT:.*]] = arith.subi %[[M]], %[[ROW]] : i32
// CHECK-NEXT: %[[ONE_MORE:.*]] = arith.cmpi ugt, %[[LEFT]], %[[P]] : i32
// CHECK-NEXT: %[[LEFT_AFTER:.*]] = arith.subi %[[LEFT]], %[[P]] : i32
// CHECK-NEXT: %[[TWO_MORE:.*]] = arith.cmpi ugt, %[[LEFT_AFTER]], %[[P]] : i32
// CHECK-NEXT: %[[EXISTS:.*]] = arith.andi %[[ONE_MORE]], %[[TWO_MORE]] : i1
// CHECK-NEXT: %[[AHEAD_ROW:.*]] = arith.addi %[[NEXT]], %[[P]] : i32
// CHECK-NEXT: arith.muli %[[AHEAD_ROW]]
// CHECK: %[[EXISTS_BLOCK:.*]] = blk.splat %[[EXISTS]] : i1 -> tensor<1024xi1>
// CHECK-NEXT: %[[AHEAD:.*]] = blk.load %{{.*}}, %[[EXISTS_BLOCK]] : tensor<1024x!blk.ptr<f16>>
// CHECK-NOT: blk.load
// CHECK: blk.store %{{.*}}, %[[X_NOW]] : tensor<1024x!blk.ptr<f16>>
// CHECK-NEXT: scf.yield %[[X_NEXT]], %[[AHEAD]] : tensor<1024xf16>, tensor<1024xf16>

// Three ahead: three loads before the loop, three carried values, each
// moving down a place.
// THREE-LABEL: func.func @rows
// THREE-COUNT-3: blk.load
// THREE: scf.for {{.*}} iter_args(%[[A:.*]] = %{{.*}}, %[[B:.*]] = %{{.*}}, %[[C:.*]] = %{{.*}}) -> (tensor<1024xf16>, tensor<1024xf16>, tensor<1024xf16>)
// THREE-COUNT-3: arith.cmpi ugt
// THREE: %[[AHEAD:.*]] = blk.load
// THREE-NOT: blk.load
// THREE: blk.store %{{.*}}, %[[A]]
// THREE-NEXT: scf.yield %[[B]], %[[C]], %[[AHEAD]]

// ZERO: error: blk-prefetch-loads: distance must be at least 1
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

// Address arithmetic that divides is defined only for the iterations that
// run: such a loop's loads go one iteration ahead whatever the distance
// (one carried value, the first load under scf.if).

// CHECK-LABEL: func.func @division
// CHECK: scf.if
// CHECK: arith.divsi
// CHECK: blk.load
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (i32, i32)
// CHECK-COUNT-1: arith.cmpi ugt
// CHECK-NOT: arith.cmpi ugt
// CHECK: arith.select
// THREE-LABEL: func.func @division
// THREE: scf.for {{.*}} -> (i32, i32)
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
