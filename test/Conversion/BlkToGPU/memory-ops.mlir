// RUN: ln-opt %s -split-input-file --convert-blk-to-gpu --canonicalize --cse | FileCheck %s

// Global accesses are inline PTX whose width follows AxisInfo: runs of up
// to 16 contiguous, 16-byte-aligned bytes move with one v4.b32 access under
// one predicate; a ragged mask keeps the in-bounds runs vectorized.

// 256 f16 on one warp: 8 per thread, one 16-byte access each for the load
// and for the store, each under the single mask bit of its run (N is a
// multiple of 16, so the mask is constant over 8 elements).
// CHECK-LABEL: gpu.func @f16_aligned
// CHECK-SAME: (%[[X:.*]]: !llvm.ptr<1>, %[[N:.*]]: i32)
// CHECK: %[[M:.*]] = arith.cmpi slt, %{{.*}}, %[[N]] : i32
// CHECK: %[[P:.*]] = llvm.getelementptr %[[X]][%{{.*}}] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, f16
// CHECK-NOT: ld.global
// CHECK: llvm.inline_asm has_side_effects {{.*}}"mov.b32 $0, 0;\0A\09mov.b32 $1, 0;\0A\09mov.b32 $2, 0;\0A\09mov.b32 $3, 0;\0A\09@$5 ld.global.v4.b32 {$0, $1, $2, $3}, [$4];", "=r,=r,=r,=r,l,b" %[[P]], %[[M]] : (!llvm.ptr<1>, i1) -> !llvm.struct<(i32, i32, i32, i32)>
// CHECK-NOT: ld.global
// CHECK-NOT: st.global
// CHECK: llvm.inline_asm has_side_effects {{.*}}"@$5 st.global.v4.b32 [$0], {$1, $2, $3, $4};", "l,r,r,r,r,b" %[[P]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[M]]
// CHECK-NOT: st.global
// CHECK: gpu.return
func.func @f16_aligned(%X: !blk.ptr<f16> {blk.divisibility = 16 : i32},
                       %N: i32 {blk.divisibility = 16 : i32})
    attributes {blk.num_warps = 1 : i32} {
  %r = blk.range : tensor<256xi32>
  %Ns = blk.splat %N : i32 -> tensor<256xi32>
  %m = arith.cmpi slt, %r, %Ns : tensor<256xi32>
  %Xs = blk.splat %X : !blk.ptr<f16> -> tensor<256x!blk.ptr<f16>>
  %p = blk.addptr %Xs, %r : tensor<256x!blk.ptr<f16>>, tensor<256xi32>
  %x = blk.load %p, %m : tensor<256x!blk.ptr<f16>>
  blk.store %p, %x, %m : tensor<256x!blk.ptr<f16>>
  return
}

// -----

// 2048 f16 over 4 warps: 16 per thread, two 8-element runs 1024 apart, so
// two v4 loads (one per 8 elements), unmasked.
// CHECK-LABEL: gpu.func @f16_two_runs
// CHECK-COUNT-2: "ld.global.v4.b32 {$0, $1, $2, $3}, [$4];", "=r,=r,=r,=r,l"
// CHECK-NOT: ld.global
// CHECK: gpu.return
func.func @f16_two_runs(%X: !blk.ptr<f16> {blk.divisibility = 16 : i32},
                        %Y: !blk.ptr<f32>)
    attributes {blk.num_warps = 4 : i32} {
  %r = blk.range : tensor<2048xi32>
  %Xs = blk.splat %X : !blk.ptr<f16> -> tensor<2048x!blk.ptr<f16>>
  %p = blk.addptr %Xs, %r : tensor<2048x!blk.ptr<f16>>, tensor<2048xi32>
  %x = blk.load %p : tensor<2048x!blk.ptr<f16>>
  %xf = blk.cast %x : tensor<2048xf16> to tensor<2048xf32>
  %s = blk.reduce %xf axis 0 : tensor<2048xf32> -> f32 {
  ^bb0(%a: f32, %b: f32):
    %t = arith.addf %a, %b : f32
    blk.yield %t : f32
  }
  blk.store %Y, %s : !blk.ptr<f32>
  return
}

// -----

