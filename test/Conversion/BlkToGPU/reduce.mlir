// RUN: ln-opt %s -split-input-file --convert-blk-to-gpu --canonicalize --cse | FileCheck %s

// blk.reduce: combine within the thread, then across lanes with butterfly
// shuffles (gpu.shuffle xor, offsets over the lane bits of the reduced
// axis), then across warps through the shared arena between two barriers;
// a 2-D reduction then redistributes its result through the arena.

// 1024 f32 over 4 warps: 8 values per thread combined in registers,
// shuffles 1..16, one partial per warp to the arena (16 bytes), every
// thread combining the 4.
// CHECK: llvm.mlir.global internal @sum_4_warps_shared() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<16 x i8>
// CHECK-LABEL: gpu.func @sum_4_warps
// CHECK-COUNT-7: arith.addf
// CHECK: %[[S1_0:.*]], %{{.*}} = gpu.shuffle xor %[[V1_0:.*]], %c1_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R1_0:.*]] = arith.addf %[[V1_0]], %[[S1_0]] : f32
// CHECK: %[[S2_0:.*]], %{{.*}} = gpu.shuffle xor %[[V2_0:.*]], %c2_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R2_0:.*]] = arith.addf %[[V2_0]], %[[S2_0]] : f32
// CHECK: %[[S4_0:.*]], %{{.*}} = gpu.shuffle xor %[[V4_0:.*]], %c4_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R4_0:.*]] = arith.addf %[[V4_0]], %[[S4_0]] : f32
// CHECK: %[[S8_0:.*]], %{{.*}} = gpu.shuffle xor %[[V8_0:.*]], %c8_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R8_0:.*]] = arith.addf %[[V8_0]], %[[S8_0]] : f32
// CHECK: %[[S16_0:.*]], %{{.*}} = gpu.shuffle xor %[[V16_0:.*]], %c16_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R16_0:.*]] = arith.addf %[[V16_0]], %[[S16_0]] : f32
// CHECK-NEXT: gpu.barrier
// CHECK-NEXT: %[[SLOT:.*]] = llvm.getelementptr %[[ARENA:.*]][%[[WARP:.*]]] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, f32
// CHECK-NEXT: llvm.store %[[R16_0]], %[[SLOT]] : f32, !llvm.ptr<3>
// CHECK-NEXT: gpu.barrier
// CHECK-NEXT: %[[P0:.*]] = llvm.load %[[ARENA]] : !llvm.ptr<3> -> f32
// CHECK-NEXT: llvm.getelementptr %[[ARENA]][1]
// CHECK-NEXT: %[[P1:.*]] = llvm.load
// CHECK-NEXT: %[[S01:.*]] = arith.addf %[[P0]], %[[P1]] : f32
// CHECK-NEXT: llvm.getelementptr %[[ARENA]][2]
// CHECK-NEXT: %[[P2:.*]] = llvm.load
// CHECK-NEXT: %[[S012:.*]] = arith.addf %[[S01]], %[[P2]] : f32
// CHECK-NEXT: llvm.getelementptr %[[ARENA]][3]
// CHECK-NEXT: %[[P3:.*]] = llvm.load
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[S012]], %[[P3]] : f32
// CHECK-NOT: gpu.barrier
// CHECK: %[[BITS:.*]] = llvm.bitcast %[[SUM]] : f32 to i32
// CHECK-NEXT: st.global.b32 {{.*}} %{{.*}}, %[[BITS]]
func.func @sum_4_warps(%X: !blk.ptr<f32> {blk.divisibility = 16 : i32}, %Y: !blk.ptr<f32> {blk.divisibility = 16 : i32}) attributes {blk.num_warps = 4 : i32} {
  %r = blk.range : tensor<1024xi32>
  %Xs = blk.splat %X : !blk.ptr<f32> -> tensor<1024x!blk.ptr<f32>>
  %p = blk.addptr %Xs, %r : tensor<1024x!blk.ptr<f32>>, tensor<1024xi32>
  %x = blk.load %p : tensor<1024x!blk.ptr<f32>>
  %s = blk.reduce %x axis 0 : tensor<1024xf32> -> f32 {
  ^bb0(%a: f32, %b: f32):
    %t = arith.addf %a, %b : f32
    blk.yield %t : f32
  }
  blk.store %Y, %s : !blk.ptr<f32>
  return
}

// -----

