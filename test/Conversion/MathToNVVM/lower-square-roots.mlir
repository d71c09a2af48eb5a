// RUN: ln-opt %s -split-input-file --lower-square-roots | FileCheck %s

// Every f32 square root is correctly rounded (sqrt.rn.f32)
// except the one blk lets be approximate: 1 / sqrt(x).

// CHECK-LABEL: func.func @plain_sqrt(
// CHECK-SAME: %[[X:.*]]: f32
// CHECK: %[[S:.*]] = llvm.call_intrinsic "llvm.nvvm.sqrt.rn.f"(%[[X]]) : (f32) -> f32
// CHECK-NOT: math.sqrt
// CHECK: return %[[S]]
func.func @plain_sqrt(%x: f32) -> f32 {
  %s = math.sqrt %x : f32
  return %s : f32
}

// -----

// CHECK-LABEL: func.func @reciprocal(
// CHECK-SAME: %[[X:.*]]: f32
// CHECK: %[[R:.*]] = math.rsqrt %[[X]] : f32
// CHECK-NOT: math.sqrt
// CHECK-NOT: llvm.call_intrinsic
// CHECK: return %[[R]]
func.func @reciprocal(%x: f32) -> f32 {
  %one = arith.constant 1.0 : f32
  %s = math.sqrt %x : f32
  %r = arith.divf %one, %s : f32
  return %r : f32
}

// -----

// The square root has another user: it stays, correctly rounded, beside the
// reciprocal.
// CHECK-LABEL: func.func @shared_sqrt(
// CHECK-SAME: %[[X:.*]]: f32
// CHECK-DAG: %[[R:.*]] = math.rsqrt %[[X]] : f32
// CHECK-DAG: %[[S:.*]] = llvm.call_intrinsic "llvm.nvvm.sqrt.rn.f"(%[[X]]) : (f32) -> f32
// CHECK: return %[[R]], %[[S]]
func.func @shared_sqrt(%x: f32) -> (f32, f32) {
  %one = arith.constant 1.0 : f32
  %s = math.sqrt %x : f32
  %r = arith.divf %one, %s : f32
  return %r, %s : f32, f32
}

// -----

// Only a numerator of exactly 1 makes a reciprocal; 2 / sqrt(x) is a square
// root and a correctly rounded division.
// CHECK-LABEL: func.func @not_reciprocal(
// CHECK: %[[S:.*]] = llvm.call_intrinsic
// CHECK: arith.divf %{{.*}}, %[[S]] : f32
// CHECK-NOT: math.rsqrt
func.func @not_reciprocal(%x: f32) -> f32 {
  %two = arith.constant 2.0 : f32
  %s = math.sqrt %x : f32
  %r = arith.divf %two, %s : f32
  return %r : f32
}

// -----

// A square root as the numerator is not a reciprocal either.
// CHECK-LABEL: func.func @sqrt_numerator(
// CHECK-SAME: %[[X:.*]]: f32, %[[Y:.*]]: f32
// CHECK: %[[S:.*]] = llvm.call_intrinsic "llvm.nvvm.sqrt.rn.f"(%[[X]])
// CHECK: arith.divf %[[S]], %[[Y]] : f32
// CHECK-NOT: math.rsqrt
func.func @sqrt_numerator(%x: f32, %y: f32) -> f32 {
  %s = math.sqrt %x : f32
  %r = arith.divf %s, %y : f32
  return %r : f32
}

// -----

// f16 and bf16 roots are taken in f32 and rounded back (correctly rounded:
// f32 holds more than twice their precision); their reciprocals are not
// approximated.
// CHECK-LABEL: func.func @half_types(
// CHECK-SAME: %[[H:.*]]: f16, %[[B:.*]]: bf16
// CHECK: %[[HW:.*]] = arith.extf %[[H]] : f16 to f32
// CHECK: %[[HR:.*]] = llvm.call_intrinsic "llvm.nvvm.sqrt.rn.f"(%[[HW]]) : (f32) -> f32
// CHECK: %[[HN:.*]] = arith.truncf %[[HR]] : f32 to f16
// CHECK: arith.divf %{{.*}}, %[[HN]] : f16
// CHECK: %[[BW:.*]] = arith.extf %[[B]] : bf16 to f32
// CHECK: %[[BR:.*]] = llvm.call_intrinsic "llvm.nvvm.sqrt.rn.f"(%[[BW]]) : (f32) -> f32
// CHECK: arith.truncf %[[BR]] : f32 to bf16
// CHECK-NOT: math.sqrt
// CHECK-NOT: math.rsqrt
func.func @half_types(%h: f16, %b: bf16) -> (f16, bf16) {
  %one = arith.constant 1.0 : f16
  %sh = math.sqrt %h : f16
  %rh = arith.divf %one, %sh : f16
  %sb = math.sqrt %b : bf16
  return %rh, %sb : f16, bf16
}

// -----

// f64 is left to libdevice (__nv_sqrt is sqrt.rn.f64), and so is an f64
// reciprocal, which stays exact.
// CHECK-LABEL: func.func @double(
// CHECK: math.sqrt %{{.*}} : f64
// CHECK: arith.divf
// CHECK-NOT: llvm.call_intrinsic
// CHECK-NOT: math.rsqrt
func.func @double(%x: f64) -> f64 {
  %one = arith.constant 1.0 : f64
  %s = math.sqrt %x : f64
  %r = arith.divf %one, %s : f64
  return %r : f64
}

// -----

// Nothing else is rewritten or folded: the pass leaves x / 1.0 alone.
// CHECK-LABEL: func.func @no_folding(
// CHECK: %[[ONE:.*]] = arith.constant 1.0{{.*}} : f32
// CHECK: arith.divf %{{.*}}, %[[ONE]] : f32
func.func @no_folding(%x: f32) -> f32 {
  %one = arith.constant 1.0 : f32
  %r = arith.divf %x, %one : f32
  return %r : f32
}
