// LayerNorm forward over a persistent grid, for rows that fit one block.
//
// Program p normalizes rows p, p + P, p + 2P, ... (P = the number of
// programs, what the GPU holds at once; N <= BLOCK_SIZE features each).
// layer_norm_fwd_fused, one row a program, leaves HBM idle while a row's
// two reductions cross the CTA (a barrier pair each); here the program's
// next row of X, and that row's first element, are in flight during the
// current row's reductions. W and B come from L1 or L2 each row, as in the
// one-row kernel: held in registers across the loop (an earlier version)
// they left one CTA a multiprocessor from 6656 features on, where loading
// them each row leaves two (H200, f16, M = 4096, against one row a
// program: 22.1 against 24.3 us at 4096, 31.5 against 36.2 at 6144, 35.0
// against 39.2 at 6656, 40.4 against 42.9 at 8192). The runtime runs it
// for f16 and bf16 rows of 1537 to 8192 features, and, on one CTA a
// multiprocessor, for rows where layer_norm_fwd_fused walks the row in
// chunks: to 16384 (55.7 against 65.7 us at 10240, f16), f32 included, and
// f16 and bf16 to 32768 (20480 unaligned) with X_IN_SHARED.
//
// The launch must have at most M programs (the runtime's has): each
// program's first row is loaded unguarded.
//
// The arguments are blk.noalias: under blk-prefetch-loads (the build's
// pipeline for the aligned f16 and bf16 blocks of 12800 to 16384), each
// row's loads move one more row ahead, across the stores of Y, Mean and
// Rstd of the rows before it, which are other rows (even with y written
// over x in place). Without that pass the attribute changes nothing.
//
// The statistics are layer_norm_fwd_fused's, in f32: the mean as
// x[0] + sum(x - x[0]) / N, the variance as the mean of (x - mean)^2.
//
// Parameters bound by blk-specialize: BLOCK_SIZE, X_IN_SHARED and T.

!T = !blk.typevar<"T">
!ptrT = !blk.ptr<!T>
!ptrF = !blk.ptr<f32>

