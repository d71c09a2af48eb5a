// RUN: ln-opt %s -split-input-file --test-print-axis-info -verify-diagnostics -o /dev/null

// AxisInfo of integer, pointer and mask values, per dimension:
// contiguity (length of runs of consecutive integers), divisibility (largest
// power of two dividing the first element of every run; bytes for
// pointers; 2^30 stands for 0 / "anything") and constancy (length of runs
// of equal values). See lib/Analysis/AxisInfo.cpp.

func.func @range() {
  // expected-remark @+1 {{contiguity = [256], divisibility = [1073741824], constancy = [1]}}
  %r = blk.range : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [64], divisibility = [64], constancy = [1]}}
  %r64 = blk.range {start = 64 : i32} : tensor<64xi32>
  // expected-remark @+1 {{contiguity = [64], divisibility = [1], constancy = [1]}}
  %r3 = blk.range {start = 3 : i32} : tensor<64xi32>
  // expected-remark @+1 {{contiguity = [16], divisibility = [8], constancy = [1]}}
  %r24 = blk.range {start = 24 : i32} : tensor<16xi32>
  return
}

// -----

// Function arguments: blk.divisibility (from blk-specialize divisible-by-16)
// or, without it, 1 for integers and the pointee size for pointers.
func.func @arguments_and_splat(%n: i32 {blk.divisibility = 16 : i32}, %m: i32,
                               %X: !blk.ptr<f16> {blk.divisibility = 16 : i32},
                               %Y: !blk.ptr<f32>, %Z: !blk.ptr<f16>) {
  // expected-remark @+1 {{contiguity = [1], divisibility = [16], constancy = [256]}}
  %ns = blk.splat %n : i32 -> tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [256]}}
  %ms = blk.splat %m : i32 -> tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1, 1], divisibility = [16, 16], constancy = [8, 32]}}
  %n2 = blk.splat %n : i32 -> tensor<8x32xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [16], constancy = [128]}}
  %Xs = blk.splat %X : !blk.ptr<f16> -> tensor<128x!blk.ptr<f16>>
  // expected-remark @+1 {{contiguity = [1], divisibility = [4], constancy = [128]}}
  %Ys = blk.splat %Y : !blk.ptr<f32> -> tensor<128x!blk.ptr<f32>>
  // expected-remark @+1 {{contiguity = [1], divisibility = [2], constancy = [128]}}
  %Zs = blk.splat %Z : !blk.ptr<f16> -> tensor<128x!blk.ptr<f16>>
  return
}

// -----

func.func @constants() {
  // expected-remark @+1 {{contiguity = [1], divisibility = [32], constancy = [1]}}
  %c96 = arith.constant 96 : i32
  // expected-remark @+1 {{contiguity = [1], divisibility = [1073741824], constancy = [1]}}
  %c0 = arith.constant 0 : i64
  // expected-remark @+1 {{contiguity = [1], divisibility = [4], constancy = [64]}}
  %d = arith.constant dense<12> : tensor<64xi32>
  // INT64_MIN is divisible by 2^63, capped like any power (it was claimed
  // divisible by -2^63).
  // expected-remark @+1 {{contiguity = [1], divisibility = [1073741824], constancy = [1]}}
  %min = arith.constant -9223372036854775808 : i64
  // expected-remark @+1 {{contiguity = [1], divisibility = [1073741824], constancy = [64]}}
  %mins = arith.constant dense<-9223372036854775808> : tensor<64xi64>
  return
}

// -----