// One warp: the butterfly leaves the sum in every lane; no barrier, no
// shared memory.
// CHECK-NOT: llvm.mlir.global
// CHECK-LABEL: gpu.func @sum_1_warp
// CHECK: %[[S1_0:.*]], %{{.*}} = gpu.shuffle xor %[[V1_0:.*]], %c1_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R1_0:.*]] = arith.addf %[[V1_0]], %[[S1_0]] : f32
// CHECK: %[[S2_0:.*]], %{{.*}} = gpu.shuffle xor %[[V2_0:.*]], %c2_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R2_0:.*]] = arith.addf %[[V2_0]], %[[S2_0]] : f32
// CHECK: %[[S4_0:.*]], %{{.*}} = gpu.shuffle xor %[[V4_0:.*]], %c4_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R4_0:.*]] = arith.addf %[[V4_0]], %[[S4_0]] : f32
// CHECK: %[[S8_0:.*]], %{{.*}} = gpu.shuffle xor %[[V8_0:.*]], %c8_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R8_0:.*]] = arith.addf %[[V8_0]], %[[S8_0]] : f32
// CHECK: %[[S16_0:.*]], %{{.*}} = gpu.shuffle xor %[[V16_0:.*]], %c16_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R16_0:.*]] = arith.addf %[[V16_0]], %[[S16_0]] : f32
// CHECK-NOT: gpu.barrier
// CHECK-NOT: !llvm.ptr<3>
// CHECK: gpu.return
func.func @sum_1_warp(%X: !blk.ptr<f32> {blk.divisibility = 16 : i32}, %Y: !blk.ptr<f32> {blk.divisibility = 16 : i32}) attributes {blk.num_warps = 1 : i32} {
  %r = blk.range : tensor<256xi32>
  %Xs = blk.splat %X : !blk.ptr<f32> -> tensor<256x!blk.ptr<f32>>
  %p = blk.addptr %Xs, %r : tensor<256x!blk.ptr<f32>>, tensor<256xi32>
  %x = blk.load %p : tensor<256x!blk.ptr<f32>>
  %s = blk.reduce %x axis 0 : tensor<256xf32> -> f32 {
  ^bb0(%a: f32, %b: f32):
    %t = arith.addf %a, %b : f32
    blk.yield %t : f32
  }
  blk.store %Y, %s : !blk.ptr<f32>
  return
}

// -----

// A max combiner on i32 with 8 warps: the combiner region is what is
// inlined at every step; 8 partials in the arena.
// CHECK: llvm.mlir.global internal @max_8_warps_shared() {{.*}} : !llvm.array<32 x i8>
// CHECK-LABEL: gpu.func @max_8_warps
// CHECK: %[[S1_0:.*]], %{{.*}} = gpu.shuffle xor %[[V1_0:.*]], %c1_i32, %c32_i32 : i32
// CHECK-NEXT: %[[R1_0:.*]] = arith.maxsi %[[V1_0]], %[[S1_0]] : i32
// CHECK: %[[S2_0:.*]], %{{.*}} = gpu.shuffle xor %[[V2_0:.*]], %c2_i32, %c32_i32 : i32
// CHECK-NEXT: %[[R2_0:.*]] = arith.maxsi %[[V2_0]], %[[S2_0]] : i32
// CHECK: %[[S4_0:.*]], %{{.*}} = gpu.shuffle xor %[[V4_0:.*]], %c4_i32, %c32_i32 : i32
// CHECK-NEXT: %[[R4_0:.*]] = arith.maxsi %[[V4_0]], %[[S4_0]] : i32
// CHECK: %[[S8_0:.*]], %{{.*}} = gpu.shuffle xor %[[V8_0:.*]], %c8_i32, %c32_i32 : i32
// CHECK-NEXT: %[[R8_0:.*]] = arith.maxsi %[[V8_0]], %[[S8_0]] : i32
// CHECK: %[[S16_0:.*]], %{{.*}} = gpu.shuffle xor %[[V16_0:.*]], %c16_i32, %c32_i32 : i32
// CHECK-NEXT: %[[R16_0:.*]] = arith.maxsi %[[V16_0]], %[[S16_0]] : i32
// CHECK-NOT: gpu.shuffle
// CHECK: gpu.barrier
// CHECK-NEXT: llvm.getelementptr
// CHECK-NEXT: llvm.store %{{.*}}, %{{.*}} : i32, !llvm.ptr<3>
// CHECK-NEXT: gpu.barrier
// CHECK-COUNT-8: llvm.load %{{.*}} : !llvm.ptr<3> -> i32
// CHECK-NOT: llvm.load %{{.*}} : !llvm.ptr<3>
// CHECK-NOT: arith.addi
// CHECK: gpu.return
func.func @max_8_warps(%X: !blk.ptr<i32> {blk.divisibility = 16 : i32}, %Y: !blk.ptr<i32> {blk.divisibility = 16 : i32}) attributes {blk.num_warps = 8 : i32} {
  %r = blk.range : tensor<2048xi32>
  %Xs = blk.splat %X : !blk.ptr<i32> -> tensor<2048x!blk.ptr<i32>>
  %p = blk.addptr %Xs, %r : tensor<2048x!blk.ptr<i32>>, tensor<2048xi32>
  %x = blk.load %p : tensor<2048x!blk.ptr<i32>>
  %s = blk.reduce %x axis 0 : tensor<2048xi32> -> i32 {
  ^bb0(%a: i32, %b: i32):
    %t = arith.maxsi %a, %b : i32
    blk.yield %t : i32
  }
  blk.store %Y, %s : !blk.ptr<i32>
  return
}

// -----

