// The persistent backward dx kernel (kernels/layer_norm_bwd_dx_persistent.mlir):
// no lock and no atomic; inside the row loop, the loads of the row one
// iteration ahead (X and DY, 16-byte vectors when aligned) are issued before
// the row's W and its two CTA-wide reductions, so that they are in flight
// while it reduces; dx is stored in the loop, the f32 dw/db sums once after
// it. Rows of 8192 on 32 warps (64 registers a thread) do not spill.

// RUN: ln-opt %kernels/layer_norm_bwd_dx_persistent.mlir --blk-specialize="bind=BLOCK_SIZE_N=1024,T=f16 num-warps=4 divisible-by-16=0,1,2,3,4,5,8,9,10,12" --blk-to-ptx | ln-translate --ptx > %t.f16.ptx
// RUN: ln-opt %kernels/layer_norm_bwd_dx_persistent.mlir --blk-specialize="bind=BLOCK_SIZE_N=1024,T=bf16 num-warps=4 divisible-by-16=0,1,2,3,4,5,8,9,10,12" --blk-to-ptx | ln-translate --ptx > %t.bf16.ptx
// RUN: ln-opt %kernels/layer_norm_bwd_dx_persistent.mlir --blk-specialize="bind=BLOCK_SIZE_N=1024,T=f32 num-warps=8 divisible-by-16=0,1,2,3,4,5,8,9,10,12" --blk-to-ptx | ln-translate --ptx > %t.f32.ptx
// RUN: ln-opt %kernels/layer_norm_bwd_dx_persistent.mlir --blk-specialize="bind=BLOCK_SIZE_N=4096,T=f16 num-warps=16 divisible-by-16=0,1,2,3,4,5,8,9,10,12" --blk-to-ptx | ln-translate --ptx > %t.wide.ptx
// RUN: ln-opt %kernels/layer_norm_bwd_dx_persistent.mlir --blk-specialize="bind=BLOCK_SIZE_N=8192,T=bf16 num-warps=32 divisible-by-16=0,1,2,3,4,5,8,9,10,12" --blk-to-ptx | ln-translate --ptx > %t.widest.ptx
// RUN: ln-opt %kernels/layer_norm_bwd_dx_persistent.mlir --blk-specialize="bind=BLOCK_SIZE_N=1024,T=f16 num-warps=4 divisible-by-16=2,3" --blk-to-ptx | ln-translate --ptx > %t.generic.ptx
// RUN: ln-opt %kernels/layer_norm_bwd_dx_persistent.mlir --blk-specialize="bind=BLOCK_SIZE_N=7168,T=f16 num-warps=28 divisible-by-16=2,3" --blk-to-ptx | ln-translate --ptx > %t.generic-wide.ptx

// RUN: FileCheck %s < %t.f16.ptx
// RUN: FileCheck %s < %t.bf16.ptx
// RUN: FileCheck %s < %t.f32.ptx
// RUN: FileCheck %s < %t.wide.ptx
// RUN: FileCheck %s < %t.widest.ptx
// RUN: FileCheck %s --check-prefix=GENERIC < %t.generic.ptx

// Each thread holds one 16-byte vector of a row (8 f16 or 4 f32 elements):
// per tensor one v4 load: X and DY in the prologue (the first row), X, DY
// and W in the loop.
// RUN: grep -c "ld.global.v4.b32" %t.f16.ptx | FileCheck %s --check-prefix=VECTORS
// RUN: grep -c "ld.global.v4.b32" %t.f32.ptx | FileCheck %s --check-prefix=VECTORS
// RUN: grep -c "ld.global.v4.b32" %t.wide.ptx | FileCheck %s --check-prefix=VECTORS
// RUN: grep -c "ld.global.v4.b32" %t.widest.ptx | FileCheck %s --check-prefix=VECTORS
// VECTORS: {{^}}5{{$}}

// RUN: %ptxas %t.f16.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.bf16.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.f32.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.wide.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.widest.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.generic.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.generic-wide.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS

// CHECK-NOT: .extern
// CHECK-LABEL: .visible .entry layer_norm_bwd_dx_persistent(
// CHECK-NOT: atom.
// CHECK-NOT: fence
// The loop: the row ahead is loaded first, then W...
// CHECK: $L__BB0_[[LOOP:[0-9]+]]:
// CHECK-NOT: shfl.sync
// CHECK: ld.global.v4.b32
// CHECK-NOT: shfl.sync
// CHECK: ld.global.v4.b32
// CHECK-NOT: shfl.sync
// CHECK: ld.global.v4.b32
// ...then the two reductions (shuffles, then across warps)...
// CHECK: shfl.sync.bfly.b32
// CHECK: bar.sync 0;
// CHECK: shfl.sync.bfly.b32
// CHECK: bar.sync 0;
// ...then dx, and the branch back.
// CHECK: st.global.v4.b32
// CHECK: bra{{.*}} $L__BB0_[[LOOP]];
// After the loop, the partial dw and db rows: plain stores.
// CHECK: st.global.v4.b32
// CHECK: st.global.v4.b32
// CHECK-NOT: atom.
// CHECK: ret;

// Without alignment, no vector access.
// GENERIC-LABEL: .visible .entry layer_norm_bwd_dx_persistent(
// GENERIC-NOT: ld.global.v4
// GENERIC-NOT: atom.
// GENERIC: ret;

// PTXAS: Compiling entry function 'layer_norm_bwd_dx_persistent' for 'sm_90'
// PTXAS: 0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
