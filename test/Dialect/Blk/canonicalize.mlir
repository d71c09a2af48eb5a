// RUN: ln-opt %s -split-input-file -canonicalize | FileCheck %s

// CHECK-LABEL: func.func @splat_of_constant
func.func @splat_of_constant() -> (tensor<1024xf32>, tensor<32x64xi32>) {
  // CHECK-DAG: %[[F:.*]] = arith.constant dense<1.500000e+00> : tensor<1024xf32>
  // CHECK-DAG: %[[I:.*]] = arith.constant dense<7> : tensor<32x64xi32>
  // CHECK-NOT: blk.splat
  // CHECK: return %[[F]], %[[I]]
  %c = arith.constant 1.5 : f32
  %s = blk.splat %c : f32 -> tensor<1024xf32>
  %i = arith.constant 7 : i32
  %t = blk.splat %i : i32 -> tensor<32x64xi32>
  return %s, %t : tensor<1024xf32>, tensor<32x64xi32>
}

// -----

// A splat whose value is not a constant, or whose shape is dynamic, stays.
// CHECK-LABEL: func.func @splat_not_folded
// CHECK-SAME: (%[[X:.*]]: f32, %[[N:.*]]: i32)
func.func @splat_not_folded(%x: f32, %n: i32) -> (tensor<64xf32>, tensor<?xf32>) {
  // CHECK-DAG: %[[C:.*]] = arith.constant 2.000000e+00 : f32
  // CHECK-DAG: %[[A:.*]] = blk.splat %[[X]] : f32 -> tensor<64xf32>
  // CHECK-DAG: %[[B:.*]] = blk.splat %[[C]]{{ ?}}[%[[N]]] : f32 -> tensor<?xf32>
  // CHECK: return %[[A]], %[[B]]
  %a = blk.splat %x : f32 -> tensor<64xf32>
  %c = arith.constant 2.0 : f32
  %b = blk.splat %c [%n] : f32 -> tensor<?xf32>
  return %a, %b : tensor<64xf32>, tensor<?xf32>
}

// -----

// CHECK-LABEL: func.func @broadcast_same_type
// CHECK-SAME: (%[[X:.*]]: tensor<32x128xi32>)
func.func @broadcast_same_type(%x: tensor<32x128xi32>) -> tensor<32x128xi32> {
  // CHECK-NOT: blk.broadcast
  // CHECK: return %[[X]] : tensor<32x128xi32>
  %b = blk.broadcast %x : tensor<32x128xi32> -> tensor<32x128xi32>
  return %b : tensor<32x128xi32>
}

// -----

// CHECK-LABEL: func.func @broadcast_of_splat_constant
func.func @broadcast_of_splat_constant() -> tensor<32x128xf32> {
  // CHECK: %[[C:.*]] = arith.constant dense<0.000000e+00> : tensor<32x128xf32>
  // CHECK-NOT: blk.broadcast
  // CHECK: return %[[C]]
  %c = arith.constant dense<0.0> : tensor<1x128xf32>
  %b = blk.broadcast %c : tensor<1x128xf32> -> tensor<32x128xf32>
  return %b : tensor<32x128xf32>
}

// -----

// expand_dims and broadcast of a (non-constant) splat become one splat.
// CHECK-LABEL: func.func @reshape_of_splat
// CHECK-SAME: (%[[X:.*]]: i32)
func.func @reshape_of_splat(%x: i32) -> tensor<32x128xi32> {
  // CHECK: %[[S:.*]] = blk.splat %[[X]] : i32 -> tensor<32x128xi32>
  // CHECK-NOT: blk.expand_dims
  // CHECK-NOT: blk.broadcast
  // CHECK: return %[[S]]
  %s = blk.splat %x : i32 -> tensor<128xi32>
  %e = blk.expand_dims %s, 0 : tensor<128xi32> -> tensor<1x128xi32>
  %b = blk.broadcast %e : tensor<1x128xi32> -> tensor<32x128xi32>
  return %b : tensor<32x128xi32>
}

// -----

// A broadcast that changes the type stays.
// CHECK-LABEL: func.func @broadcast_kept
// CHECK-SAME: (%[[X:.*]]: tensor<1x128xi32>)
func.func @broadcast_kept(%x: tensor<1x128xi32>) -> tensor<32x128xi32> {
  // CHECK: %[[B:.*]] = blk.broadcast %[[X]] : tensor<1x128xi32> -> tensor<32x128xi32>
  // CHECK: return %[[B]]
  %b = blk.broadcast %x : tensor<1x128xi32> -> tensor<32x128xi32>
  return %b : tensor<32x128xi32>
}

// -----

// CHECK-LABEL: func.func @cast_same_type
// CHECK-SAME: (%[[X:.*]]: tensor<64xf32>, %[[S:.*]]: f16)
func.func @cast_same_type(%x: tensor<64xf32>, %s: f16) -> (tensor<64xf32>, f16) {
  // CHECK-NOT: blk.cast
  // CHECK: return %[[X]], %[[S]] : tensor<64xf32>, f16
  %a = blk.cast %x : tensor<64xf32> to tensor<64xf32>
  %b = blk.cast %s : f16 to f16
  return %a, %b : tensor<64xf32>, f16
}

// -----

// CHECK-LABEL: func.func @cast_kept
// CHECK-SAME: (%[[X:.*]]: tensor<64xf16>)
func.func @cast_kept(%x: tensor<64xf16>) -> tensor<64xf32> {
  // CHECK: %[[C:.*]] = blk.cast %[[X]] : tensor<64xf16> to tensor<64xf32>
  // CHECK: return %[[C]]
  %a = blk.cast %x : tensor<64xf16> to tensor<64xf32>
  return %a : tensor<64xf32>
}

// -----

// ptr + 0 is ptr, for scalars and blocks.
// CHECK-LABEL: func.func @addptr_zero
// CHECK-SAME: (%[[P:.*]]: !blk.ptr<f16>, %[[PS:.*]]: tensor<64x!blk.ptr<f16>>)
func.func @addptr_zero(%p: !blk.ptr<f16>, %ps: tensor<64x!blk.ptr<f16>>)
    -> (!blk.ptr<f16>, tensor<64x!blk.ptr<f16>>) {
  // CHECK-NOT: blk.addptr
  // CHECK: return %[[P]], %[[PS]]
  %c0 = arith.constant 0 : i64
  %a = blk.addptr %p, %c0 : !blk.ptr<f16>, i64
  %z = arith.constant dense<0> : tensor<64xi32>
  %b = blk.addptr %ps, %z : tensor<64x!blk.ptr<f16>>, tensor<64xi32>
  return %a, %b : !blk.ptr<f16>, tensor<64x!blk.ptr<f16>>
}