// addptr scales the offset's divisibility by the pointee size (bytes) and
// keeps the offsets' contiguity.
func.func @addptr(%X: !blk.ptr<f16> {blk.divisibility = 16 : i32},
                  %Y: !blk.ptr<f32>, %W: !blk.ptr<f64> {blk.divisibility = 16 : i32},
                  %n: i32 {blk.divisibility = 16 : i32}, %k: i32) {
  // expected-remark @+1 {{contiguity = [256], divisibility = [1073741824], constancy = [1]}}
  %r = blk.range : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [16], constancy = [256]}}
  %Xs = blk.splat %X : !blk.ptr<f16> -> tensor<256x!blk.ptr<f16>>
  // expected-remark @+1 {{contiguity = [256], divisibility = [16], constancy = [1]}}
  %p = blk.addptr %Xs, %r : tensor<256x!blk.ptr<f16>>, tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [4], constancy = [256]}}
  %Ys = blk.splat %Y : !blk.ptr<f32> -> tensor<256x!blk.ptr<f32>>
  // expected-remark @+1 {{contiguity = [256], divisibility = [4], constancy = [1]}}
  %q = blk.addptr %Ys, %r : tensor<256x!blk.ptr<f32>>, tensor<256xi32>
  // Scalars: 16-byte aligned + 16 elements of 2 bytes stays 16-byte aligned.
  // expected-remark @+1 {{contiguity = [1], divisibility = [16], constancy = [1]}}
  %Xn = blk.addptr %X, %n : !blk.ptr<f16>, i32
  // An offset of unknown divisibility leaves the pointee alignment: 2 bytes.
  // expected-remark @+1 {{contiguity = [1], divisibility = [2], constancy = [1]}}
  %Xk = blk.addptr %X, %k : !blk.ptr<f16>, i32
  // 8-byte elements: 16-byte aligned + 1 * 8 bytes is only 8-byte aligned.
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [1]}}
  %c1 = arith.constant 1 : i32
  // expected-remark @+1 {{contiguity = [1], divisibility = [8], constancy = [1]}}
  %W1 = blk.addptr %W, %c1 : !blk.ptr<f64>, i32
  return
}

// -----

func.func @arith(%n: i32 {blk.divisibility = 16 : i32}, %m: i32) {
  // expected-remark @+1 {{contiguity = [256], divisibility = [1073741824], constancy = [1]}}
  %r = blk.range : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [16], constancy = [256]}}
  %ns = blk.splat %n : i32 -> tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [256]}}
  %ms = blk.splat %m : i32 -> tensor<256xi32>
  // A uniform value plus a range is a range starting at the uniform value.
  // expected-remark @+1 {{contiguity = [256], divisibility = [16], constancy = [1]}}
  %a = arith.addi %ns, %r : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [256], divisibility = [1], constancy = [1]}}
  %a2 = arith.addi %r, %ms : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [256], divisibility = [16], constancy = [1]}}
  %s = arith.subi %r, %ns : tensor<256xi32>
  // Uniform minus a range is not contiguous: every element starts a run,
  // and n - 1 is odd.
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [1]}}
  %s2 = arith.subi %ns, %r : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [16], constancy = [256]}}
  %mn = arith.muli %ns, %ms : tensor<256xi32>
  // k * n for every k: divisible by n's 16, not by the range's 2^30.
  // expected-remark @+1 {{contiguity = [1], divisibility = [16], constancy = [1]}}
  %rn = arith.muli %r, %ns : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [1]}}
  %rm = arith.muli %r, %ms : tensor<256xi32>
  // Scalars: 16 * anything is a multiple of 16.
  // expected-remark @+1 {{contiguity = [1], divisibility = [16], constancy = [1]}}
  %row = arith.muli %m, %n : i32
  // expected-remark @+1 {{contiguity = [1], divisibility = [16], constancy = [1]}}
  %row64 = arith.extsi %row : i32 to i64
  return
}

// -----

