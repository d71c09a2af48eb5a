// RUN: ln-opt %s --blk-to-ptx | ln-translate --ptx | FileCheck %s

// A one-element range broadcast along its own dimension is its start value
// everywhere, not a range (it was lowered as one: 5, 6, 7, ... stored).

// CHECK-LABEL: .visible .entry broadcast_1d(
// CHECK: mov.b32 %r[[V:[0-9]+]], 5;
// CHECK-NOT: add.s32
// CHECK: st.global.v2.b32 [%rd{{[0-9]+}}], {%r[[V]], %r[[V]]};
// CHECK: ret;
func.func @broadcast_1d(%P: !blk.ptr<i32> {blk.divisibility = 16 : i32})
    attributes {blk.num_warps = 1 : i32} {
  %r = blk.range {start = 5 : i32} : tensor<1xi32>
  %b = blk.broadcast %r : tensor<1xi32> -> tensor<64xi32>
  %c = blk.range : tensor<64xi32>
  %base = blk.splat %P : !blk.ptr<i32> -> tensor<64x!blk.ptr<i32>>
  %ptrs = blk.addptr %base, %c : tensor<64x!blk.ptr<i32>>, tensor<64xi32>
  blk.store %ptrs, %b : tensor<64x!blk.ptr<i32>>
  return
}

// Expanded, then broadcast along both dimensions.
// CHECK-LABEL: .visible .entry broadcast_2d(
// CHECK: mov.b32 %r[[W:[0-9]+]], 7;
// CHECK-NOT: add.s32 %r{{[0-9]+}}, %r{{[0-9]+}}, 8;
// CHECK: st.global.v2.b32 [%rd{{[0-9]+}}], {%r[[W]], %r[[W]]};
// CHECK: ret;
func.func @broadcast_2d(%P: !blk.ptr<i32> {blk.divisibility = 16 : i32})
    attributes {blk.num_warps = 1 : i32} {
  %r = blk.range {start = 7 : i32} : tensor<1xi32>
  %e = blk.expand_dims %r, 0 : tensor<1xi32> -> tensor<1x1xi32>
  %b = blk.broadcast %e : tensor<1x1xi32> -> tensor<8x8xi32>
  %rows = blk.range : tensor<8xi32>
  %cols = blk.range : tensor<8xi32>
  %rows2 = blk.expand_dims %rows, 1 : tensor<8xi32> -> tensor<8x1xi32>
  %cols2 = blk.expand_dims %cols, 0 : tensor<8xi32> -> tensor<1x8xi32>
  %rowsb = blk.broadcast %rows2 : tensor<8x1xi32> -> tensor<8x8xi32>
  %colsb = blk.broadcast %cols2 : tensor<1x8xi32> -> tensor<8x8xi32>
  %eight = arith.constant dense<8> : tensor<8x8xi32>
  %row_offsets = arith.muli %rowsb, %eight : tensor<8x8xi32>
  %offsets = arith.addi %row_offsets, %colsb : tensor<8x8xi32>
  %base = blk.splat %P : !blk.ptr<i32> -> tensor<8x8x!blk.ptr<i32>>
  %ptrs = blk.addptr %base, %offsets : tensor<8x8x!blk.ptr<i32>>, tensor<8x8xi32>
  blk.store %ptrs, %b : tensor<8x8x!blk.ptr<i32>>
  return
}
