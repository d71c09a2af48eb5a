// LayerNorm backward, dx with per-walker partial dw/db rows, for rows too
// wide for one program: a thread-block cluster splits each row, as
// layer_norm_fwd_cluster does in the forward pass.
//
// The kernel is launched with one cluster along axis 0 (blk-specialize's
// cluster-size C programs, the grid's axis-0 size C): program p of a
// cluster holds features p * BLOCK_SIZE_N to (p + 1) * BLOCK_SIZE_N - 1, so
// C * BLOCK_SIZE_N >= N. The P clusters along axis 1 walk the rows (row,
// row + P, ...), each row's X and DY loaded once with the next row's in
// flight during this row's exchange, as in layer_norm_bwd_dx_persistent.
// The two sums dx needs, of x_hat * w * dy and of w * dy, are one pair
// reduced over the program's part (blk.reduce) and then over the cluster's
// parts (blk.cluster_reduce, in part order). Each program sums dw = dy *
// x_hat and db = dy of its features over its rows in f32 registers and
// stores them into row q (its cluster's axis-1 id) of the P x N partial
// buffers DW and DB: each element has one writer, no locks, and a fixed
// summation order. layer_norm_bwd_dwdb then reduces the P partial rows.
//
// M >= 1 (a launch for no rows has nothing to do); a cluster past the last
// row loads the last row, masked off, and stores zero partial rows.
//
// Parameters bound by blk-specialize: BLOCK_SIZE_N and T.

!T = !blk.typevar<"T">
!ptrT = !blk.ptr<!T>
!ptrF = !blk.ptr<f32>

