// One kernel source, specialized three times: block sizes and the element
// type are bound at compile time, as Triton binds constexpr arguments, and
// every block type becomes static (ops, loop-carried values, scf.if and
// scf.while results, reduction results).

// RUN: ln-opt %s --blk-specialize="bind=BLOCK_M=32,BLOCK_N=128,T=f16 num-warps=8 divisible-by-16=0,1" | FileCheck %s --check-prefix=F16
// RUN: ln-opt %s --blk-specialize="bind=BLOCK_M=8,BLOCK_N=64,T=f32" | FileCheck %s --check-prefix=F32
// RUN: ln-opt %s --blk-specialize="bind=BLOCK_N=256,T=bf16,BLOCK_M=16 num-warps=1 divisible-by-16=3" | FileCheck %s --check-prefix=BF16
// divisibility=INDEX:VALUE gives one argument a power of two of its own,
// over divisible-by-16 where both name it (N a multiple of 8 f16 elements:
// 16 bytes' worth).
// RUN: ln-opt %s --blk-specialize="bind=BLOCK_M=32,BLOCK_N=128,T=f16 divisible-by-16=0,1,3 divisibility=3:8,2:4" | FileCheck %s --check-prefix=DIVISIBILITY
// DIVISIBILITY: func.func @{{.*}}(%{{[^:]*}}: !blk.ptr<f16> {blk.divisibility = 16 : i32}, %{{[^:]*}}: !blk.ptr<f16> {blk.divisibility = 16 : i32}, %{{[^:]*}}: !blk.ptr<f32> {blk.divisibility = 4 : i32}, %{{[^:]*}}: i32 {blk.divisibility = 8 : i32})

// Nothing dynamic or unbound is left.
// RUN: ln-opt %s --blk-specialize="bind=BLOCK_M=32,BLOCK_N=128,T=f16" | FileCheck %s --check-prefix=STATIC
// STATIC-NOT: ?x
// STATIC-NOT: x?
// STATIC-NOT: typevar
// STATIC-NOT: constexpr

!T = !blk.typevar<"T">
!ptrT = !blk.ptr<!T>

// F16-LABEL: func.func @kernel
// F16-SAME: (%[[X:.*]]: !blk.ptr<f16> {blk.divisibility = 16 : i32}, %[[Y:.*]]: !blk.ptr<f16> {blk.divisibility = 16 : i32}, %[[M:.*]]: !blk.ptr<f32>, %[[N:.*]]: i32)
// F16-SAME: attributes {blk.num_warps = 8 : i32}
// F16-DAG: %[[ZEROS:.*]] = arith.constant dense<0.000000e+00> : tensor<32x128xf32>
// F16-DAG: %[[C32:.*]] = arith.constant 32 : i32
// F16: %[[COLS:.*]] = blk.range : tensor<128xi32>
// F16: %[[COL2:.*]] = blk.expand_dims %[[COLS]], 0 : tensor<128xi32> -> tensor<1x128xi32>
// F16: %[[TILE:.*]] = blk.broadcast %[[COL2]] : tensor<1x128xi32> -> tensor<32x128xi32>
// F16: %[[XS:.*]] = blk.splat %[[X]] : !blk.ptr<f16> -> tensor<32x128x!blk.ptr<f16>>
// F16: %[[PTRS:.*]] = blk.addptr %[[XS]], %[[TILE]] : tensor<32x128x!blk.ptr<f16>>, tensor<32x128xi32>
// F16: %[[ACC:.*]] = scf.for %{{.*}} = %{{.*}} to %[[N]] step %[[C32]] iter_args(%[[A:.*]] = %[[ZEROS]]) -> (tensor<32x128xf32>)
// F16: %[[XV:.*]] = blk.load %[[PTRS]] : tensor<32x128x!blk.ptr<f16>>
// F16: %[[XF:.*]] = blk.cast %[[XV]] : tensor<32x128xf16> to tensor<32x128xf32>
// F16: arith.addf %[[A]], %[[XF]] : tensor<32x128xf32>
// F16: scf.yield %{{.*}} : tensor<32x128xf32>
// F16: %[[SUM:.*]] = blk.reduce %[[ACC]] axis 0 : tensor<32x128xf32> -> tensor<128xf32>
// F16: %[[R:.*]] = scf.if %{{.*}} -> (tensor<128xf32>)
// F16: blk.splat %{{.*}} : f32 -> tensor<128xf32>
// F16: arith.subf %[[SUM]], %{{.*}} : tensor<128xf32>
// F16: %[[W:.*]] = scf.while (%{{.*}} = %[[R]]) : (tensor<128xf32>) -> tensor<128xf32>
// F16: scf.condition(%{{.*}}) %{{.*}} : tensor<128xf32>
// F16: ^bb0(%{{.*}}: tensor<128xf32>):
// F16: %[[WT:.*]] = blk.cast %[[W]] : tensor<128xf32> to tensor<128xf16>
// F16: %[[YS:.*]] = blk.splat %[[Y]] : !blk.ptr<f16> -> tensor<128x!blk.ptr<f16>>
// F16: %[[YP:.*]] = blk.addptr %[[YS]], %[[COLS]] : tensor<128x!blk.ptr<f16>>, tensor<128xi32>
// F16: blk.store %[[YP]], %[[WT]] : tensor<128x!blk.ptr<f16>>

