// LayerNorm backward, dw and db summed over slabs of rows: the second half
// of ln's split backward pass (see layer_norm_bwd_dx.mlir), for rows too
// wide for the fused kernel's register sums.
//
// Program (c, s) sums dw = dy * x_hat and db = dy over the rows
// [s * ROWS_PER_SLAB, (s + 1) * ROWS_PER_SLAB) of BLOCK_SIZE_N columns,
// walking them in (BLOCK_SIZE_M, BLOCK_SIZE_N) tiles, and writes the two
// column sums to row s of the f32 partial buffers DW and DB, which
// layer_norm_bwd_dwdb.mlir then reduces. Each partial row has one writer:
// no lock, no zeroing. x_hat is recomputed from the forward pass's mean and
// rstd, read per tile row.
//
// Parameters bound by blk-specialize: BLOCK_SIZE_M, BLOCK_SIZE_N and T.

!T = !blk.typevar<"T">
!ptrT = !blk.ptr<!T>
!ptrF = !blk.ptr<f32>

func.func @layer_norm_bwd_dwdb_rows(%DY: !ptrT, %X: !ptrT, %Mean: !ptrF,
                                    %Rstd: !ptrF, %DW: !ptrF, %DB: !ptrF,
                                    %stride_dy: i64, %stride_x: i64,
                                    %M: i32, %N: i32, %ROWS_PER_SLAB: i32) {
  %BM = blk.constexpr "BLOCK_SIZE_M" : i32
  %BN = blk.constexpr "BLOCK_SIZE_N" : i32
  %zero = arith.constant 0.0 : f32

  // Map the program ids to the columns and the slab of rows to sum.
  %col_pid = blk.program_id 0 : i32
  %slab = blk.program_id 1 : i32
  %first_col = arith.muli %col_pid, %BN : i32
  %first_row = arith.muli %slab, %ROWS_PER_SLAB : i32
  %slab_end = arith.addi %first_row, %ROWS_PER_SLAB : i32
  %last_row = arith.minsi %slab_end, %M : i32

  // Tile coordinates: rows[i, j] = i, cols[i, j] = first_col + j.
  %row_range = blk.range [%BM] : tensor<?xi32>
  %col_range = blk.range [%BN] : tensor<?xi32>
  %rows_column = blk.expand_dims %row_range, 1 : tensor<?xi32> -> tensor<?x1xi32>
  %cols_row = blk.expand_dims %col_range, 0 : tensor<?xi32> -> tensor<1x?xi32>
  %tile_rows = blk.broadcast %rows_column [%BM, %BN] : tensor<?x1xi32> -> tensor<?x?xi32>
  %tile_col_offsets = blk.broadcast %cols_row [%BM, %BN] : tensor<1x?xi32> -> tensor<?x?xi32>
  %first_col_tile = blk.splat %first_col [%BM, %BN] : i32 -> tensor<?x?xi32>
  %tile_cols = arith.addi %first_col_tile, %tile_col_offsets : tensor<?x?xi32>
  %tile_cols64 = arith.extsi %tile_cols : tensor<?x?xi32> to tensor<?x?xi64>
  %last_row_tile = blk.splat %last_row [%BM, %BN] : i32 -> tensor<?x?xi32>
  %N_tile = blk.splat %N [%BM, %BN] : i32 -> tensor<?x?xi32>
  %col_mask = arith.cmpi slt, %tile_cols, %N_tile : tensor<?x?xi32>
  %stride_dy_tile = blk.splat %stride_dy [%BM, %BN] : i64 -> tensor<?x?xi64>
  %stride_x_tile = blk.splat %stride_x [%BM, %BN] : i64 -> tensor<?x?xi64>
  %DY_tile = blk.splat %DY [%BM, %BN] : !ptrT -> tensor<?x?x!ptrT>
  %X_tile = blk.splat %X [%BM, %BN] : !ptrT -> tensor<?x?x!ptrT>
  %Mean_tile = blk.splat %Mean [%BM, %BN] : !ptrF -> tensor<?x?x!ptrF>
  %Rstd_tile = blk.splat %Rstd [%BM, %BN] : !ptrF -> tensor<?x?x!ptrF>
  %zeros = blk.splat %zero [%BM, %BN] : f32 -> tensor<?x?xf32>
  %zeros_T = blk.cast %zeros : tensor<?x?xf32> to tensor<?x?x!T>

  %dw, %db = scf.for %i = %first_row to %last_row step %BM
      iter_args(%dw_acc = %zeros, %db_acc = %zeros)
      -> (tensor<?x?xf32>, tensor<?x?xf32>) : i32 {
    %i_tile = blk.splat %i [%BM, %BN] : i32 -> tensor<?x?xi32>
    %rows = arith.addi %i_tile, %tile_rows : tensor<?x?xi32>
    %row_mask = arith.cmpi slt, %rows, %last_row_tile : tensor<?x?xi32>
    %mask = arith.andi %row_mask, %col_mask : tensor<?x?xi1>
    %rows64 = arith.extsi %rows : tensor<?x?xi32> to tensor<?x?xi64>
    %dy_row_offsets = arith.muli %rows64, %stride_dy_tile : tensor<?x?xi64>
    %x_row_offsets = arith.muli %rows64, %stride_x_tile : tensor<?x?xi64>
    %dy_offsets = arith.addi %dy_row_offsets, %tile_cols64 : tensor<?x?xi64>
    %x_offsets = arith.addi %x_row_offsets, %tile_cols64 : tensor<?x?xi64>
    %dy_ptrs = blk.addptr %DY_tile, %dy_offsets : tensor<?x?x!ptrT>, tensor<?x?xi64>
    %x_ptrs = blk.addptr %X_tile, %x_offsets : tensor<?x?x!ptrT>, tensor<?x?xi64>
    %mean_ptrs = blk.addptr %Mean_tile, %rows : tensor<?x?x!ptrF>, tensor<?x?xi32>
    %rstd_ptrs = blk.addptr %Rstd_tile, %rows : tensor<?x?x!ptrF>, tensor<?x?xi32>
    %dy_T = blk.load %dy_ptrs, %mask, %zeros_T : tensor<?x?x!ptrT>
    %x_T = blk.load %x_ptrs, %mask, %zeros_T : tensor<?x?x!ptrT>
    %mean = blk.load %mean_ptrs, %row_mask, %zeros : tensor<?x?x!ptrF>
    %rstd = blk.load %rstd_ptrs, %row_mask, %zeros : tensor<?x?x!ptrF>
    %dy = blk.cast %dy_T : tensor<?x?x!T> to tensor<?x?xf32>
    %x = blk.cast %x_T : tensor<?x?x!T> to tensor<?x?xf32>
    // Masked elements have dy = 0 and add nothing.
    %centered = arith.subf %x, %mean : tensor<?x?xf32>
    %x_hat = arith.mulf %centered, %rstd : tensor<?x?xf32>
    %dw_elem = arith.mulf %dy, %x_hat : tensor<?x?xf32>
    %dw_next = arith.addf %dw_acc, %dw_elem : tensor<?x?xf32>
    %db_next = arith.addf %db_acc, %dy : tensor<?x?xf32>
    scf.yield %dw_next, %db_next : tensor<?x?xf32>, tensor<?x?xf32>
  }

  // Write the slab's column sums to its partial row.
  %sum_dw = blk.reduce %dw axis 0 : tensor<?x?xf32> -> tensor<?xf32> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s : f32
  }
  %sum_db = blk.reduce %db axis 0 : tensor<?x?xf32> -> tensor<?xf32> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s : f32
  }
  %first_col_block = blk.splat %first_col [%BN] : i32 -> tensor<?xi32>
  %cols = arith.addi %first_col_block, %col_range : tensor<?xi32>
  %N_block = blk.splat %N [%BN] : i32 -> tensor<?xi32>
  %store_mask = arith.cmpi slt, %cols, %N_block : tensor<?xi32>
  %partial_offset = arith.muli %slab, %N : i32
  %DW_row = blk.addptr %DW, %partial_offset : !ptrF, i32
  %DB_row = blk.addptr %DB, %partial_offset : !ptrF, i32
  %DW_block = blk.splat %DW_row [%BN] : !ptrF -> tensor<?x!ptrF>
  %DB_block = blk.splat %DB_row [%BN] : !ptrF -> tensor<?x!ptrF>
  %dw_ptrs = blk.addptr %DW_block, %cols : tensor<?x!ptrF>, tensor<?xi32>
  %db_ptrs = blk.addptr %DB_block, %cols : tensor<?x!ptrF>, tensor<?xi32>
  blk.store %dw_ptrs, %sum_dw, %store_mask : tensor<?x!ptrF>
  blk.store %db_ptrs, %sum_db, %store_mask : tensor<?x!ptrF>
  return
}
