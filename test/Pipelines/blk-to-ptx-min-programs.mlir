// RUN: ln-opt %s --blk-specialize="bind=BLOCK=4608 num-warps=9 min-programs-per-sm=2" --blk-to-ptx | ln-translate --ptx > %t.ptx
// RUN: FileCheck %s < %t.ptx
// RUN: ln-opt %s --blk-specialize="bind=BLOCK=4608 num-warps=9" --blk-to-ptx | ln-translate --ptx | FileCheck %s --check-prefix=DEFAULT
// RUN: %ptxas %t.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: not ln-opt %s --blk-specialize="bind=BLOCK=4608 min-programs-per-sm=33" 2>&1 | FileCheck %s --check-prefix=RANGE

// min-programs-per-sm reaches ptxas as .minnctapersm beside the CTA size
// (9 warps: a block of 4608 elements, which is not a power of two, in
// 16-byte vectors of 4 elements, 4 a thread); without it ptxas
// chooses alone.

// CHECK-LABEL: .visible .entry scale(
// CHECK: .maxntid 288, 1, 1
// CHECK-NEXT: .minnctapersm 2
// CHECK-COUNT-4: ld.global.v4.b32
// CHECK-NOT: ld.global
// CHECK: ret;
// DEFAULT-LABEL: .visible .entry scale(
// DEFAULT: .maxntid 288, 1, 1
// DEFAULT-NOT: .minnctapersm
// DEFAULT: ret;
// PTXAS: 0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
// RANGE: error: blk-specialize: min-programs-per-sm must be in [0, 32], got 33

func.func @scale(%X: !blk.ptr<f32> {blk.divisibility = 16 : i32}, %s: f32) {
  %n = blk.constexpr "BLOCK" : i32
  %r = blk.range [%n] : tensor<?xi32>
  %Xs = blk.splat %X [%n] : !blk.ptr<f32> -> tensor<?x!blk.ptr<f32>>
  %p = blk.addptr %Xs, %r : tensor<?x!blk.ptr<f32>>, tensor<?xi32>
  %x = blk.load %p : tensor<?x!blk.ptr<f32>>
  %ss = blk.splat %s [%n] : f32 -> tensor<?xf32>
  %y = arith.mulf %x, %ss : tensor<?xf32>
  blk.store %p, %y : tensor<?x!blk.ptr<f32>>
  return
}
