// RUN: ln-opt %s -split-input-file --convert-blk-to-gpu --canonicalize --cse | FileCheck %s

// A local block lives in the kernel's dynamic shared memory
// (`<kernel>_local`, an external array of no size), where each thread keeps
// its own slots: its group g of `width` slots (the widest power of two that
// divides its slot count, 16 bytes at most) at element
// (g * threads + thread) * width, so that a warp's accesses
// are consecutive and no thread reads another's. Blocks follow each other,
// 16-byte aligned; their total is recorded in the visible constant
// `<kernel>_dynamic_shared_bytes`.

// 128 f32 on one warp: 4 a thread, one 16-byte group, at vector index tid
// (bytes 0..511). 64 i1 on the same warp: 2 a thread, one 2-byte group of
// i8, after the f32 block (bytes 512..575): 576 bytes in all.
// CHECK: llvm.mlir.global external constant @vectors_dynamic_shared_bytes(576 : i32) {addr_space = 1 : i32, alignment = 4 : i64} : i32
// CHECK: llvm.mlir.global external @vectors_local() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<0 x i8>
// CHECK-LABEL: gpu.func @vectors
// CHECK-DAG: %[[BASE:.*]] = llvm.mlir.addressof @vectors_local : !llvm.ptr<3>
// CHECK-DAG: %[[FLAGS:.*]] = llvm.getelementptr %[[BASE]][512] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
// CHECK-DAG: %[[TID:.*]] = arith.index_castui %{{.*}} : index to i32
// CHECK: %[[SUMS_AT:.*]] = llvm.getelementptr %[[BASE]][%[[TID]]] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, vector<4xf32>
// CHECK: llvm.store %{{.*}}, %[[SUMS_AT]] {alignment = 16 : i64} : vector<4xf32>, !llvm.ptr<3>
// CHECK: llvm.load %[[SUMS_AT]] {alignment = 16 : i64} : !llvm.ptr<3> -> vector<4xf32>
// CHECK: %[[FLAGS_AT:.*]] = llvm.getelementptr %[[FLAGS]][%[[TID]]] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, vector<2xi8>
// CHECK: llvm.store %{{.*}}, %[[FLAGS_AT]] {alignment = 2 : i64} : vector<2xi8>, !llvm.ptr<3>
// CHECK: llvm.load %[[FLAGS_AT]] {alignment = 2 : i64} : !llvm.ptr<3> -> vector<2xi8>
// CHECK-NOT: gpu.barrier
func.func @vectors(%x: !blk.ptr<f32> {blk.divisibility = 16 : i32}, %y: !blk.ptr<i32> {blk.divisibility = 16 : i32}, %n: i32) attributes {blk.num_warps = 1 : i32} {
  %sums = blk.local_alloc : !blk.local<tensor<128xf32>>
  %flags = blk.local_alloc : !blk.local<tensor<64xi1>>
  %r = blk.range : tensor<128xi32>
  %b = blk.splat %x : !blk.ptr<f32> -> tensor<128x!blk.ptr<f32>>
  %p = blk.addptr %b, %r : tensor<128x!blk.ptr<f32>>, tensor<128xi32>
  %v = blk.load %p : tensor<128x!blk.ptr<f32>>
  blk.local_store %v, %sums : !blk.local<tensor<128xf32>>
  %w = blk.local_load %sums : !blk.local<tensor<128xf32>>
  %r64 = blk.range : tensor<64xi32>
  %ns = blk.splat %n : i32 -> tensor<64xi32>
  %m = arith.cmpi slt, %r64, %ns : tensor<64xi32>
  blk.local_store %m, %flags : !blk.local<tensor<64xi1>>
  %m2 = blk.local_load %flags : !blk.local<tensor<64xi1>>
  %yb = blk.splat %y : !blk.ptr<i32> -> tensor<64x!blk.ptr<i32>>
  %yp = blk.addptr %yb, %r64 : tensor<64x!blk.ptr<i32>>, tensor<64xi32>
  blk.store %yp, %r64, %m2 : tensor<64x!blk.ptr<i32>>
  blk.store %p, %w : tensor<128x!blk.ptr<f32>>
  return
}

// -----

