// LayerNorm forward for rows too wide for one program: a thread-block
// cluster splits each row.
//
// The kernel is launched with one cluster along axis 0 (blk-specialize's
// cluster-size C programs, the grid's axis-0 size C): program p of the
// cluster holds features p * BLOCK_SIZE to (p + 1) * BLOCK_SIZE - 1 of the
// row, so C * BLOCK_SIZE >= N. The clusters along axis 1 walk the rows
// (row, row + num_programs(1), ...), a row loaded once, in registers, and
// the next row's part in flight during this row's exchanges, as in the
// persistent one-row kernel. M >= 1 (a launch for no rows has nothing to
// do); a cluster past the last row loads the last row, masked off.
// The statistics are the one-row kernel's two passes (the mean of x - x[0],
// then the variance of x - mean), each a blk.reduce over the program's
// part and a blk.cluster_reduce over the cluster's parts, combined in part
// order; every program of a cluster gets the same mean and rstd, and the
// first writes them. W and B are loaded after the statistics, as in the
// one-row kernel (docs/performance-log.md, entry 3).
//
// Where the one-row kernel walks a row of 65536 features in 8192-wide
// chunks, three times (mean, variance, output), this one reads it once,
// at the cost of two cluster barriers a row for the exchanges and two to
// let the next row reuse their slots.
//
// Parameters bound by blk-specialize: BLOCK_SIZE (each program's part of a
// row) and T (the element type of X, Y, W and B: f16, bf16 or f32).

!T = !blk.typevar<"T">
!ptrT = !blk.ptr<!T>

