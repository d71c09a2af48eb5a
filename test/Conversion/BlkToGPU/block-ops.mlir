// RUN: ln-opt %s -split-input-file --convert-blk-to-gpu | FileCheck %s

// Blocks become one value per slot of the thread's share of the block
// (Layout.cpp): range slots are computed from the thread's coordinates,
// splats share the scalar, expand_dims/broadcast recompute ranges, share
// splats, move registers when the distributions agree and go through the
// shared-memory arena otherwise.

// 256 elements over 4 warps: 2 consecutive elements per thread, the thread
// at (warp, lane) owning [(warp * 32 + lane) * 2, +2), shifted by start.
// CHECK-LABEL: gpu.func @range
// CHECK-SAME: (%[[P:.*]]: !llvm.ptr<1>)
// CHECK-SAME: known_block_size = array<i32: 128, 1, 1>
// CHECK: %[[TID:.*]] = gpu.thread_id x
// CHECK: %[[TID32:.*]] = arith.index_castui %[[TID]] : index to i32
// CHECK: %[[LANE:.*]] = arith.andi %[[TID32]], %{{.*}} : i32
// CHECK: %[[WARP:.*]] = arith.shrui %{{.*}}, %{{.*}} : i32
// CHECK: %[[LANE0:.*]] = arith.remui %[[LANE]], %{{.*}} : i32
// CHECK: %[[WARP0:.*]] = arith.remui %[[WARP]], %{{.*}} : i32
// CHECK: %[[WBASE:.*]] = arith.muli %[[WARP0]], %[[C32:.*]] : i32
// CHECK: %[[THREAD:.*]] = arith.addi %[[WBASE]], %[[LANE0]] : i32
// CHECK: %[[C2:.*]] = arith.constant 2 : i32
// CHECK: %[[BASE:.*]] = arith.muli %[[THREAD]], %[[C2]] : i32
// CHECK: %[[C16:.*]] = arith.constant 16 : i32
// CHECK: %[[V0:.*]] = arith.addi %[[BASE]], %[[C16]] : i32
// CHECK: %[[C17:.*]] = arith.constant 17 : i32
// CHECK: %[[V1:.*]] = arith.addi %[[BASE]], %[[C17]] : i32
// CHECK: %[[P0:.*]] = llvm.getelementptr %[[P]][%[[V0]]] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
// CHECK: %[[P1:.*]] = llvm.getelementptr %[[P]][%[[V1]]] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
// CHECK: %[[B0:.*]] = llvm.bitcast %[[V0]] : i32 to i32
// CHECK: %[[B1:.*]] = llvm.bitcast %[[V1]] : i32 to i32
// CHECK: llvm.inline_asm {{.*}}"st.global.v2.b32 [$0], {$1, $2};", "l,r,r" %[[P0]], %[[B0]], %[[B1]]
// CHECK-NOT: st.global
// CHECK: gpu.return
func.func @range(%P: !blk.ptr<i32> {blk.divisibility = 16 : i32}) attributes {blk.num_warps = 4 : i32} {
  %r = blk.range {start = 16 : i32} : tensor<256xi32>
  %Ps = blk.splat %P : !blk.ptr<i32> -> tensor<256x!blk.ptr<i32>>
  %p = blk.addptr %Ps, %r : tensor<256x!blk.ptr<i32>>, tensor<256xi32>
  blk.store %p, %r : tensor<256x!blk.ptr<i32>>
  return
}

// -----

// A splat is the scalar itself in every slot: 128 elements on one warp are
// 4 slots, a 4x128 tile 16.
// CHECK-LABEL: gpu.func @splat
// CHECK-SAME: (%[[V:.*]]: f32, %[[N:.*]]: i32)
// CHECK-COUNT-4: arith.addf %[[V]], %[[V]] : f32
// CHECK-NOT: arith.addf
// CHECK-COUNT-16: arith.addi %[[N]], %[[N]] : i32
// CHECK-NOT: arith.addi
// CHECK: gpu.return
func.func @splat(%v: f32, %n: i32) attributes {blk.num_warps = 1 : i32} {
  %s = blk.splat %v : f32 -> tensor<128xf32>
  %t = arith.addf %s, %s : tensor<128xf32>
  %u = blk.splat %n : i32 -> tensor<1x128xi32>
  %w = blk.broadcast %u : tensor<1x128xi32> -> tensor<4x128xi32>
  %z = arith.addi %w, %w : tensor<4x128xi32>
  return
}

// -----