// 32 warps (1024 threads): 32 partials.
// CHECK: llvm.mlir.global internal @sum_32_warps_shared() {{.*}} : !llvm.array<128 x i8>
// CHECK-LABEL: gpu.func @sum_32_warps
// CHECK-SAME: known_block_size = array<i32: 1024, 1, 1>
// CHECK: %[[S1_0:.*]], %{{.*}} = gpu.shuffle xor %[[V1_0:.*]], %c1_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R1_0:.*]] = arith.addf %[[V1_0]], %[[S1_0]] : f32
// CHECK: %[[S2_0:.*]], %{{.*}} = gpu.shuffle xor %[[V2_0:.*]], %c2_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R2_0:.*]] = arith.addf %[[V2_0]], %[[S2_0]] : f32
// CHECK: %[[S4_0:.*]], %{{.*}} = gpu.shuffle xor %[[V4_0:.*]], %c4_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R4_0:.*]] = arith.addf %[[V4_0]], %[[S4_0]] : f32
// CHECK: %[[S8_0:.*]], %{{.*}} = gpu.shuffle xor %[[V8_0:.*]], %c8_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R8_0:.*]] = arith.addf %[[V8_0]], %[[S8_0]] : f32
// CHECK: %[[S16_0:.*]], %{{.*}} = gpu.shuffle xor %[[V16_0:.*]], %c16_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R16_0:.*]] = arith.addf %[[V16_0]], %[[S16_0]] : f32
// CHECK: gpu.barrier
// CHECK: llvm.store %{{.*}}, %{{.*}} : f32, !llvm.ptr<3>
// CHECK-NEXT: gpu.barrier
// CHECK-COUNT-32: llvm.load %{{.*}} : !llvm.ptr<3> -> f32
// CHECK-NOT: llvm.load %{{.*}} : !llvm.ptr<3>
// CHECK: gpu.return
func.func @sum_32_warps(%X: !blk.ptr<f32> {blk.divisibility = 16 : i32}, %Y: !blk.ptr<f32> {blk.divisibility = 16 : i32}) attributes {blk.num_warps = 32 : i32} {
  %r = blk.range : tensor<4096xi32>
  %Xs = blk.splat %X : !blk.ptr<f32> -> tensor<4096x!blk.ptr<f32>>
  %p = blk.addptr %Xs, %r : tensor<4096x!blk.ptr<f32>>, tensor<4096xi32>
  %x = blk.load %p : tensor<4096x!blk.ptr<f32>>
  %s = blk.reduce %x axis 0 : tensor<4096xf32> -> f32 {
  ^bb0(%a: f32, %b: f32):
    %t = arith.addf %a, %b : f32
    blk.yield %t : f32
  }
  blk.store %Y, %s : !blk.ptr<f32>
  return
}

// -----

