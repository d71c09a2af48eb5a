// LayerNorm backward, dx with per-program partial dw/db rows: the
// lock-free alternative to layer_norm_bwd_dx_fused.
//
// The grid is persistent: program p computes dx for rows p, p + P, p + 2P,
// ... (P = the number of programs, what the GPU holds at once; N <=
// BLOCK_SIZE_N features each) and sums their dw = dy * x_hat and db = dy in
// f32 registers. At the end it stores the sums as row p of the P x N
// partial buffers DW and DB, which it alone writes: no locks, no zeroing,
// and a fixed summation order (the result does not depend on timing).
// layer_norm_bwd_dwdb then reduces the P partial rows.
//
// The next row's X and DY (and its mean and rstd) are in flight while the
// current row's two reductions run across the CTA. W is loaded again each
// row, from L1 or L2 (W is N elements, read by every program): held across
// the loop it took 8 f32 registers a thread that rows of 7680 and 8192 on
// 30 and 32 warps (64 registers at most) do not have (the build now runs
// aligned 4096 and 8192 on 8 and 16 warps, 128 registers: entry 31 of
// docs/performance-log.md).
//
// Parameters bound by blk-specialize: BLOCK_SIZE_N and T.

!T = !blk.typevar<"T">
!ptrT = !blk.ptr<!T>
!ptrF = !blk.ptr<f32>

