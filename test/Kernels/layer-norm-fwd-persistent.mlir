// The persistent forward kernel (kernels/layer_norm_fwd_persistent.mlir):
// inside the row loop, the next row's first element and X (16-byte vectors
// when aligned) are loaded before the current row's two CTA-wide
// reductions, so that they are in flight while it reduces; W and B are
// loaded after them, each row; Y is stored in the loop.

// RUN: ln-opt %kernels/layer_norm_fwd_persistent.mlir --blk-specialize="bind=BLOCK_SIZE=4096,X_IN_SHARED=0,T=f16 num-warps=8 divisible-by-16=0,1,2,3,6,7,9" --blk-to-ptx | ln-translate --ptx > %t.f16.ptx
// RUN: ln-opt %kernels/layer_norm_fwd_persistent.mlir --blk-specialize="bind=BLOCK_SIZE=4608,X_IN_SHARED=0,T=bf16 num-warps=9 divisible-by-16=0,1,2,3,6,7,9" --blk-to-ptx | ln-translate --ptx > %t.bf16.ptx
// RUN: ln-opt %kernels/layer_norm_fwd_persistent.mlir --blk-specialize="bind=BLOCK_SIZE=2048,X_IN_SHARED=0,T=f16 num-warps=4" --blk-to-ptx | ln-translate --ptx > %t.generic.ptx
// RUN: ln-opt %kernels/layer_norm_fwd_persistent.mlir --blk-specialize="bind=BLOCK_SIZE=8192,X_IN_SHARED=0,T=f16 num-warps=16 divisible-by-16=0,1,2,3,6,7,9" --blk-to-ptx | ln-translate --ptx > %t.widest.ptx
// RUN: ln-opt %kernels/layer_norm_fwd_persistent.mlir --blk-specialize="bind=BLOCK_SIZE=32768,X_IN_SHARED=1,T=bf16 num-warps=32 divisible-by-16=0,1,2,3 divisibility=6:8,7:8,9:8" --blk-to-ptx | ln-translate --ptx > %t.shared.ptx
// RUN: ln-opt %kernels/layer_norm_fwd_persistent.mlir --blk-specialize="bind=BLOCK_SIZE=20480,X_IN_SHARED=1,T=f16 num-warps=20" --blk-to-ptx | ln-translate --ptx > %t.shared-generic.ptx

// RUN: FileCheck %s < %t.f16.ptx
// RUN: FileCheck %s < %t.bf16.ptx
// RUN: FileCheck %s < %t.widest.ptx
// RUN: FileCheck %s --check-prefix=GENERIC < %t.generic.ptx

// 16 elements a thread, two 16-byte vectors a tensor: the first row before
// the loop, the next row, W and B in it.
// RUN: grep -c "ld.global.v4.b32" %t.f16.ptx | FileCheck %s --check-prefix=VECTORS
// RUN: grep -c "ld.global.v4.b32" %t.bf16.ptx | FileCheck %s --check-prefix=VECTORS
// RUN: grep -c "ld.global.v4.b32" %t.widest.ptx | FileCheck %s --check-prefix=VECTORS
// VECTORS: {{^}}8{{$}}

// RUN: %ptxas %t.f16.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.bf16.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.generic.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// Two CTAs of 8192 features (16 warps) a multiprocessor: 64 registers at
// most, which W and B held across the loop exceeded.
// RUN: %ptxas %t.widest.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefixes=PTXAS,TWO-CTAS
// Rows held in shared memory across the reductions fit beside the next
// row: held in registers, 32768 spills 64 bytes.
// RUN: %ptxas %t.shared.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.shared-generic.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: FileCheck %s --check-prefix=SHARED < %t.shared.ptx
// RUN: FileCheck %s --check-prefix=SHARED-GENERIC < %t.shared-generic.ptx

// CHECK-NOT: .extern
// CHECK-LABEL: .visible .entry layer_norm_fwd_persistent(
// CHECK-NOT: atom.
// Before the loop: the first row.
// CHECK: ld.global.v4.b32
// CHECK-NOT: $L__BB0_
// CHECK: ld.global.v4.b32
// The loop: the next row's first element and vectors first...
// CHECK: $L__BB0_[[LOOP:[0-9]+]]:
// CHECK-NOT: shfl.sync
// CHECK-NOT: bar.sync
// CHECK: ld.global.b16
// CHECK-NOT: shfl.sync
// CHECK-NOT: bar.sync
// CHECK: ld.global.v4.b32
// CHECK-NOT: shfl.sync
// CHECK-NOT: bar.sync
// CHECK: ld.global.v4.b32
// ...then the two reductions (shuffles, then across warps)...
// CHECK: shfl.sync.bfly.b32
// CHECK: bar.sync 0;
// CHECK: shfl.sync.bfly.b32
// CHECK: bar.sync 0;
// ...then W and B, y, and the branch back.
// CHECK-NOT: shfl.sync
// CHECK: ld.global.v4.b32
// CHECK: ld.global.v4.b32
// CHECK: ld.global.v4.b32
// CHECK: ld.global.v4.b32
// CHECK-NOT: ld.global
// CHECK: st.global.v4.b32
// CHECK-NOT: ld.global
// CHECK: bra{{.*}} $L__BB0_[[LOOP]];

