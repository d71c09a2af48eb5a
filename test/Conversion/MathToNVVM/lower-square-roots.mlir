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

// sqrt(x) / 1 is not a reciprocal either.
// CHECK-LABEL: func.func @divided_by_one(
// CHECK: %[[S:.*]] = llvm.call_intrinsic
// CHECK-NOT: math.rsqrt
func.func @divided_by_one(%x: f32) -> f32 {
  %one = arith.constant 1.0 : f32
  %s = math.sqrt %x : f32
  %r = arith.divf %s, %one : f32
  return %r : f32
}

// -----

// f64 (libdevice's __nv_sqrt is sqrt.rn.f64) and f16 are left alone, and
// so is an f64 reciprocal, which stays exact.
// CHECK-LABEL: func.func @other_types(
// CHECK: math.sqrt %{{.*}} : f64
// CHECK: arith.divf
// CHECK: math.sqrt %{{.*}} : f16
// CHECK-NOT: llvm.call_intrinsic
// CHECK-NOT: math.rsqrt
func.func @other_types(%x: f64, %h: f16) -> (f64, f16) {
  %one = arith.constant 1.0 : f64
  %s = math.sqrt %x : f64
  %r = arith.divf %one, %s : f64
  %t = math.sqrt %h : f16
  return %r, %t : f64, f16
}