// f32 is 4 elements per 16 bytes: 512 f32 on one warp are 16 per thread,
// four v4 loads.
// CHECK-LABEL: gpu.func @f32_aligned
// CHECK-COUNT-4: ld.global.v4.b32 {$0, $1, $2, $3}, [$4];
// CHECK-NOT: ld.global
// CHECK-COUNT-4: st.global.v4.b32 [$0], {$1, $2, $3, $4};
// CHECK-NOT: st.global
// CHECK: gpu.return
func.func @f32_aligned(%X: !blk.ptr<f32> {blk.divisibility = 16 : i32})
    attributes {blk.num_warps = 1 : i32} {
  %r = blk.range : tensor<512xi32>
  %Xs = blk.splat %X : !blk.ptr<f32> -> tensor<512x!blk.ptr<f32>>
  %p = blk.addptr %Xs, %r : tensor<512x!blk.ptr<f32>>, tensor<512xi32>
  %x = blk.load %p : tensor<512x!blk.ptr<f32>>
  blk.store %p, %x : tensor<512x!blk.ptr<f32>>
  return
}

// -----

// Without divisibility only the 2-byte alignment of f16 is known, so the
// accesses are scalar, and the layout gives each thread one element a
// repeat (BlkToGPU.cpp, vectorWidthFor): lane l's 8 elements are l, l + 32,
// ..., l + 224, and each of the 8 scalar accesses of the warp covers 64
// consecutive bytes. (With 8 consecutive elements a thread, each access
// would touch 512 bytes for 64 useful ones.)
// CHECK-LABEL: gpu.func @f16_unaligned
// CHECK-SAME: (%[[X:.*]]: !llvm.ptr<1>)
// CHECK-DAG: %[[C32:.*]] = arith.constant 32 : i32
// CHECK-DAG: %[[C224:.*]] = arith.constant 224 : i32
// CHECK: %[[LANE:.*]] = arith.remui %{{.*}}, %[[C32]] : i32
// CHECK: %[[E1:.*]] = arith.addi %[[LANE]], %[[C32]] : i32
// CHECK: %[[E7:.*]] = arith.addi %[[LANE]], %[[C224]] : i32
// CHECK: llvm.getelementptr %[[X]][%[[LANE]]] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, f16
// CHECK-NEXT: llvm.getelementptr %[[X]][%[[E1]]] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, f16
// CHECK-NOT: .v4.
// CHECK-COUNT-8: "ld.global.b16 $0, [$1];", "=h,l"
// CHECK-NOT: ld.global
// CHECK-COUNT-8: "st.global.b16 [$0], $1;", "l,h"
// CHECK-NOT: .v4.
// CHECK: gpu.return
func.func @f16_unaligned(%X: !blk.ptr<f16>) attributes {blk.num_warps = 1 : i32} {
  %r = blk.range : tensor<256xi32>
  %Xs = blk.splat %X : !blk.ptr<f16> -> tensor<256x!blk.ptr<f16>>
  %p = blk.addptr %Xs, %r : tensor<256x!blk.ptr<f16>>, tensor<256xi32>
  %x = blk.load %p : tensor<256x!blk.ptr<f16>>
  blk.store %p, %x : tensor<256x!blk.ptr<f16>>
  return
}

// -----

// One misaligned access sets the layout for the whole kernel: X is only
// 4-byte aligned, so every thread owns 2 consecutive elements; the aligned
// Y then moves 4 bytes at a time too (8 loads), and X's 2-element runs are
// single b32 accesses.
// CHECK-LABEL: gpu.func @f16_four_byte_aligned
// CHECK-NOT: .v4.
// CHECK-NOT: .v2.
// CHECK-COUNT-4: "ld.global.b32 $0, [$1];", "=r,l"
// CHECK-NOT: ld.global.b16
// CHECK-COUNT-4: "ld.global.b32 $0, [$1];", "=r,l"
// CHECK-NOT: ld.global
// CHECK: gpu.return
func.func @f16_four_byte_aligned(%X: !blk.ptr<f16> {blk.divisibility = 4 : i32},
                                 %Y: !blk.ptr<f16> {blk.divisibility = 16 : i32},
                                 %Z: !blk.ptr<f16> {blk.divisibility = 16 : i32})
    attributes {blk.num_warps = 1 : i32} {
  %r = blk.range : tensor<256xi32>
  %Xs = blk.splat %X : !blk.ptr<f16> -> tensor<256x!blk.ptr<f16>>
  %xp = blk.addptr %Xs, %r : tensor<256x!blk.ptr<f16>>, tensor<256xi32>
  %x = blk.load %xp : tensor<256x!blk.ptr<f16>>
  %Ys = blk.splat %Y : !blk.ptr<f16> -> tensor<256x!blk.ptr<f16>>
  %yp = blk.addptr %Ys, %r : tensor<256x!blk.ptr<f16>>, tensor<256xi32>
  %y = blk.load %yp : tensor<256x!blk.ptr<f16>>
  %s = arith.addf %x, %y : tensor<256xf16>
  %Zs = blk.splat %Z : !blk.ptr<f16> -> tensor<256x!blk.ptr<f16>>
  %zp = blk.addptr %Zs, %r : tensor<256x!blk.ptr<f16>>, tensor<256xi32>
  blk.store %zp, %s : tensor<256x!blk.ptr<f16>>
  return
}