// An ordered comparison of a contiguous run with a bound: uniform over the
// aligned chunks that cannot straddle the bound.
func.func @compare(%n: i32 {blk.divisibility = 16 : i32}, %m: i32,
                   %o: i32 {blk.divisibility = 4 : i32}) {
  // expected-remark @+1 {{contiguity = [256], divisibility = [1073741824], constancy = [1]}}
  %r = blk.range : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [16], constancy = [256]}}
  %ns = blk.splat %n : i32 -> tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [256]}}
  %ms = blk.splat %m : i32 -> tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [4], constancy = [256]}}
  %os = blk.splat %o : i32 -> tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [16]}}
  %lt16 = arith.cmpi slt, %r, %ns : tensor<256xi32>
  // The bound on the left works as well.
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [16]}}
  %gt16 = arith.cmpi sgt, %ns, %r : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [4]}}
  %lt4 = arith.cmpi slt, %r, %os : tensor<256xi32>
  // A bound of unknown divisibility gives no runs.
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [1]}}
  %lt1 = arith.cmpi slt, %r, %ms : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [256], divisibility = [16], constancy = [1]}}
  %cols = arith.addi %ns, %r : tensor<256xi32>
  // A run starting at a multiple of 16 against a bound that is one.
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [16]}}
  %mask = arith.cmpi slt, %cols, %ns : tensor<256xi32>
  // x <= n is x < n + 1, and n + 1 is no multiple of 16: the run
  // [n, n + 16) has n true and the rest false. Only x < n, x >= n and their
  // mirror images n > x, n <= x are uniform over aligned chunks.
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [1]}}
  %le = arith.cmpi sle, %r, %ns : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [1]}}
  %gt = arith.cmpi sgt, %r, %ns : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [16]}}
  %ge = arith.cmpi sge, %r, %ns : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [1]}}
  %ule = arith.cmpi ule, %r, %ns : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [16]}}
  %ult = arith.cmpi ult, %r, %ns : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [16]}}
  %uge = arith.cmpi uge, %r, %ns : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [1]}}
  %ugt = arith.cmpi ugt, %r, %ns : tensor<256xi32>
  // The bound on the left: n >= x is x <= n, n < x is x > n.
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [1]}}
  %nge = arith.cmpi sge, %ns, %r : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [1]}}
  %nlt = arith.cmpi slt, %ns, %r : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [16]}}
  %nle = arith.cmpi sle, %ns, %r : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [16]}}
  %ugt_left = arith.cmpi ugt, %ns, %r : tensor<256xi32>
  // Equality holds on one element of a run.
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [1]}}
  %eq = arith.cmpi eq, %r, %ns : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [1]}}
  %ne = arith.cmpi ne, %ns, %r : tensor<256xi32>
  // Equal uniform operands: the result is uniform, and true is 1 whatever
  // the operands' divisibility.
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [256]}}
  %eq_uniform = arith.cmpi eq, %ns, %ns : tensor<256xi32>
  // Two uniform operands compare uniformly.
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [256]}}
  %u = arith.cmpi slt, %ns, %ms : tensor<256xi32>
  // Logic keeps the runs both operands share.
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [4]}}
  %and = arith.andi %lt16, %lt4 : tensor<256xi1>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [16]}}
  %and2 = arith.andi %lt16, %u : tensor<256xi1>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [1]}}
  %or = arith.ori %lt16, %lt1 : tensor<256xi1>
  return
}

// -----

func.func @select(%n: i32 {blk.divisibility = 16 : i32}, %m: i32, %c: i1) {
  // expected-remark @+1 {{contiguity = [256], divisibility = [1073741824], constancy = [1]}}
  %r = blk.range : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [16], constancy = [256]}}
  %ns = blk.splat %n : i32 -> tensor<256xi32>
  // expected-remark @+1 {{contiguity = [256], divisibility = [16], constancy = [1]}}
  %a = arith.addi %ns, %r : tensor<256xi32>
  // A scalar condition picks one whole operand: contiguity survives.
  // expected-remark @+1 {{contiguity = [256], divisibility = [16], constancy = [1]}}
  %s = arith.select %c, %r, %a : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [16]}}
  %mask = arith.cmpi slt, %r, %ns : tensor<256xi32>
  // A block condition does not keep contiguity, only shared constancy;
  // every element may start a run.
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [1]}}
  %t = arith.select %mask, %r, %a : tensor<256xi1>, tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [16], constancy = [16]}}
  %u = arith.select %mask, %ns, %ns : tensor<256xi1>, tensor<256xi32>
  return
}

// -----