// 64x8 on one warp, axis 0: 4 columns per thread, 2 lanes per row
// (lane bit 0) and 16 down the columns (lane bits 1-4): shuffles 2..16 for
// each of the thread's 4 columns, no cross-warp step, then the 8 column
// sums are redistributed to the 1-D layout through the arena.
// CHECK-LABEL: gpu.func @axis0_lanes
// CHECK-NOT: gpu.shuffle xor %{{.*}}, %c1_i32
// CHECK: %[[S2_0:.*]], %{{.*}} = gpu.shuffle xor %[[V2_0:.*]], %c2_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R2_0:.*]] = arith.addf %[[V2_0]], %[[S2_0]] : f32
// CHECK: %[[S2_1:.*]], %{{.*}} = gpu.shuffle xor %[[V2_1:.*]], %c2_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R2_1:.*]] = arith.addf %[[V2_1]], %[[S2_1]] : f32
// CHECK: %[[S2_2:.*]], %{{.*}} = gpu.shuffle xor %[[V2_2:.*]], %c2_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R2_2:.*]] = arith.addf %[[V2_2]], %[[S2_2]] : f32
// CHECK: %[[S2_3:.*]], %{{.*}} = gpu.shuffle xor %[[V2_3:.*]], %c2_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R2_3:.*]] = arith.addf %[[V2_3]], %[[S2_3]] : f32
// CHECK: %[[S4_0:.*]], %{{.*}} = gpu.shuffle xor %[[V4_0:.*]], %c4_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R4_0:.*]] = arith.addf %[[V4_0]], %[[S4_0]] : f32
// CHECK: %[[S4_1:.*]], %{{.*}} = gpu.shuffle xor %[[V4_1:.*]], %c4_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R4_1:.*]] = arith.addf %[[V4_1]], %[[S4_1]] : f32
// CHECK: %[[S4_2:.*]], %{{.*}} = gpu.shuffle xor %[[V4_2:.*]], %c4_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R4_2:.*]] = arith.addf %[[V4_2]], %[[S4_2]] : f32
// CHECK: %[[S4_3:.*]], %{{.*}} = gpu.shuffle xor %[[V4_3:.*]], %c4_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R4_3:.*]] = arith.addf %[[V4_3]], %[[S4_3]] : f32
// CHECK: %[[S8_0:.*]], %{{.*}} = gpu.shuffle xor %[[V8_0:.*]], %c8_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R8_0:.*]] = arith.addf %[[V8_0]], %[[S8_0]] : f32
// CHECK: %[[S8_1:.*]], %{{.*}} = gpu.shuffle xor %[[V8_1:.*]], %c8_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R8_1:.*]] = arith.addf %[[V8_1]], %[[S8_1]] : f32
// CHECK: %[[S8_2:.*]], %{{.*}} = gpu.shuffle xor %[[V8_2:.*]], %c8_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R8_2:.*]] = arith.addf %[[V8_2]], %[[S8_2]] : f32
// CHECK: %[[S8_3:.*]], %{{.*}} = gpu.shuffle xor %[[V8_3:.*]], %c8_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R8_3:.*]] = arith.addf %[[V8_3]], %[[S8_3]] : f32
// CHECK: %[[S16_0:.*]], %{{.*}} = gpu.shuffle xor %[[V16_0:.*]], %c16_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R16_0:.*]] = arith.addf %[[V16_0]], %[[S16_0]] : f32
// CHECK: %[[S16_1:.*]], %{{.*}} = gpu.shuffle xor %[[V16_1:.*]], %c16_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R16_1:.*]] = arith.addf %[[V16_1]], %[[S16_1]] : f32
// CHECK: %[[S16_2:.*]], %{{.*}} = gpu.shuffle xor %[[V16_2:.*]], %c16_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R16_2:.*]] = arith.addf %[[V16_2]], %[[S16_2]] : f32
// CHECK: %[[S16_3:.*]], %{{.*}} = gpu.shuffle xor %[[V16_3:.*]], %c16_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R16_3:.*]] = arith.addf %[[V16_3]], %[[S16_3]] : f32
// CHECK-NOT: gpu.shuffle
// CHECK: gpu.barrier
// CHECK-COUNT-4: llvm.store %{{.*}}, %{{.*}} : f32, !llvm.ptr<3>
// CHECK-NEXT: gpu.barrier
// CHECK: llvm.load %{{.*}} : !llvm.ptr<3> -> f32
// CHECK-NOT: gpu.barrier
// CHECK: gpu.return
func.func @axis0_lanes(%X: !blk.ptr<f32> {blk.divisibility = 16 : i32}, %Y: !blk.ptr<f32> {blk.divisibility = 16 : i32}) attributes {blk.num_warps = 1 : i32} {
  %rows = blk.range : tensor<64xi32>
  %cols = blk.range : tensor<8xi32>
  %r1 = blk.expand_dims %rows, 1 : tensor<64xi32> -> tensor<64x1xi32>
  %r2 = blk.broadcast %r1 : tensor<64x1xi32> -> tensor<64x8xi32>
  %c1 = blk.expand_dims %cols, 0 : tensor<8xi32> -> tensor<1x8xi32>
  %c2 = blk.broadcast %c1 : tensor<1x8xi32> -> tensor<64x8xi32>
  %stride = arith.constant dense<8> : tensor<64x8xi32>
  %ro = arith.muli %r2, %stride : tensor<64x8xi32>
  %o = arith.addi %ro, %c2 : tensor<64x8xi32>
  %Xs = blk.splat %X : !blk.ptr<f32> -> tensor<64x8x!blk.ptr<f32>>
  %p = blk.addptr %Xs, %o : tensor<64x8x!blk.ptr<f32>>, tensor<64x8xi32>
  %x = blk.load %p : tensor<64x8x!blk.ptr<f32>>
  %s = blk.reduce %x axis 0 : tensor<64x8xf32> -> tensor<8xf32> {
  ^bb0(%a: f32, %b: f32):
    %u = arith.addf %a, %b : f32
    blk.yield %u : f32
  }
  %k = blk.range : tensor<8xi32>
  %Ys = blk.splat %Y : !blk.ptr<f32> -> tensor<8x!blk.ptr<f32>>
  %q = blk.addptr %Ys, %k : tensor<8x!blk.ptr<f32>>, tensor<8xi32>
  blk.store %q, %s : tensor<8x!blk.ptr<f32>>
  return
}

// -----