func.func @layer_norm_bwd_dx_persistent(%DX: !ptrT, %DY: !ptrT,
                                        %DW: !ptrF, %DB: !ptrF,
                                        %X: !ptrT, %W: !ptrT,
                                        %Mean: !ptrF, %Rstd: !ptrF,
                                        %stride_dx: i64, %stride_dy: i64,
                                        %stride_x: i64, %M: i32, %N: i32) {
  %BLOCK = blk.constexpr "BLOCK_SIZE_N" : i32
  %zero = arith.constant 0.0 : f32

  %pid = blk.program_id 0 : i32
  %programs = blk.num_programs 0 : i32

  %cols = blk.range [%BLOCK] : tensor<?xi32>
  %N_block = blk.splat %N [%BLOCK] : i32 -> tensor<?xi32>
  %mask = arith.cmpi slt, %cols, %N_block : tensor<?xi32>
  %zeros = blk.splat %zero [%BLOCK] : f32 -> tensor<?xf32>
  %zeros_T = blk.cast %zeros : tensor<?xf32> to tensor<?x!T>
  %N_f32 = arith.sitofp %N : i32 to f32

  %W_block = blk.splat %W [%BLOCK] : !ptrT -> tensor<?x!ptrT>
  %w_ptrs = blk.addptr %W_block, %cols : tensor<?x!ptrT>, tensor<?xi32>

  // Rows are loaded one iteration ahead: while one row is reduced and
  // written, the program's next row is in flight. Loads of rows past M are
  // masked off (the runtime launches at most M programs, so the first row
  // always exists); past the last row, row M - 1's statistics stand in
  // (cached reloads, unused). X and DY are loaded without a fill value:
  // their lanes past N feed only masked-off results.
  %one = arith.constant 1 : i32
  %M_minus_one = arith.subi %M, %one : i32
  %pid64 = arith.extsi %pid : i32 to i64
  %x_first_offset = arith.muli %pid64, %stride_x : i64
  %x_first_row = blk.addptr %X, %x_first_offset : !ptrT, i64
  %x_first_block = blk.splat %x_first_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
  %x_first_ptrs = blk.addptr %x_first_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
  %dy_first_offset = arith.muli %pid64, %stride_dy : i64
  %dy_first_row = blk.addptr %DY, %dy_first_offset : !ptrT, i64
  %dy_first_block = blk.splat %dy_first_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
  %dy_first_ptrs = blk.addptr %dy_first_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
  %x_first = blk.load %x_first_ptrs, %mask : tensor<?x!ptrT>
  %dy_first = blk.load %dy_first_ptrs, %mask : tensor<?x!ptrT>
  %mean_first_ptr = blk.addptr %Mean, %pid : !ptrF, i32
  %rstd_first_ptr = blk.addptr %Rstd, %pid : !ptrF, i32
  %mean_first = blk.load %mean_first_ptr : !ptrF
  %rstd_first = blk.load %rstd_first_ptr : !ptrF

  %sums:6 = scf.for %row = %pid to %M step %programs
      iter_args(%x_T = %x_first, %dy_T = %dy_first, %mean = %mean_first,
                %rstd = %rstd_first, %dw_acc = %zeros, %db_acc = %zeros)
      -> (tensor<?x!T>, tensor<?x!T>, f32, f32, tensor<?xf32>,
          tensor<?xf32>) : i32 {
    %ahead = arith.addi %row, %programs : i32
    %has_ahead = arith.cmpi slt, %ahead, %M : i32
    %has_ahead_block = blk.splat %has_ahead [%BLOCK] : i1 -> tensor<?xi1>
    %ahead_mask = arith.andi %mask, %has_ahead_block : tensor<?xi1>
    %ahead64 = arith.extsi %ahead : i32 to i64
    %x_ahead_offset = arith.muli %ahead64, %stride_x : i64
    %x_ahead_row = blk.addptr %X, %x_ahead_offset : !ptrT, i64
    %x_ahead_block = blk.splat %x_ahead_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
    %x_ahead_ptrs = blk.addptr %x_ahead_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
    %dy_ahead_offset = arith.muli %ahead64, %stride_dy : i64
    %dy_ahead_row = blk.addptr %DY, %dy_ahead_offset : !ptrT, i64
    %dy_ahead_block = blk.splat %dy_ahead_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
    %dy_ahead_ptrs = blk.addptr %dy_ahead_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
    %x_ahead = blk.load %x_ahead_ptrs, %ahead_mask : tensor<?x!ptrT>
    %dy_ahead = blk.load %dy_ahead_ptrs, %ahead_mask : tensor<?x!ptrT>
    %ahead_stats_row = arith.minsi %ahead, %M_minus_one : i32
    %mean_ahead_ptr = blk.addptr %Mean, %ahead_stats_row : !ptrF, i32
    %rstd_ahead_ptr = blk.addptr %Rstd, %ahead_stats_row : !ptrF, i32
    %mean_ahead = blk.load %mean_ahead_ptr : !ptrF
    %rstd_ahead = blk.load %rstd_ahead_ptr : !ptrF

    // Compute dx.
    %w_T = blk.load %w_ptrs, %mask, %zeros_T : tensor<?x!ptrT>
    %w = blk.cast %w_T : tensor<?x!T> to tensor<?xf32>
    %x = blk.cast %x_T : tensor<?x!T> to tensor<?xf32>
    %dy = blk.cast %dy_T : tensor<?x!T> to tensor<?xf32>
    %mean_block = blk.splat %mean [%BLOCK] : f32 -> tensor<?xf32>
    %rstd_block = blk.splat %rstd [%BLOCK] : f32 -> tensor<?xf32>
    %centered = arith.subf %x, %mean_block : tensor<?xf32>
    %x_hat_all = arith.mulf %centered, %rstd_block : tensor<?xf32>
    %x_hat = arith.select %mask, %x_hat_all, %zeros : tensor<?xi1>, tensor<?xf32>
    %wdy_all = arith.mulf %w, %dy : tensor<?xf32>
    %wdy = arith.select %mask, %wdy_all, %zeros : tensor<?xi1>, tensor<?xf32>
    %xhat_wdy = arith.mulf %x_hat, %wdy : tensor<?xf32>
    %c1_sum = blk.reduce %xhat_wdy axis 0 : tensor<?xf32> -> f32 {
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      blk.yield %s : f32
    }
    %c2_sum = blk.reduce %wdy axis 0 : tensor<?xf32> -> f32 {
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      blk.yield %s : f32
    }
    %c1_scalar = arith.divf %c1_sum, %N_f32 : f32
    %c2_scalar = arith.divf %c2_sum, %N_f32 : f32
    %c1 = blk.splat %c1_scalar [%BLOCK] : f32 -> tensor<?xf32>
    %c2 = blk.splat %c2_scalar [%BLOCK] : f32 -> tensor<?xf32>
    %xhat_c1 = arith.mulf %x_hat, %c1 : tensor<?xf32>
    %correction = arith.addf %xhat_c1, %c2 : tensor<?xf32>
    %diff = arith.subf %wdy, %correction : tensor<?xf32>
    %dx = arith.mulf %diff, %rstd_block : tensor<?xf32>

    // Write dx.
    %row64 = arith.extsi %row : i32 to i64
    %dx_offset = arith.muli %row64, %stride_dx : i64
    %dx_row = blk.addptr %DX, %dx_offset : !ptrT, i64
    %dx_block = blk.splat %dx_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
    %dx_ptrs = blk.addptr %dx_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
    %dx_T = blk.cast %dx : tensor<?xf32> to tensor<?x!T>
    blk.store %dx_ptrs, %dx_T, %mask : tensor<?x!ptrT>

    // Accumulate this row's share of dw and db.
    %dw_row = arith.mulf %dy, %x_hat : tensor<?xf32>
    %dw_next = arith.addf %dw_acc, %dw_row : tensor<?xf32>
    %db_next = arith.addf %db_acc, %dy : tensor<?xf32>
    scf.yield %x_ahead, %dy_ahead, %mean_ahead, %rstd_ahead, %dw_next,
              %db_next
        : tensor<?x!T>, tensor<?x!T>, f32, f32, tensor<?xf32>, tensor<?xf32>
  }

  // This program's partial row: written by it alone.
  %partial_offset = arith.muli %pid, %N : i32
  %DW_row = blk.addptr %DW, %partial_offset : !ptrF, i32
  %DB_row = blk.addptr %DB, %partial_offset : !ptrF, i32
  %DW_block = blk.splat %DW_row [%BLOCK] : !ptrF -> tensor<?x!ptrF>
  %DB_block = blk.splat %DB_row [%BLOCK] : !ptrF -> tensor<?x!ptrF>
  %dw_ptrs = blk.addptr %DW_block, %cols : tensor<?x!ptrF>, tensor<?xi32>
  %db_ptrs = blk.addptr %DB_block, %cols : tensor<?x!ptrF>, tensor<?xi32>
  blk.store %dw_ptrs, %sums#4, %mask : tensor<?x!ptrF>
  blk.store %db_ptrs, %sums#5, %mask : tensor<?x!ptrF>
  return
}
