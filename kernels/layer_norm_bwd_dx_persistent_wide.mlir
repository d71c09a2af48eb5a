// LayerNorm backward, dx with per-program partial dw/db rows, for rows too
// wide to keep the per-feature sums in registers: the persistent kernel of
// layer_norm_bwd_dx_persistent.mlir (same entry, arguments and results),
// written as a plain loop over the program's rows for the compiler to
// transform. The build compiles it with
//
//   --blk-to-ptx="prefetch-loads=true local-accumulators=true"
//
// blk-prefetch-loads issues each row's loads of X and DY (and its mean and
// rstd) one row ahead, as the other source does by hand, and
// blk-local-accumulators keeps the f32 dw/db sums in shared memory (2 x 4 x
// BLOCK_SIZE_N bytes a CTA, times the copies of the layout) instead of
// registers: loaded, added to and stored once a row. At 8704 to 14336
// features on BLOCK_SIZE_N / 512 warps (16 elements a thread) the row and
// its next one then fit without spilling, where the sums in registers
// spill from 10752 on (140 to 230 bytes; docs/performance-log.md, entry
// 20). Past that, X_HAT_IN_SHARED holds each row's x_hat there too. Rows
// that do not start 16-byte aligned (7680 to 11264) run on 16 warps, one
// element a thread per access (entry 22). Narrower aligned f16 and bf16
// rows, 4608 to 5632, take it for its registers: 96 (80 at 5632, where
// ptxas is told so), which fit two CTAs a multiprocessor where the other
// source's sums hold one (entries 32 and 33).
//
// The arguments are blk.noalias: each row's loads move across the previous
// row's stores of DX, which writes other rows (as the other source's
// hand-written prefetch does). This row's sums are added before its two
// reductions, so that dy in f32 is not held across them.
//
// Parameters bound by blk-specialize: BLOCK_SIZE_N and T.

!T = !blk.typevar<"T">
!ptrT = !blk.ptr<!T>
!ptrF = !blk.ptr<f32>

func.func @layer_norm_bwd_dx_persistent(%DX: !ptrT {blk.noalias},
                                        %DY: !ptrT {blk.noalias},
                                        %DW: !ptrF {blk.noalias},
                                        %DB: !ptrF {blk.noalias},
                                        %X: !ptrT {blk.noalias},
                                        %W: !ptrT {blk.noalias},
                                        %Mean: !ptrF {blk.noalias},
                                        %Rstd: !ptrF {blk.noalias},
                                        %stride_dx: i64, %stride_dy: i64,
                                        %stride_x: i64, %M: i32, %N: i32) {
  %BLOCK = blk.constexpr "BLOCK_SIZE_N" : i32
  %X_HAT_IN_SHARED = blk.constexpr "X_HAT_IN_SHARED" : i32
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

  // Where X_HAT_IN_SHARED is not 0, each row's x_hat waits out the row's
  // reductions in shared memory instead of registers.
  %no = arith.constant 0 : i32
  %x_hat_in_shared = arith.cmpi ne, %X_HAT_IN_SHARED, %no : i32
  %x_hat_local = blk.local_alloc [%BLOCK] : !blk.local<tensor<?xf32>>

  %sums:2 = scf.for %row = %pid to %M step %programs
      iter_args(%dw_acc = %zeros, %db_acc = %zeros)
      -> (tensor<?xf32>, tensor<?xf32>) : i32 {
    %row64 = arith.extsi %row : i32 to i64
    %x_offset = arith.muli %row64, %stride_x : i64
    %x_row = blk.addptr %X, %x_offset : !ptrT, i64
    %x_block = blk.splat %x_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
    %x_ptrs = blk.addptr %x_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
    %dy_offset = arith.muli %row64, %stride_dy : i64
    %dy_row = blk.addptr %DY, %dy_offset : !ptrT, i64
    %dy_block = blk.splat %dy_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
    %dy_ptrs = blk.addptr %dy_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
    %x_T = blk.load %x_ptrs, %mask : tensor<?x!ptrT>
    %dy_T = blk.load %dy_ptrs, %mask : tensor<?x!ptrT>
    %mean_ptr = blk.addptr %Mean, %row : !ptrF, i32
    %rstd_ptr = blk.addptr %Rstd, %row : !ptrF, i32
    %mean = blk.load %mean_ptr : !ptrF
    %rstd = blk.load %rstd_ptr : !ptrF

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
    // Add this row's share of dw and db.
    %dw_row = arith.mulf %dy, %x_hat : tensor<?xf32>
    %dw_next = arith.addf %dw_acc, %dw_row : tensor<?xf32>
    %db_next = arith.addf %db_acc, %dy : tensor<?xf32>
    scf.if %x_hat_in_shared {
      blk.local_store %x_hat, %x_hat_local : !blk.local<tensor<?xf32>>
    }
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
    %x_hat_again = scf.if %x_hat_in_shared -> (tensor<?xf32>) {
      %held = blk.local_load %x_hat_local : !blk.local<tensor<?xf32>>
      scf.yield %held : tensor<?xf32>
    } else {
      scf.yield %x_hat : tensor<?xf32>
    }
    %xhat_c1 = arith.mulf %x_hat_again, %c1 : tensor<?xf32>
    %correction = arith.addf %xhat_c1, %c2 : tensor<?xf32>
    %diff = arith.subf %wdy, %correction : tensor<?xf32>
    %dx = arith.mulf %diff, %rstd_block : tensor<?xf32>

    // Write dx.
    %dx_offset = arith.muli %row64, %stride_dx : i64
    %dx_row = blk.addptr %DX, %dx_offset : !ptrT, i64
    %dx_block = blk.splat %dx_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
    %dx_ptrs = blk.addptr %dx_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
    %dx_T = blk.cast %dx : tensor<?xf32> to tensor<?x!T>
    blk.store %dx_ptrs, %dx_T, %mask : tensor<?x!ptrT>

    scf.yield %dw_next, %db_next : tensor<?xf32>, tensor<?xf32>
  }

  // This program's partial row: written by it alone.
  %partial_offset = arith.muli %pid, %N : i32
  %DW_row = blk.addptr %DW, %partial_offset : !ptrF, i32
  %DB_row = blk.addptr %DB, %partial_offset : !ptrF, i32
  %DW_block = blk.splat %DW_row [%BLOCK] : !ptrF -> tensor<?x!ptrF>
  %DB_block = blk.splat %DB_row [%BLOCK] : !ptrF -> tensor<?x!ptrF>
  %dw_ptrs = blk.addptr %DW_block, %cols : tensor<?x!ptrF>, tensor<?xi32>
  %db_ptrs = blk.addptr %DB_block, %cols : tensor<?x!ptrF>, tensor<?xi32>
  blk.store %dw_ptrs, %sums#0, %mask : tensor<?x!ptrF>
  blk.store %db_ptrs, %sums#1, %mask : tensor<?x!ptrF>
  return
}
