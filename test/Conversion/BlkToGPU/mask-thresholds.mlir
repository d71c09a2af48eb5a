// RUN: ln-opt %s --blk-to-ptx | ln-translate --ptx | FileCheck %s

// A masked 16-byte store may be guarded by one predicate only where the mask
// is uniform over the vector's 8 elements. `offs < n` is, for n a multiple of
// 16; `offs <= n` is not (offs = n is in bounds, n + 1 is not): its vector
// store needs every element's predicate, with element-wise stores for a
// vector the mask cuts. (One predicate there wrote 7 elements past the
// mask.)

// CHECK-LABEL: .visible .entry store_lt(
// CHECK: setp.lt.s32 %p[[P:[0-9]+]],
// CHECK-NOT: setp
// CHECK: @%p[[P]] st.global.v4.b32
// CHECK-NOT: st.global
// CHECK: ret;
func.func @store_lt(%Y: !blk.ptr<f16> {blk.divisibility = 16 : i32},
                    %n: i32 {blk.divisibility = 16 : i32})
    attributes {blk.num_warps = 1 : i32} {
  %offs = blk.range : tensor<256xi32>
  %ns = blk.splat %n : i32 -> tensor<256xi32>
  %mask = arith.cmpi slt, %offs, %ns : tensor<256xi32>
  %c = arith.constant 1.0 : f16
  %v = blk.splat %c : f16 -> tensor<256xf16>
  %base = blk.splat %Y : !blk.ptr<f16> -> tensor<256x!blk.ptr<f16>>
  %ptrs = blk.addptr %base, %offs : tensor<256x!blk.ptr<f16>>, tensor<256xi32>
  blk.store %ptrs, %v, %mask : tensor<256x!blk.ptr<f16>>
  return
}


// CHECK-LABEL: .visible .entry store_le(
// CHECK: setp.le.s32
// CHECK: st.global.v4.b32
// CHECK-COUNT-8: st.global.b16
// CHECK: ret;
func.func @store_le(%Y: !blk.ptr<f16> {blk.divisibility = 16 : i32},
                    %n: i32 {blk.divisibility = 16 : i32})
    attributes {blk.num_warps = 1 : i32} {
  %offs = blk.range : tensor<256xi32>
  %ns = blk.splat %n : i32 -> tensor<256xi32>
  %mask = arith.cmpi sle, %offs, %ns : tensor<256xi32>
  %c = arith.constant 1.0 : f16
  %v = blk.splat %c : f16 -> tensor<256xf16>
  %base = blk.splat %Y : !blk.ptr<f16> -> tensor<256x!blk.ptr<f16>>
  %ptrs = blk.addptr %base, %offs : tensor<256x!blk.ptr<f16>>, tensor<256xi32>
  blk.store %ptrs, %v, %mask : tensor<256x!blk.ptr<f16>>
  return
}


// The bound on the left: n >= offs is offs <= n.
// CHECK-LABEL: .visible .entry store_ge_left(
// CHECK: setp.ge.s32
// CHECK: st.global.v4.b32
// CHECK-COUNT-8: st.global.b16
// CHECK: ret;
func.func @store_ge_left(%Y: !blk.ptr<f16> {blk.divisibility = 16 : i32},
                         %n: i32 {blk.divisibility = 16 : i32})
    attributes {blk.num_warps = 1 : i32} {
  %offs = blk.range : tensor<256xi32>
  %ns = blk.splat %n : i32 -> tensor<256xi32>
  %mask = arith.cmpi sge, %ns, %offs : tensor<256xi32>
  %c = arith.constant 1.0 : f16
  %v = blk.splat %c : f16 -> tensor<256xf16>
  %base = blk.splat %Y : !blk.ptr<f16> -> tensor<256x!blk.ptr<f16>>
  %ptrs = blk.addptr %base, %offs : tensor<256x!blk.ptr<f16>>, tensor<256xi32>
  blk.store %ptrs, %v, %mask : tensor<256x!blk.ptr<f16>>
  return
}