// expand_dims inserts a dimension of size 1, broadcast stretches it into a
// constant run of its new size.
func.func @expand_dims_broadcast(%n: i32 {blk.divisibility = 16 : i32}) {
  // expected-remark @+1 {{contiguity = [1], divisibility = [16], constancy = [32]}}
  %ns = blk.splat %n : i32 -> tensor<32xi32>
  // expected-remark @+1 {{contiguity = [1, 1], divisibility = [16, 16], constancy = [1, 32]}}
  %e0 = blk.expand_dims %ns, 0 : tensor<32xi32> -> tensor<1x32xi32>
  // expected-remark @+1 {{contiguity = [1, 1], divisibility = [16, 16], constancy = [32, 1]}}
  %e1 = blk.expand_dims %ns, 1 : tensor<32xi32> -> tensor<32x1xi32>
  // expected-remark @+1 {{contiguity = [1, 1], divisibility = [16, 16], constancy = [8, 32]}}
  %b0 = blk.broadcast %e0 : tensor<1x32xi32> -> tensor<8x32xi32>
  // expected-remark @+1 {{contiguity = [1, 1], divisibility = [16, 16], constancy = [32, 64]}}
  %b1 = blk.broadcast %e1 : tensor<32x1xi32> -> tensor<32x64xi32>
  // expected-remark @+1 {{contiguity = [32], divisibility = [32], constancy = [1]}}
  %r = blk.range {start = 32 : i32} : tensor<32xi32>
  // Contiguity moves with the range's dimension. Along the new dimension
  // every element starts a run: 32, 33, ... share no factor.
  // expected-remark @+1 {{contiguity = [1, 32], divisibility = [1, 32], constancy = [1, 1]}}
  %r0 = blk.expand_dims %r, 0 : tensor<32xi32> -> tensor<1x32xi32>
  // expected-remark @+1 {{contiguity = [1, 32], divisibility = [1, 32], constancy = [16, 1]}}
  %rb0 = blk.broadcast %r0 : tensor<1x32xi32> -> tensor<16x32xi32>
  // expected-remark @+1 {{contiguity = [32, 1], divisibility = [32, 1], constancy = [1, 1]}}
  %r1 = blk.expand_dims %r, 1 : tensor<32xi32> -> tensor<32x1xi32>
  // expected-remark @+1 {{contiguity = [32, 1], divisibility = [32, 1], constancy = [1, 16]}}
  %rb1 = blk.broadcast %r1 : tensor<32x1xi32> -> tensor<32x16xi32>
  return
}

// -----

// The induction variable of an scf.for is lb + k * step: its divisibility
// is that of lb and step.
func.func @for_induction_variable(%n: i32, %lb: i32 {blk.divisibility = 16 : i32}) {
  // expected-remark @+1 {{contiguity = [1], divisibility = [1073741824], constancy = [1]}}
  %c0 = arith.constant 0 : i32
  // expected-remark @+1 {{contiguity = [1], divisibility = [64], constancy = [1]}}
  %c64 = arith.constant 64 : i32
  // expected-remark @+1 {{contiguity = [1], divisibility = [4], constancy = [1]}}
  %c4 = arith.constant 4 : i32
  // expected-remark @+1 {{contiguity = [64], divisibility = [1073741824], constancy = [1]}}
  %r = blk.range : tensor<64xi32>
  scf.for %i = %c0 to %n step %c64 : i32 {
    // expected-remark @+1 {{contiguity = [1], divisibility = [64], constancy = [64]}}
    %is = blk.splat %i : i32 -> tensor<64xi32>
    // expected-remark @+1 {{contiguity = [64], divisibility = [64], constancy = [1]}}
    %cols = arith.addi %is, %r : tensor<64xi32>
  }
  scf.for %i = %lb to %n step %c64 : i32 {
    // expected-remark @+1 {{contiguity = [1], divisibility = [16], constancy = [1]}}
    %j = arith.addi %i, %c0 : i32
  }
  scf.for %i = %c0 to %n step %c4 : i32 {
    // expected-remark @+1 {{contiguity = [1], divisibility = [4], constancy = [1]}}
    %j = arith.addi %i, %c0 : i32
  }
  return
}

