// Each RUN line specializes one kernel of this file (kernel=...) with
// bindings that are wrong for it, and checks the error names the parameter
// and points at the op or kernel concerned.

// RUN: not ln-opt %s --blk-specialize="kernel=sized" 2>&1 | FileCheck %s --check-prefix=UNBOUND-INT
// UNBOUND-INT: specialize-invalid.mlir:{{[0-9]+}}:{{[0-9]+}}: error: constexpr 'BLOCK' has no binding; pass bind=BLOCK=<integer>
// UNBOUND-INT-NEXT: %sized_block = blk.constexpr "BLOCK" : i32

// RUN: not ln-opt %s --blk-specialize="kernel=typed bind=BLOCK=64" 2>&1 | FileCheck %s --check-prefix=UNBOUND-TYPE
// UNBOUND-TYPE: specialize-invalid.mlir:{{[0-9]+}}:{{[0-9]+}}: error: type parameter 'T' has no binding; pass bind=T=<type>
// UNBOUND-TYPE-NEXT: func.func @typed(

// RUN: not ln-opt %s --blk-specialize="kernel=sized bind=BLOCK=64,EXTRA=3" 2>&1 | FileCheck %s --check-prefix=UNUSED
// UNUSED: error: blk-specialize: binding 'EXTRA' names no blk.constexpr or !blk.typevar

// RUN: not ln-opt %s --blk-specialize="kernel=sized bind=BLOCK=64,T=f16" 2>&1 | FileCheck %s --check-prefix=UNUSED-TYPE
// UNUSED-TYPE: error: blk-specialize: binding 'T' names no blk.constexpr or !blk.typevar

// RUN: not ln-opt %s --blk-specialize="kernel=sized bind=BLOCK" 2>&1 | FileCheck %s --check-prefix=MALFORMED
// MALFORMED: error: blk-specialize: binding 'BLOCK' is not NAME=VALUE

// RUN: not ln-opt %s --blk-specialize="kernel=typed bind=BLOCK=64,T=notatype" 2>&1 | FileCheck %s --check-prefix=BAD-VALUE
// BAD-VALUE: error: blk-specialize: value 'notatype' of binding 'T' is neither an integer nor a type

// RUN: not ln-opt %s --blk-specialize="kernel=sized bind=BLOCK=64 num-warps=64" 2>&1 | FileCheck %s --check-prefix=WARPS64
// WARPS64: error: blk-specialize: num-warps must be in [1, 32], got 64

// RUN: not ln-opt %s --blk-specialize="kernel=sized bind=BLOCK=64 num-warps=0" 2>&1 | FileCheck %s --check-prefix=WARPS0
// WARPS0: error: blk-specialize: num-warps must be in [1, 32], got 0

// RUN: not ln-opt %s --blk-specialize="kernel=sized bind=BLOCK=64 divisible-by-16=0,2" 2>&1 | FileCheck %s --check-prefix=DIVISIBLE
// DIVISIBLE: specialize-invalid.mlir:{{[0-9]+}}:{{[0-9]+}}: error: divisible-by-16 names argument #2 but the kernel has 2
// DIVISIBLE-NEXT: func.func @sized(

// RUN: not ln-opt %s --blk-specialize="kernel=sized bind=BLOCK=64 divisibility=1:8,2:8" 2>&1 | FileCheck %s --check-prefix=DIVISIBILITY-INDEX
// DIVISIBILITY-INDEX: specialize-invalid.mlir:{{[0-9]+}}:{{[0-9]+}}: error: divisibility names argument #2 but the kernel has 2
// DIVISIBILITY-INDEX-NEXT: func.func @sized(

// RUN: not ln-opt %s --blk-specialize="kernel=sized bind=BLOCK=64 divisibility=1:8,1:4" 2>&1 | FileCheck %s --check-prefix=DIVISIBILITY-TWICE
// DIVISIBILITY-TWICE: specialize-invalid.mlir:{{[0-9]+}}:{{[0-9]+}}: error: divisibility names argument #1 twice

