// LayerNorm backward, dx alone: the first half of ln's split backward pass
// for rows too wide for the fused kernel (layer_norm_bwd_dx_fused.mlir).
//
// The fused kernel sums dw and db of its rows in registers, one value per
// feature, and adds them to a locked partial buffer; past 8192 features
// those sums no longer fit beside the row, and one row per program turns
// the lock hand-offs into the bottleneck. Here a program computes dx for
// one row and nothing else, and layer_norm_bwd_dwdb_rows.mlir sums dw and
// db over slabs of rows afterwards, reading x and dy a second time: more
// bytes, no lock.
//
// As in the forward kernel, the row is walked in BLOCK_SIZE chunks: once
// for the two sums dx needs, once to write dx. A row that fits in one block
// is loaded once.
//
// Parameters bound by blk-specialize: BLOCK_SIZE (any size the warps tile)
// and T.

!T = !blk.typevar<"T">
!ptrT = !blk.ptr<!T>
!ptrF = !blk.ptr<f32>

func.func @layer_norm_bwd_dx(%DX: !ptrT, %DY: !ptrT, %X: !ptrT, %W: !ptrT,
                             %Mean: !ptrF, %Rstd: !ptrF, %stride_dx: i64,
                             %stride_dy: i64, %stride_x: i64, %N: i32) {
  %BLOCK = blk.constexpr "BLOCK_SIZE" : i32
  %c0 = arith.constant 0 : i32
  %zero = arith.constant 0.0 : f32

  // Map the program id to the row of X, DY and DX it should compute.
  %row = blk.program_id 0 : i32
  %row64 = arith.extsi %row : i32 to i64
  %x_offset = arith.muli %row64, %stride_x : i64
  %dy_offset = arith.muli %row64, %stride_dy : i64
  %dx_offset = arith.muli %row64, %stride_dx : i64
  %X_row = blk.addptr %X, %x_offset : !ptrT, i64
  %DY_row = blk.addptr %DY, %dy_offset : !ptrT, i64
  %DX_row = blk.addptr %DX, %dx_offset : !ptrT, i64
  %mean_ptr = blk.addptr %Mean, %row : !ptrF, i32
  %rstd_ptr = blk.addptr %Rstd, %row : !ptrF, i32
  %mean = blk.load %mean_ptr : !ptrF
  %rstd = blk.load %rstd_ptr : !ptrF

  %arange = blk.range [%BLOCK] : tensor<?xi32>
  %N_block = blk.splat %N [%BLOCK] : i32 -> tensor<?xi32>
  %zeros = blk.splat %zero [%BLOCK] : f32 -> tensor<?xf32>
  %zeros_T = blk.cast %zeros : tensor<?xf32> to tensor<?x!T>
  %X_block = blk.splat %X_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
  %DY_block = blk.splat %DY_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
  %DX_block = blk.splat %DX_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
  %W_block = blk.splat %W [%BLOCK] : !ptrT -> tensor<?x!ptrT>
  %mean_block = blk.splat %mean [%BLOCK] : f32 -> tensor<?xf32>
  %rstd_block = blk.splat %rstd [%BLOCK] : f32 -> tensor<?xf32>
  %N_f32 = arith.sitofp %N : i32 to f32

  %fits = arith.cmpi sle, %N, %BLOCK : i32
  scf.if %fits {
    %mask = arith.cmpi slt, %arange, %N_block : tensor<?xi32>
    %x_ptrs = blk.addptr %X_block, %arange : tensor<?x!ptrT>, tensor<?xi32>
    %dy_ptrs = blk.addptr %DY_block, %arange : tensor<?x!ptrT>, tensor<?xi32>
    %w_ptrs = blk.addptr %W_block, %arange : tensor<?x!ptrT>, tensor<?xi32>
    %x_T = blk.load %x_ptrs, %mask, %zeros_T : tensor<?x!ptrT>
    %dy_T = blk.load %dy_ptrs, %mask, %zeros_T : tensor<?x!ptrT>
    %w_T = blk.load %w_ptrs, %mask, %zeros_T : tensor<?x!ptrT>
    %x = blk.cast %x_T : tensor<?x!T> to tensor<?xf32>
    %dy = blk.cast %dy_T : tensor<?x!T> to tensor<?xf32>
    %w = blk.cast %w_T : tensor<?x!T> to tensor<?xf32>

    // The two row sums of dx = (w*dy - (x_hat*c1 + c2)) * rstd.
    %centered = arith.subf %x, %mean_block : tensor<?xf32>
    %x_hat_all = arith.mulf %centered, %rstd_block : tensor<?xf32>
    %x_hat = arith.select %mask, %x_hat_all, %zeros : tensor<?xi1>, tensor<?xf32>
    %wdy = arith.mulf %w, %dy : tensor<?xf32>
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

    // Write dx.
    %xhat_c1 = arith.mulf %x_hat, %c1 : tensor<?xf32>
    %correction = arith.addf %xhat_c1, %c2 : tensor<?xf32>
    %diff = arith.subf %wdy, %correction : tensor<?xf32>
    %dx = arith.mulf %diff, %rstd_block : tensor<?xf32>
    %dx_T = blk.cast %dx : tensor<?xf32> to tensor<?x!T>
    %dx_ptrs = blk.addptr %DX_block, %arange : tensor<?x!ptrT>, tensor<?xi32>
    blk.store %dx_ptrs, %dx_T, %mask : tensor<?x!ptrT>
  } else {
    // The two row sums, chunk by chunk. Masked lanes load zeros, so their
    // w*dy is zero and so is their product with x_hat.
    %sums:2 = scf.for %off = %c0 to %N step %BLOCK
        iter_args(%acc1 = %zeros, %acc2 = %zeros)
        -> (tensor<?xf32>, tensor<?xf32>) : i32 {
      %off_block = blk.splat %off [%BLOCK] : i32 -> tensor<?xi32>
      %cols = arith.addi %off_block, %arange : tensor<?xi32>
      %mask = arith.cmpi slt, %cols, %N_block : tensor<?xi32>
      %x_ptrs = blk.addptr %X_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
      %dy_ptrs = blk.addptr %DY_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
      %w_ptrs = blk.addptr %W_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
      %x_T = blk.load %x_ptrs, %mask, %zeros_T : tensor<?x!ptrT>
      %dy_T = blk.load %dy_ptrs, %mask, %zeros_T : tensor<?x!ptrT>
      %w_T = blk.load %w_ptrs, %mask, %zeros_T : tensor<?x!ptrT>
      %x = blk.cast %x_T : tensor<?x!T> to tensor<?xf32>
      %dy = blk.cast %dy_T : tensor<?x!T> to tensor<?xf32>
      %w = blk.cast %w_T : tensor<?x!T> to tensor<?xf32>
      %centered = arith.subf %x, %mean_block : tensor<?xf32>
      %x_hat = arith.mulf %centered, %rstd_block : tensor<?xf32>
      %wdy = arith.mulf %w, %dy : tensor<?xf32>
      %xhat_wdy = arith.mulf %x_hat, %wdy : tensor<?xf32>
      %next1 = arith.addf %acc1, %xhat_wdy : tensor<?xf32>
      %next2 = arith.addf %acc2, %wdy : tensor<?xf32>
      scf.yield %next1, %next2 : tensor<?xf32>, tensor<?xf32>
    }
    %c1_sum = blk.reduce %sums#0 axis 0 : tensor<?xf32> -> f32 {
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      blk.yield %s : f32
    }
    %c2_sum = blk.reduce %sums#1 axis 0 : tensor<?xf32> -> f32 {
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      blk.yield %s : f32
    }
    %c1_scalar = arith.divf %c1_sum, %N_f32 : f32
    %c2_scalar = arith.divf %c2_sum, %N_f32 : f32
    %c1 = blk.splat %c1_scalar [%BLOCK] : f32 -> tensor<?xf32>
    %c2 = blk.splat %c2_scalar [%BLOCK] : f32 -> tensor<?xf32>

    // Write dx, reading the row again (from L2).
    scf.for %off = %c0 to %N step %BLOCK : i32 {
      %off_block = blk.splat %off [%BLOCK] : i32 -> tensor<?xi32>
      %cols = arith.addi %off_block, %arange : tensor<?xi32>
      %mask = arith.cmpi slt, %cols, %N_block : tensor<?xi32>
      %x_ptrs = blk.addptr %X_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
      %dy_ptrs = blk.addptr %DY_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
      %w_ptrs = blk.addptr %W_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
      %x_T = blk.load %x_ptrs, %mask, %zeros_T : tensor<?x!ptrT>
      %dy_T = blk.load %dy_ptrs, %mask, %zeros_T : tensor<?x!ptrT>
      %w_T = blk.load %w_ptrs, %mask, %zeros_T : tensor<?x!ptrT>
      %x = blk.cast %x_T : tensor<?x!T> to tensor<?xf32>
      %dy = blk.cast %dy_T : tensor<?x!T> to tensor<?xf32>
      %w = blk.cast %w_T : tensor<?x!T> to tensor<?xf32>
      %centered = arith.subf %x, %mean_block : tensor<?xf32>
      %x_hat = arith.mulf %centered, %rstd_block : tensor<?xf32>
      %wdy = arith.mulf %w, %dy : tensor<?xf32>
      %xhat_c1 = arith.mulf %x_hat, %c1 : tensor<?xf32>
      %correction = arith.addf %xhat_c1, %c2 : tensor<?xf32>
      %diff = arith.subf %wdy, %correction : tensor<?xf32>
      %dx = arith.mulf %diff, %rstd_block : tensor<?xf32>
      %dx_T = blk.cast %dx : tensor<?xf32> to tensor<?x!T>
      %dx_ptrs = blk.addptr %DX_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
      blk.store %dx_ptrs, %dx_T, %mask : tensor<?x!ptrT>
    }
  }
  return
}
