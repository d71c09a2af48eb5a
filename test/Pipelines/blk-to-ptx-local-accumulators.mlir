// RUN: ln-opt %kernels/layer_norm_bwd_dx_persistent_wide.mlir --blk-specialize="bind=BLOCK_SIZE_N=12288,T=bf16,X_HAT_IN_SHARED=0 num-warps=24 divisible-by-16=0,1,2,3,4,5,8,9,10,12" --blk-to-ptx="prefetch-loads=true local-accumulators=true" | ln-translate --ptx > %t.local.ptx
// RUN: ln-opt %kernels/layer_norm_bwd_dx_persistent_wide.mlir --blk-specialize="bind=BLOCK_SIZE_N=12288,T=bf16,X_HAT_IN_SHARED=0 num-warps=24 divisible-by-16=0,1,2,3,4,5,8,9,10,12" --blk-to-ptx="prefetch-loads=true" | ln-translate --ptx > %t.registers.ptx
// RUN: FileCheck %s --check-prefix=LOCAL < %t.local.ptx
// RUN: %ptxas %t.local.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.registers.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=SPILLS

// --blk-to-ptx="local-accumulators=true" runs blk-local-accumulators: the
// persistent backward's dw/db sums (12288 features on 24 warps, 16 f32 a
// thread each) live in dynamic shared memory, 2 * 16 * 768 * 4 bytes,
// which the PTX records; each row adds to them with 16-byte shared
// accesses. The kernel then assembles without spilling, where the sums in
// registers spill.

// LOCAL: .visible .global .align 4 .u32 layer_norm_bwd_dx_persistent_dynamic_shared_bytes = 98304;
// LOCAL: .extern .shared .align 16 .b8 layer_norm_bwd_dx_persistent_local[];
// LOCAL-LABEL: .visible .entry layer_norm_bwd_dx_persistent(
// LOCAL: ld.shared.v4.b32 {{.*}}, [%rd{{[0-9]+}}+{{[0-9]+}}];
// LOCAL: st.shared.v4.b32 [%rd{{[0-9]+}}+{{[0-9]+}}], {%r

// PTXAS: 0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
// SPILLS: {{[1-9][0-9]*}} bytes spill stores
