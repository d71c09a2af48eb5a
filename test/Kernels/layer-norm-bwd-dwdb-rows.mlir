// The split backward's dw/db kernel (kernels/layer_norm_bwd_dwdb_rows.mlir):
// (16, 256) tiles of x and dy, one warp per tile row, each lane loading 8
// consecutive 2-byte elements as one 16-byte vector; x_hat from the row's
// mean and rstd; the f32 column sums reduced across the 8 warps once, at
// the end, and stored to the slab's partial row. No lock, no atomics.

// RUN: ln-opt %kernels/layer_norm_bwd_dwdb_rows.mlir --blk-specialize="bind=BLOCK_SIZE_M=16,BLOCK_SIZE_N=256,T=f16 num-warps=8 divisible-by-16=0,1,4,5,6,7,9" --blk-to-ptx | ln-translate --ptx > %t.f16.ptx
// RUN: ln-opt %kernels/layer_norm_bwd_dwdb_rows.mlir --blk-specialize="bind=BLOCK_SIZE_M=16,BLOCK_SIZE_N=256,T=bf16 num-warps=8 divisible-by-16=0,1,4,5,6,7,9" --blk-to-ptx | ln-translate --ptx > %t.bf16.ptx
// RUN: ln-opt %kernels/layer_norm_bwd_dwdb_rows.mlir --blk-specialize="bind=BLOCK_SIZE_M=16,BLOCK_SIZE_N=256,T=f32 num-warps=8 divisible-by-16=0,1,4,5,6,7,9" --blk-to-ptx | ln-translate --ptx > %t.f32.ptx
// RUN: ln-opt %kernels/layer_norm_bwd_dwdb_rows.mlir --blk-specialize="bind=BLOCK_SIZE_M=16,BLOCK_SIZE_N=256,T=f16 num-warps=8 divisible-by-16=4,5" --blk-to-ptx | ln-translate --ptx > %t.generic.ptx

// RUN: FileCheck %s < %t.f16.ptx
// RUN: FileCheck %s < %t.bf16.ptx
// RUN: FileCheck %s < %t.f32.ptx
// RUN: FileCheck %s < %t.generic.ptx
// Two tile rows per thread: 2 vectors of x and 2 of dy...
// RUN: grep "ld.global.v4.b32" %t.f16.ptx | count 4
// ...and 32 scalar 2-byte loads in the generic flavour.
// RUN: grep "ld.global.b16" %t.generic.ptx | count 32
// RUN: not grep "atom\." %t.f16.ptx

// RUN: %ptxas %t.f16.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.bf16.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.f32.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.generic.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS

// CHECK-NOT: .extern
// CHECK-LABEL: .visible .entry layer_norm_bwd_dwdb_rows(
// CHECK: .maxntid 256, 1, 1
// The slab index is the grid's y coordinate.
// CHECK: mov.u32 %r{{[0-9]+}}, %ctaid.y;
// The column sums meet in shared memory after the row loop.
// CHECK: bar.sync 0;
// CHECK: st.global.b32
// CHECK: ret;

// PTXAS: Compiling entry function 'layer_norm_bwd_dwdb_rows' for 'sm_90'
// PTXAS: 0 bytes spill stores, 0 bytes spill loads
