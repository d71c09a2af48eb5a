// RUN: ln-opt %s --blk-specialize="kernel=second bind=BLOCK=256 num-warps=2" | FileCheck %s

// kernel= specializes one kernel of a module and leaves the others as
// written (still generic), so one file can hold several kernels compiled
// with different parameters.

// CHECK-LABEL: func.func @first
// CHECK-NOT: blk.num_warps
// CHECK: blk.constexpr "BLOCK" : i32
// CHECK: blk.range{{ ?}}[%{{.*}}] : tensor<?xi32>
func.func @first(%X: !blk.ptr<f32>) {
  %bs = blk.constexpr "BLOCK" : i32
  %r = blk.range [%bs] : tensor<?xi32>
  return
}

// CHECK-LABEL: func.func @second
// CHECK-SAME: attributes {blk.num_warps = 2 : i32}
// CHECK-NOT: blk.constexpr
// CHECK: blk.range : tensor<256xi32>
func.func @second(%X: !blk.ptr<f32>) {
  %bs = blk.constexpr "BLOCK" : i32
  %r = blk.range [%bs] : tensor<?xi32>
  %Xs = blk.splat %X [%bs] : !blk.ptr<f32> -> tensor<?x!blk.ptr<f32>>
  %p = blk.addptr %Xs, %r : tensor<?x!blk.ptr<f32>>, tensor<?xi32>
  %v = blk.load %p : tensor<?x!blk.ptr<f32>>
  blk.store %p, %v : tensor<?x!blk.ptr<f32>>
  return
}