// Without alignment: scalar accesses, the same order.
// GENERIC-LABEL: .visible .entry layer_norm_fwd_persistent(
// GENERIC-NOT: .global.v
// GENERIC: $L__BB0_[[LOOP:[0-9]+]]:
// GENERIC-NOT: bar.sync
// GENERIC: ld.global.b16
// GENERIC: bar.sync 0;
// GENERIC-NOT: .global.v
// GENERIC: st.global.b16
// GENERIC: bra{{.*}} $L__BB0_[[LOOP]];

// PTXAS: Compiling entry function 'layer_norm_fwd_persistent' for 'sm_90'
// PTXAS: 0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
// TWO-CTAS: Used {{([1-5]?[0-9]|6[0-4])}} registers

// X_IN_SHARED: 32 elements a thread, 64 KB of dynamic shared memory. Each
// row is stored into the thread's slots there (16-byte vectors, no
// barrier) before the first reduction, and read back twice: for the
// variance after the first reduction, for y after the second. (The
// reductions' own shared memory is another array.)
// SHARED: .visible .global .align 4 .u32 layer_norm_fwd_persistent_dynamic_shared_bytes = 65536;
// SHARED-LABEL: .visible .entry layer_norm_fwd_persistent(
// SHARED: $L__BB0_[[LOOP:[0-9]+]]:
// SHARED-NOT: bar.sync
// SHARED: st.shared.v4.b32 [%rd[[SLOTS:[0-9]+]]],
// SHARED-NEXT: st.shared.v4.b32 [%rd[[SLOTS]]+16384],
// SHARED-NEXT: st.shared.v4.b32 [%rd[[SLOTS]]+32768],
// SHARED-NEXT: st.shared.v4.b32 [%rd[[SLOTS]]+49152],
// SHARED-NOT: [%rd[[SLOTS]]
// SHARED: bar.sync 0;
// SHARED-NOT: [%rd[[SLOTS]]
// SHARED: bar.sync 0;
// SHARED: ld.shared.v4.b32 {{.*}}, [%rd[[SLOTS]]];
// SHARED: ld.shared.v4.b32 {{.*}}, [%rd[[SLOTS]]+49152];
// SHARED-NOT: [%rd[[SLOTS]]
// SHARED: bar.sync 0;
// SHARED-NOT: [%rd[[SLOTS]]
// SHARED: bar.sync 0;
// SHARED: ld.shared.v4.b32 {{.*}}, [%rd[[SLOTS]]];
// SHARED: ld.shared.v4.b32 {{.*}}, [%rd[[SLOTS]]+49152];
// SHARED-NOT: [%rd[[SLOTS]]
// SHARED: st.global.v4.b32
// SHARED: bra{{.*}} $L__BB0_[[LOOP]];

// Without alignment the same: global accesses one element at a time, the
// thread's slots still 16-byte vectors (32 elements a thread, 4 groups).
// SHARED-GENERIC: layer_norm_fwd_persistent_dynamic_shared_bytes = 40960;
// SHARED-GENERIC-LABEL: .visible .entry layer_norm_fwd_persistent(
// SHARED-GENERIC-NOT: .global.v
// SHARED-GENERIC: $L__BB0_[[LOOP:[0-9]+]]:
// SHARED-GENERIC-NOT: bar.sync
// SHARED-GENERIC: st.shared.v4.b32 [%rd[[SLOTS:[0-9]+]]],
// SHARED-GENERIC: bar.sync 0;
// SHARED-GENERIC: bar.sync 0;
// SHARED-GENERIC: ld.shared.v4.b32 {{.*}}, [%rd[[SLOTS]]];
// SHARED-GENERIC: bar.sync 0;
// SHARED-GENERIC: bar.sync 0;
// SHARED-GENERIC: ld.shared.v4.b32 {{.*}}, [%rd[[SLOTS]]];
// SHARED-GENERIC: st.global.b16
// SHARED-GENERIC: bra{{.*}} $L__BB0_[[LOOP]];
