// RUN: ln-opt %s --blk-specialize="bind=BLOCK=512,T=bf16 num-warps=4" | FileCheck %s
// RUN: ln-opt %s --blk-specialize="bind=BLOCK=96,T=f32 num-warps=3" | FileCheck %s --check-prefix=F32

// A local block sized by a blk.constexpr and holding a !blk.typevar:
// blk-specialize makes its type static, with the bound element type, and
// so the type of the blocks loaded from it.

// CHECK-LABEL: func.func @stash
// CHECK: %[[LOCAL:.*]] = blk.local_alloc : !blk.local<tensor<512xbf16>>
// CHECK: blk.local_store %{{.*}}, %[[LOCAL]] : !blk.local<tensor<512xbf16>>
// CHECK: %{{.*}} = blk.local_load %[[LOCAL]] : !blk.local<tensor<512xbf16>>
// CHECK: blk.store %{{.*}}, %{{.*}} : tensor<512x!blk.ptr<bf16>>
// F32: blk.local_alloc : !blk.local<tensor<96xf32>>
// F32: blk.local_load %{{.*}} : !blk.local<tensor<96xf32>>
!T = !blk.typevar<"T">
func.func @stash(%X: !blk.ptr<!T>, %Y: !blk.ptr<!T>) {
  %BLOCK = blk.constexpr "BLOCK" : i32
  %local = blk.local_alloc [%BLOCK] : !blk.local<tensor<?x!T>>
  %cols = blk.range [%BLOCK] : tensor<?xi32>
  %xs = blk.splat %X [%BLOCK] : !blk.ptr<!T> -> tensor<?x!blk.ptr<!T>>
  %xp = blk.addptr %xs, %cols : tensor<?x!blk.ptr<!T>>, tensor<?xi32>
  %x = blk.load %xp : tensor<?x!blk.ptr<!T>>
  blk.local_store %x, %local : !blk.local<tensor<?x!T>>
  %back = blk.local_load %local : !blk.local<tensor<?x!T>>
  %ys = blk.splat %Y [%BLOCK] : !blk.ptr<!T> -> tensor<?x!blk.ptr<!T>>
  %yp = blk.addptr %ys, %cols : tensor<?x!blk.ptr<!T>>, tensor<?xi32>
  blk.store %yp, %back : tensor<?x!blk.ptr<!T>>
  return
}