// -----

// A gather (no contiguity) is element by element in any layout, so it
// leaves the aligned accesses their 16-byte width: 8 elements a thread.
// CHECK-LABEL: gpu.func @gather_keeps_vectors
// CHECK-COUNT-8: "ld.global.b16 $0, [$1];", "=h,l"
// CHECK-NOT: ld.global
// CHECK: "st.global.v4.b32 [$0], {$1, $2, $3, $4};"
// CHECK-NOT: st.global
// CHECK: gpu.return
func.func @gather_keeps_vectors(%X: !blk.ptr<f16>,
                                %Z: !blk.ptr<f16> {blk.divisibility = 16 : i32})
    attributes {blk.num_warps = 1 : i32} {
  %r = blk.range : tensor<256xi32>
  %c3 = arith.constant 3 : i32
  %three = blk.splat %c3 : i32 -> tensor<256xi32>
  %strided = arith.muli %r, %three : tensor<256xi32>
  %Xs = blk.splat %X : !blk.ptr<f16> -> tensor<256x!blk.ptr<f16>>
  %xp = blk.addptr %Xs, %strided : tensor<256x!blk.ptr<f16>>, tensor<256xi32>
  %x = blk.load %xp : tensor<256x!blk.ptr<f16>>
  %Zs = blk.splat %Z : !blk.ptr<f16> -> tensor<256x!blk.ptr<f16>>
  %zp = blk.addptr %Zs, %r : tensor<256x!blk.ptr<f16>>, tensor<256xi32>
  blk.store %zp, %x : tensor<256x!blk.ptr<f16>>
  return
}

// -----

// A row of pointers a loop carries and advances by 256 elements a turn
// (Triton's K-loop idiom) keeps its contiguity and alignment (AxisInfo goes
// around the loop): 16-byte loads in the loop.
// CHECK-LABEL: gpu.func @loop_carried_pointers
// CHECK: scf.for
// CHECK: "ld.global.v4.b32 {$0, $1, $2, $3}, [$4];"
// CHECK-NOT: ld.global.b16
// CHECK: scf.yield
func.func @loop_carried_pointers(%X: !blk.ptr<f16> {blk.divisibility = 16 : i32},
                                 %Y: !blk.ptr<f32> {blk.divisibility = 16 : i32},
                                 %n: i32) attributes {blk.num_warps = 1 : i32} {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %r = blk.range : tensor<256xi32>
  %step = arith.constant dense<256> : tensor<256xi32>
  %zeros = arith.constant dense<0.0> : tensor<256xf32>
  %Xs = blk.splat %X : !blk.ptr<f16> -> tensor<256x!blk.ptr<f16>>
  %row = blk.addptr %Xs, %r : tensor<256x!blk.ptr<f16>>, tensor<256xi32>
  %ptrs, %sums = scf.for %i = %c0 to %n step %c1 iter_args(%p = %row, %acc = %zeros)
      -> (tensor<256x!blk.ptr<f16>>, tensor<256xf32>) : i32 {
    %x = blk.load %p : tensor<256x!blk.ptr<f16>>
    %xf = blk.cast %x : tensor<256xf16> to tensor<256xf32>
    %next = arith.addf %acc, %xf : tensor<256xf32>
    %advanced = blk.addptr %p, %step : tensor<256x!blk.ptr<f16>>, tensor<256xi32>
    scf.yield %advanced, %next : tensor<256x!blk.ptr<f16>>, tensor<256xf32>
  }
  %Ys = blk.splat %Y : !blk.ptr<f32> -> tensor<256x!blk.ptr<f32>>
  %out = blk.addptr %Ys, %r : tensor<256x!blk.ptr<f32>>, tensor<256xi32>
  blk.store %out, %sums : tensor<256x!blk.ptr<f32>>
  return
}

