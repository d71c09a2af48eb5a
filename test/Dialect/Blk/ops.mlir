// RUN: ln-opt %s | ln-opt | FileCheck %s
// RUN: ln-opt %s --mlir-print-op-generic | ln-opt | FileCheck %s

// Every blk op and type parses, prints, and parses again to the same thing,
// in the custom and in the generic form.

// CHECK-LABEL: func.func @types
// CHECK-SAME: %{{.*}}: !blk.ptr<f16>
// CHECK-SAME: %{{.*}}: !blk.ptr<!blk.typevar<"T">>
// CHECK-SAME: %{{.*}}: tensor<4x!blk.ptr<i32>>
// CHECK-SAME: %{{.*}}: !blk.typevar<"U">
func.func @types(%a: !blk.ptr<f16>, %b: !blk.ptr<!blk.typevar<"T">>,
                 %c: tensor<4x!blk.ptr<i32>>, %d: !blk.typevar<"U">) {
  return
}

// CHECK-LABEL: func.func @program
func.func @program() -> (i32, i64, i32, i32, i32, i32) {
  // CHECK: blk.constexpr "BLOCK_SIZE" : i32
  %bs = blk.constexpr "BLOCK_SIZE" : i32
  // CHECK: blk.constexpr "WIDE" : i64
  %w = blk.constexpr "WIDE" : i64
  // CHECK: blk.program_id 0 : i32
  %p0 = blk.program_id 0 : i32
  // CHECK: blk.program_id 2 : i32
  %p2 = blk.program_id 2 : i32
  // CHECK: blk.num_programs 0 : i32
  %n0 = blk.num_programs 0 : i32
  // CHECK: blk.num_programs 1 : i32
  %n1 = blk.num_programs 1 : i32
  return %bs, %w, %p0, %p2, %n0, %n1 : i32, i64, i32, i32, i32, i32
}

// CHECK-LABEL: func.func @range
// CHECK-SAME: (%[[BS:.*]]: i32)
func.func @range(%bs: i32) -> (tensor<128xi32>, tensor<?xi32>, tensor<64xi32>, tensor<?xi32>) {
  // CHECK: blk.range : tensor<128xi32>
  %a = blk.range : tensor<128xi32>
  // CHECK: blk.range{{ ?}}[%[[BS]]] : tensor<?xi32>
  %b = blk.range [%bs] : tensor<?xi32>
  // CHECK: blk.range {start = 64 : i32} : tensor<64xi32>
  %c = blk.range {start = 64 : i32} : tensor<64xi32>
  // CHECK: blk.range{{ ?}}[%[[BS]]] {start = 32 : i32} : tensor<?xi32>
  %d = blk.range [%bs] {start = 32 : i32} : tensor<?xi32>
  return %a, %b, %c, %d : tensor<128xi32>, tensor<?xi32>, tensor<64xi32>, tensor<?xi32>
}

// CHECK-LABEL: func.func @splat
// CHECK-SAME: (%[[X:.*]]: f32, %[[P:.*]]: !blk.ptr<f16>, %[[M:.*]]: i32, %[[N:.*]]: i32)
func.func @splat(%x: f32, %p: !blk.ptr<f16>, %m: i32, %n: i32) {
  // CHECK: blk.splat %[[X]] : f32 -> tensor<1024xf32>
  %a = blk.splat %x : f32 -> tensor<1024xf32>
  // CHECK: blk.splat %[[X]] : f32 -> tensor<32x64xf32>
  %b = blk.splat %x : f32 -> tensor<32x64xf32>
  // CHECK: blk.splat %[[P]]{{ ?}}[%[[N]]] : !blk.ptr<f16> -> tensor<?x!blk.ptr<f16>>
  %c = blk.splat %p [%n] : !blk.ptr<f16> -> tensor<?x!blk.ptr<f16>>
  // CHECK: blk.splat %[[X]]{{ ?}}[%[[M]], %[[N]]] : f32 -> tensor<?x?xf32>
  %d = blk.splat %x [%m, %n] : f32 -> tensor<?x?xf32>
  // CHECK: blk.splat %[[X]]{{ ?}}[%[[N]]] : f32 -> tensor<16x?xf32>
  %e = blk.splat %x [%n] : f32 -> tensor<16x?xf32>
  return
}