// 32x128 over 4 warps, axis 1 (max): each thread holds 4 consecutive
// columns of 8 rows; a row lies in one warp, so the 8 row partials go
// through shuffles 1..16 and need no cross-warp step; then 32 row maxima
// are redistributed (one barrier pair).
// CHECK-LABEL: gpu.func @axis1_max
// CHECK-COUNT-24: arith.maximumf
// CHECK: %[[S1_0:.*]], %{{.*}} = gpu.shuffle xor %[[V1_0:.*]], %c1_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R1_0:.*]] = arith.maximumf %[[V1_0]], %[[S1_0]] : f32
// CHECK: %[[S1_1:.*]], %{{.*}} = gpu.shuffle xor %[[V1_1:.*]], %c1_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R1_1:.*]] = arith.maximumf %[[V1_1]], %[[S1_1]] : f32
// CHECK: %[[S1_2:.*]], %{{.*}} = gpu.shuffle xor %[[V1_2:.*]], %c1_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R1_2:.*]] = arith.maximumf %[[V1_2]], %[[S1_2]] : f32
// CHECK: %[[S1_3:.*]], %{{.*}} = gpu.shuffle xor %[[V1_3:.*]], %c1_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R1_3:.*]] = arith.maximumf %[[V1_3]], %[[S1_3]] : f32
// CHECK: %[[S1_4:.*]], %{{.*}} = gpu.shuffle xor %[[V1_4:.*]], %c1_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R1_4:.*]] = arith.maximumf %[[V1_4]], %[[S1_4]] : f32
// CHECK: %[[S1_5:.*]], %{{.*}} = gpu.shuffle xor %[[V1_5:.*]], %c1_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R1_5:.*]] = arith.maximumf %[[V1_5]], %[[S1_5]] : f32
// CHECK: %[[S1_6:.*]], %{{.*}} = gpu.shuffle xor %[[V1_6:.*]], %c1_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R1_6:.*]] = arith.maximumf %[[V1_6]], %[[S1_6]] : f32
// CHECK: %[[S1_7:.*]], %{{.*}} = gpu.shuffle xor %[[V1_7:.*]], %c1_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R1_7:.*]] = arith.maximumf %[[V1_7]], %[[S1_7]] : f32
// CHECK: %[[S2_0:.*]], %{{.*}} = gpu.shuffle xor %[[V2_0:.*]], %c2_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R2_0:.*]] = arith.maximumf %[[V2_0]], %[[S2_0]] : f32
// CHECK: %[[S2_1:.*]], %{{.*}} = gpu.shuffle xor %[[V2_1:.*]], %c2_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R2_1:.*]] = arith.maximumf %[[V2_1]], %[[S2_1]] : f32
// CHECK: %[[S2_2:.*]], %{{.*}} = gpu.shuffle xor %[[V2_2:.*]], %c2_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R2_2:.*]] = arith.maximumf %[[V2_2]], %[[S2_2]] : f32
// CHECK: %[[S2_3:.*]], %{{.*}} = gpu.shuffle xor %[[V2_3:.*]], %c2_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R2_3:.*]] = arith.maximumf %[[V2_3]], %[[S2_3]] : f32
// CHECK: %[[S2_4:.*]], %{{.*}} = gpu.shuffle xor %[[V2_4:.*]], %c2_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R2_4:.*]] = arith.maximumf %[[V2_4]], %[[S2_4]] : f32
// CHECK: %[[S2_5:.*]], %{{.*}} = gpu.shuffle xor %[[V2_5:.*]], %c2_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R2_5:.*]] = arith.maximumf %[[V2_5]], %[[S2_5]] : f32
// CHECK: %[[S2_6:.*]], %{{.*}} = gpu.shuffle xor %[[V2_6:.*]], %c2_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R2_6:.*]] = arith.maximumf %[[V2_6]], %[[S2_6]] : f32
// CHECK: %[[S2_7:.*]], %{{.*}} = gpu.shuffle xor %[[V2_7:.*]], %c2_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R2_7:.*]] = arith.maximumf %[[V2_7]], %[[S2_7]] : f32
// CHECK: %[[S4_0:.*]], %{{.*}} = gpu.shuffle xor %[[V4_0:.*]], %c4_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R4_0:.*]] = arith.maximumf %[[V4_0]], %[[S4_0]] : f32
// CHECK: %[[S4_1:.*]], %{{.*}} = gpu.shuffle xor %[[V4_1:.*]], %c4_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R4_1:.*]] = arith.maximumf %[[V4_1]], %[[S4_1]] : f32
// CHECK: %[[S4_2:.*]], %{{.*}} = gpu.shuffle xor %[[V4_2:.*]], %c4_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R4_2:.*]] = arith.maximumf %[[V4_2]], %[[S4_2]] : f32
// CHECK: %[[S4_3:.*]], %{{.*}} = gpu.shuffle xor %[[V4_3:.*]], %c4_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R4_3:.*]] = arith.maximumf %[[V4_3]], %[[S4_3]] : f32
// CHECK: %[[S4_4:.*]], %{{.*}} = gpu.shuffle xor %[[V4_4:.*]], %c4_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R4_4:.*]] = arith.maximumf %[[V4_4]], %[[S4_4]] : f32
// CHECK: %[[S4_5:.*]], %{{.*}} = gpu.shuffle xor %[[V4_5:.*]], %c4_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R4_5:.*]] = arith.maximumf %[[V4_5]], %[[S4_5]] : f32
// CHECK: %[[S4_6:.*]], %{{.*}} = gpu.shuffle xor %[[V4_6:.*]], %c4_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R4_6:.*]] = arith.maximumf %[[V4_6]], %[[S4_6]] : f32
// CHECK: %[[S4_7:.*]], %{{.*}} = gpu.shuffle xor %[[V4_7:.*]], %c4_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R4_7:.*]] = arith.maximumf %[[V4_7]], %[[S4_7]] : f32
// CHECK: %[[S8_0:.*]], %{{.*}} = gpu.shuffle xor %[[V8_0:.*]], %c8_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R8_0:.*]] = arith.maximumf %[[V8_0]], %[[S8_0]] : f32
// CHECK: %[[S8_1:.*]], %{{.*}} = gpu.shuffle xor %[[V8_1:.*]], %c8_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R8_1:.*]] = arith.maximumf %[[V8_1]], %[[S8_1]] : f32
// CHECK: %[[S8_2:.*]], %{{.*}} = gpu.shuffle xor %[[V8_2:.*]], %c8_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R8_2:.*]] = arith.maximumf %[[V8_2]], %[[S8_2]] : f32
// CHECK: %[[S8_3:.*]], %{{.*}} = gpu.shuffle xor %[[V8_3:.*]], %c8_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R8_3:.*]] = arith.maximumf %[[V8_3]], %[[S8_3]] : f32
// CHECK: %[[S8_4:.*]], %{{.*}} = gpu.shuffle xor %[[V8_4:.*]], %c8_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R8_4:.*]] = arith.maximumf %[[V8_4]], %[[S8_4]] : f32
// CHECK: %[[S8_5:.*]], %{{.*}} = gpu.shuffle xor %[[V8_5:.*]], %c8_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R8_5:.*]] = arith.maximumf %[[V8_5]], %[[S8_5]] : f32
// CHECK: %[[S8_6:.*]], %{{.*}} = gpu.shuffle xor %[[V8_6:.*]], %c8_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R8_6:.*]] = arith.maximumf %[[V8_6]], %[[S8_6]] : f32
// CHECK: %[[S8_7:.*]], %{{.*}} = gpu.shuffle xor %[[V8_7:.*]], %c8_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R8_7:.*]] = arith.maximumf %[[V8_7]], %[[S8_7]] : f32
// CHECK: %[[S16_0:.*]], %{{.*}} = gpu.shuffle xor %[[V16_0:.*]], %c16_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R16_0:.*]] = arith.maximumf %[[V16_0]], %[[S16_0]] : f32
// CHECK: %[[S16_1:.*]], %{{.*}} = gpu.shuffle xor %[[V16_1:.*]], %c16_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R16_1:.*]] = arith.maximumf %[[V16_1]], %[[S16_1]] : f32
// CHECK: %[[S16_2:.*]], %{{.*}} = gpu.shuffle xor %[[V16_2:.*]], %c16_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R16_2:.*]] = arith.maximumf %[[V16_2]], %[[S16_2]] : f32
// CHECK: %[[S16_3:.*]], %{{.*}} = gpu.shuffle xor %[[V16_3:.*]], %c16_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R16_3:.*]] = arith.maximumf %[[V16_3]], %[[S16_3]] : f32
// CHECK: %[[S16_4:.*]], %{{.*}} = gpu.shuffle xor %[[V16_4:.*]], %c16_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R16_4:.*]] = arith.maximumf %[[V16_4]], %[[S16_4]] : f32
// CHECK: %[[S16_5:.*]], %{{.*}} = gpu.shuffle xor %[[V16_5:.*]], %c16_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R16_5:.*]] = arith.maximumf %[[V16_5]], %[[S16_5]] : f32
// CHECK: %[[S16_6:.*]], %{{.*}} = gpu.shuffle xor %[[V16_6:.*]], %c16_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R16_6:.*]] = arith.maximumf %[[V16_6]], %[[S16_6]] : f32
// CHECK: %[[S16_7:.*]], %{{.*}} = gpu.shuffle xor %[[V16_7:.*]], %c16_i32, %c32_i32 : f32
// CHECK-NEXT: %[[R16_7:.*]] = arith.maximumf %[[V16_7]], %[[S16_7]] : f32
// CHECK-NOT: gpu.shuffle
// CHECK: gpu.barrier
// CHECK-COUNT-8: llvm.store %{{.*}}, %{{.*}} : f32, !llvm.ptr<3>
// CHECK-NEXT: gpu.barrier
// CHECK-NOT: gpu.barrier
// CHECK: gpu.return
func.func @axis1_max(%X: !blk.ptr<f32> {blk.divisibility = 16 : i32}, %Y: !blk.ptr<f32> {blk.divisibility = 16 : i32}) attributes {blk.num_warps = 4 : i32} {
  %rows = blk.range : tensor<32xi32>
  %cols = blk.range : tensor<128xi32>
  %r1 = blk.expand_dims %rows, 1 : tensor<32xi32> -> tensor<32x1xi32>
  %r2 = blk.broadcast %r1 : tensor<32x1xi32> -> tensor<32x128xi32>
  %c1 = blk.expand_dims %cols, 0 : tensor<128xi32> -> tensor<1x128xi32>
  %c2 = blk.broadcast %c1 : tensor<1x128xi32> -> tensor<32x128xi32>
  %stride = arith.constant dense<128> : tensor<32x128xi32>
  %ro = arith.muli %r2, %stride : tensor<32x128xi32>
  %o = arith.addi %ro, %c2 : tensor<32x128xi32>
  %Xs = blk.splat %X : !blk.ptr<f32> -> tensor<32x128x!blk.ptr<f32>>
  %p = blk.addptr %Xs, %o : tensor<32x128x!blk.ptr<f32>>, tensor<32x128xi32>
  %x = blk.load %p : tensor<32x128x!blk.ptr<f32>>
  %s = blk.reduce %x axis 1 : tensor<32x128xf32> -> tensor<32xf32> {
  ^bb0(%a: f32, %b: f32):
    %u = arith.maximumf %a, %b : f32
    blk.yield %u : f32
  }
  %k = blk.range : tensor<32xi32>
  %Ys = blk.splat %Y : !blk.ptr<f32> -> tensor<32x!blk.ptr<f32>>
  %q = blk.addptr %Ys, %k : tensor<32x!blk.ptr<f32>>, tensor<32xi32>
  blk.store %q, %s : tensor<32x!blk.ptr<f32>>
  return
}