// -----

// Loop-carried values: the analysis assumes what the initial values
// promise and weakens that until the body yields what it assumed (then it
// holds in every iteration and after the loop). A row of f16 pointers
// advanced by 64 elements a turn stays contiguous and 16-byte aligned; one
// advanced by an unknown step keeps its contiguity only; a block that is
// 64 everywhere at first and a range after is whatever both are.
func.func @loop_carried(%X: !blk.ptr<f16> {blk.divisibility = 16 : i32}, %n: i32, %s: i32) {
  // expected-remark @+1 {{contiguity = [1], divisibility = [1073741824], constancy = [1]}}
  %c0 = arith.constant 0 : i32
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [1]}}
  %c1 = arith.constant 1 : i32
  // expected-remark @+1 {{contiguity = [64], divisibility = [1073741824], constancy = [1]}}
  %r = blk.range : tensor<64xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [64], constancy = [64]}}
  %c64 = arith.constant dense<64> : tensor<64xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1073741824], constancy = [64]}}
  %zero = arith.constant dense<0> : tensor<64xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [64]}}
  %ss = blk.splat %s : i32 -> tensor<64xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [16], constancy = [64]}}
  %Xs = blk.splat %X : !blk.ptr<f16> -> tensor<64x!blk.ptr<f16>>
  // expected-remark @+1 {{contiguity = [64], divisibility = [16], constancy = [1]}}
  %row = blk.addptr %Xs, %r : tensor<64x!blk.ptr<f16>>, tensor<64xi32>
  %res:3 = scf.for %i = %c0 to %n step %c1 iter_args(%a = %row, %b = %row, %c = %c64)
      -> (tensor<64x!blk.ptr<f16>>, tensor<64x!blk.ptr<f16>>, tensor<64xi32>) : i32 {
    // expected-remark @+1 {{contiguity = [64], divisibility = [16], constancy = [1]}}
    %a0 = blk.addptr %a, %zero : tensor<64x!blk.ptr<f16>>, tensor<64xi32>
    // expected-remark @+1 {{contiguity = [64], divisibility = [2], constancy = [1]}}
    %b0 = blk.addptr %b, %zero : tensor<64x!blk.ptr<f16>>, tensor<64xi32>
    // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [1]}}
    %c0b = arith.addi %c, %zero : tensor<64xi32>
    // expected-remark @+1 {{contiguity = [64], divisibility = [16], constancy = [1]}}
    %a1 = blk.addptr %a, %c64 : tensor<64x!blk.ptr<f16>>, tensor<64xi32>
    // expected-remark @+1 {{contiguity = [64], divisibility = [2], constancy = [1]}}
    %b1 = blk.addptr %b, %ss : tensor<64x!blk.ptr<f16>>, tensor<64xi32>
    scf.yield %a1, %b1, %r : tensor<64x!blk.ptr<f16>>, tensor<64x!blk.ptr<f16>>, tensor<64xi32>
  }
  // expected-remark @+1 {{contiguity = [64], divisibility = [16], constancy = [1]}}
  %ra = blk.addptr %res#0, %zero : tensor<64x!blk.ptr<f16>>, tensor<64xi32>
  // expected-remark @+1 {{contiguity = [64], divisibility = [2], constancy = [1]}}
  %rb = blk.addptr %res#1, %zero : tensor<64x!blk.ptr<f16>>, tensor<64xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [1]}}
  %rc = arith.addi %res#2, %zero : tensor<64xi32>
  return
}

// -----

