// RUN: ln-opt %s --blk-contract-float-ops -split-input-file | FileCheck %s

// Multiplies, adds and subtractions may contract; flags already there stay.

// CHECK-LABEL: func.func @axpy
// CHECK: arith.mulf %{{.*}}, %{{.*}} fastmath<contract> : tensor<128xf32>
// CHECK: arith.addf %{{.*}}, %{{.*}} fastmath<contract> : tensor<128xf32>
// CHECK: arith.subf %{{.*}}, %{{.*}} fastmath<nnan,contract> : f32
func.func @axpy(%a: tensor<128xf32>, %x: tensor<128xf32>,
                %y: tensor<128xf32>, %s: f32) -> (tensor<128xf32>, f32) {
  %p = arith.mulf %a, %x : tensor<128xf32>
  %r = arith.addf %p, %y : tensor<128xf32>
  %d = arith.subf %s, %s fastmath<nnan> : f32
  return %r, %d : tensor<128xf32>, f32
}

// -----

// Other floating-point ops keep their rounding: no flag is added.

// CHECK-LABEL: func.func @others
// CHECK: arith.divf %{{.*}}, %{{.*}} : f32
// CHECK-NOT: fastmath
// CHECK: math.sqrt %{{.*}} : f32
// CHECK-NOT: fastmath
// CHECK: arith.negf %{{.*}} : f32
func.func @others(%a: f32, %b: f32) -> f32 {
  %q = arith.divf %a, %b : f32
  %r = math.sqrt %q : f32
  %n = arith.negf %r : f32
  return %n : f32
}

// -----

// Inside blk regions (a reduce combiner) too.

// CHECK-LABEL: func.func @combiner
// CHECK: blk.reduce
// CHECK: arith.addf %{{.*}}, %{{.*}} fastmath<contract> : f32
func.func @combiner(%x: tensor<64xf32>) -> f32 {
  %s = blk.reduce %x axis 0 : tensor<64xf32> -> f32 {
  ^bb0(%a: f32, %b: f32):
    %t = arith.addf %a, %b : f32
    blk.yield %t : f32
  }
  return %s : f32
}