func.func @layer_norm_fwd_cluster(%X: !ptrT, %Y: !ptrT, %W: !ptrT, %B: !ptrT,
                                  %Mean: !blk.ptr<f32>, %Rstd: !blk.ptr<f32>,
                                  %stride_x: i64, %stride_y: i64, %M: i32,
                                  %N: i32, %eps: f32) {
  %BLOCK = blk.constexpr "BLOCK_SIZE" : i32
  %c0 = arith.constant 0 : i32
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32

  %part = blk.program_id 0 : i32
  %first_row = blk.program_id 1 : i32
  %row_programs = blk.num_programs 1 : i32
  %is_first_part = arith.cmpi eq, %part, %c0 : i32

  // This program's features of every row.
  %part_start = arith.muli %part, %BLOCK : i32
  %arange = blk.range [%BLOCK] : tensor<?xi32>
  %start_block = blk.splat %part_start [%BLOCK] : i32 -> tensor<?xi32>
  %cols = arith.addi %start_block, %arange : tensor<?xi32>
  %N_block = blk.splat %N [%BLOCK] : i32 -> tensor<?xi32>
  %mask = arith.cmpi slt, %cols, %N_block : tensor<?xi32>
  %zeros = blk.splat %zero [%BLOCK] : f32 -> tensor<?xf32>
  %zeros_T = blk.cast %zeros : tensor<?xf32> to tensor<?x!T>
  %N_f32 = arith.sitofp %N : i32 to f32
  %W_block = blk.splat %W [%BLOCK] : !ptrT -> tensor<?x!ptrT>
  %B_block = blk.splat %B [%BLOCK] : !ptrT -> tensor<?x!ptrT>
  %w_ptrs = blk.addptr %W_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
  %b_ptrs = blk.addptr %B_block, %cols : tensor<?x!ptrT>, tensor<?xi32>

  // The cluster's first row (or, for a cluster past the last row, the
  // last row with every lane masked off: it runs no iteration). Scalar
  // loads have no mask: that is why the row is clamped.
  %one_i32 = arith.constant 1 : i32
  %M_minus_one = arith.subi %M, %one_i32 : i32
  %has_first = arith.cmpi slt, %first_row, %M : i32
  %first_clamped = arith.minsi %first_row, %M_minus_one : i32
  %has_first_block = blk.splat %has_first [%BLOCK] : i1 -> tensor<?xi1>
  %first_mask = arith.andi %mask, %has_first_block : tensor<?xi1>
  %first64 = arith.extsi %first_clamped : i32 to i64
  %first_offset = arith.muli %first64, %stride_x : i64
  %first_X_row = blk.addptr %X, %first_offset : !ptrT, i64
  %first_block = blk.splat %first_X_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
  %first_ptrs = blk.addptr %first_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
  %first_x0 = blk.load %first_X_row : !ptrT
  %first_x = blk.load %first_ptrs, %first_mask, %zeros_T : tensor<?x!ptrT>

  %last:2 = scf.for %row = %first_row to %M step %row_programs
      iter_args(%x = %first_x, %row_first = %first_x0)
      -> (tensor<?x!T>, !T) : i32 {
    %row64 = arith.extsi %row : i32 to i64
    %y_offset = arith.muli %row64, %stride_y : i64
    %Y_row = blk.addptr %Y, %y_offset : !ptrT, i64

    // The cluster's next row, in flight during this row's exchanges; past
    // the last row, the last row again (a cached reload, unused) with its
    // lanes masked off.
    %next = arith.addi %row, %row_programs : i32
    %has_next = arith.cmpi slt, %next, %M : i32
    %next_row = arith.minsi %next, %M_minus_one : i32
    %has_next_block = blk.splat %has_next [%BLOCK] : i1 -> tensor<?xi1>
    %next_mask = arith.andi %mask, %has_next_block : tensor<?xi1>
    %next64 = arith.extsi %next_row : i32 to i64
    %next_offset = arith.muli %next64, %stride_x : i64
    %next_X_row = blk.addptr %X, %next_offset : !ptrT, i64
    %next_block = blk.splat %next_X_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
    %next_ptrs = blk.addptr %next_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
    %next_x0 = blk.load %next_X_row : !ptrT
    %next_x = blk.load %next_ptrs, %next_mask, %zeros_T : tensor<?x!ptrT>

    // Every part shifts by the row's first element (docs/kernel.md,
    // "Summation order").
    %row_shift = blk.cast %row_first : !T to f32
    %row_shift_block = blk.splat %row_shift [%BLOCK] : f32 -> tensor<?xf32>
    %x_f32 = blk.cast %x : tensor<?x!T> to tensor<?xf32>

    // The mean: this part's sum of x - x[0], then the row's.
    %shifted_all = arith.subf %x_f32, %row_shift_block : tensor<?xf32>
    %shifted = arith.select %mask, %shifted_all, %zeros : tensor<?xi1>, tensor<?xf32>
    %part_sum = blk.reduce %shifted axis 0 : tensor<?xf32> -> f32 {
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      blk.yield %s : f32
    }
    %sum = blk.cluster_reduce %part_sum : f32 -> f32 {
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      blk.yield %s : f32
    }
    %mean_offset = arith.divf %sum, %N_f32 : f32
    %mean = arith.addf %row_shift, %mean_offset : f32
    %mean_block = blk.splat %mean [%BLOCK] : f32 -> tensor<?xf32>

    // The variance, likewise.
    %centered_all = arith.subf %x_f32, %mean_block : tensor<?xf32>
    %centered = arith.select %mask, %centered_all, %zeros : tensor<?xi1>, tensor<?xf32>
    %squares = arith.mulf %centered, %centered : tensor<?xf32>
    %part_var_sum = blk.reduce %squares axis 0 : tensor<?xf32> -> f32 {
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      blk.yield %s : f32
    }
    %var_sum = blk.cluster_reduce %part_var_sum : f32 -> f32 {
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      blk.yield %s : f32
    }
    %var = arith.divf %var_sum, %N_f32 : f32
    %var_eps = arith.addf %var, %eps : f32
    %std = math.sqrt %var_eps : f32
    %rstd = arith.divf %one, %std : f32
    scf.if %is_first_part {
      %mean_ptr = blk.addptr %Mean, %row : !blk.ptr<f32>, i32
      %rstd_ptr = blk.addptr %Rstd, %row : !blk.ptr<f32>, i32
      blk.store %mean_ptr, %mean : !blk.ptr<f32>
      blk.store %rstd_ptr, %rstd : !blk.ptr<f32>
    }

    // Normalize and apply the linear transformation.
    %w = blk.load %w_ptrs, %mask : tensor<?x!ptrT>
    %b = blk.load %b_ptrs, %mask : tensor<?x!ptrT>
    %rstd_block = blk.splat %rstd [%BLOCK] : f32 -> tensor<?xf32>
    %w_f32 = blk.cast %w : tensor<?x!T> to tensor<?xf32>
    %b_f32 = blk.cast %b : tensor<?x!T> to tensor<?xf32>
    %x_hat = arith.mulf %centered, %rstd_block : tensor<?xf32>
    %scaled = arith.mulf %x_hat, %w_f32 : tensor<?xf32>
    %y = arith.addf %scaled, %b_f32 : tensor<?xf32>
    %y_T = blk.cast %y : tensor<?xf32> to tensor<?x!T>
    %Y_block = blk.splat %Y_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
    %y_ptrs = blk.addptr %Y_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
    blk.store %y_ptrs, %y_T, %mask : tensor<?x!ptrT>
    scf.yield %next_x, %next_x0 : tensor<?x!T>, !T
  }
  return
}