// -----

// 32x128 over 4 warps, axis 0: each warp owns 8 of the rows, a thread 4
// columns; no lane splits a column, so no shuffles; the 4 column partials
// of each of the 4 warps meet in the arena (4 x 128 f32), then the column
// sums are redistributed.
// CHECK: llvm.mlir.global internal @axis0_warps_shared() {{.*}} : !llvm.array<2048 x i8>
// CHECK-LABEL: gpu.func @axis0_warps
// CHECK-NOT: gpu.shuffle
// CHECK: gpu.barrier
// CHECK-COUNT-4: llvm.store %{{.*}}, %{{.*}} : f32, !llvm.ptr<3>
// CHECK-NEXT: gpu.barrier
// CHECK-COUNT-16: llvm.load %{{.*}} : !llvm.ptr<3> -> f32
// CHECK: gpu.barrier
// CHECK-COUNT-4: llvm.store %{{.*}}, %{{.*}} : f32, !llvm.ptr<3>
// CHECK-NEXT: gpu.barrier
// CHECK-NOT: gpu.barrier
// CHECK: gpu.return
func.func @axis0_warps(%X: !blk.ptr<f32> {blk.divisibility = 16 : i32}, %Y: !blk.ptr<f32> {blk.divisibility = 16 : i32}) attributes {blk.num_warps = 4 : i32} {
  %rows = blk.range : tensor<32xi32>
  %cols = blk.range : tensor<128xi32>
  %r1 = blk.expand_dims %rows, 1 : tensor<32xi32> -> tensor<32x1xi32>
  %r2 = blk.broadcast %r1 : tensor<32x1xi32> -> tensor<32x128xi32>
  %c1 = blk.expand_dims %cols, 0 : tensor<128xi32> -> tensor<1x128xi32>
  %c2 = blk.broadcast %c1 : tensor<1x128xi32> -> tensor<32x128xi32>
  %stride = arith.constant dense<128> : tensor<32x128xi32>
  %ro = arith.muli %r2, %stride : tensor<32x128xi32>
  %o = arith.addi %ro, %c2 : tensor<32x128xi32>
  %Xs = blk.splat %X : !blk.ptr<f32> -> tensor<32x128x!blk.ptr<f32>>
  %p = blk.addptr %Xs, %o : tensor<32x128x!blk.ptr<f32>>, tensor<32x128xi32>
  %x = blk.load %p : tensor<32x128x!blk.ptr<f32>>
  %s = blk.reduce %x axis 0 : tensor<32x128xf32> -> tensor<128xf32> {
  ^bb0(%a: f32, %b: f32):
    %u = arith.addf %a, %b : f32
    blk.yield %u : f32
  }
  %k = blk.range : tensor<128xi32>
  %Ys = blk.splat %Y : !blk.ptr<f32> -> tensor<128x!blk.ptr<f32>>
  %q = blk.addptr %Ys, %k : tensor<128x!blk.ptr<f32>>, tensor<128xi32>
  blk.store %q, %s : tensor<128x!blk.ptr<f32>>
  return
}

