// LayerNorm backward, final dw/db (the Triton tutorial's
// _layer_norm_bwd_dwdb).
//
// One program sums the M partial rows (M x N, f32) of DW and DB for
// BLOCK_SIZE_N columns, walking them in (BLOCK_SIZE_M, BLOCK_SIZE_N) tiles,
// and writes the column sums to FINAL_DW and FINAL_DB as T. Tile indices are
// built from 2-D ranges so that no data moves between threads before the
// reduction.
//
// Parameters bound by blk-specialize: BLOCK_SIZE_M, BLOCK_SIZE_N and T.

!T = !blk.typevar<"T">
!ptrT = !blk.ptr<!T>
!ptrF = !blk.ptr<f32>

func.func @layer_norm_bwd_dwdb(%DW: !ptrF, %DB: !ptrF, %FINAL_DW: !ptrT,
                               %FINAL_DB: !ptrT, %M: i32, %N: i32) {
  %BM = blk.constexpr "BLOCK_SIZE_M" : i32
  %BN = blk.constexpr "BLOCK_SIZE_N" : i32
  %c0 = arith.constant 0 : i32
  %zero = arith.constant 0.0 : f32

  // Map the program id to the columns of DW and DB it should compute.
  %pid = blk.program_id 0 : i32
  %first_col = arith.muli %pid, %BN : i32

  // Tile coordinates: rows[i, j] = i, cols[i, j] = first_col + j.
  %row_range = blk.range [%BM] : tensor<?xi32>
  %col_range = blk.range [%BN] : tensor<?xi32>
  %rows_column = blk.expand_dims %row_range, 1 : tensor<?xi32> -> tensor<?x1xi32>
  %cols_row = blk.expand_dims %col_range, 0 : tensor<?xi32> -> tensor<1x?xi32>
  %tile_rows = blk.broadcast %rows_column [%BM, %BN] : tensor<?x1xi32> -> tensor<?x?xi32>
  %tile_col_offsets = blk.broadcast %cols_row [%BM, %BN] : tensor<1x?xi32> -> tensor<?x?xi32>
  %first_col_tile = blk.splat %first_col [%BM, %BN] : i32 -> tensor<?x?xi32>
  %tile_cols = arith.addi %first_col_tile, %tile_col_offsets : tensor<?x?xi32>
  %M_tile = blk.splat %M [%BM, %BN] : i32 -> tensor<?x?xi32>
  %N_tile = blk.splat %N [%BM, %BN] : i32 -> tensor<?x?xi32>
  %col_mask_tile = arith.cmpi slt, %tile_cols, %N_tile : tensor<?x?xi32>
  %DW_tile = blk.splat %DW [%BM, %BN] : !ptrF -> tensor<?x?x!ptrF>
  %DB_tile = blk.splat %DB [%BM, %BN] : !ptrF -> tensor<?x?x!ptrF>
  %zeros = blk.splat %zero [%BM, %BN] : f32 -> tensor<?x?xf32>

  // Iterate through the rows of DW and DB to sum the partial sums.
  %dw, %db = scf.for %i = %c0 to %M step %BM
      iter_args(%dw_acc = %zeros, %db_acc = %zeros)
      -> (tensor<?x?xf32>, tensor<?x?xf32>) : i32 {
    %i_tile = blk.splat %i [%BM, %BN] : i32 -> tensor<?x?xi32>
    %rows = arith.addi %i_tile, %tile_rows : tensor<?x?xi32>
    %row_mask = arith.cmpi slt, %rows, %M_tile : tensor<?x?xi32>
    %mask = arith.andi %row_mask, %col_mask_tile : tensor<?x?xi1>
    %row_offsets = arith.muli %rows, %N_tile : tensor<?x?xi32>
    %offsets = arith.addi %row_offsets, %tile_cols : tensor<?x?xi32>
    %dw_ptrs = blk.addptr %DW_tile, %offsets : tensor<?x?x!ptrF>, tensor<?x?xi32>
    %db_ptrs = blk.addptr %DB_tile, %offsets : tensor<?x?x!ptrF>, tensor<?x?xi32>
    %dw_part = blk.load %dw_ptrs, %mask, %zeros : tensor<?x?x!ptrF>
    %db_part = blk.load %db_ptrs, %mask, %zeros : tensor<?x?x!ptrF>
    %dw_next = arith.addf %dw_acc, %dw_part : tensor<?x?xf32>
    %db_next = arith.addf %db_acc, %db_part : tensor<?x?xf32>
    scf.yield %dw_next, %db_next : tensor<?x?xf32>, tensor<?x?xf32>
  }

  // Write the final sums.
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
  %col_mask = arith.cmpi slt, %cols, %N_block : tensor<?xi32>
  %FINAL_DW_block = blk.splat %FINAL_DW [%BN] : !ptrT -> tensor<?x!ptrT>
  %FINAL_DB_block = blk.splat %FINAL_DB [%BN] : !ptrT -> tensor<?x!ptrT>
  %final_dw_ptrs = blk.addptr %FINAL_DW_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
  %final_db_ptrs = blk.addptr %FINAL_DB_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
  %sum_dw_T = blk.cast %sum_dw : tensor<?xf32> to tensor<?x!T>
  %sum_db_T = blk.cast %sum_db : tensor<?xf32> to tensor<?x!T>
  blk.store %final_dw_ptrs, %sum_dw_T, %col_mask : tensor<?x!ptrT>
  blk.store %final_db_ptrs, %sum_db_T, %col_mask : tensor<?x!ptrT>
  return
}
