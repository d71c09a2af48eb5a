// RUN: ln-opt %s --blk-to-ptx | ln-translate --ptx > %t.ptx
// RUN: FileCheck %s < %t.ptx
// RUN: %ptxas %t.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS

// math ops must become self-contained PTX whatever the environment of the
// compiler (lit runs it without CUDA_HOME): either instructions or libdevice
// linked in, never a call to an unresolved __nv_* function, which ptxas
// rejects ("Unresolved extern function").
//
// Square roots are correctly rounded in f32 and f64 (docs/semantics.md);
// only 1 / sqrt(x) in f32 may be approximate. libdevice's f32 square root
// is approximate unless asked otherwise, which gave results 1 ulp off on
// the GPU.

// CHECK-NOT: .extern
// CHECK-NOT: __nv_
// CHECK-LABEL: .visible .entry sqrt_kernel(
// CHECK-NOT: sqrt.approx
// CHECK: sqrt.rn.f32
// CHECK-NOT: sqrt.approx
// CHECK: ret;
// PTXAS: Compiling entry function 'sqrt_kernel' for 'sm_90'
// PTXAS-NOT: error
func.func @sqrt_kernel(%P: !blk.ptr<f32>) attributes {blk.num_warps = 1 : i32} {
  %x = blk.load %P : !blk.ptr<f32>
  %s = math.sqrt %x : f32
  blk.store %P, %s : !blk.ptr<f32>
  return
}

// CHECK-LABEL: .visible .entry sqrt_block_kernel(
// CHECK-NOT: sqrt.approx
// CHECK-COUNT-4: sqrt.rn.f32
// CHECK-NOT: sqrt.approx
// CHECK: ret;
func.func @sqrt_block_kernel(%P: !blk.ptr<f32>) attributes {blk.num_warps = 1 : i32} {
  %offs = blk.range : tensor<128xi32>
  %base = blk.splat %P : !blk.ptr<f32> -> tensor<128x!blk.ptr<f32>>
  %ptrs = blk.addptr %base, %offs : tensor<128x!blk.ptr<f32>>, tensor<128xi32>
  %x = blk.load %ptrs : tensor<128x!blk.ptr<f32>>
  %s = math.sqrt %x : tensor<128xf32>
  blk.store %ptrs, %s : tensor<128x!blk.ptr<f32>>
  return
}

// The documented exception: one approximate instruction, no square root and
// division.
// CHECK-LABEL: .visible .entry rsqrt_kernel(
// CHECK-NOT: sqrt.rn
// CHECK-NOT: div.rn
// CHECK: rsqrt.approx.f32
// CHECK-NOT: div.rn
// CHECK: ret;
func.func @rsqrt_kernel(%P: !blk.ptr<f32>) attributes {blk.num_warps = 1 : i32} {
  %x = blk.load %P : !blk.ptr<f32>
  %one = arith.constant 1.0 : f32
  %s = math.sqrt %x : f32
  %r = arith.divf %one, %s : f32
  blk.store %P, %r : !blk.ptr<f32>
  return
}

// CHECK-LABEL: .visible .entry sqrt_f64_kernel(
// CHECK: sqrt.rn.f64
// CHECK: ret;
func.func @sqrt_f64_kernel(%P: !blk.ptr<f64>) attributes {blk.num_warps = 1 : i32} {
  %x = blk.load %P : !blk.ptr<f64>
  %s = math.sqrt %x : f64
  blk.store %P, %s : !blk.ptr<f64>
  return
}

// f16 roots are taken in f32, correctly rounded, and rounded back.
// CHECK-LABEL: .visible .entry sqrt_f16_kernel(
// CHECK-NOT: sqrt.approx
// CHECK: sqrt.rn.f32
// CHECK-NOT: sqrt.approx
// CHECK: ret;
func.func @sqrt_f16_kernel(%P: !blk.ptr<f16>) attributes {blk.num_warps = 1 : i32} {
  %x = blk.load %P : !blk.ptr<f16>
  %s = math.sqrt %x : f16
  blk.store %P, %s : !blk.ptr<f16>
  return
}
