// LayerNorm forward, fused (the Triton tutorial's _layer_norm_fwd_fused).
//
// One program normalizes one row of X (N features, `stride_x` elements
// apart from the next row) into Y, and writes the row's mean and 1/std;
// statistics are kept in f32, and the mean is summed shifted by the row's
// first element (or, in the one-pass form below, by its first chunk's
// mean). When the row fits in one block (the runtime picks the smallest
// BLOCK_SIZE >= N whenever N <= 8192: a power of two up to 1024, a
// multiple of 512 above) the tutorial's three steps (mean, variance, then
// normalize and apply the affine transform) run on the row loaded once; W
// and B are loaded for the last step only. Wider rows are walked in
// BLOCK_SIZE chunks, as in the tutorial: three times (mean, variance,
// output), or twice when the last chunk is at most half full (shifted
// one-pass statistics, then the output).
//
// Parameters bound by blk-specialize: BLOCK_SIZE (any size the warps tile)
// and T (the element type of X, Y, W and B: f16, bf16 or f32).

!T = !blk.typevar<"T">
!ptrT = !blk.ptr<!T>

func.func @layer_norm_fwd_fused(%X: !ptrT, %Y: !ptrT, %W: !ptrT, %B: !ptrT,
                                %Mean: !blk.ptr<f32>, %Rstd: !blk.ptr<f32>,
                                %stride_x: i64, %stride_y: i64, %N: i32,
                                %eps: f32) {
  %BLOCK = blk.constexpr "BLOCK_SIZE" : i32
  %c0 = arith.constant 0 : i32
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32

  // Map the program id to the row of X and Y it should compute.
  %row = blk.program_id 0 : i32
  %row64 = arith.extsi %row : i32 to i64
  %x_offset = arith.muli %row64, %stride_x : i64
  %y_offset = arith.muli %row64, %stride_y : i64
  %X_row = blk.addptr %X, %x_offset : !ptrT, i64
  %Y_row = blk.addptr %Y, %y_offset : !ptrT, i64

  %arange = blk.range [%BLOCK] : tensor<?xi32>
  %N_block = blk.splat %N [%BLOCK] : i32 -> tensor<?xi32>
  %zeros = blk.splat %zero [%BLOCK] : f32 -> tensor<?xf32>
  %zeros_T = blk.cast %zeros : tensor<?xf32> to tensor<?x!T>
  %X_block = blk.splat %X_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
  %Y_block = blk.splat %Y_row [%BLOCK] : !ptrT -> tensor<?x!ptrT>
  %W_block = blk.splat %W [%BLOCK] : !ptrT -> tensor<?x!ptrT>
  %B_block = blk.splat %B [%BLOCK] : !ptrT -> tensor<?x!ptrT>
  %N_f32 = arith.sitofp %N : i32 to f32
  %mean_ptr = blk.addptr %Mean, %row : !blk.ptr<f32>, i32
  %rstd_ptr = blk.addptr %Rstd, %row : !blk.ptr<f32>, i32

  // The row's first block: the whole row when it fits, else its first chunk.
  %x_first_ptrs = blk.addptr %X_block, %arange : tensor<?x!ptrT>, tensor<?xi32>
  %two = arith.constant 2 : i32
  %half_block = arith.divsi %BLOCK, %two : i32
  %fits = arith.cmpi sle, %N, %BLOCK : i32
  scf.if %fits {
    %mask = arith.cmpi slt, %arange, %N_block : tensor<?xi32>
    // The row's first element: the mean is x[0] + sum(x - x[0]) / N, whose
    // terms are the size of the row's spread rather than of its mean (an
    // f32 sum of x itself loses the low bits of x when the mean is large;
    // docs/kernel.md, "Summation order"). Converted after the row's load
    // is issued, so that the two loads are in flight together: converted
    // before, it cost a second memory latency per row, 8 to 10% at
    // N = 1024 to 4096.
    %row_first = blk.load %X_row : !ptrT
    %x = blk.load %x_first_ptrs, %mask, %zeros_T : tensor<?x!ptrT>
    %row_shift = blk.cast %row_first : !T to f32
    %row_shift_block = blk.splat %row_shift [%BLOCK] : f32 -> tensor<?xf32>
    %x_f32 = blk.cast %x : tensor<?x!T> to tensor<?xf32>

    // Compute the mean, shifted by x[0].
    %shifted_all = arith.subf %x_f32, %row_shift_block : tensor<?xf32>
    %shifted = arith.select %mask, %shifted_all, %zeros : tensor<?xi1>, tensor<?xf32>
    %sum = blk.reduce %shifted axis 0 : tensor<?xf32> -> f32 {
    ^bb0(%a: f32, %b_: f32):
      %s = arith.addf %a, %b_ : f32
      blk.yield %s : f32
    }
    %mean_offset = arith.divf %sum, %N_f32 : f32
    %mean = arith.addf %row_shift, %mean_offset : f32
    %mean_block = blk.splat %mean [%BLOCK] : f32 -> tensor<?xf32>

    // Compute the variance.
    %centered_all = arith.subf %x_f32, %mean_block : tensor<?xf32>
    %centered = arith.select %mask, %centered_all, %zeros : tensor<?xi1>, tensor<?xf32>
    %squares = arith.mulf %centered, %centered : tensor<?xf32>
    %var_sum = blk.reduce %squares axis 0 : tensor<?xf32> -> f32 {
    ^bb0(%a: f32, %b_: f32):
      %s = arith.addf %a, %b_ : f32
      blk.yield %s : f32
    }
    %var = arith.divf %var_sum, %N_f32 : f32
    %var_eps = arith.addf %var, %eps : f32
    %std = math.sqrt %var_eps : f32
    %rstd = arith.divf %one, %std : f32
    blk.store %mean_ptr, %mean : !blk.ptr<f32>
    blk.store %rstd_ptr, %rstd : !blk.ptr<f32>

    // Normalize and apply the linear transformation. W and B, the same
    // for every row and so in L2, are loaded only now: held through the
    // reductions, their registers would cost a CTA per multiprocessor.
    %w_ptrs = blk.addptr %W_block, %arange : tensor<?x!ptrT>, tensor<?xi32>
    %b_ptrs = blk.addptr %B_block, %arange : tensor<?x!ptrT>, tensor<?xi32>
    %w = blk.load %w_ptrs, %mask : tensor<?x!ptrT>
    %b = blk.load %b_ptrs, %mask : tensor<?x!ptrT>
    %rstd_block = blk.splat %rstd [%BLOCK] : f32 -> tensor<?xf32>
    %w_f32 = blk.cast %w : tensor<?x!T> to tensor<?xf32>
    %b_f32 = blk.cast %b : tensor<?x!T> to tensor<?xf32>
    %x_hat = arith.mulf %centered, %rstd_block : tensor<?xf32>
    %scaled = arith.mulf %x_hat, %w_f32 : tensor<?xf32>
    %y = arith.addf %scaled, %b_f32 : tensor<?xf32>
    %y_T = blk.cast %y : tensor<?xf32> to tensor<?x!T>
    %y_ptrs = blk.addptr %Y_block, %arange : tensor<?x!ptrT>, tensor<?xi32>
    blk.store %y_ptrs, %y_T, %mask : tensor<?x!ptrT>
  } else {
    // The statistics. Rows whose last chunk is at most half full take one
    // pass over the row: the second pass of the two-pass form would be
    // mostly idle lanes, and skipping it is 15% faster on the H100 (N =
    // 8704 to 11264, f16); with fuller chunks the barrier the shift needs
    // before the pass costs more than the pass it saves (8 to 11% slower
    // at N = 14336 to 32768).
    %one_and_half = arith.addi %BLOCK, %half_block : i32
    %short_tail = arith.cmpi sle, %N, %one_and_half : i32
    %mean, %rstd = scf.if %short_tail -> (f32, f32) {
      // One pass over the row, shifted by the mean K of its first chunk
      // (full: the row is wider than a block): sums of x - K and (x - K)^2,
      // whose difference has no cancellation to fear while K is near the
      // row's mean.
      %x0 = blk.load %x_first_ptrs : tensor<?x!ptrT>
      %x0_f32 = blk.cast %x0 : tensor<?x!T> to tensor<?xf32>
      %first_sum = blk.reduce %x0_f32 axis 0 : tensor<?xf32> -> f32 {
      ^bb0(%a: f32, %b: f32):
        %s = arith.addf %a, %b : f32
        blk.yield %s : f32
      }
      %BLOCK_f32 = arith.sitofp %BLOCK : i32 to f32
      %shift = arith.divf %first_sum, %BLOCK_f32 : f32
      %shift_block = blk.splat %shift [%BLOCK] : f32 -> tensor<?xf32>
      %d0 = arith.subf %x0_f32, %shift_block : tensor<?xf32>
      %d0_squared = arith.mulf %d0, %d0 : tensor<?xf32>
      %sums:2 = scf.for %off = %BLOCK to %N step %BLOCK
          iter_args(%acc1 = %d0, %acc2 = %d0_squared)
          -> (tensor<?xf32>, tensor<?xf32>) : i32 {
        %off_block = blk.splat %off [%BLOCK] : i32 -> tensor<?xi32>
        %cols = arith.addi %off_block, %arange : tensor<?xi32>
        %mask = arith.cmpi slt, %cols, %N_block : tensor<?xi32>
        %ptrs = blk.addptr %X_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
        %x = blk.load %ptrs, %mask, %zeros_T : tensor<?x!ptrT>
        %x_f32 = blk.cast %x : tensor<?x!T> to tensor<?xf32>
        %shifted = arith.subf %x_f32, %shift_block : tensor<?xf32>
        %d = arith.select %mask, %shifted, %zeros : tensor<?xi1>, tensor<?xf32>
        %d2 = arith.mulf %d, %d : tensor<?xf32>
        %next1 = arith.addf %acc1, %d : tensor<?xf32>
        %next2 = arith.addf %acc2, %d2 : tensor<?xf32>
        scf.yield %next1, %next2 : tensor<?xf32>, tensor<?xf32>
      }
      %sum = blk.reduce %sums#0 axis 0 : tensor<?xf32> -> f32 {
      ^bb0(%a: f32, %b: f32):
        %s = arith.addf %a, %b : f32
        blk.yield %s : f32
      }
      %square_sum = blk.reduce %sums#1 axis 0 : tensor<?xf32> -> f32 {
      ^bb0(%a: f32, %b: f32):
        %s = arith.addf %a, %b : f32
        blk.yield %s : f32
      }
      %mean_offset = arith.divf %sum, %N_f32 : f32
      %mean = arith.addf %shift, %mean_offset : f32
      %square_mean = arith.divf %square_sum, %N_f32 : f32
      %offset_squared = arith.mulf %mean_offset, %mean_offset : f32
      %var_raw = arith.subf %square_mean, %offset_squared : f32
      %var = arith.maximumf %var_raw, %zero : f32
      %var_eps = arith.addf %var, %eps : f32
      %std = math.sqrt %var_eps : f32
      %rstd = arith.divf %one, %std : f32
      scf.yield %mean, %rstd : f32, f32
    } else {
      // Two passes, as the one-block path: the mean (of x - x[0]), then
      // the variance.
      %row_first = blk.load %X_row : !ptrT
      %row_shift = blk.cast %row_first : !T to f32
      %row_shift_block = blk.splat %row_shift [%BLOCK] : f32 -> tensor<?xf32>
      %sum_block = scf.for %off = %c0 to %N step %BLOCK
          iter_args(%acc = %zeros) -> (tensor<?xf32>) : i32 {
        %off_block = blk.splat %off [%BLOCK] : i32 -> tensor<?xi32>
        %cols = arith.addi %off_block, %arange : tensor<?xi32>
        %mask = arith.cmpi slt, %cols, %N_block : tensor<?xi32>
        %ptrs = blk.addptr %X_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
        %x = blk.load %ptrs, %mask, %zeros_T : tensor<?x!ptrT>
        %x_f32 = blk.cast %x : tensor<?x!T> to tensor<?xf32>
        %shifted_all = arith.subf %x_f32, %row_shift_block : tensor<?xf32>
        %shifted = arith.select %mask, %shifted_all, %zeros : tensor<?xi1>, tensor<?xf32>
        %next = arith.addf %acc, %shifted : tensor<?xf32>
        scf.yield %next : tensor<?xf32>
      }
      %sum = blk.reduce %sum_block axis 0 : tensor<?xf32> -> f32 {
      ^bb0(%a: f32, %b: f32):
        %s = arith.addf %a, %b : f32
        blk.yield %s : f32
      }
      %mean_offset = arith.divf %sum, %N_f32 : f32
      %mean = arith.addf %row_shift, %mean_offset : f32
      %mean_block_stats = blk.splat %mean [%BLOCK] : f32 -> tensor<?xf32>

      // Compute the variance.
      %var_block = scf.for %off = %c0 to %N step %BLOCK
          iter_args(%acc = %zeros) -> (tensor<?xf32>) : i32 {
        %off_block = blk.splat %off [%BLOCK] : i32 -> tensor<?xi32>
        %cols = arith.addi %off_block, %arange : tensor<?xi32>
        %mask = arith.cmpi slt, %cols, %N_block : tensor<?xi32>
        %ptrs = blk.addptr %X_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
        %x = blk.load %ptrs, %mask, %zeros_T : tensor<?x!ptrT>
        %x_f32 = blk.cast %x : tensor<?x!T> to tensor<?xf32>
        %centered = arith.subf %x_f32, %mean_block_stats : tensor<?xf32>
        %d = arith.select %mask, %centered, %zeros : tensor<?xi1>, tensor<?xf32>
        %d2 = arith.mulf %d, %d : tensor<?xf32>
        %next = arith.addf %acc, %d2 : tensor<?xf32>
        scf.yield %next : tensor<?xf32>
      }
      %var_sum = blk.reduce %var_block axis 0 : tensor<?xf32> -> f32 {
      ^bb0(%a: f32, %b: f32):
        %s = arith.addf %a, %b : f32
        blk.yield %s : f32
      }
      %var = arith.divf %var_sum, %N_f32 : f32
      %var_eps = arith.addf %var, %eps : f32
      %std = math.sqrt %var_eps : f32
      %rstd = arith.divf %one, %std : f32
      scf.yield %mean, %rstd : f32, f32
    }
    %mean_block = blk.splat %mean [%BLOCK] : f32 -> tensor<?xf32>

    // Write mean and rstd.
    blk.store %mean_ptr, %mean : !blk.ptr<f32>
    blk.store %rstd_ptr, %rstd : !blk.ptr<f32>

    // Normalize and apply the linear transformation.
    %rstd_block = blk.splat %rstd [%BLOCK] : f32 -> tensor<?xf32>
    scf.for %off = %c0 to %N step %BLOCK : i32 {
      %off_block = blk.splat %off [%BLOCK] : i32 -> tensor<?xi32>
      %cols = arith.addi %off_block, %arange : tensor<?xi32>
      %mask = arith.cmpi slt, %cols, %N_block : tensor<?xi32>
      %w_ptrs = blk.addptr %W_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
      %b_ptrs = blk.addptr %B_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
      %x_ptrs = blk.addptr %X_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
      %w = blk.load %w_ptrs, %mask : tensor<?x!ptrT>
      %b = blk.load %b_ptrs, %mask : tensor<?x!ptrT>
      %x = blk.load %x_ptrs, %mask, %zeros_T : tensor<?x!ptrT>
      %w_f32 = blk.cast %w : tensor<?x!T> to tensor<?xf32>
      %b_f32 = blk.cast %b : tensor<?x!T> to tensor<?xf32>
      %x_f32 = blk.cast %x : tensor<?x!T> to tensor<?xf32>
      %centered = arith.subf %x_f32, %mean_block : tensor<?xf32>
      %x_hat = arith.mulf %centered, %rstd_block : tensor<?xf32>
      %scaled = arith.mulf %x_hat, %w_f32 : tensor<?xf32>
      %y = arith.addf %scaled, %b_f32 : tensor<?xf32>
      %y_T = blk.cast %y : tensor<?xf32> to tensor<?x!T>
      %y_ptrs = blk.addptr %Y_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
      blk.store %y_ptrs, %y_T, %mask : tensor<?x!ptrT>
    }
  }
  return
}
