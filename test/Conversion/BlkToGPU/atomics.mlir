// RUN: ln-opt %s -split-input-file --convert-blk-to-gpu --canonicalize --cse | FileCheck %s

// A scalar atomic belongs to the program: thread 0 performs it between two
// barriers and every thread reads its result from the shared arena. A
// release (or acq_rel) is preceded by a fence of its scope, so that the
// stores of the whole CTA, ordered before it by the barrier, are visible to
// the next acquirer.

// The spin lock of the dx kernel: while (atomic_cas(lock, 0, 1) == 1) {}.
// CHECK: llvm.mlir.global internal @lock_shared() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<4 x i8>
// CHECK-LABEL: gpu.func @lock
// CHECK-SAME: (%[[L:.*]]: !llvm.ptr<1>)
// CHECK: %[[ARENA:.*]] = llvm.mlir.addressof @lock_shared : !llvm.ptr<3>
// CHECK: scf.while
// CHECK-NEXT: gpu.barrier
// CHECK-NEXT: %[[TID:.*]] = gpu.thread_id x
// CHECK-NEXT: %[[TID32:.*]] = arith.index_castui %[[TID]] : index to i32
// CHECK-NEXT: %[[FIRST:.*]] = arith.cmpi eq, %[[TID32]], %c0_i32 : i32
// CHECK-NEXT: scf.if %[[FIRST]] {
// CHECK-NEXT: %[[OLD:.*]] = llvm.inline_asm has_side_effects asm_dialect = att "atom.acquire.gpu.global.cas.b32 $0, [$1], $2, $3;", "=r,l,r,r" %[[L]], %c0_i32, %c1_i32 : (!llvm.ptr<1>, i32, i32) -> i32
// CHECK-NEXT: llvm.store %[[OLD]], %[[ARENA]] : i32, !llvm.ptr<3>
// CHECK-NEXT: }
// CHECK-NEXT: gpu.barrier
// CHECK-NEXT: %[[SEEN:.*]] = llvm.load %[[ARENA]] : !llvm.ptr<3> -> i32
// CHECK-NEXT: %[[HELD:.*]] = arith.cmpi eq, %[[SEEN]], %c1_i32 : i32
// CHECK-NEXT: scf.condition(%[[HELD]])
// The release: barrier, then thread 0 fences and exchanges.
// CHECK: gpu.barrier
// CHECK-NEXT: %[[TID2:.*]] = gpu.thread_id x
// CHECK-NEXT: %[[TID2_32:.*]] = arith.index_castui %[[TID2]] : index to i32
// CHECK-NEXT: %[[FIRST2:.*]] = arith.cmpi eq, %[[TID2_32]], %c0_i32 : i32
// CHECK-NEXT: scf.if %[[FIRST2]] {
// CHECK-NEXT: llvm.inline_asm has_side_effects asm_dialect = att "fence.acq_rel.gpu;\0A\09atom.release.gpu.global.exch.b32 $0, [$1], $2;", "=r,l,r" %[[L]], %c0_i32
// CHECK-NEXT: llvm.store
// CHECK-NEXT: }
// CHECK-NEXT: gpu.barrier
// CHECK-NEXT: gpu.return
func.func @lock(%L: !blk.ptr<i32>) attributes {blk.num_warps = 4 : i32} {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  scf.while : () -> () {
    %old = blk.atomic_cas acquire gpu %L, %c0, %c1 : !blk.ptr<i32>
    %held = arith.cmpi eq, %old, %c1 : i32
    scf.condition(%held)
  } do {
    scf.yield
  }
  %r = blk.atomic_xchg release gpu %L, %c0 : !blk.ptr<i32>
  return
}

// -----

// Every semantic and scope is spelled in the PTX; only release and acq_rel
// fence. 64-bit atomics use 64-bit registers; their result slot in the
// arena is 8 bytes.
// CHECK: llvm.mlir.global internal @spellings_shared() {{.*}} : !llvm.array<8 x i8>
// CHECK-LABEL: gpu.func @spellings
// CHECK-SAME: (%[[P:.*]]: !llvm.ptr<1>, %[[Q:.*]]: !llvm.ptr<1>, %[[A:.*]]: i32, %[[W:.*]]: i64)
// CHECK: "atom.relaxed.cta.global.exch.b64 $0, [$1], $2;", "=l,l,l" %[[Q]], %[[W]] : (!llvm.ptr<1>, i64) -> i64
// CHECK: %[[X:.*]] = llvm.load %{{.*}} : !llvm.ptr<3> -> i64
// CHECK: "atom.acquire.sys.global.exch.b32 $0, [$1], $2;", "=r,l,r" %[[P]], %[[A]]
// CHECK: "fence.acq_rel.cta;\0A\09atom.release.cta.global.cas.b32 $0, [$1], $2, $3;", "=r,l,r,r" %[[P]], %[[A]], %[[A]]
// CHECK: "fence.acq_rel.sys;\0A\09atom.acq_rel.sys.global.cas.b64 $0, [$1], $2, $3;", "=l,l,l,l" %[[Q]], %[[W]], %[[X]]
// CHECK: "atom.relaxed.gpu.global.cas.b32
// CHECK-NOT: fence
// CHECK: gpu.return
func.func @spellings(%P: !blk.ptr<i32>, %Q: !blk.ptr<i64>, %a: i32, %w: i64)
    attributes {blk.num_warps = 2 : i32} {
  %x = blk.atomic_xchg relaxed cta %Q, %w : !blk.ptr<i64>
  %0 = blk.atomic_xchg acquire sys %P, %a : !blk.ptr<i32>
  %1 = blk.atomic_cas release cta %P, %a, %a : !blk.ptr<i32>
  %2 = blk.atomic_cas acq_rel sys %Q, %w, %x : !blk.ptr<i64>
  %3 = blk.atomic_cas relaxed gpu %P, %a, %a : !blk.ptr<i32>
  return
}

// -----

// The result is uniform: every thread uses the value read back from the
// arena, e.g. to splat it into a block.
// CHECK-LABEL: gpu.func @broadcast_result
// CHECK: scf.if
// CHECK: atom.acquire.gpu.global.exch.b32
// CHECK: llvm.store %{{.*}}, %[[ARENA:.*]] : i32, !llvm.ptr<3>
// CHECK: gpu.barrier
// CHECK-NEXT: %[[V:.*]] = llvm.load %[[ARENA]] : !llvm.ptr<3> -> i32
// CHECK: st.global.b32 [$0], $1;", "l,r" %{{.*}}, %[[V]]
func.func @broadcast_result(%P: !blk.ptr<i32>, %Y: !blk.ptr<i32>, %a: i32)
    attributes {blk.num_warps = 1 : i32} {
  %old = blk.atomic_xchg acquire gpu %P, %a : !blk.ptr<i32>
  %r = blk.range : tensor<32xi32>
  %olds = blk.splat %old : i32 -> tensor<32xi32>
  %Ys = blk.splat %Y : !blk.ptr<i32> -> tensor<32x!blk.ptr<i32>>
  %p = blk.addptr %Ys, %r : tensor<32x!blk.ptr<i32>>, tensor<32xi32>
  blk.store %p, %olds : tensor<32x!blk.ptr<i32>>
  return
}