// -----

// f32 rows 8-byte aligned among f16 ones: the f32 access limits the layout
// to 2 elements a thread (8 bytes of f32, 4 of f16).
// CHECK-LABEL: gpu.func @f32_limits_f16
// CHECK-COUNT-4: "ld.global.v2.b32 {$0, $1}, [$2];", "=r,=r,l"
// CHECK-NOT: ld.global
// CHECK-COUNT-4: "st.global.b32 [$0], $1;", "l,r"
// CHECK-NOT: st.global
// CHECK: gpu.return
func.func @f32_limits_f16(%X: !blk.ptr<f32> {blk.divisibility = 8 : i32},
                          %Z: !blk.ptr<f16> {blk.divisibility = 16 : i32})
    attributes {blk.num_warps = 1 : i32} {
  %r = blk.range : tensor<256xi32>
  %Xs = blk.splat %X : !blk.ptr<f32> -> tensor<256x!blk.ptr<f32>>
  %xp = blk.addptr %Xs, %r : tensor<256x!blk.ptr<f32>>, tensor<256xi32>
  %x = blk.load %xp : tensor<256x!blk.ptr<f32>>
  %h = blk.cast %x : tensor<256xf32> to tensor<256xf16>
  %Zs = blk.splat %Z : !blk.ptr<f16> -> tensor<256x!blk.ptr<f16>>
  %zp = blk.addptr %Zs, %r : tensor<256x!blk.ptr<f16>>, tensor<256xi32>
  blk.store %zp, %h : tensor<256x!blk.ptr<f16>>
  return
}

// -----

