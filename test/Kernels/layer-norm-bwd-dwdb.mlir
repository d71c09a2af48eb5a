// The final dw/db kernel (kernels/layer_norm_bwd_dwdb.mlir): (32, 128) f32
// tiles of the partial sums, loaded as 16-byte vectors when the buffers and
// N are 16-aligned, summed down the columns (axis 0) and stored as T.

// RUN: ln-opt %kernels/layer_norm_bwd_dwdb.mlir --blk-specialize="bind=BLOCK_SIZE_M=32,BLOCK_SIZE_N=128,T=f16 num-warps=4 divisible-by-16=0,1,2,3,5" --blk-to-ptx | ln-translate --ptx > %t.f16.ptx
// RUN: ln-opt %kernels/layer_norm_bwd_dwdb.mlir --blk-specialize="bind=BLOCK_SIZE_M=32,BLOCK_SIZE_N=128,T=bf16 num-warps=4 divisible-by-16=0,1,2,3,5" --blk-to-ptx | ln-translate --ptx > %t.bf16.ptx
// RUN: ln-opt %kernels/layer_norm_bwd_dwdb.mlir --blk-specialize="bind=BLOCK_SIZE_M=32,BLOCK_SIZE_N=128,T=f32 num-warps=4 divisible-by-16=0,1,2,3,5" --blk-to-ptx | ln-translate --ptx > %t.f32.ptx
// RUN: ln-opt %kernels/layer_norm_bwd_dwdb.mlir --blk-specialize="bind=BLOCK_SIZE_M=32,BLOCK_SIZE_N=128,T=f16 num-warps=4 divisible-by-16=0,1" --blk-to-ptx | ln-translate --ptx > %t.generic.ptx

// RUN: FileCheck %s --check-prefixes=CHECK,HALF < %t.f16.ptx
// RUN: FileCheck %s --check-prefixes=CHECK,HALF < %t.bf16.ptx
// RUN: FileCheck %s --check-prefixes=CHECK,F32 < %t.f32.ptx
// RUN: FileCheck %s --check-prefix=GENERIC < %t.generic.ptx

// Each thread holds 32 of a tile's 4096 f32: 8 v4 loads per tile, for DW
// and for DB.
// RUN: grep "ld.global.v4.b32" %t.f16.ptx | count 16
// RUN: grep "ld.global.v4.b32" %t.f32.ptx | count 16

// RUN: %ptxas %t.f16.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.bf16.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.f32.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.generic.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS

// CHECK-NOT: .extern
// CHECK-LABEL: .visible .entry layer_norm_bwd_dwdb(
// CHECK: .maxntid 128, 1, 1
// The row loop: masked v4 tile loads, no scalar global load.
// CHECK-NOT: ld.global.b32
// CHECK: @%p{{[0-9]+}} ld.global.v4.b32 {%r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}}, [%rd{{[0-9]+}}];
// CHECK-NOT: ld.global.b32
// The column sums (axis 0). With 2-byte T (8 columns per thread), two
// lanes share a column: one butterfly step across lane bit 4...
// HALF: shfl.sync.bfly.b32 %r{{[0-9]+}}, %r{{[0-9]+}}, 16, 31, -1;
// HALF-NOT: shfl.sync.bfly.b32 %r{{[0-9]+}}, %r{{[0-9]+}}, {{(1|2|4|8)}}, 31, -1;
// ...with f32 (4 columns per thread) a column lies in one lane of each warp.
// F32-NOT: shfl.sync
// ...then the 4 warps splitting the rows meet in shared memory.
// CHECK: bar.sync 0;
// CHECK: st.shared
// CHECK: bar.sync 0;
// CHECK: ld.shared
// CHECK-NOT: ld.global
// CHECK: st.global
// CHECK: ret;

// The generic variant cannot assume that rows after the first are aligned
// (N is arbitrary): scalar loads only.
// GENERIC-LABEL: .visible .entry layer_norm_bwd_dwdb(
// GENERIC-NOT: ld.global.v
// GENERIC: ld.global.b32
// GENERIC-NOT: ld.global.v

// PTXAS: Compiling entry function 'layer_norm_bwd_dwdb' for 'sm_90'
// PTXAS: 0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
