// RUN: ln-opt %s --blk-specialize="num-warps=2 cluster-size=8" --blk-to-ptx | ln-translate --ptx > %t.ptx
// RUN: FileCheck %s < %t.ptx
// RUN: %ptxas %t.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: ln-opt %s --blk-specialize="num-warps=2 cluster-size=8" | FileCheck %s --check-prefix=ATTR
// RUN: not ln-opt %s --blk-specialize="cluster-size=3" 2>&1 | FileCheck %s --check-prefix=SIZE
// RUN: not ln-opt %s --blk-specialize="cluster-size=16" 2>&1 | FileCheck %s --check-prefix=SIZE16

// blk-specialize's cluster-size reaches PTX as the kernel's required
// cluster shape, and blk.cluster_reduce as distributed shared memory:
// thread 0's st.shared, the cluster barrier (a release, then an acquire),
// one mapa and ld.shared::cluster per peer in rank order, and the barrier
// before the kernel returns.

// ATTR: func.func @part_sums({{.*}}) attributes {blk.cluster_size = 8 : i32, blk.num_warps = 2 : i32}
// CHECK-LABEL: .visible .entry part_sums(
// CHECK: .explicitcluster
// CHECK-NEXT: .reqnctapercluster 8, 1, 1
// CHECK: .shared .align 16 .b8 part_sums_cluster[8];
// CHECK: st.shared.b32 [part_sums_cluster],
// CHECK: barrier.cluster.arrive.aligned;
// CHECK-NEXT: barrier.cluster.wait.aligned;
// CHECK: mapa.shared::cluster.u64 %rd{{[0-9]+}}, %rd{{[0-9]+}}, 0;
// CHECK-NEXT: ld.shared::cluster.b32
// CHECK: mapa.shared::cluster.u64 %rd{{[0-9]+}}, %rd{{[0-9]+}}, 7;
// CHECK-NEXT: ld.shared::cluster.b32
// CHECK: barrier.cluster.arrive.aligned;
// CHECK-NEXT: barrier.cluster.wait.aligned;
// CHECK-NEXT: ret;
// PTXAS: 0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
// SIZE: error: blk-specialize: cluster-size must be 0 (no clusters) or a power of two up to 8, got 3
// SIZE16: error: blk-specialize: cluster-size must be 0 (no clusters) or a power of two up to 8, got 16

func.func @part_sums(%X: !blk.ptr<f32>, %Out: !blk.ptr<f32>) {
  %c256 = arith.constant 256 : i32
  %part = blk.program_id 0 : i32
  %start = arith.muli %part, %c256 : i32
  %base = blk.addptr %X, %start : !blk.ptr<f32>, i32
  %lanes = blk.range : tensor<256xi32>
  %bases = blk.splat %base : !blk.ptr<f32> -> tensor<256x!blk.ptr<f32>>
  %ptrs = blk.addptr %bases, %lanes : tensor<256x!blk.ptr<f32>>, tensor<256xi32>
  %x = blk.load %ptrs : tensor<256x!blk.ptr<f32>>
  %part_sum = blk.reduce %x axis 0 : tensor<256xf32> -> f32 {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s : f32
  }
  %sum = blk.cluster_reduce %part_sum : f32 -> f32 {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s : f32
  }
  %out = blk.addptr %Out, %part : !blk.ptr<f32>, i32
  blk.store %out, %sum : !blk.ptr<f32>
  return
}
