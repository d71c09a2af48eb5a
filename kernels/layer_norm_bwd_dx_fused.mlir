// LayerNorm backward, dx fused with partial dw/db sums (the Triton
// tutorial's _layer_norm_bwd_dx_fused).
//
// Each program computes dx for ROWS_PER_PROGRAM consecutive rows (N <=
// BLOCK_SIZE_N features each), sums their dw = dy * x_hat and db = dy in
// registers, then adds the sums into one of GROUP_SIZE_M partial buffers
// (program % GROUP_SIZE_M), guarded by a spin lock per buffer. Lock holds
// GROUP_SIZE_M locks followed by GROUP_SIZE_M "first store" counters, all
// zero at launch: the first program to take a buffer stores instead of
// accumulating, so the buffers need no zeroing.
//
// With ROWS_PER_PROGRAM = 1 this is the tutorial's algorithm exactly. Larger
// values divide the traffic to the partial buffers and the number of lock
// hand-offs by as much, at the cost of registers for the sums (the build
// uses 1 for the widest rows). Also unlike the tutorial, the partial buffers
// are f32 (better sums for every T) and GROUP_SIZE_M is an argument, so one
// compiled kernel serves every group count.
//
// Parameters bound by blk-specialize: BLOCK_SIZE_N, ROWS_PER_PROGRAM and T.

!T = !blk.typevar<"T">
!ptrT = !blk.ptr<!T>
!ptrF = !blk.ptr<f32>

