// RUN: ln-opt %s -split-input-file --convert-blk-to-gpu | FileCheck %s

// A kernel becomes a gpu.func kernel in gpu.module @ln_kernels, with
// pointers as global (addrspace 1) LLVM pointers and the CTA size known
// from blk.num_warps; program coordinates are block coordinates.

// CHECK: module attributes {gpu.container_module}
// CHECK-NEXT: gpu.module @ln_kernels {
// CHECK-NEXT: gpu.func @coords(%[[P:.*]]: !llvm.ptr<1>, %[[N:.*]]: i32) kernel attributes {known_block_size = array<i32: 128, 1, 1>}
// CHECK-NOT: func.func
// CHECK-DAG: %[[BX:.*]] = gpu.block_id x
// CHECK-DAG: %[[X:.*]] = arith.index_castui %[[BX]] : index to i32
// CHECK-DAG: %[[BY:.*]] = gpu.block_id y
// CHECK-DAG: %[[Y:.*]] = arith.index_castui %[[BY]] : index to i32
// CHECK-DAG: %[[BZ:.*]] = gpu.block_id z
// CHECK-DAG: %[[Z:.*]] = arith.index_castui %[[BZ]] : index to i32
// CHECK-DAG: %[[GX:.*]] = gpu.grid_dim x
// CHECK-DAG: %[[NX:.*]] = arith.index_castui %[[GX]] : index to i32
// CHECK-DAG: %[[GY:.*]] = gpu.grid_dim y
// CHECK-DAG: %[[NY:.*]] = arith.index_castui %[[GY]] : index to i32
// CHECK-DAG: %[[GZ:.*]] = gpu.grid_dim z
// CHECK-DAG: %[[NZ:.*]] = arith.index_castui %[[GZ]] : index to i32
// CHECK: %[[A:.*]] = arith.addi %[[X]], %[[Y]] : i32
// CHECK: %[[B:.*]] = arith.addi %[[A]], %[[Z]] : i32
// CHECK: %[[C:.*]] = arith.addi %[[NX]], %[[NY]] : i32
// CHECK: %[[D:.*]] = arith.addi %[[C]], %[[NZ]] : i32
// CHECK: %[[E:.*]] = arith.addi %[[B]], %[[D]] : i32
// CHECK: %[[F:.*]] = arith.addi %[[E]], %[[N]] : i32
// CHECK: llvm.inline_asm {{.*}}st.global.b32 {{.*}} %[[P]], %{{.*}}
// CHECK: gpu.return
func.func @coords(%P: !blk.ptr<i32>, %n: i32) attributes {blk.num_warps = 4 : i32} {
  %x = blk.program_id 0 : i32
  %y = blk.program_id 1 : i32
  %z = blk.program_id 2 : i32
  %nx = blk.num_programs 0 : i32
  %ny = blk.num_programs 1 : i32
  %nz = blk.num_programs 2 : i32
  %a = arith.addi %x, %y : i32
  %b = arith.addi %a, %z : i32
  %c = arith.addi %nx, %ny : i32
  %d = arith.addi %c, %nz : i32
  %e = arith.addi %b, %d : i32
  %f = arith.addi %e, %n : i32
  blk.store %P, %f : !blk.ptr<i32>
  return
}

// -----

// The CTA size follows the warps: 1 warp is 32 threads, 32 warps 1024.
// Several kernels share the one gpu.module.

// CHECK: gpu.module @ln_kernels
// CHECK-NEXT: gpu.func @one_warp() kernel attributes {known_block_size = array<i32: 32, 1, 1>}
// CHECK: gpu.return
// CHECK: gpu.func @many_warps(%{{.*}}: !llvm.ptr<1>, %{{.*}}: f32, %{{.*}}: i64) kernel attributes {known_block_size = array<i32: 1024, 1, 1>}
// CHECK-NOT: gpu.module
func.func @one_warp() attributes {blk.num_warps = 1 : i32} {
  return
}
func.func @many_warps(%p: !blk.ptr<f16>, %x: f32, %s: i64) attributes {blk.num_warps = 32 : i32} {
  return
}
