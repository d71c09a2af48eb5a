// RUN: ln-opt %s --blk-to-ptx | ln-translate --ptx > %t.ptx
// RUN: FileCheck %s < %t.ptx
// RUN: %ptxas %t.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS

// math ops must become self-contained PTX whatever the environment of the
// compiler (lit runs it without CUDA_HOME): either instructions or libdevice
// linked in, never a call to an unresolved __nv_* function, which ptxas
// rejects ("Unresolved extern function").

// CHECK-NOT: .extern
// CHECK-NOT: __nv_
// CHECK: .visible .entry sqrt_kernel(
// CHECK: sqrt
// PTXAS: Compiling entry function 'sqrt_kernel' for 'sm_90'
// PTXAS-NOT: error
func.func @sqrt_kernel(%P: !blk.ptr<f32>) attributes {blk.num_warps = 1 : i32} {
  %x = blk.load %P : !blk.ptr<f32>
  %s = math.sqrt %x : f32
  blk.store %P, %s : !blk.ptr<f32>
  return
}