// N of unknown divisibility: the mask may change inside a run. The run is
// read with one v4 load when all its 8 mask bits are set, element by
// element (predicated on its bit and on the run not being in bounds)
// otherwise; the result picks between them. Stores alike.
// CHECK-LABEL: gpu.func @ragged
// CHECK-SAME: (%[[X:.*]]: !llvm.ptr<1>, %[[N:.*]]: i32)
// CHECK: %[[TRUE:.*]] = arith.constant true
// CHECK: %[[M0:.*]] = arith.cmpi slt, %{{.*}}, %[[N]] : i32
// CHECK-NEXT: %[[M1:.*]] = arith.cmpi slt, %{{.*}}, %[[N]] : i32
// CHECK-NEXT: %[[M2:.*]] = arith.cmpi slt, %{{.*}}, %[[N]] : i32
// CHECK-NEXT: %[[M3:.*]] = arith.cmpi slt, %{{.*}}, %[[N]] : i32
// CHECK-NEXT: %[[M4:.*]] = arith.cmpi slt, %{{.*}}, %[[N]] : i32
// CHECK-NEXT: %[[M5:.*]] = arith.cmpi slt, %{{.*}}, %[[N]] : i32
// CHECK-NEXT: %[[M6:.*]] = arith.cmpi slt, %{{.*}}, %[[N]] : i32
// CHECK-NEXT: %[[M7:.*]] = arith.cmpi slt, %{{.*}}, %[[N]] : i32
// CHECK: %[[P0:.*]] = llvm.getelementptr %[[X]]
// CHECK-NEXT: %[[P1:.*]] = llvm.getelementptr %[[X]]
// CHECK: %[[A1:.*]] = arith.andi %[[M0]], %[[M1]] : i1
// CHECK-NEXT: %[[A2:.*]] = arith.andi %[[A1]], %[[M2]] : i1
// CHECK-NEXT: %[[A3:.*]] = arith.andi %[[A2]], %[[M3]] : i1
// CHECK-NEXT: %[[A4:.*]] = arith.andi %[[A3]], %[[M4]] : i1
// CHECK-NEXT: %[[A5:.*]] = arith.andi %[[A4]], %[[M5]] : i1
// CHECK-NEXT: %[[A6:.*]] = arith.andi %[[A5]], %[[M6]] : i1
// CHECK-NEXT: %[[ALL:.*]] = arith.andi %[[A6]], %[[M7]] : i1
// CHECK-NEXT: %[[VEC:.*]] = llvm.inline_asm {{.*}}@$5 ld.global.v4.b32 {$0, $1, $2, $3}, [$4];", "=r,=r,=r,=r,l,b" %[[P0]], %[[ALL]]
// CHECK: %[[RAGGED:.*]] = arith.xori %[[ALL]], %[[TRUE]] : i1
// CHECK-NEXT: %[[Q0:.*]] = arith.andi %[[M0]], %[[RAGGED]] : i1
// CHECK-NEXT: %[[S0:.*]] = llvm.inline_asm {{.*}}"mov.b16 $0, 0;\0A\09@$2 ld.global.b16 $0, [$1];", "=h,l,b" %[[P0]], %[[Q0]]
// CHECK-NEXT: %[[E0:.*]] = llvm.bitcast %[[S0]] : i16 to f16
// CHECK-NEXT: arith.select %[[ALL]], %{{.*}}, %[[E0]] : f16
// CHECK-NEXT: %[[Q1:.*]] = arith.andi %[[M1]], %[[RAGGED]] : i1
// CHECK-NEXT: llvm.inline_asm {{.*}}@$2 ld.global.b16 $0, [$1];", "=h,l,b" %[[P1]], %[[Q1]]
// CHECK-COUNT-6: ld.global.b16
// CHECK-NOT: ld.global
// CHECK: llvm.inline_asm {{.*}}"@$5 st.global.v4.b32 [$0], {$1, $2, $3, $4};", "l,r,r,r,r,b" %[[P0]], {{.*}}, %[[ALL]]
// CHECK: llvm.inline_asm {{.*}}"@$2 st.global.b16 [$0], $1;", "l,h,b" %[[P0]], %{{.*}}, %[[Q0]]
// CHECK: llvm.inline_asm {{.*}}"@$2 st.global.b16 [$0], $1;", "l,h,b" %[[P1]], %{{.*}}, %[[Q1]]
// CHECK-COUNT-6: st.global.b16
// CHECK-NOT: st.global
// CHECK: gpu.return
func.func @ragged(%X: !blk.ptr<f16> {blk.divisibility = 16 : i32}, %N: i32)
    attributes {blk.num_warps = 1 : i32} {
  %r = blk.range : tensor<256xi32>
  %Ns = blk.splat %N : i32 -> tensor<256xi32>
  %m = arith.cmpi slt, %r, %Ns : tensor<256xi32>
  %Xs = blk.splat %X : !blk.ptr<f16> -> tensor<256x!blk.ptr<f16>>
  %p = blk.addptr %Xs, %r : tensor<256x!blk.ptr<f16>>, tensor<256xi32>
  %x = blk.load %p, %m : tensor<256x!blk.ptr<f16>>
  blk.store %p, %x, %m : tensor<256x!blk.ptr<f16>>
  return
}

// -----

// 'other' fills the masked-off elements: the run is loaded under its first
// bit (the mask is uniform over it), each slot selects on its own bit.
// CHECK-LABEL: gpu.func @other
// CHECK-SAME: (%[[X:.*]]: !llvm.ptr<1>, %[[N:.*]]: i32, %[[O:.*]]: f32)
// CHECK: %[[M0:.*]] = arith.cmpi slt, %{{.*}}, %[[N]] : i32
// CHECK-NEXT: %[[M1:.*]] = arith.cmpi slt, %{{.*}}, %[[N]] : i32
// CHECK-NEXT: %[[M2:.*]] = arith.cmpi slt, %{{.*}}, %[[N]] : i32
// CHECK-NEXT: %[[M3:.*]] = arith.cmpi slt, %{{.*}}, %[[N]] : i32
// CHECK: %[[R:.*]] = llvm.inline_asm {{.*}}@$5 ld.global.v4.b32 {{.*}} %{{.*}}, %[[M0]]
// CHECK: %[[R0:.*]] = llvm.extractvalue %[[R]][0]
// CHECK: %[[V0:.*]] = llvm.bitcast %[[R0]] : i32 to f32
// CHECK: arith.select %[[M0]], %[[V0]], %[[O]] : f32
// CHECK-NEXT: arith.select %[[M1]], %{{.*}}, %[[O]] : f32
// CHECK-NEXT: arith.select %[[M2]], %{{.*}}, %[[O]] : f32
// CHECK-NEXT: arith.select %[[M3]], %{{.*}}, %[[O]] : f32
func.func @other(%X: !blk.ptr<f32> {blk.divisibility = 16 : i32},
                 %N: i32 {blk.divisibility = 16 : i32}, %o: f32)
    attributes {blk.num_warps = 1 : i32} {
  %r = blk.range : tensor<128xi32>
  %Ns = blk.splat %N : i32 -> tensor<128xi32>
  %m = arith.cmpi slt, %r, %Ns : tensor<128xi32>
  %os = blk.splat %o : f32 -> tensor<128xf32>
  %Xs = blk.splat %X : !blk.ptr<f32> -> tensor<128x!blk.ptr<f32>>
  %p = blk.addptr %Xs, %r : tensor<128x!blk.ptr<f32>>, tensor<128xi32>
  %x = blk.load %p, %m, %os : tensor<128x!blk.ptr<f32>>
  blk.store %p, %x : tensor<128x!blk.ptr<f32>>
  return
}

