// Per-program column sums over a persistent grid of rows, the loop's
// accumulator kept in shared memory (compiled with
// --blk-to-ptx=local-accumulators=true): program p adds rows p, p + P, ...
// of X (M x 16384 f32) column by column, in row order, and stores its sums
// as row p of S. 16384 f32 on 32 warps are 64 KB of dynamic shared memory,
// more than a launch gets without asking (48 KB).
func.func @column_sums(%X: !blk.ptr<f32> {blk.divisibility = 16 : i32},
                       %S: !blk.ptr<f32> {blk.divisibility = 16 : i32}, %M: i32) {
  %pid = blk.program_id 0 : i32
  %programs = blk.num_programs 0 : i32
  %c16384 = arith.constant 16384 : i32
  %zero = arith.constant 0.0 : f32
  %zeros = blk.splat %zero : f32 -> tensor<16384xf32>
  %cols = blk.range : tensor<16384xi32>
  %sums = scf.for %row = %pid to %M step %programs iter_args(%acc = %zeros)
      -> (tensor<16384xf32>) : i32 {
    %start = arith.muli %row, %c16384 : i32
    %x_row = blk.addptr %X, %start : !blk.ptr<f32>, i32
    %x_block = blk.splat %x_row : !blk.ptr<f32> -> tensor<16384x!blk.ptr<f32>>
    %x_ptrs = blk.addptr %x_block, %cols : tensor<16384x!blk.ptr<f32>>, tensor<16384xi32>
    %x = blk.load %x_ptrs : tensor<16384x!blk.ptr<f32>>
    %next = arith.addf %acc, %x : tensor<16384xf32>
    scf.yield %next : tensor<16384xf32>
  }
  %s_start = arith.muli %pid, %c16384 : i32
  %s_row = blk.addptr %S, %s_start : !blk.ptr<f32>, i32
  %s_block = blk.splat %s_row : !blk.ptr<f32> -> tensor<16384x!blk.ptr<f32>>
  %s_ptrs = blk.addptr %s_block, %cols : tensor<16384x!blk.ptr<f32>>, tensor<16384xi32>
  blk.store %s_ptrs, %sums : tensor<16384x!blk.ptr<f32>>
  return
}