// CHECK-LABEL: func.func @reshape
// CHECK-SAME: (%[[R:.*]]: tensor<128xi32>, %[[D:.*]]: tensor<?xi32>, %[[N:.*]]: i32)
func.func @reshape(%r: tensor<128xi32>, %d: tensor<?xi32>, %n: i32) {
  // CHECK: %[[ROW:.*]] = blk.expand_dims %[[R]], 0 : tensor<128xi32> -> tensor<1x128xi32>
  %row = blk.expand_dims %r, 0 : tensor<128xi32> -> tensor<1x128xi32>
  // CHECK: %[[COL:.*]] = blk.expand_dims %[[R]], 1 : tensor<128xi32> -> tensor<128x1xi32>
  %col = blk.expand_dims %r, 1 : tensor<128xi32> -> tensor<128x1xi32>
  // CHECK: %[[DCOL:.*]] = blk.expand_dims %[[D]], 1 : tensor<?xi32> -> tensor<?x1xi32>
  %dcol = blk.expand_dims %d, 1 : tensor<?xi32> -> tensor<?x1xi32>
  // CHECK: blk.broadcast %[[ROW]] : tensor<1x128xi32> -> tensor<32x128xi32>
  %b0 = blk.broadcast %row : tensor<1x128xi32> -> tensor<32x128xi32>
  // CHECK: blk.broadcast %[[COL]] : tensor<128x1xi32> -> tensor<128x64xi32>
  %b1 = blk.broadcast %col : tensor<128x1xi32> -> tensor<128x64xi32>
  // CHECK: blk.broadcast %[[DCOL]]{{ ?}}[%[[N]], %[[N]]] : tensor<?x1xi32> -> tensor<?x?xi32>
  %b2 = blk.broadcast %dcol [%n, %n] : tensor<?x1xi32> -> tensor<?x?xi32>
  return
}

// CHECK-LABEL: func.func @cast
// CHECK-SAME: (%[[H:.*]]: tensor<64xf16>, %[[I:.*]]: i32, %[[T:.*]]: tensor<64x!blk.typevar<"T">>)
func.func @cast(%h: tensor<64xf16>, %i: i32, %t: tensor<64x!blk.typevar<"T">>) {
  // CHECK: blk.cast %[[H]] : tensor<64xf16> to tensor<64xf32>
  %a = blk.cast %h : tensor<64xf16> to tensor<64xf32>
  // CHECK: blk.cast %[[H]] : tensor<64xf16> to tensor<64xbf16>
  %b = blk.cast %h : tensor<64xf16> to tensor<64xbf16>
  // CHECK: blk.cast %[[I]] : i32 to f32
  %c = blk.cast %i : i32 to f32
  // CHECK: blk.cast %[[T]] : tensor<64x!blk.typevar<"T">> to tensor<64xf32>
  %d = blk.cast %t : tensor<64x!blk.typevar<"T">> to tensor<64xf32>
  // CHECK: blk.cast %[[H]] : tensor<64xf16> to tensor<64xf16>
  %e = blk.cast %h : tensor<64xf16> to tensor<64xf16>
  return
}

// CHECK-LABEL: func.func @addptr
// CHECK-SAME: (%[[P:.*]]: !blk.ptr<f16>, %[[O32:.*]]: i32, %[[O64:.*]]: i64, %[[PS:.*]]: tensor<256x!blk.ptr<f16>>, %[[OS32:.*]]: tensor<256xi32>, %[[OS64:.*]]: tensor<256xi64>)
func.func @addptr(%p: !blk.ptr<f16>, %o32: i32, %o64: i64,
                  %ps: tensor<256x!blk.ptr<f16>>, %os32: tensor<256xi32>,
                  %os64: tensor<256xi64>) {
  // CHECK: blk.addptr %[[P]], %[[O32]] : !blk.ptr<f16>, i32
  %a = blk.addptr %p, %o32 : !blk.ptr<f16>, i32
  // CHECK: blk.addptr %[[P]], %[[O64]] : !blk.ptr<f16>, i64
  %b = blk.addptr %p, %o64 : !blk.ptr<f16>, i64
  // CHECK: blk.addptr %[[PS]], %[[OS32]] : tensor<256x!blk.ptr<f16>>, tensor<256xi32>
  %c = blk.addptr %ps, %os32 : tensor<256x!blk.ptr<f16>>, tensor<256xi32>
  // CHECK: blk.addptr %[[PS]], %[[OS64]] : tensor<256x!blk.ptr<f16>>, tensor<256xi64>
  %d = blk.addptr %ps, %os64 : tensor<256x!blk.ptr<f16>>, tensor<256xi64>
  return
}

