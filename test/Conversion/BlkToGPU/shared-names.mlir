// RUN: ln-opt %s --blk-to-ptx | ln-translate --ptx > %t.ptx
// RUN: FileCheck %s < %t.ptx
// RUN: %ptxas %t.ptx -o /dev/null

// A kernel's shared-memory arena is `<kernel>_shared` unless a symbol has
// that name: a kernel named `k_shared` beside `k` made the lowering fail
// with a redefinition.

// CHECK-LABEL: .visible .entry k(
// CHECK: .shared .align 16 .b8 [[ARENA:k_shared_[0-9]+]][8];
// CHECK: ld.shared.v2.b32 {%r{{[0-9]+}}, %r{{[0-9]+}}}, {{\[}}[[ARENA]]];
// CHECK-LABEL: .visible .entry k_shared(
// CHECK: .shared .align 16 .b8 k_shared_shared[8];
func.func @k(%P: !blk.ptr<f32>) attributes {blk.num_warps = 2 : i32} {
  %r = blk.range : tensor<64xi32>
  %x = arith.sitofp %r : tensor<64xi32> to tensor<64xf32>
  %t = blk.reduce %x axis 0 : tensor<64xf32> -> f32 {
  ^bb0(%a: f32, %c: f32):
    %u = arith.addf %a, %c : f32
    blk.yield %u : f32
  }
  blk.store %P, %t : !blk.ptr<f32>
  return
}

func.func @k_shared(%P: !blk.ptr<f32>) attributes {blk.num_warps = 2 : i32} {
  %r = blk.range : tensor<64xi32>
  %x = arith.sitofp %r : tensor<64xi32> to tensor<64xf32>
  %t = blk.reduce %x axis 0 : tensor<64xf32> -> f32 {
  ^bb0(%a: f32, %c: f32):
    %u = arith.addf %a, %c : f32
    blk.yield %u : f32
  }
  blk.store %P, %t : !blk.ptr<f32>
  return
}