// -----

// A block that is not a power of two, over a number of warps that is not
// either: 2304 f32 over 9 warps is 4 values a thread, 32 lanes, 9 warps,
// repeated once more (8 values a thread: 7 adds); the 9 warps' partials
// (36 bytes of arena) are combined by every thread.
// CHECK: llvm.mlir.global internal @sum_9_warps_shared() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<36 x i8>
// CHECK-LABEL: gpu.func @sum_9_warps
// CHECK-SAME: known_block_size = array<i32: 288, 1, 1>
// CHECK-COUNT-7: arith.addf
// CHECK: gpu.shuffle xor %{{.*}}, %c1_i32, %c32_i32 : f32
// CHECK: gpu.shuffle xor %{{.*}}, %c16_i32, %c32_i32 : f32
// CHECK: gpu.barrier
// CHECK: llvm.store
// CHECK: gpu.barrier
// CHECK-COUNT-9: llvm.load {{.*}} : !llvm.ptr<3> -> f32
// CHECK-NOT: llvm.load {{.*}} : !llvm.ptr<3>
// CHECK: gpu.return
func.func @sum_9_warps(%X: !blk.ptr<f32> {blk.divisibility = 16 : i32}, %Y: !blk.ptr<f32> {blk.divisibility = 16 : i32}) attributes {blk.num_warps = 9 : i32} {
  %r = blk.range : tensor<2304xi32>
  %Xs = blk.splat %X : !blk.ptr<f32> -> tensor<2304x!blk.ptr<f32>>
  %p = blk.addptr %Xs, %r : tensor<2304x!blk.ptr<f32>>, tensor<2304xi32>
  %x = blk.load %p : tensor<2304x!blk.ptr<f32>>
  %s = blk.reduce %x axis 0 : tensor<2304xf32> -> f32 {
  ^bb0(%a: f32, %b: f32):
    %t = arith.addf %a, %b : f32
    blk.yield %t : f32
  }
  blk.store %Y, %s : !blk.ptr<f32>
  return
}

// -----