// 256 f16 from a pointer of unknown alignment, on one warp: the layout
// gives each thread one element an access (8 accesses 32 elements apart),
// but its 8 slots are its own, so they share one 16-byte group at vector
// index tid: one store and one load, not 8 of each.
// CHECK: llvm.mlir.global external constant @scattered_dynamic_shared_bytes(512 : i32)
// CHECK-LABEL: gpu.func @scattered
// CHECK-COUNT-8: ld.global.b16
// CHECK-NOT: ld.global
// CHECK: %[[AT:.*]] = llvm.getelementptr %{{.*}}[%{{.*}}] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, vector<8xf16>
// CHECK-NEXT: llvm.store %{{.*}}, %[[AT]] {alignment = 16 : i64} : vector<8xf16>, !llvm.ptr<3>
// CHECK-NEXT: llvm.load %[[AT]] {alignment = 16 : i64} : !llvm.ptr<3> -> vector<8xf16>
// CHECK-NOT: llvm.store {{.*}}!llvm.ptr<3>
// CHECK-NOT: llvm.load {{.*}}!llvm.ptr<3>
// CHECK-COUNT-8: st.global.b16
func.func @scattered(%x: !blk.ptr<f16>) attributes {blk.num_warps = 1 : i32} {
  %held = blk.local_alloc : !blk.local<tensor<256xf16>>
  %r = blk.range : tensor<256xi32>
  %b = blk.splat %x : !blk.ptr<f16> -> tensor<256x!blk.ptr<f16>>
  %p = blk.addptr %b, %r : tensor<256x!blk.ptr<f16>>, tensor<256xi32>
  %v = blk.load %p : tensor<256x!blk.ptr<f16>>
  blk.local_store %v, %held : !blk.local<tensor<256xf16>>
  %w = blk.local_load %held : !blk.local<tensor<256xf16>>
  blk.store %p, %w : tensor<256x!blk.ptr<f16>>
  return
}

// -----

// 256 f32 on one warp: two groups of 4 a thread, at vector indices tid and
// 32 + tid. Pointers move one at a time, 8 bytes each: 64 pointers on one
// warp are 2 a thread, at pointer indices tid and 32 + tid, after the f32
// block's 1024 bytes.
// CHECK: llvm.mlir.global external constant @groups_dynamic_shared_bytes(1536 : i32)
// CHECK-LABEL: gpu.func @groups
// CHECK-DAG: %[[BASE:.*]] = llvm.mlir.addressof @groups_local : !llvm.ptr<3>
// CHECK-DAG: %[[PTRS:.*]] = llvm.getelementptr %[[BASE]][1024] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
// CHECK-DAG: %[[TID:.*]] = arith.index_castui %{{.*}} : index to i32
// CHECK-DAG: %[[SECOND:.*]] = arith.addi %[[TID]], %c32_i32 : i32
// CHECK-DAG: llvm.getelementptr %[[BASE]][%[[TID]]] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, vector<4xf32>
// CHECK-DAG: llvm.getelementptr %[[BASE]][%[[SECOND]]] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, vector<4xf32>
// CHECK-DAG: llvm.getelementptr %[[PTRS]][%[[TID]]] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, !llvm.ptr<1>
// CHECK-DAG: llvm.getelementptr %[[PTRS]][%[[SECOND]]] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, !llvm.ptr<1>
// CHECK-DAG: llvm.store %{{.*}}, %{{.*}} {alignment = 8 : i64} : !llvm.ptr<1>, !llvm.ptr<3>
func.func @groups(%x: !blk.ptr<f32> {blk.divisibility = 16 : i32})
    attributes {blk.num_warps = 1 : i32} {
  %sums = blk.local_alloc : !blk.local<tensor<256xf32>>
  %ptrs = blk.local_alloc : !blk.local<tensor<64x!blk.ptr<f32>>>
  %r = blk.range : tensor<256xi32>
  %b = blk.splat %x : !blk.ptr<f32> -> tensor<256x!blk.ptr<f32>>
  %p = blk.addptr %b, %r : tensor<256x!blk.ptr<f32>>, tensor<256xi32>
  %v = blk.load %p : tensor<256x!blk.ptr<f32>>
  blk.local_store %v, %sums : !blk.local<tensor<256xf32>>
  %w = blk.local_load %sums : !blk.local<tensor<256xf32>>
  blk.store %p, %w : tensor<256x!blk.ptr<f32>>
  %r64 = blk.range : tensor<64xi32>
  %b64 = blk.splat %x : !blk.ptr<f32> -> tensor<64x!blk.ptr<f32>>
  %p64 = blk.addptr %b64, %r64 : tensor<64x!blk.ptr<f32>>, tensor<64xi32>
  blk.local_store %p64, %ptrs : !blk.local<tensor<64x!blk.ptr<f32>>>
  %p64_again = blk.local_load %ptrs : !blk.local<tensor<64x!blk.ptr<f32>>>
  %z = blk.load %p64_again : tensor<64x!blk.ptr<f32>>
  blk.store %p64_again, %z : tensor<64x!blk.ptr<f32>>
  return
}

// -----

// A kernel without local blocks has no dynamic shared memory and records
// none.
// CHECK-NOT: _local
// CHECK-NOT: _dynamic_shared_bytes
// CHECK-LABEL: gpu.func @none
func.func @none(%x: !blk.ptr<f32> {blk.divisibility = 16 : i32}) attributes {blk.num_warps = 1 : i32} {
  return
}