func.func @layer_norm_bwd_dx_fused(%DX: !ptrT, %DY: !ptrT,
                                   %DW: !ptrF, %DB: !ptrF,
                                   %X: !ptrT, %W: !ptrT,
                                   %Mean: !ptrF, %Rstd: !ptrF,
                                   %Lock: !blk.ptr<i32>,
                                   %stride_dx: i64, %stride_dy: i64,
                                   %stride_x: i64, %M: i32, %N: i32,
                                   %GROUP_SIZE_M: i32) {
  %BLOCK = blk.constexpr "BLOCK_SIZE_N" : i32
  %ROWS_PER_PROGRAM = blk.constexpr "ROWS_PER_PROGRAM" : i32
  %c0 = arith.constant 0 : i32
  %one = arith.constant 1 : i32
  %zero = arith.constant 0.0 : f32

  // Map the program id to the rows of X, DX and DY it should compute.
  %pid = blk.program_id 0 : i32
  %first_row = arith.muli %pid, %ROWS_PER_PROGRAM : i32
  %rows_left = arith.subi %M, %first_row : i32
  %rows = arith.minsi %rows_left, %ROWS_PER_PROGRAM : i32

  %cols = blk.range [%BLOCK] : tensor<?xi32>
  %N_block = blk.splat %N [%BLOCK] : i32 -> tensor<?xi32>
  %mask = arith.cmpi slt, %cols, %N_block : tensor<?xi32>
  %zeros = blk.splat %zero [%BLOCK] : f32 -> tensor<?xf32>
  %zeros_T = blk.cast %zeros : tensor<?xf32> to tensor<?x!T>
  %W_block = blk.splat %W [%BLOCK] : !ptrT -> tensor<?x!ptrT>
  %w_ptrs = blk.addptr %W_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
  %N_f32 = arith.sitofp %N : i32 to f32

  %partial_dw, %partial_db = scf.for %r = %c0 to %rows step %one
      iter_args(%dw_acc = %zeros, %db_acc = %zeros)
      -> (tensor<?xf32>, tensor<?xf32>) : i32 {
    %row = arith.addi %first_row, %r : i32
    %row64 = arith.extsi %row : i32 to i64
    %x_offset = arith.muli %row64, %stride_x : i64
    %dy_offset = arith.muli %row64, %stride_dy : i64
    %dx_offset = arith.muli %row64, %stride_dx : i64
    %X_row = blk.addptr %X, %x_offset : !ptrT, i64
    %DY_row = blk.addptr %DY, %dy_offset : !ptrT, i64
    %DX_row = blk.addptr %DX, %dx_offset : !ptrT, i64

    // Load the row.
    %X_block = blk.splat %X_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
    %DY_block = blk.splat %DY_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
    %x_ptrs = blk.addptr %X_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
    %dy_ptrs = blk.addptr %DY_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
    %x_T = blk.load %x_ptrs, %mask, %zeros_T : tensor<?x!ptrT>
    %dy_T = blk.load %dy_ptrs, %mask, %zeros_T : tensor<?x!ptrT>
    // W is reloaded for every row (a cache hit) rather than held: the
    // registers go to the dw/db sums.
    %w_T = blk.load %w_ptrs, %mask, %zeros_T : tensor<?x!ptrT>
    %x = blk.cast %x_T : tensor<?x!T> to tensor<?xf32>
    %dy = blk.cast %dy_T : tensor<?x!T> to tensor<?xf32>
    %w = blk.cast %w_T : tensor<?x!T> to tensor<?xf32>
    %mean_ptr = blk.addptr %Mean, %row : !ptrF, i32
    %rstd_ptr = blk.addptr %Rstd, %row : !ptrF, i32
    %mean = blk.load %mean_ptr : !ptrF
    %rstd = blk.load %rstd_ptr : !ptrF

    // Compute dx.
    %mean_block = blk.splat %mean [%BLOCK] : f32 -> tensor<?xf32>
    %rstd_block = blk.splat %rstd [%BLOCK] : f32 -> tensor<?xf32>
    %centered = arith.subf %x, %mean_block : tensor<?xf32>
    %x_hat_all = arith.mulf %centered, %rstd_block : tensor<?xf32>
    %wdy_all = arith.mulf %w, %dy : tensor<?xf32>
    %x_hat = arith.select %mask, %x_hat_all, %zeros : tensor<?xi1>, tensor<?xf32>
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
    %DX_block = blk.splat %DX_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
    %dx_ptrs = blk.addptr %DX_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
    %dx_T = blk.cast %dx : tensor<?xf32> to tensor<?x!T>
    blk.store %dx_ptrs, %dx_T, %mask : tensor<?x!ptrT>

    // Accumulate this row's share of dw and db.
    %dw_row = arith.mulf %dy, %x_hat : tensor<?xf32>
    %dw_next = arith.addf %dw_acc, %dw_row : tensor<?xf32>
    %db_next = arith.addf %db_acc, %dy : tensor<?xf32>
    scf.yield %dw_next, %db_next : tensor<?xf32>, tensor<?xf32>
  }

  // Offset the lock and the partial dw/db pointers for the parallel
  // reduction.
  %lock_id = arith.remsi %pid, %GROUP_SIZE_M : i32
  %lock = blk.addptr %Lock, %lock_id : !blk.ptr<i32>, i32
  %count = blk.addptr %lock, %GROUP_SIZE_M : !blk.ptr<i32>, i32
  %partial_offset = arith.muli %lock_id, %N : i32
  %DW_row = blk.addptr %DW, %partial_offset : !ptrF, i32
  %DB_row = blk.addptr %DB, %partial_offset : !ptrF, i32
  %DW_block = blk.splat %DW_row [%BLOCK] : !ptrF -> tensor<?x!ptrF>
  %DB_block = blk.splat %DB_row [%BLOCK] : !ptrF -> tensor<?x!ptrF>
  %dw_ptrs = blk.addptr %DW_block, %cols : tensor<?x!ptrF>, tensor<?xi32>
  %db_ptrs = blk.addptr %DB_block, %cols : tensor<?x!ptrF>, tensor<?xi32>

  // Add the partial sums under the buffer's lock.
  scf.while : () -> () {
    %old = blk.atomic_cas acquire gpu %lock, %c0, %one : !blk.ptr<i32>
    %held = arith.cmpi eq, %old, %one : i32
    scf.condition(%held)
  } do {
    scf.yield
  }
  %previous = blk.load %count : !blk.ptr<i32>
  %first = arith.cmpi eq, %previous, %c0 : i32
  %dw, %db = scf.if %first -> (tensor<?xf32>, tensor<?xf32>) {
    // The first store doesn't accumulate. Relaxed: the lock's release
    // publishes the counter along with the buffers.
    %unused = blk.atomic_xchg relaxed gpu %count, %one : !blk.ptr<i32>
    scf.yield %partial_dw, %partial_db : tensor<?xf32>, tensor<?xf32>
  } else {
    %dw_old = blk.load %dw_ptrs, %mask, %zeros : tensor<?x!ptrF>
    %db_old = blk.load %db_ptrs, %mask, %zeros : tensor<?x!ptrF>
    %dw_sum = arith.addf %partial_dw, %dw_old : tensor<?xf32>
    %db_sum = arith.addf %partial_db, %db_old : tensor<?xf32>
    scf.yield %dw_sum, %db_sum : tensor<?xf32>, tensor<?xf32>
  }
  blk.store %dw_ptrs, %dw, %mask : tensor<?x!ptrF>
  blk.store %db_ptrs, %db, %mask : tensor<?x!ptrF>

  // Release the lock.
  %released = blk.atomic_xchg release gpu %lock, %c0 : !blk.ptr<i32>
  return
}