func.func @layer_norm_fwd_persistent(%X: !ptrT {blk.noalias},
                                     %Y: !ptrT {blk.noalias},
                                     %W: !ptrT {blk.noalias},
                                     %B: !ptrT {blk.noalias},
                                     %Mean: !ptrF {blk.noalias},
                                     %Rstd: !ptrF {blk.noalias},
                                     %stride_x: i64, %stride_y: i64,
                                     %M: i32, %N: i32, %eps: f32) {
  %BLOCK = blk.constexpr "BLOCK_SIZE" : i32
  %X_IN_SHARED = blk.constexpr "X_IN_SHARED" : i32
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32

  %pid = blk.program_id 0 : i32
  %programs = blk.num_programs 0 : i32

  %cols = blk.range [%BLOCK] : tensor<?xi32>
  %N_block = blk.splat %N [%BLOCK] : i32 -> tensor<?xi32>
  %mask = arith.cmpi slt, %cols, %N_block : tensor<?xi32>
  %zeros = blk.splat %zero [%BLOCK] : f32 -> tensor<?xf32>
  %N_f32 = arith.sitofp %N : i32 to f32

  %W_block = blk.splat %W [%BLOCK] : !ptrT -> tensor<?x!ptrT>
  %w_ptrs = blk.addptr %W_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
  %B_block = blk.splat %B [%BLOCK] : !ptrT -> tensor<?x!ptrT>
  %b_ptrs = blk.addptr %B_block, %cols : tensor<?x!ptrT>, tensor<?xi32>

  // The program's first row (the runtime launches at most M programs, so
  // it exists). Lanes past N are loaded as nothing: they feed only
  // masked-off results.
  // Where X_IN_SHARED is not 0, each row waits out its two reductions in
  // shared memory instead of registers, which then hold only the next row
  // across them.
  %no = arith.constant 0 : i32
  %x_in_shared = arith.cmpi ne, %X_IN_SHARED, %no : i32
  %x_local = blk.local_alloc [%BLOCK] : !blk.local<tensor<?x!T>>

  %pid64 = arith.extsi %pid : i32 to i64
  %first_offset = arith.muli %pid64, %stride_x : i64
  %first_row = blk.addptr %X, %first_offset : !ptrT, i64
  %first_block = blk.splat %first_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
  %first_ptrs = blk.addptr %first_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
  %first_x0 = blk.load %first_row : !ptrT
  %first_x = blk.load %first_ptrs, %mask : tensor<?x!ptrT>
  %one_i32 = arith.constant 1 : i32
  %M_minus_one = arith.subi %M, %one_i32 : i32

  %last:2 = scf.for %row = %pid to %M step %programs
      iter_args(%x_T = %first_x, %x0_T = %first_x0)
      -> (tensor<?x!T>, !T) : i32 {
    // The next row, in flight while this one is reduced; past the last
    // row, the last row again (a cached reload, unused) with its lanes
    // masked off.
    %next = arith.addi %row, %programs : i32
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
    %next_x = blk.load %next_ptrs, %next_mask : tensor<?x!ptrT>

    // The mean, shifted by x[0].
    scf.if %x_in_shared {
      blk.local_store %x_T, %x_local : !blk.local<tensor<?x!T>>
    }
    %x = blk.cast %x_T : tensor<?x!T> to tensor<?xf32>
    %shift = blk.cast %x0_T : !T to f32
    %shift_block = blk.splat %shift [%BLOCK] : f32 -> tensor<?xf32>
    %shifted_all = arith.subf %x, %shift_block : tensor<?xf32>
    %shifted = arith.select %mask, %shifted_all, %zeros : tensor<?xi1>, tensor<?xf32>
    %sum = blk.reduce %shifted axis 0 : tensor<?xf32> -> f32 {
    ^bb0(%l: f32, %r: f32):
      %s = arith.addf %l, %r : f32
      blk.yield %s : f32
    }
    %mean_offset = arith.divf %sum, %N_f32 : f32
    %mean = arith.addf %shift, %mean_offset : f32
    %mean_block = blk.splat %mean [%BLOCK] : f32 -> tensor<?xf32>

    // The variance.
    %x_for_variance = scf.if %x_in_shared -> (tensor<?xf32>) {
      %held_T = blk.local_load %x_local : !blk.local<tensor<?x!T>>
      %held = blk.cast %held_T : tensor<?x!T> to tensor<?xf32>
      scf.yield %held : tensor<?xf32>
    } else {
      scf.yield %x : tensor<?xf32>
    }
    %centered_all = arith.subf %x_for_variance, %mean_block : tensor<?xf32>
    %centered = arith.select %mask, %centered_all, %zeros : tensor<?xi1>, tensor<?xf32>
    %squares = arith.mulf %centered, %centered : tensor<?xf32>
    %var_sum = blk.reduce %squares axis 0 : tensor<?xf32> -> f32 {
    ^bb0(%l: f32, %r: f32):
      %s = arith.addf %l, %r : f32
      blk.yield %s : f32
    }
    %var = arith.divf %var_sum, %N_f32 : f32
    %var_eps = arith.addf %var, %eps : f32
    %std = math.sqrt %var_eps : f32
    %rstd = arith.divf %one, %std : f32
    %mean_ptr = blk.addptr %Mean, %row : !ptrF, i32
    %rstd_ptr = blk.addptr %Rstd, %row : !ptrF, i32
    blk.store %mean_ptr, %mean : !ptrF
    blk.store %rstd_ptr, %rstd : !ptrF

    // Normalize and apply the linear transformation. W and B are loaded
    // again each row, from L1 or L2: held across the loop they cost the
    // registers that let a multiprocessor hold two CTAs of rows wider than
    // 6144.
    %w_T = blk.load %w_ptrs, %mask : tensor<?x!ptrT>
    %b_T = blk.load %b_ptrs, %mask : tensor<?x!ptrT>
    %w = blk.cast %w_T : tensor<?x!T> to tensor<?xf32>
    %b = blk.cast %b_T : tensor<?x!T> to tensor<?xf32>
    %rstd_block = blk.splat %rstd [%BLOCK] : f32 -> tensor<?xf32>
    %centered_again = scf.if %x_in_shared -> (tensor<?xf32>) {
      %held_T = blk.local_load %x_local : !blk.local<tensor<?x!T>>
      %held = blk.cast %held_T : tensor<?x!T> to tensor<?xf32>
      %recentered = arith.subf %held, %mean_block : tensor<?xf32>
      scf.yield %recentered : tensor<?xf32>
    } else {
      scf.yield %centered : tensor<?xf32>
    }
    %x_hat = arith.mulf %centered_again, %rstd_block : tensor<?xf32>
    %scaled = arith.mulf %x_hat, %w : tensor<?xf32>
    %y = arith.addf %scaled, %b : tensor<?xf32>
    %y_T = blk.cast %y : tensor<?xf32> to tensor<?x!T>
    %row64 = arith.extsi %row : i32 to i64
    %y_offset = arith.muli %row64, %stride_y : i64
    %Y_row = blk.addptr %Y, %y_offset : !ptrT, i64
    %Y_block = blk.splat %Y_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
    %y_ptrs = blk.addptr %Y_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
    blk.store %y_ptrs, %y_T, %mask : tensor<?x!ptrT>
    scf.yield %next_x, %next_x0 : tensor<?x!T>, !T
  }
  return
}
