// RUN: ln-opt %s -split-input-file --convert-blk-to-gpu --canonicalize --cse --verify-diagnostics | FileCheck %s

// blk.cluster_reduce: thread 0 stores the program's values in the op's own
// slots of shared memory (8 bytes a value, accessed 8-byte aligned: an i64
// in one access), a cluster barrier makes every
// peer's visible, then every thread loads each peer's values through
// mapa (ranks 0, 1, ... in order) and folds them left to right with the
// combiner. The kernel carries its cluster size to PTX (nvvm.cluster_dim)
// and waits at a cluster barrier before returning, so that no CTA's shared
// memory goes while a peer may still read it.

// CHECK: llvm.mlir.global internal @pair_cluster() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<16 x i8>
// CHECK-LABEL: gpu.func @pair
// CHECK-SAME: nvvm.cluster_dim = array<i32: 2, 1, 1>
// CHECK: %[[SLOTS:.*]] = llvm.mlir.addressof @pair_cluster : !llvm.ptr<3>
// CHECK: %[[THREAD0:.*]] = arith.cmpi eq, %{{.*}}, %c0_i32 : i32
// CHECK-NEXT: scf.if %[[THREAD0]] {
// CHECK-NEXT: llvm.store %arg2, %[[SLOTS]] {alignment = 8 : i64} : f32, !llvm.ptr<3>
// CHECK-NEXT: %[[SLOT1:.*]] = llvm.getelementptr %[[SLOTS]][8] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
// CHECK-NEXT: llvm.store %arg3, %[[SLOT1]] {alignment = 8 : i64} : i32, !llvm.ptr<3>
// CHECK-NEXT: }
// CHECK-NEXT: nvvm.cluster.arrive {aligned}
// CHECK-NEXT: nvvm.cluster.wait {aligned}
// CHECK-NEXT: %[[R0V0:.*]] = nvvm.mapa %[[SLOTS]], %c0_i32 : !llvm.ptr<3> -> !llvm.ptr<7>
// CHECK-NEXT: %[[A0:.*]] = llvm.load %[[R0V0]] {alignment = 8 : i64} : !llvm.ptr<7> -> f32
// CHECK-NEXT: %[[V1:.*]] = llvm.getelementptr %[[SLOTS]][8]
// CHECK-NEXT: %[[R0V1:.*]] = nvvm.mapa %[[V1]], %c0_i32 : !llvm.ptr<3> -> !llvm.ptr<7>
// CHECK-NEXT: %[[N0:.*]] = llvm.load %[[R0V1]] {alignment = 8 : i64} : !llvm.ptr<7> -> i32
// CHECK-NEXT: %[[R1V0:.*]] = nvvm.mapa %[[SLOTS]], %c1_i32 : !llvm.ptr<3> -> !llvm.ptr<7>
// CHECK-NEXT: %[[A1:.*]] = llvm.load %[[R1V0]] {alignment = 8 : i64} : !llvm.ptr<7> -> f32
// CHECK-NEXT: %[[R1V1:.*]] = nvvm.mapa %[[V1]], %c1_i32 : !llvm.ptr<3> -> !llvm.ptr<7>
// CHECK-NEXT: %[[N1:.*]] = llvm.load %[[R1V1]] {alignment = 8 : i64} : !llvm.ptr<7> -> i32
// CHECK-NEXT: arith.maximumf %[[A0]], %[[A1]] : f32
// CHECK-NEXT: arith.addi %[[N0]], %[[N1]] : i32
// Outside a loop the slots are written once: no second barrier before the
// stores, only the one before returning.
// CHECK-NOT: nvvm.cluster
// CHECK: nvvm.cluster.arrive {aligned}
// CHECK-NEXT: nvvm.cluster.wait {aligned}
// CHECK-NEXT: gpu.return
func.func @pair(%Out: !blk.ptr<f32>, %Count: !blk.ptr<i32>, %v: f32, %n: i32)
    attributes {blk.num_warps = 2 : i32, blk.cluster_size = 2 : i32} {
  %s, %c = blk.cluster_reduce %v, %n : f32, i32 -> f32, i32 {
  ^bb0(%a: f32, %an: i32, %b: f32, %bn: i32):
    %x = arith.maximumf %a, %b : f32
    %y = arith.addi %an, %bn : i32
    blk.yield %x, %y : f32, i32
  }
  blk.store %Out, %s : !blk.ptr<f32>
  blk.store %Count, %c : !blk.ptr<i32>
  return
}