// The 2-D tile offsets of the dw/db kernel, rows * N + cols: with N of
// unknown divisibility, rows after the first start anywhere, so nothing
// beyond the element size can be assumed along the rows (dimension 1)...
func.func @tile_offsets(%N: i32, %N16: i32 {blk.divisibility = 16 : i32}) {
  // expected-remark @+1 {{contiguity = [32], divisibility = [1073741824], constancy = [1]}}
  %rows = blk.range : tensor<32xi32>
  // expected-remark @+1 {{contiguity = [128], divisibility = [1073741824], constancy = [1]}}
  %cols = blk.range : tensor<128xi32>
  // expected-remark @+1 {{contiguity = [32, 1], divisibility = [1073741824, 1], constancy = [1, 1]}}
  %r1 = blk.expand_dims %rows, 1 : tensor<32xi32> -> tensor<32x1xi32>
  // expected-remark @+1 {{contiguity = [32, 1], divisibility = [1073741824, 1], constancy = [1, 128]}}
  %r2 = blk.broadcast %r1 : tensor<32x1xi32> -> tensor<32x128xi32>
  // expected-remark @+1 {{contiguity = [1, 128], divisibility = [1, 1073741824], constancy = [1, 1]}}
  %c1 = blk.expand_dims %cols, 0 : tensor<128xi32> -> tensor<1x128xi32>
  // expected-remark @+1 {{contiguity = [1, 128], divisibility = [1, 1073741824], constancy = [32, 1]}}
  %c2 = blk.broadcast %c1 : tensor<1x128xi32> -> tensor<32x128xi32>
  // expected-remark @+1 {{contiguity = [1, 1], divisibility = [1, 1], constancy = [32, 128]}}
  %Ns = blk.splat %N : i32 -> tensor<32x128xi32>
  // expected-remark @+1 {{contiguity = [1, 1], divisibility = [1, 1], constancy = [1, 128]}}
  %row_offsets = arith.muli %r2, %Ns : tensor<32x128xi32>
  // expected-remark @+1 {{contiguity = [1, 128], divisibility = [1, 1], constancy = [1, 1]}}
  %offsets = arith.addi %row_offsets, %c2 : tensor<32x128xi32>
  // ...while with N a multiple of 16 every row starts at a multiple of 16.
  // expected-remark @+1 {{contiguity = [1, 1], divisibility = [16, 16], constancy = [32, 128]}}
  %N16s = blk.splat %N16 : i32 -> tensor<32x128xi32>
  // expected-remark @+1 {{contiguity = [1, 1], divisibility = [16, 16], constancy = [1, 128]}}
  %row_offsets16 = arith.muli %r2, %N16s : tensor<32x128xi32>
  // expected-remark @+1 {{contiguity = [1, 128], divisibility = [1, 16], constancy = [1, 1]}}
  %offsets16 = arith.addi %row_offsets16, %c2 : tensor<32x128xi32>
  return
}

// -----

// Runs count up modulo their width: m + range wraps from 2^31 - 1 to -2^31
// when m is near it. Sign-extended, explicitly or as an addptr offset (the
// lowering's GEP extends it), only runs starting at a multiple of their
// length stay runs; the pointers of m + range are not contiguous, those of
// n + range are, over runs of n's divisibility.
func.func @widths(%m: i32, %n: i32 {blk.divisibility = 16 : i32},
                  %X: !blk.ptr<f16> {blk.divisibility = 16 : i32}) {
  // expected-remark @+1 {{contiguity = [256], divisibility = [1073741824], constancy = [1]}}
  %r = blk.range : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [256]}}
  %ms = blk.splat %m : i32 -> tensor<256xi32>
  // expected-remark @+1 {{contiguity = [256], divisibility = [1], constancy = [1]}}
  %a = arith.addi %ms, %r : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [1]}}
  %ea = arith.extsi %a : tensor<256xi32> to tensor<256xi64>
  // expected-remark @+1 {{contiguity = [1], divisibility = [16], constancy = [256]}}
  %Xs = blk.splat %X : !blk.ptr<f16> -> tensor<256x!blk.ptr<f16>>
  // expected-remark @+1 {{contiguity = [1], divisibility = [2], constancy = [1]}}
  %pa = blk.addptr %Xs, %a : tensor<256x!blk.ptr<f16>>, tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [16], constancy = [256]}}
  %ns = blk.splat %n : i32 -> tensor<256xi32>
  // expected-remark @+1 {{contiguity = [256], divisibility = [16], constancy = [1]}}
  %b = arith.addi %ns, %r : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [16], divisibility = [16], constancy = [1]}}
  %eb = arith.extsi %b : tensor<256xi32> to tensor<256xi64>
  // expected-remark @+1 {{contiguity = [16], divisibility = [16], constancy = [1]}}
  %pb = blk.addptr %Xs, %b : tensor<256x!blk.ptr<f16>>, tensor<256xi32>
  // 64-bit offsets are added as they are.
  // expected-remark @+1 {{contiguity = [1], divisibility = [2], constancy = [1]}}
  %pe = blk.addptr %Xs, %ea : tensor<256x!blk.ptr<f16>>, tensor<256xi64>
  // One bit wraps every other element: 0, 1 (-1 signed), 0, 1, ... so a
  // signed comparison or extension of it is uniform or counts up nowhere.
  // expected-remark @+1 {{contiguity = [256], divisibility = [1073741824], constancy = [1]}}
  %t = arith.trunci %r : tensor<256xi32> to tensor<256xi1>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1073741824], constancy = [256]}}
  %f = arith.constant dense<false> : tensor<256xi1>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [1]}}
  %lt = arith.cmpi slt, %t, %f : tensor<256xi1>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [1]}}
  %e = arith.extsi %t : tensor<256xi1> to tensor<256xi32>
  return
}

