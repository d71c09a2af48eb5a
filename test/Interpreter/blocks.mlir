// The CPU evaluator's blocks and control flow: a 2-D tile built from
// expand_dims and broadcast (row * 4 + column), reduced along each axis,
// an scf.for carrying a block, an scf.while counting, an scf.if choosing.

// RUN: ln-run kernel %s --cpu --name tiles --arg i32*:16 --arg i32*:4 --arg i32*:2 --arg f32*:1 --out %t
// RUN: FileCheck %s < %t
// CHECK-LABEL: # arg 0 i32[16]
// CHECK-COUNT-16: {{^[0-9]+$}}
// column sums (axis 0) 24 28 32 36 plus the row maxima (axis 1) 3 7 11 15
// passed through the loop, which adds 4 three times: 15 19 23 27.
// CHECK-LABEL: # arg 1 i32[4]
// CHECK-NEXT: {{^}}39{{$}}
// CHECK-NEXT: {{^}}47{{$}}
// CHECK-NEXT: {{^}}55{{$}}
// CHECK-NEXT: {{^}}63{{$}}
// CHECK-LABEL: # arg 2 i32[2]
// CHECK-NEXT: {{^}}5{{$}}
// CHECK-NEXT: {{^}}-1{{$}}
// CHECK-LABEL: # arg 3 f32[1]
// CHECK-NEXT: {{^}}120{{$}}
func.func @tiles(%tile: !blk.ptr<i32>, %sums: !blk.ptr<i32>, %counts: !blk.ptr<i32>, %sum: !blk.ptr<f32>) {
  %range = blk.range : tensor<4xi32>
  %rows = blk.expand_dims %range, 1 : tensor<4xi32> -> tensor<4x1xi32>
  %columns = blk.expand_dims %range, 0 : tensor<4xi32> -> tensor<1x4xi32>
  %rows2 = blk.broadcast %rows : tensor<4x1xi32> -> tensor<4x4xi32>
  %columns2 = blk.broadcast %columns : tensor<1x4xi32> -> tensor<4x4xi32>
  %four = arith.constant dense<4> : tensor<4x4xi32>
  %scaled = arith.muli %rows2, %four : tensor<4x4xi32>
  %index = arith.addi %scaled, %columns2 : tensor<4x4xi32>
  %base = blk.splat %tile : !blk.ptr<i32> -> tensor<4x4x!blk.ptr<i32>>
  %ptrs = blk.addptr %base, %index : tensor<4x4x!blk.ptr<i32>>, tensor<4x4xi32>
  blk.store %ptrs, %index : tensor<4x4x!blk.ptr<i32>>

  %column_sums = blk.reduce %index axis 0 : tensor<4x4xi32> -> tensor<4xi32> {
  ^bb0(%a: i32, %b: i32):
    %s = arith.addi %a, %b : i32
    blk.yield %s : i32
  }
  %row_maxima = blk.reduce %index axis 1 : tensor<4x4xi32> -> tensor<4xi32> {
  ^bb0(%a: i32, %b: i32):
    %m = arith.maxsi %a, %b : i32
    blk.yield %m : i32
  }
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c3 = arith.constant 3 : i32
  %fours = arith.constant dense<4> : tensor<4xi32>
  %grown = scf.for %i = %c0 to %c3 step %c1 iter_args(%acc = %row_maxima) -> (tensor<4xi32>) : i32 {
    %next = arith.addi %acc, %fours : tensor<4xi32>
    scf.yield %next : tensor<4xi32>
  }
  %both = arith.addi %column_sums, %grown : tensor<4xi32>
  %both_ptrs_base = blk.splat %sums : !blk.ptr<i32> -> tensor<4x!blk.ptr<i32>>
  %both_ptrs = blk.addptr %both_ptrs_base, %range : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %both_ptrs, %both : tensor<4x!blk.ptr<i32>>

  // Doubling from 1 until past 20: 5 steps.
  %c20 = arith.constant 20 : i32
  %steps:2 = scf.while (%v = %c1, %n = %c0) : (i32, i32) -> (i32, i32) {
    %more = arith.cmpi sle, %v, %c20 : i32
    scf.condition(%more) %v, %n : i32, i32
  } do {
  ^bb0(%v: i32, %n: i32):
    %doubled = arith.addi %v, %v : i32
    %counted = arith.addi %n, %c1 : i32
    scf.yield %doubled, %counted : i32, i32
  }
  blk.store %counts, %steps#1 : !blk.ptr<i32>
  %big = arith.cmpi sgt, %steps#1, %c3 : i32
  %sign = scf.if %big -> (i32) {
    %m1 = arith.constant -1 : i32
    scf.yield %m1 : i32
  } else {
    scf.yield %c1 : i32
  }
  %second = blk.addptr %counts, %c1 : !blk.ptr<i32>, i32
  blk.store %second, %sign : !blk.ptr<i32>

  %floats = blk.cast %index : tensor<4x4xi32> to tensor<4x4xf32>
  %total_rows = blk.reduce %floats axis 1 : tensor<4x4xf32> -> tensor<4xf32> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s : f32
  }
  %total = blk.reduce %total_rows axis 0 : tensor<4xf32> -> f32 {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s : f32
  }
  blk.store %sum, %total : !blk.ptr<f32>
  return
}