// Two blocks reduced together (the sum and the sum of squares of 1024 f32
// over 4 warps): one butterfly step shuffles both, and the warps' partials
// of both go through the arena between one pair of barriers, side by side
// (16 bytes each); every thread then combines the 4 pairs.
// CHECK: llvm.mlir.global internal @sum_and_squares_shared() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<32 x i8>
// CHECK-LABEL: gpu.func @sum_and_squares
// CHECK: gpu.shuffle xor %{{.*}}, %c1_i32, %c32_i32 : f32
// CHECK: gpu.shuffle xor %{{.*}}, %c1_i32, %c32_i32 : f32
// CHECK: gpu.shuffle xor %{{.*}}, %c16_i32, %c32_i32 : f32
// CHECK: gpu.shuffle xor %{{.*}}, %c16_i32, %c32_i32 : f32
// CHECK: gpu.barrier
// CHECK-NOT: gpu.barrier
// CHECK-COUNT-2: llvm.store
// CHECK-NEXT: gpu.barrier
// CHECK-NOT: gpu.barrier
// CHECK-COUNT-8: llvm.load {{.*}} : !llvm.ptr<3> -> f32
// CHECK-NOT: gpu.barrier
// CHECK: gpu.return
func.func @sum_and_squares(%X: !blk.ptr<f32> {blk.divisibility = 16 : i32}, %Y: !blk.ptr<f32> {blk.divisibility = 16 : i32}) attributes {blk.num_warps = 4 : i32} {
  %r = blk.range : tensor<1024xi32>
  %Xs = blk.splat %X : !blk.ptr<f32> -> tensor<1024x!blk.ptr<f32>>
  %p = blk.addptr %Xs, %r : tensor<1024x!blk.ptr<f32>>, tensor<1024xi32>
  %x = blk.load %p : tensor<1024x!blk.ptr<f32>>
  %x2 = arith.mulf %x, %x : tensor<1024xf32>
  %s, %q = blk.reduce %x, %x2 axis 0 : tensor<1024xf32>, tensor<1024xf32> -> f32, f32 {
  ^bb0(%a: f32, %a2: f32, %b: f32, %b2: f32):
    %t = arith.addf %a, %b : f32
    %t2 = arith.addf %a2, %b2 : f32
    blk.yield %t, %t2 : f32, f32
  }
  %d = arith.subf %q, %s : f32
  blk.store %Y, %d : !blk.ptr<f32>
  return
}

// -----

// A pair of different types along axis 1 of a (2, 512) tile over 4 warps
// (2 down the rows, 2 along them): the 2 x 2 partials of each, f32 then
// i32, cross the warps through regions of 16 bytes side by side between
// one pair of barriers; the rows' sums are then redistributed to the
// results' layout between one more pair.
// CHECK: llvm.mlir.global internal @row_sum_and_count_shared() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<32 x i8>
// CHECK-LABEL: gpu.func @row_sum_and_count
// CHECK: gpu.barrier
// CHECK-COUNT-2: llvm.store
// CHECK-NEXT: gpu.barrier
// CHECK: gpu.barrier
// CHECK-COUNT-2: llvm.store
// CHECK-NEXT: gpu.barrier
// CHECK-NOT: gpu.barrier
// CHECK: gpu.return
func.func @row_sum_and_count(%X: !blk.ptr<f32> {blk.divisibility = 16 : i32}, %S: !blk.ptr<f32> {blk.divisibility = 16 : i32}, %C: !blk.ptr<i32> {blk.divisibility = 16 : i32}) attributes {blk.num_warps = 4 : i32} {
  %rows = blk.range : tensor<2xi32>
  %cols = blk.range : tensor<512xi32>
  %r2 = blk.expand_dims %rows, 1 : tensor<2xi32> -> tensor<2x1xi32>
  %c2 = blk.expand_dims %cols, 0 : tensor<512xi32> -> tensor<1x512xi32>
  %rb = blk.broadcast %r2 : tensor<2x1xi32> -> tensor<2x512xi32>
  %cb = blk.broadcast %c2 : tensor<1x512xi32> -> tensor<2x512xi32>
  %c256 = arith.constant dense<512> : tensor<2x512xi32>
  %ro = arith.muli %rb, %c256 : tensor<2x512xi32>
  %o = arith.addi %ro, %cb : tensor<2x512xi32>
  %Xs = blk.splat %X : !blk.ptr<f32> -> tensor<2x512x!blk.ptr<f32>>
  %p = blk.addptr %Xs, %o : tensor<2x512x!blk.ptr<f32>>, tensor<2x512xi32>
  %x = blk.load %p : tensor<2x512x!blk.ptr<f32>>
  %zero = arith.constant dense<0.0> : tensor<2x512xf32>
  %positive = arith.cmpf ogt, %x, %zero : tensor<2x512xf32>
  %ones = arith.extui %positive : tensor<2x512xi1> to tensor<2x512xi32>
  %s, %n = blk.reduce %x, %ones axis 1 : tensor<2x512xf32>, tensor<2x512xi32> -> tensor<2xf32>, tensor<2xi32> {
  ^bb0(%a: f32, %i: i32, %b: f32, %j: i32):
    %t = arith.addf %a, %b : f32
    %k = arith.addi %i, %j : i32
    blk.yield %t, %k : f32, i32
  }
  %Ss = blk.splat %S : !blk.ptr<f32> -> tensor<2x!blk.ptr<f32>>
  %Sp = blk.addptr %Ss, %rows : tensor<2x!blk.ptr<f32>>, tensor<2xi32>
  blk.store %Sp, %s : tensor<2x!blk.ptr<f32>>
  %Cs = blk.splat %C : !blk.ptr<i32> -> tensor<2x!blk.ptr<i32>>
  %Cp = blk.addptr %Cs, %rows : tensor<2x!blk.ptr<i32>>, tensor<2xi32>
  blk.store %Cp, %n : tensor<2x!blk.ptr<i32>>
  return
}