// -----

// x & -2^k rounds x down to a multiple of 2^k: that divisibility (or x's
// own, where larger), and runs of x that share their multiple of 2^k are
// runs of equal values (at most as long as x's runs and the divisibility
// of their starts allow). Other masks are bitwise logic.
func.func @round_down(%n: i32 {blk.divisibility = 16 : i32}, %m: i64,
                      %X: !blk.ptr<f16> {blk.divisibility = 16 : i32}) {
  // expected-remark @+1 {{contiguity = [1], divisibility = [8], constancy = [1]}}
  %minus8 = arith.constant -8 : i64
  // expected-remark @+1 {{contiguity = [1], divisibility = [8], constancy = [1]}}
  %down = arith.andi %m, %minus8 : i64
  // expected-remark @+1 {{contiguity = [1], divisibility = [16], constancy = [1]}}
  %row = blk.addptr %X, %down : !blk.ptr<f16>, i64
  // expected-remark @+1 {{contiguity = [1], divisibility = [8], constancy = [1]}}
  %minus8_i32 = arith.constant -8 : i32
  // The constant on the left, x already a multiple of 16: unchanged.
  // expected-remark @+1 {{contiguity = [1], divisibility = [16], constancy = [1]}}
  %n_down = arith.andi %minus8_i32, %n : i32
  // expected-remark @+1 {{contiguity = [256], divisibility = [1073741824], constancy = [1]}}
  %r = blk.range : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [4], constancy = [256]}}
  %minus4 = arith.constant dense<-4> : tensor<256xi32>
  // 0 0 0 0 4 4 4 4 8 ...
  // expected-remark @+1 {{contiguity = [1], divisibility = [4], constancy = [4]}}
  %r_down = arith.andi %r, %minus4 : tensor<256xi32>
  // 3 4 5 6 7 ... rounds to 0 4 4 4 4 8: no run of equal values starts at
  // every fourth element.
  // expected-remark @+1 {{contiguity = [64], divisibility = [1], constancy = [1]}}
  %r3 = blk.range {start = 3 : i32} : tensor<64xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [4], constancy = [64]}}
  %minus4_64 = arith.constant dense<-4> : tensor<64xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [4], constancy = [1]}}
  %r3_down = arith.andi %r3, %minus4_64 : tensor<64xi32>
  // x & 7 keeps the low bits: no rounding.
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [256]}}
  %seven = arith.constant dense<7> : tensor<256xi32>
  // expected-remark @+1 {{contiguity = [1], divisibility = [1], constancy = [1]}}
  %r_low = arith.andi %r, %seven : tensor<256xi32>
  return
}