// The f32 specialization of the same source: other sizes, default warps, no
// divisibility, and the casts between f32 and T fold away.
// F32-LABEL: func.func @kernel
// F32-SAME: (%{{[^:]*}}: !blk.ptr<f32>, %{{[^:]*}}: !blk.ptr<f32>, %{{[^:]*}}: !blk.ptr<f32>, %{{[^:]*}}: i32)
// F32-SAME: attributes {blk.num_warps = 4 : i32}
// F32-NOT: blk.divisibility
// F32: blk.range : tensor<64xi32>
// F32: blk.broadcast %{{.*}} : tensor<1x64xi32> -> tensor<8x64xi32>
// F32: scf.for {{.*}} -> (tensor<8x64xf32>)
// F32: blk.load %{{.*}} : tensor<8x64x!blk.ptr<f32>>
// F32-NOT: blk.cast
// F32: blk.reduce %{{.*}} axis 0 : tensor<8x64xf32> -> tensor<64xf32>
// F32: scf.if %{{.*}} -> (tensor<64xf32>)
// F32: scf.while ({{.*}}) : (tensor<64xf32>) -> tensor<64xf32>
// F32-NOT: blk.cast
// F32: blk.store %{{.*}}, %{{.*}} : tensor<64x!blk.ptr<f32>>

// BF16-LABEL: func.func @kernel
// BF16-SAME: (%{{[^:]*}}: !blk.ptr<bf16>, %{{[^:]*}}: !blk.ptr<bf16>, %{{[^:]*}}: !blk.ptr<f32>, %{{[^:]*}}: i32 {blk.divisibility = 16 : i32})
// BF16-SAME: attributes {blk.num_warps = 1 : i32}
// BF16: blk.broadcast %{{.*}} : tensor<1x256xi32> -> tensor<16x256xi32>
// BF16: blk.cast %{{.*}} : tensor<16x256xbf16> to tensor<16x256xf32>
// BF16: blk.reduce %{{.*}} axis 0 : tensor<16x256xf32> -> tensor<256xf32>
// BF16: blk.cast %{{.*}} : tensor<256xf32> to tensor<256xbf16>
// BF16: blk.store %{{.*}}, %{{.*}} : tensor<256x!blk.ptr<bf16>>

func.func @kernel(%X: !ptrT, %Y: !ptrT, %M: !blk.ptr<f32>, %N: i32) {
  %BM = blk.constexpr "BLOCK_M" : i32
  %BN = blk.constexpr "BLOCK_N" : i32
  %c0 = arith.constant 0 : i32
  %zero = arith.constant 0.0 : f32
  %rows = blk.range [%BM] : tensor<?xi32>
  %cols = blk.range [%BN] : tensor<?xi32>
  %col2 = blk.expand_dims %cols, 0 : tensor<?xi32> -> tensor<1x?xi32>
  %tile = blk.broadcast %col2 [%BM, %BN] : tensor<1x?xi32> -> tensor<?x?xi32>
  %Xs = blk.splat %X [%BM, %BN] : !ptrT -> tensor<?x?x!ptrT>
  %ptrs = blk.addptr %Xs, %tile : tensor<?x?x!ptrT>, tensor<?x?xi32>
  %zeros = blk.splat %zero [%BM, %BN] : f32 -> tensor<?x?xf32>
  %acc = scf.for %i = %c0 to %N step %BM iter_args(%a = %zeros) -> (tensor<?x?xf32>) : i32 {
    %x = blk.load %ptrs : tensor<?x?x!ptrT>
    %xf = blk.cast %x : tensor<?x?x!T> to tensor<?x?xf32>
    %n = arith.addf %a, %xf : tensor<?x?xf32>
    scf.yield %n : tensor<?x?xf32>
  }
  %sum = blk.reduce %acc axis 0 : tensor<?x?xf32> -> tensor<?xf32> {
  ^bb0(%p: f32, %q: f32):
    %s = arith.addf %p, %q : f32
    blk.yield %s : f32
  }
  %pos = arith.cmpi sgt, %N, %c0 : i32
  %r = scf.if %pos -> (tensor<?xf32>) {
    %mean_ptr = blk.addptr %M, %c0 : !blk.ptr<f32>, i32
    %m = blk.load %mean_ptr : !blk.ptr<f32>
    %mb = blk.splat %m [%BN] : f32 -> tensor<?xf32>
    %d = arith.subf %sum, %mb : tensor<?xf32>
    scf.yield %d : tensor<?xf32>
  } else {
    %z = blk.splat %zero [%BN] : f32 -> tensor<?xf32>
    scf.yield %z : tensor<?xf32>
  }
  %w = scf.while (%v = %r) : (tensor<?xf32>) -> tensor<?xf32> {
    %t = arith.cmpi slt, %c0, %N : i32
    scf.condition(%t) %v : tensor<?xf32>
  } do {
  ^bb0(%v: tensor<?xf32>):
    %v2 = arith.addf %v, %v : tensor<?xf32>
    scf.yield %v2 : tensor<?xf32>
  }
  %yT = blk.cast %w : tensor<?xf32> to tensor<?x!T>
  %Ys = blk.splat %Y [%BN] : !ptrT -> tensor<?x!ptrT>
  %yp = blk.addptr %Ys, %cols : tensor<?x!ptrT>, tensor<?xi32>
  blk.store %yp, %yT : tensor<?x!ptrT>
  return
}
