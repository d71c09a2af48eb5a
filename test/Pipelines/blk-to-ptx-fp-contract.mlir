// RUN: ln-opt %s --blk-to-ptx | ln-translate --ptx > %t.ptx
// RUN: FileCheck %s < %t.ptx
// RUN: ln-opt %s --blk-to-ptx="fp-contract=false" | ln-translate --ptx > %t.separate.ptx
// RUN: FileCheck %s --check-prefix=SEPARATE < %t.separate.ptx
// RUN: %ptxas %t.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS

// By default a * x + y becomes one fused multiply-add, rounded once; with
// fp-contract=false, a multiply and an add, each rounded.

// CHECK-LABEL: .visible .entry axpy(
// CHECK: fma.rn.f32
// CHECK-NOT: mul.rn.f32
// CHECK: ret;
// SEPARATE-LABEL: .visible .entry axpy(
// SEPARATE-NOT: fma.rn.f32
// SEPARATE: mul.rn.f32
// SEPARATE: add.rn.f32
// SEPARATE-NOT: fma.rn.f32
// SEPARATE: ret;
// PTXAS: 0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
func.func @axpy(%A: !blk.ptr<f32>, %X: !blk.ptr<f32>, %Y: !blk.ptr<f32>)
    attributes {blk.num_warps = 1 : i32} {
  %a = blk.load %A : !blk.ptr<f32>
  %x = blk.load %X : !blk.ptr<f32>
  %y = blk.load %Y : !blk.ptr<f32>
  %p = arith.mulf %a, %x : f32
  %r = arith.addf %p, %y : f32
  blk.store %Y, %r : !blk.ptr<f32>
  return
}