func.func @layer_norm_bwd_dx_cluster(%DX: !ptrT, %DY: !ptrT,
                                     %DW: !ptrF, %DB: !ptrF,
                                     %X: !ptrT, %W: !ptrT,
                                     %Mean: !ptrF, %Rstd: !ptrF,
                                     %stride_dx: i64, %stride_dy: i64,
                                     %stride_x: i64, %M: i32, %N: i32) {
  %BLOCK = blk.constexpr "BLOCK_SIZE_N" : i32
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1 : i32

  %part = blk.program_id 0 : i32
  %walker = blk.program_id 1 : i32
  %walkers = blk.num_programs 1 : i32

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
  %w_ptrs = blk.addptr %W_block, %cols : tensor<?x!ptrT>, tensor<?xi32>

  // The walker's first row (past the last row: the last, masked off; a
  // scalar load has no mask, so its row is clamped).
  %M_minus_one = arith.subi %M, %one : i32
  %has_first = arith.cmpi slt, %walker, %M : i32
  %first_row = arith.minsi %walker, %M_minus_one : i32
  %has_first_block = blk.splat %has_first [%BLOCK] : i1 -> tensor<?xi1>
  %first_mask = arith.andi %mask, %has_first_block : tensor<?xi1>
  %first64 = arith.extsi %first_row : i32 to i64
  %x_first_offset = arith.muli %first64, %stride_x : i64
  %x_first_row = blk.addptr %X, %x_first_offset : !ptrT, i64
  %x_first_block = blk.splat %x_first_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
  %x_first_ptrs = blk.addptr %x_first_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
  %dy_first_offset = arith.muli %first64, %stride_dy : i64
  %dy_first_row = blk.addptr %DY, %dy_first_offset : !ptrT, i64
  %dy_first_block = blk.splat %dy_first_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
  %dy_first_ptrs = blk.addptr %dy_first_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
  %x_first = blk.load %x_first_ptrs, %first_mask, %zeros_T : tensor<?x!ptrT>
  %dy_first = blk.load %dy_first_ptrs, %first_mask, %zeros_T : tensor<?x!ptrT>
  %mean_first_ptr = blk.addptr %Mean, %first_row : !ptrF, i32
  %rstd_first_ptr = blk.addptr %Rstd, %first_row : !ptrF, i32
  %mean_first = blk.load %mean_first_ptr : !ptrF
  %rstd_first = blk.load %rstd_first_ptr : !ptrF

  %sums:6 = scf.for %row = %walker to %M step %walkers
      iter_args(%x_T = %x_first, %dy_T = %dy_first, %mean = %mean_first,
                %rstd = %rstd_first, %dw_acc = %zeros, %db_acc = %zeros)
      -> (tensor<?x!T>, tensor<?x!T>, f32, f32, tensor<?xf32>,
          tensor<?xf32>) : i32 {
    // The walker's next row, in flight during this row's exchange.
    %ahead = arith.addi %row, %walkers : i32
    %has_ahead = arith.cmpi slt, %ahead, %M : i32
    %ahead_row = arith.minsi %ahead, %M_minus_one : i32
    %has_ahead_block = blk.splat %has_ahead [%BLOCK] : i1 -> tensor<?xi1>
    %ahead_mask = arith.andi %mask, %has_ahead_block : tensor<?xi1>
    %ahead64 = arith.extsi %ahead_row : i32 to i64
    %x_ahead_offset = arith.muli %ahead64, %stride_x : i64
    %x_ahead_row = blk.addptr %X, %x_ahead_offset : !ptrT, i64
    %x_ahead_block = blk.splat %x_ahead_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
    %x_ahead_ptrs = blk.addptr %x_ahead_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
    %dy_ahead_offset = arith.muli %ahead64, %stride_dy : i64
    %dy_ahead_row = blk.addptr %DY, %dy_ahead_offset : !ptrT, i64
    %dy_ahead_block = blk.splat %dy_ahead_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
    %dy_ahead_ptrs = blk.addptr %dy_ahead_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
    %x_ahead = blk.load %x_ahead_ptrs, %ahead_mask, %zeros_T : tensor<?x!ptrT>
    %dy_ahead = blk.load %dy_ahead_ptrs, %ahead_mask, %zeros_T : tensor<?x!ptrT>
    %mean_ahead_ptr = blk.addptr %Mean, %ahead_row : !ptrF, i32
    %rstd_ahead_ptr = blk.addptr %Rstd, %ahead_row : !ptrF, i32
    %mean_ahead = blk.load %mean_ahead_ptr : !ptrF
    %rstd_ahead = blk.load %rstd_ahead_ptr : !ptrF

    // This part's x_hat and w * dy, and the row's two sums.
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
    // This row's share of dw and db (masked lanes add zeros), added before
    // the exchange so that dy in f32 is not held across it.
    %dw_row = arith.mulf %dy, %x_hat : tensor<?xf32>
    %dw_next = arith.addf %dw_acc, %dw_row : tensor<?xf32>
    %db_next = arith.addf %db_acc, %dy : tensor<?xf32>
    %part_c1, %part_c2 = blk.reduce %xhat_wdy, %wdy axis 0
        : tensor<?xf32>, tensor<?xf32> -> f32, f32 {
    ^bb0(%a1: f32, %a2: f32, %b1: f32, %b2: f32):
      %s1 = arith.addf %a1, %b1 : f32
      %s2 = arith.addf %a2, %b2 : f32
      blk.yield %s1, %s2 : f32, f32
    }
    %c1_sum, %c2_sum = blk.cluster_reduce %part_c1, %part_c2
        : f32, f32 -> f32, f32 {
    ^bb0(%a1: f32, %a2: f32, %b1: f32, %b2: f32):
      %s1 = arith.addf %a1, %b1 : f32
      %s2 = arith.addf %a2, %b2 : f32
      blk.yield %s1, %s2 : f32, f32
    }
    %c1_scalar = arith.divf %c1_sum, %N_f32 : f32
    %c2_scalar = arith.divf %c2_sum, %N_f32 : f32
    %c1 = blk.splat %c1_scalar [%BLOCK] : f32 -> tensor<?xf32>
    %c2 = blk.splat %c2_scalar [%BLOCK] : f32 -> tensor<?xf32>
    %xhat_c1 = arith.mulf %x_hat, %c1 : tensor<?xf32>
    %correction = arith.addf %xhat_c1, %c2 : tensor<?xf32>
    %diff = arith.subf %wdy, %correction : tensor<?xf32>
    %dx = arith.mulf %diff, %rstd_block : tensor<?xf32>

    // Write this part of dx.
    %row64 = arith.extsi %row : i32 to i64
    %dx_offset = arith.muli %row64, %stride_dx : i64
    %dx_row = blk.addptr %DX, %dx_offset : !ptrT, i64
    %dx_block = blk.splat %dx_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
    %dx_ptrs = blk.addptr %dx_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
    %dx_T = blk.cast %dx : tensor<?xf32> to tensor<?x!T>
    blk.store %dx_ptrs, %dx_T, %mask : tensor<?x!ptrT>
    scf.yield %x_ahead, %dy_ahead, %mean_ahead, %rstd_ahead, %dw_next,
              %db_next
        : tensor<?x!T>, tensor<?x!T>, f32, f32, tensor<?xf32>, tensor<?xf32>
  }

  // This program's features of its walker's partial row.
  %partial_offset = arith.muli %walker, %N : i32
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
