// RUN: ln-opt %s --blk-local-accumulators | FileCheck %s

// A module with no blk op or type: the pass loads the blk dialect itself
// to create local blocks (it crashed before).

// CHECK-LABEL: func.func @sums
// CHECK: blk.local_alloc : !blk.local<tensor<64xf32>>
func.func @sums(%n: i32, %a: tensor<64xf32>) -> tensor<64xf32> {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%x = %a) -> (tensor<64xf32>) : i32 {
    %x2 = arith.addf %x, %a : tensor<64xf32>
    scf.yield %x2 : tensor<64xf32>
  }
  return %r : tensor<64xf32>
}