// -----

// A scalar load is made by every thread (its value stays uniform without a
// broadcast); a scalar store once per program, by thread 0.
// CHECK-LABEL: gpu.func @scalar
// CHECK-SAME: (%[[P:.*]]: !llvm.ptr<1>, %[[Q:.*]]: !llvm.ptr<1>)
// CHECK: %[[V:.*]] = llvm.inline_asm has_side_effects asm_dialect = att "ld.global.b32 $0, [$1];", "=r,l" %[[P]] : (!llvm.ptr<1>) -> i32
// CHECK: %[[TID:.*]] = gpu.thread_id x
// CHECK: %[[TID32:.*]] = arith.index_castui %[[TID]] : index to i32
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[TID32]], %c0_i32 : i32
// CHECK: llvm.inline_asm has_side_effects asm_dialect = att "@$2 st.global.b32 [$0], $1;", "l,r,b" %[[Q]], %[[V]], %[[FIRST]]
// CHECK-NEXT: gpu.return
func.func @scalar(%P: !blk.ptr<f32>, %Q: !blk.ptr<f32>) attributes {blk.num_warps = 4 : i32} {
  %v = blk.load %P : !blk.ptr<f32>
  blk.store %Q, %v : !blk.ptr<f32>
  return
}

// -----

// A masked scalar store: thread 0 and the mask.
// CHECK-LABEL: gpu.func @scalar_masked
// CHECK-SAME: (%[[Q:.*]]: !llvm.ptr<1>, %[[V:.*]]: i32, %[[C:.*]]: i1)
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %{{.*}}, %c0_i32 : i32
// CHECK: %[[PRED:.*]] = arith.andi %[[FIRST]], %[[C]] : i1
// CHECK: "@$2 st.global.b32 [$0], $1;", "l,r,b" %[[Q]], %[[V]], %[[PRED]]
func.func @scalar_masked(%Q: !blk.ptr<i32>, %v: i32, %c: i1) attributes {blk.num_warps = 4 : i32} {
  blk.store %Q, %v, %c : !blk.ptr<i32>
  return
}

// -----

// Threads holding copies (64 elements, 4 warps = 128 threads) do not store.
// CHECK-LABEL: gpu.func @copies_do_not_store
// CHECK: %[[LANES:.*]] = arith.cmpi ult, %{{.*}}, %c32_i32 : i32
// CHECK: %[[WARPS:.*]] = arith.cmpi ult, %{{.*}}, %c2_i32 : i32
// CHECK: %[[DISTINCT:.*]] = arith.andi %[[LANES]], %[[WARPS]] : i1
// CHECK: "@$2 st.global.b32 [$0], $1;", "l,r,b" %{{.*}}, %{{.*}}, %[[DISTINCT]]
// CHECK-NOT: st.global
func.func @copies_do_not_store(%X: !blk.ptr<f32>) attributes {blk.num_warps = 4 : i32} {
  %r = blk.range : tensor<64xi32>
  %Xs = blk.splat %X : !blk.ptr<f32> -> tensor<64x!blk.ptr<f32>>
  %p = blk.addptr %Xs, %r : tensor<64x!blk.ptr<f32>>, tensor<64xi32>
  %v = blk.cast %r : tensor<64xi32> to tensor<64xf32>
  blk.store %p, %v : tensor<64x!blk.ptr<f32>>
  return
}

// -----

