// blk.cluster_reduce on the CPU evaluator: programs run a cluster at a
// time, handing over at each exchange. Clusters of 4 programs along axis 0
// each sum a row of 32 i32 (8 elements a program); the grid's 2 clusters
// along axis 1 walk the 3 rows (rows 0 and 2, then row 1), so the exchange
// runs in a loop. Every program writes the row's sum at Out[row * 4 +
// its part]: all four must agree. The same kernel assembles for sm_90.

// RUN: ln-run kernel %s --cpu --name row_sums --specialize "num-warps=1 cluster-size=4" --grid 4,2 --arg i32*:96=iota --arg i32*:12=-1 --arg i32=3 --print 0 --out %t
// RUN: FileCheck %s < %t
// RUN: ln-opt %s --blk-specialize="num-warps=1 cluster-size=4" --blk-to-ptx | ln-translate --ptx > %t.ptx
// RUN: %ptxas %t.ptx -o /dev/null

// A grid whose axis 0 is not whole clusters, and programs of a cluster
// that do not reach the same exchanges, are errors at the op.
// RUN: not ln-run kernel %s --cpu --name row_sums --specialize "num-warps=1 cluster-size=4" --grid 6 --arg i32*:96 --arg i32*:12 --arg i32=3 2>&1 | FileCheck %s --check-prefix=GRID
// RUN: not ln-run kernel %s --cpu --name first_skips --specialize "num-warps=1 cluster-size=2" --grid 2 --arg i32*:2 2>&1 | FileCheck %s --check-prefix=SKIP
// RUN: not ln-run kernel %s --cpu --name different_ops --specialize "num-warps=1 cluster-size=2" --grid 2 --arg i32*:2 2>&1 | FileCheck %s --check-prefix=DIFFERENT
// RUN: not ln-run kernel %s --cpu --name row_sums --specialize "num-warps=1" --grid 4 --arg i32*:96 --arg i32*:12 --arg i32=3 2>&1 | FileCheck %s --check-prefix=NOCLUSTER

// Row r sums 32r .. 32r + 31: 1024r + 496.
// CHECK-LABEL: # arg 1 i32[12]
// CHECK-NEXT: {{^}}496{{$}}
// CHECK-NEXT: {{^}}496{{$}}
// CHECK-NEXT: {{^}}496{{$}}
// CHECK-NEXT: {{^}}496{{$}}
// CHECK-NEXT: {{^}}1520{{$}}
// CHECK-NEXT: {{^}}1520{{$}}
// CHECK-NEXT: {{^}}1520{{$}}
// CHECK-NEXT: {{^}}1520{{$}}
// CHECK-NEXT: {{^}}2544{{$}}
// CHECK-NEXT: {{^}}2544{{$}}
// CHECK-NEXT: {{^}}2544{{$}}
// CHECK-NEXT: {{^}}2544{{$}}

// GRID: error: the grid's axis-0 size 6 is not a multiple of the kernel's cluster size 4 (blk.cluster_size, a power of two from 1 to 8)
// SKIP: cluster-reduce.mlir:[[@LINE+48]]:{{[0-9]+}}: error: program (1, 0, 0): 'blk.cluster_reduce' waits for program (0, 0, 0) of its cluster, which ended without reaching it
// DIFFERENT: cluster-reduce.mlir:[[@LINE+71]]:{{[0-9]+}}: error: program (1, 0, 0): 'blk.cluster_reduce' is reached while other programs of the cluster wait at another blk.cluster_reduce
// DIFFERENT: cluster-reduce.mlir:[[@LINE+63]]:{{[0-9]+}}: note: they wait here
// NOCLUSTER: error: program (0, 0, 0): 'blk.cluster_reduce' needs a cluster kernel

func.func @row_sums(%X: !blk.ptr<i32>, %Out: !blk.ptr<i32>, %M: i32) {
  %c4 = arith.constant 4 : i32
  %c8 = arith.constant 8 : i32
  %c32 = arith.constant 32 : i32
  %part = blk.program_id 0 : i32
  %first_row = blk.program_id 1 : i32
  %row_programs = blk.num_programs 1 : i32
  %lanes = blk.range : tensor<8xi32>
  %part_start = arith.muli %part, %c8 : i32
  scf.for %row = %first_row to %M step %row_programs : i32 {
    %row_start = arith.muli %row, %c32 : i32
    %start = arith.addi %row_start, %part_start : i32
    %base = blk.addptr %X, %start : !blk.ptr<i32>, i32
    %bases = blk.splat %base : !blk.ptr<i32> -> tensor<8x!blk.ptr<i32>>
    %ptrs = blk.addptr %bases, %lanes : tensor<8x!blk.ptr<i32>>, tensor<8xi32>
    %x = blk.load %ptrs : tensor<8x!blk.ptr<i32>>
    %part_sum = blk.reduce %x axis 0 : tensor<8xi32> -> i32 {
    ^bb0(%a: i32, %b: i32):
      %s = arith.addi %a, %b : i32
      blk.yield %s : i32
    }
    %sum = blk.cluster_reduce %part_sum : i32 -> i32 {
    ^bb0(%a: i32, %b: i32):
      %s = arith.addi %a, %b : i32
      blk.yield %s : i32
    }
    %row_out = arith.muli %row, %c4 : i32
    %out_index = arith.addi %row_out, %part : i32
    %out = blk.addptr %Out, %out_index : !blk.ptr<i32>, i32
    blk.store %out, %sum : !blk.ptr<i32>
  }
  return
}

// Program 0 of each cluster skips the exchange that program 1 waits at.
func.func @first_skips(%Out: !blk.ptr<i32>) {
  %c0 = arith.constant 0 : i32
  %pid = blk.program_id 0 : i32
  %out = blk.addptr %Out, %pid : !blk.ptr<i32>, i32
  %skips = arith.cmpi eq, %pid, %c0 : i32
  scf.if %skips {
    blk.store %out, %pid : !blk.ptr<i32>
  } else {
    %sum = blk.cluster_reduce %pid : i32 -> i32 {
    ^bb0(%a: i32, %b: i32):
      %s = arith.addi %a, %b : i32
      blk.yield %s : i32
    }
    blk.store %out, %sum : !blk.ptr<i32>
  }
  return
}

// The programs of a cluster reach two different exchanges.
func.func @different_ops(%Out: !blk.ptr<i32>) {
  %c0 = arith.constant 0 : i32
  %pid = blk.program_id 0 : i32
  %out = blk.addptr %Out, %pid : !blk.ptr<i32>, i32
  %first = arith.cmpi eq, %pid, %c0 : i32
  %sum = scf.if %first -> (i32) {
    %s0 = blk.cluster_reduce %pid : i32 -> i32 {
    ^bb0(%a: i32, %b: i32):
      %s = arith.addi %a, %b : i32
      blk.yield %s : i32
    }
    scf.yield %s0 : i32
  } else {
    %s1 = blk.cluster_reduce %pid : i32 -> i32 {
    ^bb0(%a: i32, %b: i32):
      %s = arith.maxsi %a, %b : i32
      blk.yield %s : i32
    }
    scf.yield %s1 : i32
  }
  blk.store %out, %sum : !blk.ptr<i32>
  return
}
