// The forward LayerNorm kernel (kernels/layer_norm_fwd_fused.mlir), one
// 4096-wide row per program on 8 warps, for each element type. Aligned
// (X, Y, W, B, strides and N divisible by 16): every row access is a
// 16-byte ld/st.global.v4.b32 (16 elements per thread: two v4 per f16 or
// bf16 tensor, four per f32 one); the scalar accesses are the loads of the
// row's first element, the shift of the mean's sum, in the two paths that
// use it.

// RUN: ln-opt %kernels/layer_norm_fwd_fused.mlir --blk-specialize="bind=BLOCK_SIZE=4096,T=f16 num-warps=8 divisible-by-16=0,1,2,3,6,7,8" --blk-to-ptx | ln-translate --ptx > %t.f16.ptx
// RUN: ln-opt %kernels/layer_norm_fwd_fused.mlir --blk-specialize="bind=BLOCK_SIZE=4096,T=bf16 num-warps=8 divisible-by-16=0,1,2,3,6,7,8" --blk-to-ptx | ln-translate --ptx > %t.bf16.ptx
// RUN: ln-opt %kernels/layer_norm_fwd_fused.mlir --blk-specialize="bind=BLOCK_SIZE=4096,T=f32 num-warps=8 divisible-by-16=0,1,2,3,6,7,8" --blk-to-ptx | ln-translate --ptx > %t.f32.ptx
// RUN: ln-opt %kernels/layer_norm_fwd_fused.mlir --blk-specialize="bind=BLOCK_SIZE=4096,T=f16 num-warps=8" --blk-to-ptx | ln-translate --ptx > %t.generic.ptx

// RUN: FileCheck %s < %t.f16.ptx
// RUN: FileCheck %s < %t.bf16.ptx
// RUN: FileCheck %s < %t.f32.ptx
// RUN: FileCheck %s --check-prefix=GENERIC < %t.generic.ptx
// RUN: FileCheck %s --check-prefix=LATE < %t.f16.ptx

// Every 16-element access of the kernel (X, W, B in the one-block path;
// X's first chunk and X in the one-pass statistics, or X, X in the
// two-pass ones, then W, B, X in the output loop) is vectorized: 2 x 10 v4
// loads for 2-byte types, 4 x 10 for f32; Y is stored with 2 (4) v4 stores
// per path.
// RUN: grep "ld.global.v4.b32" %t.f16.ptx | count 20
// RUN: grep "ld.global.v4.b32" %t.bf16.ptx | count 20
// RUN: grep "ld.global.v4.b32" %t.f32.ptx | count 40
// RUN: grep "st.global.v4.b32" %t.f16.ptx | count 4
// RUN: grep "st.global.v4.b32" %t.f32.ptx | count 8
// The row's first element, the shift of the mean's sum, is the one scalar
// load of each path that uses it (one block, two passes).
// RUN: grep -E "ld.global.b(16|32) " %t.f16.ptx | count 2
// RUN: grep -E "ld.global.b(16|32) " %t.f32.ptx | count 2

// ptxas accepts every variant without spilling.
// RUN: %ptxas %t.f16.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.bf16.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.f32.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.generic.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS

// The PTX is self-contained (no libdevice call left unresolved).
// CHECK-NOT: .extern
// CHECK: .visible .entry layer_norm_fwd_fused(
// CHECK: .maxntid 256, 1, 1
// CHECK: ld.global.b{{16|32}} %{{r|rs}}{{[0-9]+}}, [%rd{{[0-9]+}}];
// CHECK-NOT: ld.global.b16
// CHECK-NOT: ld.global.b32
// CHECK-NOT: ld.global.v2
// CHECK: ld.global.v4.b32
// CHECK-NOT: ld.global.b16
// CHECK: shfl.sync.bfly.b32
// CHECK-NOT: st.global.b16
// CHECK: st.global.v4.b32
// CHECK-NOT: st.global.b16

// The one-block path converts the first element only once the row's load
// is issued: converted before, it made each program wait for a memory
// latency before its row's loads left (8 to 10% at N = 1024 to 4096).
// LATE: .visible .entry layer_norm_fwd_fused(
// LATE: ld.global.b16 %rs[[FIRST:[0-9]+]], [%rd{{[0-9]+}}];
// LATE-NOT: cvt.f32.f16 %r{{[0-9]+}}, %rs[[FIRST]];
// LATE: ld.global.v4.b32
// LATE-NOT: bar.sync
// LATE: cvt.f32.f16 %r{{[0-9]+}}, %rs[[FIRST]];

// The generic variant assumes no alignment: scalar b16 accesses.
// GENERIC-NOT: .extern
// GENERIC: .visible .entry layer_norm_fwd_fused(
// GENERIC-NOT: .global.v
// GENERIC: ld.global.b16
// GENERIC-NOT: .global.v
// GENERIC: st.global.b16
// GENERIC-NOT: .global.v

// PTXAS: Compiling entry function 'layer_norm_fwd_fused' for 'sm_90'
// PTXAS: 0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
