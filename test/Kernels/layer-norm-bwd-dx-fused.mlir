// The fused backward dx kernel (kernels/layer_norm_bwd_dx_fused.mlir): the spin
// lock around the partial dw/db update must be acquired by one thread with
// an acquire CAS whose result every thread reads after a barrier, and
// released, after a barrier that orders every thread's stores, by a
// GPU-scope fence and a release exchange on the same lock.

// RUN: ln-opt %kernels/layer_norm_bwd_dx_fused.mlir --blk-specialize="bind=BLOCK_SIZE_N=1024,ROWS_PER_PROGRAM=16,T=f16 num-warps=4 divisible-by-16=0,1,2,3,4,5,9,10,11,13" --blk-to-ptx | ln-translate --ptx > %t.f16.ptx
// RUN: ln-opt %kernels/layer_norm_bwd_dx_fused.mlir --blk-specialize="bind=BLOCK_SIZE_N=1024,ROWS_PER_PROGRAM=16,T=bf16 num-warps=4 divisible-by-16=0,1,2,3,4,5,9,10,11,13" --blk-to-ptx | ln-translate --ptx > %t.bf16.ptx
// RUN: ln-opt %kernels/layer_norm_bwd_dx_fused.mlir --blk-specialize="bind=BLOCK_SIZE_N=1024,ROWS_PER_PROGRAM=16,T=f32 num-warps=4 divisible-by-16=0,1,2,3,4,5,9,10,11,13" --blk-to-ptx | ln-translate --ptx > %t.f32.ptx
// RUN: ln-opt %kernels/layer_norm_bwd_dx_fused.mlir --blk-specialize="bind=BLOCK_SIZE_N=1024,ROWS_PER_PROGRAM=16,T=f16 num-warps=4 divisible-by-16=2,3" --blk-to-ptx | ln-translate --ptx > %t.generic.ptx

// RUN: FileCheck %s < %t.f16.ptx
// RUN: FileCheck %s < %t.bf16.ptx
// RUN: FileCheck %s < %t.f32.ptx
// RUN: FileCheck %s < %t.generic.ptx
// RUN: FileCheck %s --check-prefix=ALIGNED < %t.f16.ptx
// RUN: FileCheck %s --check-prefix=ALIGNED < %t.f32.ptx
// RUN: grep -B2 -A1 -E "setp.eq.b32[[:space:]]+%%p[0-9]+, %%r[0-9]+, 1;" %t.f16.ptx | FileCheck %s --check-prefix=WAIT
// RUN: grep -B2 -A1 -E "setp.eq.b32[[:space:]]+%%p[0-9]+, %%r[0-9]+, 1;" %t.f32.ptx | FileCheck %s --check-prefix=WAIT

// RUN: %ptxas %t.f16.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.bf16.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.f32.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.generic.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS

// CHECK-NOT: .extern
// CHECK-LABEL: .visible .entry layer_norm_bwd_dx_fused(
// Acquire: one CAS (thread 0), its result published through the arena.
// CHECK: atom.acquire.gpu.global.cas.b32 %r{{[0-9]+}}, [%rd[[LOCK:[0-9]+]]], %r{{[0-9]+}}, %r{{[0-9]+}};
// CHECK-NEXT: // end inline asm
// CHECK-NEXT: st.shared.b32 [layer_norm_bwd_dx_fused_shared], %r{{[0-9]+}};
// Under the lock: the first-store counter (relaxed, between barriers)...
// CHECK: ld.global.b32
// CHECK: bar.sync 0;
// CHECK: atom.relaxed.gpu.global.exch.b32
// CHECK: bar.sync 0;
// ...the partial sums...
// CHECK: st.global
// ...then every thread's stores are ordered before the release.
// CHECK: bar.sync 0;
// CHECK-NEXT: @%p{{[0-9]+}} bra
// CHECK-NOT: {{(ld|st|atom)}}.global
// CHECK: fence.acq_rel.gpu;
// CHECK-NEXT: atom.release.gpu.global.exch.b32 %r{{[0-9]+}}, [%rd[[LOCK]]], %r{{[0-9]+}};
// CHECK-NOT: {{(ld|st|atom)}}.global
// CHECK: bar.sync 0;
// CHECK-NEXT: ret;

// Aligned: the f32 partial sums (8 per thread, in 16-byte runs) are
// stored with four v4 stores between the barriers.
// ALIGNED: atom.relaxed.gpu.global.exch.b32
// ALIGNED: bar.sync 0;
// ALIGNED-COUNT-4: st.global.v4.b32
// ALIGNED-NOT: st.global
// ALIGNED: bar.sync 0;
// ALIGNED-NEXT: @%p{{[0-9]+}} bra

// The waiting threads read the CAS result only after the barrier that
// follows it, and loop while it says "held" (1).
// WAIT: bar.sync 0;
// WAIT-NEXT: ld.shared.b32 %r[[OLD:[0-9]+]], [layer_norm_bwd_dx_fused_shared];
// WAIT-NEXT: setp.eq.b32 %p[[HELD:[0-9]+]], %r[[OLD]], 1;
// WAIT-NEXT: @%p[[HELD]] bra
// WAIT-NOT: setp

// PTXAS: Compiling entry function 'layer_norm_bwd_dx_fused' for 'sm_90'
// PTXAS: 0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
