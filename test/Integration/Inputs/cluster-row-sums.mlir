// Row sums by clusters of 8 programs (test/Integration/cluster-reduce.test):
// each program sums its 128 i32 of a row of 1024, the cluster combines the
// 8 parts through blk.cluster_reduce, and every program writes the row's
// sum at Out[row * 8 + its part]. The clusters along axis 1 walk the rows,
// so the exchange runs in a loop (a second cluster barrier per row).
// Integer sums: exact, whatever the order.
func.func @cluster_row_sums(%X: !blk.ptr<i32>, %Out: !blk.ptr<i32>, %M: i32) {
  %c8 = arith.constant 8 : i32
  %c128 = arith.constant 128 : i32
  %c1024 = arith.constant 1024 : i32
  %part = blk.program_id 0 : i32
  %first_row = blk.program_id 1 : i32
  %row_programs = blk.num_programs 1 : i32
  %lanes = blk.range : tensor<128xi32>
  %part_start = arith.muli %part, %c128 : i32
  scf.for %row = %first_row to %M step %row_programs : i32 {
    %row_start = arith.muli %row, %c1024 : i32
    %start = arith.addi %row_start, %part_start : i32
    %base = blk.addptr %X, %start : !blk.ptr<i32>, i32
    %bases = blk.splat %base : !blk.ptr<i32> -> tensor<128x!blk.ptr<i32>>
    %ptrs = blk.addptr %bases, %lanes : tensor<128x!blk.ptr<i32>>, tensor<128xi32>
    %x = blk.load %ptrs : tensor<128x!blk.ptr<i32>>
    %part_sum = blk.reduce %x axis 0 : tensor<128xi32> -> i32 {
    ^bb0(%a: i32, %b: i32):
      %s = arith.addi %a, %b : i32
      blk.yield %s : i32
    }
    %sum = blk.cluster_reduce %part_sum : i32 -> i32 {
    ^bb0(%a: i32, %b: i32):
      %s = arith.addi %a, %b : i32
      blk.yield %s : i32
    }
    %row_out = arith.muli %row, %c8 : i32
    %out_index = arith.addi %row_out, %part : i32
    %out = blk.addptr %Out, %out_index : !blk.ptr<i32>, i32
    blk.store %out, %sum : !blk.ptr<i32>
  }
  return
}