// -----

// Two ops, each with its own slots (offsets 0 and 8 of 16 bytes): a peer
// may still read the first op's value while this program writes the
// second's. In a loop, the slots are written again next iteration: a
// second cluster barrier after the loads keeps a fast CTA from
// overwriting them before every peer has read them. Four peers, combined
// in rank order 0 to 3.
// CHECK: llvm.mlir.global internal @twice_cluster() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<16 x i8>
// CHECK-LABEL: gpu.func @twice
// CHECK-SAME: nvvm.cluster_dim = array<i32: 4, 1, 1>
// CHECK: %[[FIRST:.*]] = llvm.mlir.addressof @twice_cluster
// CHECK: llvm.store %arg1, %[[FIRST]] {alignment = 8 : i64} : f32, !llvm.ptr<3>
// CHECK: nvvm.cluster.arrive {aligned}
// CHECK-NEXT: nvvm.cluster.wait {aligned}
// CHECK-COUNT-4: nvvm.mapa %[[FIRST]], %c{{[0-3]}}_i32
// CHECK-NOT: nvvm.cluster
// CHECK: scf.for
// CHECK: %[[STORED:.*]] = llvm.getelementptr %[[FIRST]][8]
// CHECK-NEXT: llvm.store %{{.*}}, %[[STORED]] {alignment = 8 : i64} : f32, !llvm.ptr<3>
// CHECK: nvvm.cluster.arrive {aligned}
// CHECK-NEXT: nvvm.cluster.wait {aligned}
// CHECK-NEXT: %[[SECOND:.*]] = llvm.getelementptr %[[FIRST]][8]
// CHECK-NEXT: nvvm.mapa %[[SECOND]], %c0_i32
// CHECK-NEXT: llvm.load
// CHECK-NEXT: nvvm.mapa %[[SECOND]], %c1_i32
// CHECK-NEXT: llvm.load
// CHECK-NEXT: arith.addf
// CHECK-NEXT: nvvm.mapa %[[SECOND]], %c2_i32
// CHECK-NEXT: llvm.load
// CHECK-NEXT: arith.addf
// CHECK-NEXT: nvvm.mapa %[[SECOND]], %c3_i32
// CHECK-NEXT: llvm.load
// CHECK-NEXT: arith.addf
// CHECK-NEXT: nvvm.cluster.arrive {aligned}
// CHECK-NEXT: nvvm.cluster.wait {aligned}
// CHECK-NEXT: scf.yield
// CHECK: nvvm.cluster.arrive {aligned}
// CHECK-NEXT: nvvm.cluster.wait {aligned}
// CHECK-NEXT: gpu.return
func.func @twice(%Out: !blk.ptr<f32>, %v: f32, %n: i32)
    attributes {blk.num_warps = 1 : i32, blk.cluster_size = 4 : i32} {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %first = blk.cluster_reduce %v : f32 -> f32 {
  ^bb0(%a: f32, %b: f32):
    %m = arith.maximumf %a, %b : f32
    blk.yield %m : f32
  }
  %total = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %first) -> (f32) : i32 {
    %sum = blk.cluster_reduce %acc : f32 -> f32 {
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      blk.yield %s : f32
    }
    scf.yield %sum : f32
  }
  blk.store %Out, %total : !blk.ptr<f32>
  return
}

// -----

