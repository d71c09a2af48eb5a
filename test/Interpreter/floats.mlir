// The CPU evaluator's floating point: f32 rounds to nearest even (1 + 2^-24
// is lost, 1 + 3 * 2^-24 rounds up); f16 and bf16 halfway cases round to
// even, overflow to infinity; f32 -> i32 truncates toward zero; i32 ->
// f32 rounds (2^24 + 1 is lost); minimumf puts -0 below +0.

// RUN: ln-run kernel %s --cpu --name rounding --arg f32*:4 --arg f16*:4 --arg bf16*:3 --arg i32*:2 --out %t
// RUN: FileCheck %s < %t
// CHECK-LABEL: # arg 0 f32[4]
// CHECK-NEXT: 1{{$}}
// CHECK-NEXT: 1.00000024
// CHECK-NEXT: 16777216
// CHECK-NEXT: 0.333333343
// CHECK-LABEL: # arg 1 f16[4]
// CHECK-NEXT: 1{{$}}
// CHECK-NEXT: 1.00195312
// CHECK-NEXT: inf
// CHECK-NEXT: 5.96046448e-08
// CHECK-LABEL: # arg 2 bf16[3]
// CHECK-NEXT: 1{{$}}
// CHECK-NEXT: 1.015625
// CHECK-NEXT: -0{{$}}
// CHECK-LABEL: # arg 3 i32[2]
// CHECK-NEXT: -2{{$}}
// CHECK-NEXT: 7{{$}}
func.func @rounding(%f32: !blk.ptr<f32>, %f16: !blk.ptr<f16>,
                    %bf16: !blk.ptr<bf16>, %i32: !blk.ptr<i32>) {
  %one = arith.constant 1.0 : f32
  %tiny = arith.constant 5.96046448e-08 : f32  // 2^-24
  %three_tiny = arith.constant 1.78813934e-07 : f32
  %a0 = arith.addf %one, %tiny : f32
  %a1 = arith.addf %one, %three_tiny : f32
  %big = arith.constant 16777217 : i32
  %a2 = arith.sitofp %big : i32 to f32
  %three = arith.constant 3.0 : f32
  %a3 = arith.divf %one, %three : f32
  %f32s = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi32>
  %f32_base = blk.splat %f32 : !blk.ptr<f32> -> tensor<4x!blk.ptr<f32>>
  %f32_ptrs = blk.addptr %f32_base, %f32s : tensor<4x!blk.ptr<f32>>, tensor<4xi32>
  %e0 = blk.splat %a0 : f32 -> tensor<4xf32>
  %e1 = blk.splat %a1 : f32 -> tensor<4xf32>
  %e2 = blk.splat %a2 : f32 -> tensor<4xf32>
  %e3 = blk.splat %a3 : f32 -> tensor<4xf32>
  %is0 = arith.constant dense<[true, false, false, false]> : tensor<4xi1>
  %is1 = arith.constant dense<[false, true, false, false]> : tensor<4xi1>
  %is2 = arith.constant dense<[false, false, true, false]> : tensor<4xi1>
  %s23 = arith.select %is2, %e2, %e3 : tensor<4xi1>, tensor<4xf32>
  %s123 = arith.select %is1, %e1, %s23 : tensor<4xi1>, tensor<4xf32>
  %s0123 = arith.select %is0, %e0, %s123 : tensor<4xi1>, tensor<4xf32>
  blk.store %f32_ptrs, %s0123 : tensor<4x!blk.ptr<f32>>

  // 1 + 2^-11 and 1 + 3 * 2^-11 are halfway between f16 neighbours;
  // 65520 rounds up to infinity; 2^-24 is f16's least subnormal.
  %halves = arith.constant dense<[1.00048828125, 1.00146484375, 65520.0, 5.96046448e-08]> : tensor<4xf32>
  %h = blk.cast %halves : tensor<4xf32> to tensor<4xf16>
  %h_base = blk.splat %f16 : !blk.ptr<f16> -> tensor<4x!blk.ptr<f16>>
  %h_ptrs = blk.addptr %h_base, %f32s : tensor<4x!blk.ptr<f16>>, tensor<4xi32>
  blk.store %h_ptrs, %h : tensor<4x!blk.ptr<f16>>

  // 1 + 2^-8 and 1 + 3 * 2^-8 are halfway between bf16 neighbours;
  // minimumf(-0, +0) is -0.
  %b0 = arith.constant 1.00390625 : f32
  %b1 = arith.constant 1.01171875 : f32
  %zero = arith.constant 0.0 : f32
  %mzero = arith.constant -0.0 : f32
  %b2 = arith.minimumf %mzero, %zero : f32
  %c0 = blk.cast %b0 : f32 to bf16
  %c1 = blk.cast %b1 : f32 to bf16
  %c2 = blk.cast %b2 : f32 to bf16
  %i1 = arith.constant 1 : i32
  %i2 = arith.constant 2 : i32
  %bf16_1 = blk.addptr %bf16, %i1 : !blk.ptr<bf16>, i32
  %bf16_2 = blk.addptr %bf16, %i2 : !blk.ptr<bf16>, i32
  blk.store %bf16, %c0 : !blk.ptr<bf16>
  blk.store %bf16_1, %c1 : !blk.ptr<bf16>
  blk.store %bf16_2, %c2 : !blk.ptr<bf16>

  %m2_7 = arith.constant -2.75 : f32
  %t0 = blk.cast %m2_7 : f32 to i32
  %x7 = arith.constant 7.999 : f32
  %t1 = arith.fptosi %x7 : f32 to i32
  %i32_1 = blk.addptr %i32, %i1 : !blk.ptr<i32>, i32
  blk.store %i32, %t0 : !blk.ptr<i32>
  blk.store %i32_1, %t1 : !blk.ptr<i32>
  return
}