// Tiles with rows N elements apart (the dw/db kernel): with N of unknown
// divisibility only the first row is 16-byte aligned, so the accesses stay
// scalar; with N a multiple of 16 every row is, and they are v4.
// CHECK-LABEL: gpu.func @tile_rows
// CHECK-NOT: .v4.
// CHECK-COUNT-8: "ld.global.b32 $0, [$1];", "=r,l"
// CHECK-NOT: .v4.
// CHECK: gpu.return
// CHECK-LABEL: gpu.func @tile_rows_aligned
// CHECK-COUNT-2: ld.global.v4.b32
// CHECK-NOT: ld.global
// CHECK: gpu.return
func.func @tile_rows(%X: !blk.ptr<f32> {blk.divisibility = 16 : i32}, %N: i32)
    attributes {blk.num_warps = 1 : i32} {
  %rows = blk.range : tensor<8xi32>
  %cols = blk.range : tensor<32xi32>
  %r1 = blk.expand_dims %rows, 1 : tensor<8xi32> -> tensor<8x1xi32>
  %r2 = blk.broadcast %r1 : tensor<8x1xi32> -> tensor<8x32xi32>
  %c1 = blk.expand_dims %cols, 0 : tensor<32xi32> -> tensor<1x32xi32>
  %c2 = blk.broadcast %c1 : tensor<1x32xi32> -> tensor<8x32xi32>
  %Ns = blk.splat %N : i32 -> tensor<8x32xi32>
  %ro = arith.muli %r2, %Ns : tensor<8x32xi32>
  %o = arith.addi %ro, %c2 : tensor<8x32xi32>
  %Xs = blk.splat %X : !blk.ptr<f32> -> tensor<8x32x!blk.ptr<f32>>
  %p = blk.addptr %Xs, %o : tensor<8x32x!blk.ptr<f32>>, tensor<8x32xi32>
  %x = blk.load %p : tensor<8x32x!blk.ptr<f32>>
  %s = blk.reduce %x axis 0 : tensor<8x32xf32> -> tensor<32xf32> {
  ^bb0(%a: f32, %b: f32):
    %t = arith.addf %a, %b : f32
    blk.yield %t : f32
  }
  %Xr = blk.splat %X : !blk.ptr<f32> -> tensor<32x!blk.ptr<f32>>
  %pr = blk.addptr %Xr, %cols : tensor<32x!blk.ptr<f32>>, tensor<32xi32>
  blk.store %pr, %s : tensor<32x!blk.ptr<f32>>
  return
}
func.func @tile_rows_aligned(%X: !blk.ptr<f32> {blk.divisibility = 16 : i32},
                             %N: i32 {blk.divisibility = 16 : i32})
    attributes {blk.num_warps = 1 : i32} {
  %rows = blk.range : tensor<8xi32>
  %cols = blk.range : tensor<32xi32>
  %r1 = blk.expand_dims %rows, 1 : tensor<8xi32> -> tensor<8x1xi32>
  %r2 = blk.broadcast %r1 : tensor<8x1xi32> -> tensor<8x32xi32>
  %c1 = blk.expand_dims %cols, 0 : tensor<32xi32> -> tensor<1x32xi32>
  %c2 = blk.broadcast %c1 : tensor<1x32xi32> -> tensor<8x32xi32>
  %Ns = blk.splat %N : i32 -> tensor<8x32xi32>
  %ro = arith.muli %r2, %Ns : tensor<8x32xi32>
  %o = arith.addi %ro, %c2 : tensor<8x32xi32>
  %Xs = blk.splat %X : !blk.ptr<f32> -> tensor<8x32x!blk.ptr<f32>>
  %p = blk.addptr %Xs, %o : tensor<8x32x!blk.ptr<f32>>, tensor<8x32xi32>
  %x = blk.load %p : tensor<8x32x!blk.ptr<f32>>
  %s = blk.reduce %x axis 0 : tensor<8x32xf32> -> tensor<32xf32> {
  ^bb0(%a: f32, %b: f32):
    %t = arith.addf %a, %b : f32
    blk.yield %t : f32
  }
  %Xr = blk.splat %X : !blk.ptr<f32> -> tensor<32x!blk.ptr<f32>>
  %pr = blk.addptr %Xr, %cols : tensor<32x!blk.ptr<f32>>, tensor<32xi32>
  blk.store %pr, %s : tensor<32x!blk.ptr<f32>>
  return
}