// A cluster_reduce needs the kernel to be a cluster kernel.
func.func @no_cluster(%Out: !blk.ptr<f32>, %v: f32)
    attributes {blk.num_warps = 1 : i32} {
  // expected-error @+1 {{needs a cluster kernel: specialize it with blk-specialize's cluster-size (blk.cluster_size)}}
  %s = blk.cluster_reduce %v : f32 -> f32 {
  ^bb0(%a: f32, %b: f32):
    %t = arith.addf %a, %b : f32
    blk.yield %t : f32
  }
  blk.store %Out, %s : !blk.ptr<f32>
  return
}

// -----

// expected-error @+1 {{blk.cluster_size must be a power of two from 1 to 8, got 3}}
func.func @odd_cluster(%Out: !blk.ptr<f32>, %v: f32)
    attributes {blk.num_warps = 1 : i32, blk.cluster_size = 3 : i32} {
  blk.store %Out, %v : !blk.ptr<f32>
  return
}

// -----

// A loop whose body exchanges twice every iteration: each exchange's
// barrier waits for the peers' reads of the other's slots, so neither
// needs a second barrier (two cluster barriers an iteration, not four).
// An exchange under a branch does not run every iteration: the one beside
// it still waits for its own slots' reads, the branched one need not.
// CHECK-LABEL: gpu.func @two_per_iteration
// CHECK: scf.for
// CHECK: nvvm.cluster.arrive {aligned}
// CHECK-NEXT: nvvm.cluster.wait {aligned}
// CHECK-COUNT-2: nvvm.mapa
// CHECK-NOT: nvvm.cluster
// CHECK: nvvm.cluster.arrive {aligned}
// CHECK-NEXT: nvvm.cluster.wait {aligned}
// CHECK-COUNT-2: nvvm.mapa
// CHECK-NOT: nvvm.cluster
// CHECK: scf.yield
// CHECK-LABEL: gpu.func @one_under_a_branch
// CHECK: scf.for
// CHECK: nvvm.cluster.arrive {aligned}
// CHECK-NEXT: nvvm.cluster.wait {aligned}
// CHECK-COUNT-2: nvvm.mapa
// CHECK-NOT: scf.if
// CHECK: nvvm.cluster.arrive {aligned}
// CHECK-NEXT: nvvm.cluster.wait {aligned}
// CHECK-NEXT: scf.if
// CHECK: nvvm.cluster.arrive {aligned}
// CHECK-NEXT: nvvm.cluster.wait {aligned}
// CHECK-COUNT-2: nvvm.mapa
// CHECK-NOT: nvvm.cluster
// CHECK: scf.yield
func.func @two_per_iteration(%Out: !blk.ptr<f32>, %v: f32, %n: i32)
    attributes {blk.num_warps = 1 : i32, blk.cluster_size = 2 : i32} {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %total = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %v) -> (f32) : i32 {
    %sum = blk.cluster_reduce %acc : f32 -> f32 {
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      blk.yield %s : f32
    }
    %most = blk.cluster_reduce %sum : f32 -> f32 {
    ^bb0(%a: f32, %b: f32):
      %m = arith.maximumf %a, %b : f32
      blk.yield %m : f32
    }
    scf.yield %most : f32
  }
  blk.store %Out, %total : !blk.ptr<f32>
  return
}
func.func @one_under_a_branch(%Out: !blk.ptr<f32>, %v: f32, %n: i32, %c: i1)
    attributes {blk.num_warps = 1 : i32, blk.cluster_size = 2 : i32} {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %total = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %v) -> (f32) : i32 {
    %sum = blk.cluster_reduce %acc : f32 -> f32 {
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      blk.yield %s : f32
    }
    %next = scf.if %c -> (f32) {
      %most = blk.cluster_reduce %sum : f32 -> f32 {
      ^bb0(%a: f32, %b: f32):
        %m = arith.maximumf %a, %b : f32
        blk.yield %m : f32
      }
      scf.yield %most : f32
    } else {
      scf.yield %sum : f32
    }
    scf.yield %next : f32
  }
  blk.store %Out, %total : !blk.ptr<f32>
  return
}