// RUN: not ln-opt %s --blk-specialize="kernel=scaled divisibility=1:8" 2>&1 | FileCheck %s --check-prefix=DIVISIBILITY-FLOAT
// DIVISIBILITY-FLOAT: specialize-invalid.mlir:{{[0-9]+}}:{{[0-9]+}}: error: divisibility names argument #1 of type 'f32', neither an integer nor a pointer
// RUN: not ln-opt %s --blk-specialize="kernel=scaled divisible-by-16=0,1" 2>&1 | FileCheck %s --check-prefix=DIVISIBLE-FLOAT
// DIVISIBLE-FLOAT: specialize-invalid.mlir:{{[0-9]+}}:{{[0-9]+}}: error: divisible-by-16 names argument #1 of type 'f32', neither an integer nor a pointer
// DIVISIBLE-FLOAT-NEXT: func.func @scaled(

// RUN: not ln-opt %s --blk-specialize="kernel=sized bind=BLOCK=64 divisibility=1:12" 2>&1 | FileCheck %s --check-prefix=DIVISIBILITY-VALUE
// DIVISIBILITY-VALUE: error: blk-specialize: divisibility '1:12' is not INDEX:VALUE with VALUE a power of two (at most 2^30)

// RUN: not ln-opt %s --blk-specialize="kernel=sized bind=BLOCK=64 divisibility=1" 2>&1 | FileCheck %s --check-prefix=DIVISIBILITY-FORM
// DIVISIBILITY-FORM: error: blk-specialize: divisibility '1' is not INDEX:VALUE with VALUE a power of two (at most 2^30)

// RUN: not ln-opt %s --blk-specialize="kernel=narrow bind=SMALL=200" 2>&1 | FileCheck %s --check-prefix=TOO-LARGE
// TOO-LARGE: specialize-invalid.mlir:{{[0-9]+}}:{{[0-9]+}}: error: binding SMALL=200 does not fit in 'i8'
// TOO-LARGE-NEXT: %s = blk.constexpr "SMALL" : i8

// RUN: not ln-opt %s --blk-specialize="kernel=sized bind=BLOCK=0" 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: specialize-invalid.mlir:{{[0-9]+}}:{{[0-9]+}}: error: 'blk.range' op size must be positive, got 0
// EMPTY-NEXT: %sized_range = blk.range

// A local block sized by a binding of 0 or less (this crashed the
// lowering, and a negative size printed a type that does not parse).
// RUN: not ln-opt %s --blk-specialize="kernel=local bind=LOCAL=0" 2>&1 | FileCheck %s --check-prefix=EMPTY-LOCAL
// EMPTY-LOCAL: specialize-invalid.mlir:{{[0-9]+}}:{{[0-9]+}}: error: 'blk.local_alloc' op block dimensions must be positive, got 'tensor<0xf32>'
// RUN: not ln-opt %s --blk-specialize="kernel=local bind=LOCAL=-4" 2>&1 | FileCheck %s --check-prefix=NEGATIVE-LOCAL
// NEGATIVE-LOCAL: error: 'blk.local_alloc' op block dimensions must be positive, got 'tensor<-4xf32>'

// RUN: not ln-opt %s --blk-specialize="kernel=missing bind=BLOCK=64" 2>&1 | FileCheck %s --check-prefix=NO-KERNEL
// NO-KERNEL: error: blk-specialize: no kernel named 'missing'

func.func @sized(%X: !blk.ptr<f32>, %N: i32) {
  %sized_block = blk.constexpr "BLOCK" : i32
  %sized_range = blk.range [%sized_block] : tensor<?xi32>
  %Xs = blk.splat %X [%sized_block] : !blk.ptr<f32> -> tensor<?x!blk.ptr<f32>>
  %p = blk.addptr %Xs, %sized_range : tensor<?x!blk.ptr<f32>>, tensor<?xi32>
  %v = blk.load %p : tensor<?x!blk.ptr<f32>>
  blk.store %p, %v : tensor<?x!blk.ptr<f32>>
  return
}

func.func @typed(%X: !blk.ptr<!blk.typevar<"T">>) {
  %typed_block = blk.constexpr "BLOCK" : i32
  %typed_range = blk.range [%typed_block] : tensor<?xi32>
  return
}

func.func @narrow() {
  %s = blk.constexpr "SMALL" : i8
  return
}

func.func @local() {
  %local_size = blk.constexpr "LOCAL" : i32
  %l = blk.local_alloc [%local_size] : !blk.local<tensor<?xf32>>
  %v = blk.local_load %l : !blk.local<tensor<?xf32>>
  blk.local_store %v, %l : !blk.local<tensor<?xf32>>
  return
}

func.func @scaled(%X: !blk.ptr<f32>, %scale: f32) {
  return
}
