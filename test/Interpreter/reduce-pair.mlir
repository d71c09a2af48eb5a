// Two blocks reduced together on the CPU evaluator: along the rows of the
// 4 x 8 tile row * 8 + column, the f32 sums and the i32 maxima of their
// squares side by side (one combiner taking both partials of each side).
// The same kernel compiles to PTX that ptxas accepts.

// RUN: ln-run kernel %s --cpu --name sums_and_maxima --arg f32*:4 --arg i32*:4 --print 0 --out %t
// RUN: FileCheck %s < %t
// RUN: ln-opt %s --blk-specialize=num-warps=1 --blk-to-ptx | ln-translate --ptx > %t.ptx
// RUN: %ptxas %t.ptx -o /dev/null

// Row r sums 8r .. 8r + 7 (64r + 28); its largest square is (8r + 7)^2.
// CHECK-LABEL: # arg 0 f32[4]
// CHECK-NEXT: {{^}}28{{$}}
// CHECK-NEXT: {{^}}92{{$}}
// CHECK-NEXT: {{^}}156{{$}}
// CHECK-NEXT: {{^}}220{{$}}
// CHECK-LABEL: # arg 1 i32[4]
// CHECK-NEXT: {{^}}49{{$}}
// CHECK-NEXT: {{^}}225{{$}}
// CHECK-NEXT: {{^}}529{{$}}
// CHECK-NEXT: {{^}}961{{$}}
func.func @sums_and_maxima(%sums: !blk.ptr<f32>, %maxima: !blk.ptr<i32>) {
  %rows = blk.range : tensor<4xi32>
  %columns = blk.range : tensor<8xi32>
  %r = blk.expand_dims %rows, 1 : tensor<4xi32> -> tensor<4x1xi32>
  %c = blk.expand_dims %columns, 0 : tensor<8xi32> -> tensor<1x8xi32>
  %r2 = blk.broadcast %r : tensor<4x1xi32> -> tensor<4x8xi32>
  %c2 = blk.broadcast %c : tensor<1x8xi32> -> tensor<4x8xi32>
  %eight = arith.constant dense<8> : tensor<4x8xi32>
  %scaled = arith.muli %r2, %eight : tensor<4x8xi32>
  %index = arith.addi %scaled, %c2 : tensor<4x8xi32>
  %values = arith.sitofp %index : tensor<4x8xi32> to tensor<4x8xf32>
  %squares = arith.muli %index, %index : tensor<4x8xi32>
  %sum, %max = blk.reduce %values, %squares axis 1
      : tensor<4x8xf32>, tensor<4x8xi32> -> tensor<4xf32>, tensor<4xi32> {
  ^bb0(%a: f32, %i: i32, %b: f32, %j: i32):
    %s = arith.addf %a, %b : f32
    %m = arith.maxsi %i, %j : i32
    blk.yield %s, %m : f32, i32
  }
  %sum_base = blk.splat %sums : !blk.ptr<f32> -> tensor<4x!blk.ptr<f32>>
  %sum_ptrs = blk.addptr %sum_base, %rows : tensor<4x!blk.ptr<f32>>, tensor<4xi32>
  blk.store %sum_ptrs, %sum : tensor<4x!blk.ptr<f32>>
  %max_base = blk.splat %maxima : !blk.ptr<i32> -> tensor<4x!blk.ptr<i32>>
  %max_ptrs = blk.addptr %max_base, %rows : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %max_ptrs, %max : tensor<4x!blk.ptr<i32>>
  return
}