// CHECK-LABEL: func.func @load
// CHECK-SAME: (%[[PS:.*]]: tensor<256x!blk.ptr<f16>>, %[[M:.*]]: tensor<256xi1>, %[[O:.*]]: tensor<256xf16>, %[[P:.*]]: !blk.ptr<f32>, %[[P2:.*]]: tensor<8x32x!blk.ptr<f32>>, %[[M2:.*]]: tensor<8x32xi1>)
func.func @load(%ps: tensor<256x!blk.ptr<f16>>, %m: tensor<256xi1>,
                %o: tensor<256xf16>, %p: !blk.ptr<f32>,
                %p2: tensor<8x32x!blk.ptr<f32>>, %m2: tensor<8x32xi1>)
    -> (tensor<256xf16>, tensor<256xf16>, tensor<256xf16>, f32, tensor<8x32xf32>) {
  // CHECK: %[[A:.*]] = blk.load %[[PS]] : tensor<256x!blk.ptr<f16>>
  %a = blk.load %ps : tensor<256x!blk.ptr<f16>>
  // CHECK: %[[B:.*]] = blk.load %[[PS]], %[[M]] : tensor<256x!blk.ptr<f16>>
  %b = blk.load %ps, %m : tensor<256x!blk.ptr<f16>>
  // CHECK: %[[C:.*]] = blk.load %[[PS]], %[[M]], %[[O]] : tensor<256x!blk.ptr<f16>>
  %c = blk.load %ps, %m, %o : tensor<256x!blk.ptr<f16>>
  // CHECK: %[[D:.*]] = blk.load %[[P]] : !blk.ptr<f32>
  %d = blk.load %p : !blk.ptr<f32>
  // CHECK: %[[E:.*]] = blk.load %[[P2]], %[[M2]] : tensor<8x32x!blk.ptr<f32>>
  %e = blk.load %p2, %m2 : tensor<8x32x!blk.ptr<f32>>
  // CHECK: return %[[A]], %[[B]], %[[C]], %[[D]], %[[E]] : tensor<256xf16>, tensor<256xf16>, tensor<256xf16>, f32, tensor<8x32xf32>
  return %a, %b, %c, %d, %e : tensor<256xf16>, tensor<256xf16>, tensor<256xf16>, f32, tensor<8x32xf32>
}

// CHECK-LABEL: func.func @store
// CHECK-SAME: (%[[PS:.*]]: tensor<256x!blk.ptr<f16>>, %[[V:.*]]: tensor<256xf16>, %[[M:.*]]: tensor<256xi1>, %[[P:.*]]: !blk.ptr<f32>, %[[S:.*]]: f32, %[[C:.*]]: i1)
func.func @store(%ps: tensor<256x!blk.ptr<f16>>, %v: tensor<256xf16>,
                 %m: tensor<256xi1>, %p: !blk.ptr<f32>, %s: f32, %c: i1) {
  // CHECK: blk.store %[[PS]], %[[V]] : tensor<256x!blk.ptr<f16>>
  blk.store %ps, %v : tensor<256x!blk.ptr<f16>>
  // CHECK: blk.store %[[PS]], %[[V]], %[[M]] : tensor<256x!blk.ptr<f16>>
  blk.store %ps, %v, %m : tensor<256x!blk.ptr<f16>>
  // CHECK: blk.store %[[P]], %[[S]] : !blk.ptr<f32>
  blk.store %p, %s : !blk.ptr<f32>
  // CHECK: blk.store %[[P]], %[[S]], %[[C]] : !blk.ptr<f32>
  blk.store %p, %s, %c : !blk.ptr<f32>
  return
}