// expand_dims + broadcast of a range: the 8x16 tile's slots are recomputed
// from the column coordinate (4 columns per thread, start 8), without
// moving data.
// CHECK-LABEL: gpu.func @range_broadcast
// CHECK-NOT: gpu.barrier
// CHECK: %[[C9:.*]] = arith.constant 9 : i32
// CHECK-NEXT: %[[S1:.*]] = arith.addi %[[COL:.*]], %[[C9]] : i32
// CHECK-NEXT: %[[C10:.*]] = arith.constant 10 : i32
// CHECK-NEXT: %[[S2:.*]] = arith.addi %[[COL]], %[[C10]] : i32
// CHECK-NEXT: %[[C11:.*]] = arith.constant 11 : i32
// CHECK-NEXT: %[[S3:.*]] = arith.addi %[[COL]], %[[C11]] : i32
// CHECK-NEXT: arith.addi %{{.*}}, %{{.*}} : i32
// CHECK-NEXT: arith.addi %[[S1]], %[[S1]] : i32
// CHECK-NEXT: arith.addi %[[S2]], %[[S2]] : i32
// CHECK-NEXT: arith.addi %[[S3]], %[[S3]] : i32
// CHECK-NEXT: gpu.return
func.func @range_broadcast() attributes {blk.num_warps = 1 : i32} {
  %r = blk.range {start = 8 : i32} : tensor<16xi32>
  %e = blk.expand_dims %r, 0 : tensor<16xi32> -> tensor<1x16xi32>
  %b = blk.broadcast %e : tensor<1x16xi32> -> tensor<8x16xi32>
  %x = arith.addi %b, %b : tensor<8x16xi32>
  return
}

// -----

// 64 -> 1x64 keeps every element in the same thread and slot: the loaded
// registers are stored as they are.
// CHECK-LABEL: gpu.func @expand_dims_registers
// CHECK-NOT: llvm.mlir.global
// CHECK: %[[P0:.*]] = llvm.getelementptr
// CHECK: %[[P1:.*]] = llvm.getelementptr
// CHECK: %[[L:.*]] = llvm.inline_asm {{.*}}"ld.global.v2.b32 {$0, $1}, [$2];", "=r,=r,l" %[[P0]]
// CHECK: %[[L0:.*]] = llvm.extractvalue %[[L]][0]
// CHECK: %[[L1:.*]] = llvm.extractvalue %[[L]][1]
// CHECK: %[[X0:.*]] = llvm.bitcast %[[L0]] : i32 to f32
// CHECK: %[[X1:.*]] = llvm.bitcast %[[L1]] : i32 to f32
// CHECK-NOT: gpu.barrier
// CHECK: %[[Y0:.*]] = llvm.bitcast %[[X0]] : f32 to i32
// CHECK-NEXT: %[[Y1:.*]] = llvm.bitcast %[[X1]] : f32 to i32
// CHECK-NEXT: llvm.inline_asm {{.*}}"st.global.v2.b32 [$0], {$1, $2};", "l,r,r" %[[P0]], %[[Y0]], %[[Y1]]
// CHECK-NEXT: gpu.return
func.func @expand_dims_registers(%X: !blk.ptr<f32> {blk.divisibility = 16 : i32}) attributes {blk.num_warps = 1 : i32} {
  %r = blk.range : tensor<64xi32>
  %Xs = blk.splat %X : !blk.ptr<f32> -> tensor<64x!blk.ptr<f32>>
  %xp = blk.addptr %Xs, %r : tensor<64x!blk.ptr<f32>>, tensor<64xi32>
  %x = blk.load %xp : tensor<64x!blk.ptr<f32>>
  %e = blk.expand_dims %x, 0 : tensor<64xf32> -> tensor<1x64xf32>
  %pe = blk.expand_dims %xp, 0 : tensor<64x!blk.ptr<f32>> -> tensor<1x64x!blk.ptr<f32>>
  blk.store %pe, %e : tensor<1x64x!blk.ptr<f32>>
  return
}

// -----

