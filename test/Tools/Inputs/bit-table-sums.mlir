// Loops whose load addresses shift by the induction variable: sums of
// T[(word >> k) & 1] for k = 0 .. n - 1 (n <= 32), and for k = lo .. 31.
// A shift by 32 or more of an i32 is undefined; the loops never make one.
// For blk-prefetch-loads (prefetch-loads-cpu.test): the copies it computes
// ahead must not either, past the last iteration or before a loop that
// runs none.

func.func @bits(%T: !blk.ptr<f32>, %Out: !blk.ptr<f32>, %word: i32,
                %n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %zero = arith.constant 0.0 : f32
  %sum = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %zero) -> (f32) : i32 {
    %shifted = arith.shrui %word, %k : i32
    %bit = arith.andi %shifted, %c1 : i32
    %p = blk.addptr %T, %bit : !blk.ptr<f32>, i32
    %v = blk.load %p : !blk.ptr<f32>
    %s = arith.addf %acc, %v : f32
    scf.yield %s : f32
  }
  blk.store %Out, %sum : !blk.ptr<f32>
  return
}

func.func @bits_from(%T: !blk.ptr<f32>, %Out: !blk.ptr<f32>, %word: i32,
                     %lo: i32) {
  %c1 = arith.constant 1 : i32
  %c32 = arith.constant 32 : i32
  %zero = arith.constant 0.0 : f32
  %sum = scf.for %k = %lo to %c32 step %c1 iter_args(%acc = %zero) -> (f32) : i32 {
    %shifted = arith.shrui %word, %k : i32
    %bit = arith.andi %shifted, %c1 : i32
    %p = blk.addptr %T, %bit : !blk.ptr<f32>, i32
    %v = blk.load %p : !blk.ptr<f32>
    %s = arith.addf %acc, %v : f32
    scf.yield %s : f32
  }
  blk.store %Out, %sum : !blk.ptr<f32>
  return
}
