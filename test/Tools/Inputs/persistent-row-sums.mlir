// A persistent kernel without prefetching of its own: program p sums rows
// p, p + P, ... of X (N features, stride_x apart), each shifted by its
// first element, into Sums. For blk-prefetch-loads (prefetch-loads-cpu.test).

func.func @row_sums(%X: !blk.ptr<f32> {blk.noalias},
                    %Sums: !blk.ptr<f32> {blk.noalias},
                    %stride_x: i64, %M: i32, %N: i32) {
  %zero = arith.constant 0.0 : f32
  %pid = blk.program_id 0 : i32
  %programs = blk.num_programs 0 : i32
  %cols = blk.range : tensor<256xi32>
  %N_block = blk.splat %N : i32 -> tensor<256xi32>
  %mask = arith.cmpi slt, %cols, %N_block : tensor<256xi32>
  %zeros = blk.splat %zero : f32 -> tensor<256xf32>
  scf.for %row = %pid to %M step %programs : i32 {
    %row64 = arith.extsi %row : i32 to i64
    %offset = arith.muli %row64, %stride_x : i64
    %X_row = blk.addptr %X, %offset : !blk.ptr<f32>, i64
    %X_block = blk.splat %X_row : !blk.ptr<f32> -> tensor<256x!blk.ptr<f32>>
    %x_ptrs = blk.addptr %X_block, %cols : tensor<256x!blk.ptr<f32>>, tensor<256xi32>
    %x0 = blk.load %X_row : !blk.ptr<f32>
    %x = blk.load %x_ptrs, %mask, %zeros : tensor<256x!blk.ptr<f32>>
    %x0_block = blk.splat %x0 : f32 -> tensor<256xf32>
    %shifted_all = arith.subf %x, %x0_block : tensor<256xf32>
    %shifted = arith.select %mask, %shifted_all, %zeros : tensor<256xi1>, tensor<256xf32>
    %sum = blk.reduce %shifted axis 0 : tensor<256xf32> -> f32 {
    ^bb0(%l: f32, %r: f32):
      %s = arith.addf %l, %r : f32
      blk.yield %s : f32
    }
    %sum_ptr = blk.addptr %Sums, %row : !blk.ptr<f32>, i32
    blk.store %sum_ptr, %sum : !blk.ptr<f32>
  }
  return
}