// 64 -> 64x1 changes owners (2 consecutive elements per thread become one
// element per thread in each of 2 row repeats): barrier, store to the
// arena, barrier, load. The arena fits the largest exchange: 64 pointers.
// CHECK: llvm.mlir.global internal @expand_dims_shared_shared() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<512 x i8>
// CHECK-LABEL: gpu.func @expand_dims_shared
// CHECK: %[[L:.*]] = llvm.inline_asm {{.*}}ld.global.v2.b32
// CHECK: %[[L0:.*]] = llvm.extractvalue %[[L]][0]
// CHECK: %[[L1:.*]] = llvm.extractvalue %[[L]][1]
// CHECK: %[[X0:.*]] = llvm.bitcast %[[L0]] : i32 to f32
// CHECK: %[[X1:.*]] = llvm.bitcast %[[L1]] : i32 to f32
// CHECK: gpu.barrier
// CHECK: %[[ARENA:.*]] = llvm.mlir.addressof @expand_dims_shared_shared : !llvm.ptr<3>
// CHECK: %[[W0:.*]] = llvm.getelementptr %[[ARENA]][%{{.*}}] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, f32
// CHECK: llvm.store %[[X0]], %[[W0]] : f32, !llvm.ptr<3>
// CHECK: %[[W1:.*]] = llvm.getelementptr %{{.*}}[%{{.*}}] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, f32
// CHECK: llvm.store %[[X1]], %[[W1]] : f32, !llvm.ptr<3>
// CHECK: gpu.barrier
// CHECK: %[[E0:.*]] = llvm.load %{{.*}} : !llvm.ptr<3> -> f32
// The second row repeat is 32 rows further.
// CHECK: %[[C32:.*]] = arith.constant 32 : i32
// CHECK-NEXT: %[[I1:.*]] = arith.addi %{{.*}}, %[[C32]] : i32
// CHECK: %[[R1:.*]] = llvm.getelementptr %{{.*}}[%[[I1]]] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, f32
// CHECK-NEXT: %[[E1:.*]] = llvm.load %[[R1]] : !llvm.ptr<3> -> f32
// The pointers take the same way.
// CHECK: gpu.barrier
// CHECK: llvm.store %{{.*}}, %{{.*}} : !llvm.ptr<1>, !llvm.ptr<3>
// CHECK: gpu.barrier
// CHECK: %[[Q0:.*]] = llvm.load %{{.*}} : !llvm.ptr<3> -> !llvm.ptr<1>
// CHECK: %[[Q1:.*]] = llvm.load %{{.*}} : !llvm.ptr<3> -> !llvm.ptr<1>
// CHECK: %[[Y0:.*]] = llvm.bitcast %[[E0]] : f32 to i32
// CHECK: llvm.inline_asm {{.*}}"st.global.b32 [$0], $1;", "l,r" %[[Q0]], %[[Y0]]
// CHECK: %[[Y1:.*]] = llvm.bitcast %[[E1]] : f32 to i32
// CHECK: llvm.inline_asm {{.*}}"st.global.b32 [$0], $1;", "l,r" %[[Q1]], %[[Y1]]
func.func @expand_dims_shared(%X: !blk.ptr<f32> {blk.divisibility = 16 : i32}) attributes {blk.num_warps = 1 : i32} {
  %r = blk.range : tensor<64xi32>
  %Xs = blk.splat %X : !blk.ptr<f32> -> tensor<64x!blk.ptr<f32>>
  %xp = blk.addptr %Xs, %r : tensor<64x!blk.ptr<f32>>, tensor<64xi32>
  %x = blk.load %xp : tensor<64x!blk.ptr<f32>>
  %e = blk.expand_dims %x, 1 : tensor<64xf32> -> tensor<64x1xf32>
  %pe = blk.expand_dims %xp, 1 : tensor<64x!blk.ptr<f32>> -> tensor<64x1x!blk.ptr<f32>>
  blk.store %pe, %e : tensor<64x1x!blk.ptr<f32>>
  return
}

// -----

// CHECK-LABEL: gpu.func @cast
// CHECK-SAME: (%[[H:.*]]: f16, %[[B:.*]]: bf16, %[[F:.*]]: f32, %[[I:.*]]: i32, %[[C:.*]]: i1)
// CHECK-NEXT: arith.extf %[[H]] : f16 to f32
// CHECK-NEXT: arith.truncf %[[F]] : f32 to f16
// f16 <-> bf16 goes through f32.
// CHECK-NEXT: %[[HW:.*]] = arith.extf %[[H]] : f16 to f32
// CHECK-NEXT: arith.truncf %[[HW]] : f32 to bf16
// CHECK-NEXT: %[[BW:.*]] = arith.extf %[[B]] : bf16 to f32
// CHECK-NEXT: arith.truncf %[[BW]] : f32 to f16
// CHECK-NEXT: arith.truncf %[[F]] : f32 to bf16
// CHECK-NEXT: arith.sitofp %[[I]] : i32 to f32
// CHECK-NEXT: arith.uitofp %[[C]] : i1 to f32
// CHECK-NEXT: arith.fptosi %[[F]] : f32 to i32
// CHECK-NEXT: arith.extsi %[[I]] : i32 to i64
// CHECK-NEXT: arith.trunci %[[I]] : i32 to i16
// CHECK-NEXT: arith.extui %[[C]] : i1 to i32
// A cast to the same type is no op; a block cast is one per slot.
// CHECK-NEXT: arith.extf %[[H]] : f16 to f32
// CHECK-NEXT: arith.extf %[[H]] : f16 to f32
// CHECK-NEXT: gpu.return
func.func @cast(%h: f16, %b: bf16, %f: f32, %i: i32, %c: i1) attributes {blk.num_warps = 1 : i32} {
  %0 = blk.cast %h : f16 to f32
  %1 = blk.cast %f : f32 to f16
  %2 = blk.cast %h : f16 to bf16
  %3 = blk.cast %b : bf16 to f16
  %4 = blk.cast %f : f32 to bf16
  %5 = blk.cast %i : i32 to f32
  %6 = blk.cast %c : i1 to f32
  %7 = blk.cast %f : f32 to i32
  %8 = blk.cast %i : i32 to i64
  %9 = blk.cast %i : i32 to i16
  %10 = blk.cast %c : i1 to i32
  %11 = blk.cast %f : f32 to f32
  %hs = blk.splat %h : f16 -> tensor<64xf16>
  %12 = blk.cast %hs : tensor<64xf16> to tensor<64xf32>
  return
}
