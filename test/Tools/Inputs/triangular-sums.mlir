// Out[i] = A[i*N + i] + ... + A[i*N + N - 1] for the rows i < M that a
// program owns: an inner loop whose bounds depend on the outer one's
// induction variable, empty for the rows i >= N (where i*N + i is past A).
func.func @triangle(%A: !blk.ptr<f32> {blk.noalias},
                    %Out: !blk.ptr<f32> {blk.noalias}, %M: i32, %N: i32) {
  %zero = arith.constant 0.0 : f32
  %c1 = arith.constant 1 : i32
  %pid = blk.program_id 0 : i32
  %programs = blk.num_programs 0 : i32
  scf.for %i = %pid to %M step %programs : i32 {
    %row = arith.muli %i, %N : i32
    %sum = scf.for %j = %i to %N step %c1 iter_args(%acc = %zero) -> (f32) : i32 {
      %offset = arith.addi %row, %j : i32
      %p = blk.addptr %A, %offset : !blk.ptr<f32>, i32
      %v = blk.load %p : !blk.ptr<f32>
      %next = arith.addf %acc, %v : f32
      scf.yield %next : f32
    }
    %q = blk.addptr %Out, %i : !blk.ptr<f32>, i32
    blk.store %q, %sum : !blk.ptr<f32>
  }
  return
}
