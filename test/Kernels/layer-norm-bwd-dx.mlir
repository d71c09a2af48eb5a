// The split backward's dx kernel (kernels/layer_norm_bwd_dx.mlir): one row
// per program, no lock and no partial sums. With 16-aligned rows each of
// the 1024 threads moves its 16 elements of x, dy and w as two 16-byte
// vectors, in the one-block path (row loaded once) and in each of the two
// loops over wider rows (sums, then dx).

// RUN: ln-opt %kernels/layer_norm_bwd_dx.mlir --blk-specialize="bind=BLOCK_SIZE=16384,T=f16 num-warps=32 divisible-by-16=0,1,2,3,6,7,8,9" --blk-to-ptx | ln-translate --ptx > %t.f16.ptx
// RUN: ln-opt %kernels/layer_norm_bwd_dx.mlir --blk-specialize="bind=BLOCK_SIZE=16384,T=bf16 num-warps=32 divisible-by-16=0,1,2,3,6,7,8,9" --blk-to-ptx | ln-translate --ptx > %t.bf16.ptx
// RUN: ln-opt %kernels/layer_norm_bwd_dx.mlir --blk-specialize="bind=BLOCK_SIZE=16384,T=f32 num-warps=32 divisible-by-16=0,1,2,3,6,7,8,9" --blk-to-ptx | ln-translate --ptx > %t.f32.ptx
// RUN: ln-opt %kernels/layer_norm_bwd_dx.mlir --blk-specialize="bind=BLOCK_SIZE=16384,T=f16 num-warps=32" --blk-to-ptx | ln-translate --ptx > %t.generic.ptx

// RUN: FileCheck %s < %t.f16.ptx
// RUN: FileCheck %s < %t.bf16.ptx
// RUN: FileCheck %s < %t.f32.ptx
// RUN: FileCheck %s < %t.generic.ptx
// RUN: grep "ld.global.v4.b32" %t.f16.ptx | count 18
// RUN: grep "st.global.v4.b32" %t.f16.ptx | count 4
// RUN: grep "ld.global.v4.b32" %t.bf16.ptx | count 18
// RUN: not grep "atom\." %t.f16.ptx

// The f16/bf16 aligned kernels fit in 64 registers a thread.
// RUN: %ptxas %t.f16.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOSPILL
// RUN: %ptxas %t.bf16.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOSPILL
// RUN: %ptxas %t.f32.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.generic.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS

// CHECK-NOT: .extern
// CHECK-LABEL: .visible .entry layer_norm_bwd_dx(
// CHECK: .maxntid 1024, 1, 1
// The two row sums cross warps through shared memory.
// CHECK: bar.sync 0;
// CHECK: ret;

// NOSPILL: Compiling entry function 'layer_norm_bwd_dx' for 'sm_90'
// NOSPILL: 0 bytes spill stores, 0 bytes spill loads
// PTXAS: Compiling entry function 'layer_norm_bwd_dx' for 'sm_90'
