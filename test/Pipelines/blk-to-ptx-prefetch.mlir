// RUN: ln-opt %S/../Tools/Inputs/persistent-row-sums.mlir --blk-specialize="num-warps=2" --blk-to-ptx="prefetch-loads=true" | ln-translate --ptx > %t.prefetch.ptx
// RUN: ln-opt %S/../Tools/Inputs/persistent-row-sums.mlir --blk-specialize="num-warps=2" --blk-to-ptx | ln-translate --ptx > %t.plain.ptx
// RUN: ln-opt %S/../Tools/Inputs/persistent-row-sums.mlir --blk-specialize="num-warps=2" --blk-to-ptx="prefetch-loads=true prefetch-distance=3" | ln-translate --ptx > %t.three.ptx
// RUN: FileCheck %s --check-prefix=PREFETCH < %t.prefetch.ptx
// RUN: FileCheck %s --check-prefix=PLAIN < %t.plain.ptx
// RUN: %ptxas %t.prefetch.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %ptxas %t.three.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: FileCheck %s --check-prefix=THREE < %t.three.ptx

// --blk-to-ptx="prefetch-loads=true" runs blk-prefetch-loads first: the
// persistent row loop's first row is loaded before the loop, and in the
// loop the next row's loads come before the row's reduction (the
// shuffles). By default the loop is left as written: nothing is loaded
// before it.

// PREFETCH-LABEL: .visible .entry row_sums(
// PREFETCH: ld.global
// PREFETCH: $L__BB0_[[LOOP:[0-9]+]]:
// PREFETCH-NOT: shfl.sync
// PREFETCH: ld.global
// PREFETCH: shfl.sync.bfly.b32
// PREFETCH: bra{{.*}} $L__BB0_[[LOOP]];

// PLAIN-LABEL: .visible .entry row_sums(
// PLAIN-NOT: ld.global
// PLAIN: $L__BB0_{{[0-9]+}}:

// PTXAS: 0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads

// prefetch-distance=3 reaches the pass: three rows' loads before the loop
// (5 each: the row's first element, and its 4 elements a thread of 256 on
// 2 warps), one row's in it.
// THREE-LABEL: .visible .entry row_sums(
// THREE-COUNT-15: ld.global.b32
// THREE-NOT: ld.global
// THREE: $L__BB0_[[LOOP:[0-9]+]]:
// THREE-COUNT-5: ld.global.b32
// THREE-NOT: ld.global
// THREE: bra{{.*}} $L__BB0_[[LOOP]];
