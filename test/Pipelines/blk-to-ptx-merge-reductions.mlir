// RUN: ln-opt %kernels/layer_norm_bwd_dx_persistent.mlir --blk-specialize="bind=BLOCK_SIZE_N=8192,T=f16 num-warps=16 divisible-by-16=0,1,2,3,4,5,8,9,10,12" --blk-to-ptx="merge-reductions=true" | ln-translate --ptx > %t.merged.ptx
// RUN: ln-opt %kernels/layer_norm_bwd_dx_persistent.mlir --blk-specialize="bind=BLOCK_SIZE_N=8192,T=f16 num-warps=16 divisible-by-16=0,1,2,3,4,5,8,9,10,12" --blk-to-ptx | ln-translate --ptx > %t.apart.ptx
// RUN: grep -c 'bar.sync' %t.merged.ptx | FileCheck %s --check-prefix=MERGED
// RUN: grep -c 'bar.sync' %t.apart.ptx | FileCheck %s --check-prefix=APART
// RUN: %ptxas %t.merged.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS

// --blk-to-ptx="merge-reductions=true" runs blk-merge-reductions: the
// persistent backward's two row reductions (on 16 warps, each a tree
// across the warps through shared memory between two barriers) go through
// one tree, so a row waits at two barriers instead of four. The kernel
// assembles without spilling.

// MERGED: {{^}}2{{$}}
// APART: {{^}}4{{$}}
// PTXAS: 0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
