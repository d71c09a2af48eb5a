// RUN: ln-opt %s -split-input-file --convert-blk-to-gpu -verify-diagnostics

// What the lowering does not support is reported once, at the op, with
// what to do about it; the conversion driver's generic "failed to legalize"
// must not follow it.

// expected-error @+1 {{kernel arguments are scalars or pointers, argument #0 is 'tensor<4xf32>'}}
func.func @block_argument(%t: tensor<4xf32>) attributes {blk.num_warps = 4 : i32} {
  return
}

// -----

func.func @f16_reduction(%X: !blk.ptr<f16>) attributes {blk.num_warps = 1 : i32} {
  %r = blk.range : tensor<64xi32>
  %Xs = blk.splat %X : !blk.ptr<f16> -> tensor<64x!blk.ptr<f16>>
  %p = blk.addptr %Xs, %r : tensor<64x!blk.ptr<f16>>, tensor<64xi32>
  %x = blk.load %p : tensor<64x!blk.ptr<f16>>
  // expected-error @+1 {{reductions of 'f16' are not supported; cast to f32 or i32 first}}
  %s = blk.reduce %x axis 0 : tensor<64xf16> -> f16 {
  ^bb0(%a: f16, %b: f16):
    %t = arith.addf %a, %b : f16
    blk.yield %t : f16
  }
  return
}