// CHECK-LABEL: func.func @reduce
// CHECK-SAME: (%[[X:.*]]: tensor<1024xf32>, %[[T:.*]]: tensor<32x128xf32>, %[[I:.*]]: tensor<64xi32>)
func.func @reduce(%x: tensor<1024xf32>, %t: tensor<32x128xf32>, %i: tensor<64xi32>)
    -> (f32, tensor<128xf32>, tensor<32xf32>, i32) {
  // CHECK: %[[SUM:.*]] = blk.reduce %[[X]] axis 0 : tensor<1024xf32> -> f32 {
  // CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32):
  // CHECK-NEXT: %[[S:.*]] = arith.addf %[[A]], %[[B]] : f32
  // CHECK-NEXT: blk.yield %[[S]] : f32
  // CHECK-NEXT: }
  %sum = blk.reduce %x axis 0 : tensor<1024xf32> -> f32 {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s : f32
  }
  // CHECK: %[[COLS:.*]] = blk.reduce %[[T]] axis 0 : tensor<32x128xf32> -> tensor<128xf32> {
  %cols = blk.reduce %t axis 0 : tensor<32x128xf32> -> tensor<128xf32> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s : f32
  }
  // CHECK: %[[ROWS:.*]] = blk.reduce %[[T]] axis 1 : tensor<32x128xf32> -> tensor<32xf32> {
  %rows = blk.reduce %t axis 1 : tensor<32x128xf32> -> tensor<32xf32> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s : f32
  }
  // CHECK: %[[MAX:.*]] = blk.reduce %[[I]] axis 0 : tensor<64xi32> -> i32 {
  // CHECK-NEXT: ^bb0(%[[A:.*]]: i32, %[[B:.*]]: i32):
  // CHECK-NEXT: %[[M:.*]] = arith.maxsi %[[A]], %[[B]] : i32
  // CHECK-NEXT: blk.yield %[[M]] : i32
  %max = blk.reduce %i axis 0 : tensor<64xi32> -> i32 {
  ^bb0(%a: i32, %b: i32):
    %m = arith.maxsi %a, %b : i32
    blk.yield %m : i32
  }
  // CHECK: return %[[SUM]], %[[COLS]], %[[ROWS]], %[[MAX]]
  return %sum, %cols, %rows, %max : f32, tensor<128xf32>, tensor<32xf32>, i32
}

// Two blocks reduced together: the combiner takes the partials of one side,
// then of the other.
// CHECK-LABEL: func.func @reduce_pair
// CHECK: %[[R:.*]]:2 = blk.reduce %{{.*}}, %{{.*}} axis 1 : tensor<4x64xf32>, tensor<4x64xi32> -> tensor<4xf32>, tensor<4xi32> {
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[I:.*]]: i32, %[[B:.*]]: f32, %[[J:.*]]: i32):
// CHECK: blk.yield %{{.*}}, %{{.*}} : f32, i32
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @reduce_pair(%x: tensor<4x64xf32>, %n: tensor<4x64xi32>)
    -> (tensor<4xf32>, tensor<4xi32>) {
  %s, %c = blk.reduce %x, %n axis 1 : tensor<4x64xf32>, tensor<4x64xi32>
      -> tensor<4xf32>, tensor<4xi32> {
  ^bb0(%a: f32, %i: i32, %b: f32, %j: i32):
    %t = arith.addf %a, %b : f32
    %k = arith.addi %i, %j : i32
    blk.yield %t, %k : f32, i32
  }
  return %s, %c : tensor<4xf32>, tensor<4xi32>
}

// CHECK-LABEL: func.func @atomics
// CHECK-SAME: (%[[L:.*]]: !blk.ptr<i32>, %[[L64:.*]]: !blk.ptr<i64>, %[[A:.*]]: i32, %[[B:.*]]: i32, %[[W:.*]]: i64)
func.func @atomics(%l: !blk.ptr<i32>, %l64: !blk.ptr<i64>, %a: i32, %b: i32, %w: i64) {
  // CHECK: blk.atomic_cas relaxed cta %[[L]], %[[A]], %[[B]] : !blk.ptr<i32>
  %0 = blk.atomic_cas relaxed cta %l, %a, %b : !blk.ptr<i32>
  // CHECK: blk.atomic_cas acquire gpu %[[L]], %[[A]], %[[B]] : !blk.ptr<i32>
  %1 = blk.atomic_cas acquire gpu %l, %a, %b : !blk.ptr<i32>
  // CHECK: blk.atomic_cas release sys %[[L]], %[[A]], %[[B]] : !blk.ptr<i32>
  %2 = blk.atomic_cas release sys %l, %a, %b : !blk.ptr<i32>
  // CHECK: blk.atomic_cas acq_rel gpu %[[L64]], %[[W]], %[[W]] : !blk.ptr<i64>
  %3 = blk.atomic_cas acq_rel gpu %l64, %w, %w : !blk.ptr<i64>
  // CHECK: blk.atomic_xchg relaxed gpu %[[L]], %[[A]] : !blk.ptr<i32>
  %4 = blk.atomic_xchg relaxed gpu %l, %a : !blk.ptr<i32>
  // CHECK: blk.atomic_xchg acquire cta %[[L]], %[[A]] : !blk.ptr<i32>
  %5 = blk.atomic_xchg acquire cta %l, %a : !blk.ptr<i32>
  // CHECK: blk.atomic_xchg release gpu %[[L]], %[[A]] : !blk.ptr<i32>
  %6 = blk.atomic_xchg release gpu %l, %a : !blk.ptr<i32>
  // CHECK: blk.atomic_xchg acq_rel sys %[[L64]], %[[W]] : !blk.ptr<i64>
  %7 = blk.atomic_xchg acq_rel sys %l64, %w : !blk.ptr<i64>
  return
}

// -----

// CHECK-LABEL: func.func @ordered_loads_and_barrier
// CHECK: blk.load volatile %{{.*}} : !blk.ptr<i32>
// CHECK: blk.load acquire cta %{{.*}} : !blk.ptr<i32>
// CHECK: blk.load acquire sys %{{.*}} : !blk.ptr<i32>
// CHECK: blk.barrier
func.func @ordered_loads_and_barrier(%p: !blk.ptr<i32>) -> (i32, i32, i32) {
  %a = blk.load volatile %p : !blk.ptr<i32>
  %b = blk.load acquire cta %p : !blk.ptr<i32>
  %c = blk.load acquire sys %p : !blk.ptr<i32>
  blk.barrier
  return %a, %b, %c : i32, i32, i32
}

// -----

// CHECK-LABEL: func.func @local_blocks
// CHECK: blk.local_alloc [%{{.*}}] : !blk.local<tensor<?xf32>>
// CHECK: %[[SUMS:.*]] = blk.local_alloc : !blk.local<tensor<64xf32>>
// CHECK: %[[MASKS:.*]] = blk.local_alloc : !blk.local<tensor<2x32xi1>>
// CHECK: blk.local_store %{{.*}}, %[[SUMS]] : !blk.local<tensor<64xf32>>
// CHECK: blk.local_load %[[SUMS]] : !blk.local<tensor<64xf32>>
// CHECK: blk.local_store %{{.*}}, %[[MASKS]] : !blk.local<tensor<2x32xi1>>
// CHECK: blk.local_load %[[MASKS]] : !blk.local<tensor<2x32xi1>>
func.func @local_blocks(%x: tensor<64xf32>, %m: tensor<2x32xi1>)
    -> (tensor<64xf32>, tensor<2x32xi1>) {
  %size = arith.constant 64 : i32
  %dynamic = blk.local_alloc [%size] : !blk.local<tensor<?xf32>>
  %sums = blk.local_alloc : !blk.local<tensor<64xf32>>
  %masks = blk.local_alloc : !blk.local<tensor<2x32xi1>>
  blk.local_store %x, %sums : !blk.local<tensor<64xf32>>
  %y = blk.local_load %sums : !blk.local<tensor<64xf32>>
  blk.local_store %m, %masks : !blk.local<tensor<2x32xi1>>
  %n = blk.local_load %masks : !blk.local<tensor<2x32xi1>>
  return %y, %n : tensor<64xf32>, tensor<2x32xi1>
}
