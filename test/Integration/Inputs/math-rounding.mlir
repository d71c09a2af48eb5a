// The correctly rounded operations of blk's arithmetic (docs/semantics.md,
// "Arithmetic"): f32 square root and division, f64 square root. Each
// program takes 512 elements of X and Y and writes sqrt(x), x / y, the
// f64 sqrt(x) and the f16 sqrt of x rounded to f16; the GPU's results must be the correctly rounded ones bit for
// bit (Inputs/check-math-rounding.py; an approximate square root was 1 ulp
// off on 671 of 4000).

func.func @math_rounding(%X: !blk.ptr<f32>, %Y: !blk.ptr<f32>,
                         %Sqrt: !blk.ptr<f32>, %Quotient: !blk.ptr<f32>,
                         %Sqrt64: !blk.ptr<f64>, %Sqrt16: !blk.ptr<f16>,
                         %n: i32) {
  %c512 = arith.constant 512 : i32
  %pid = blk.program_id 0 : i32
  %start = arith.muli %pid, %c512 : i32
  %range = blk.range : tensor<512xi32>
  %start_block = blk.splat %start : i32 -> tensor<512xi32>
  %offsets = arith.addi %start_block, %range : tensor<512xi32>
  %n_block = blk.splat %n : i32 -> tensor<512xi32>
  %mask = arith.cmpi slt, %offsets, %n_block : tensor<512xi32>

  %x_base = blk.splat %X : !blk.ptr<f32> -> tensor<512x!blk.ptr<f32>>
  %x_ptrs = blk.addptr %x_base, %offsets : tensor<512x!blk.ptr<f32>>, tensor<512xi32>
  %x = blk.load %x_ptrs, %mask : tensor<512x!blk.ptr<f32>>
  %y_base = blk.splat %Y : !blk.ptr<f32> -> tensor<512x!blk.ptr<f32>>
  %y_ptrs = blk.addptr %y_base, %offsets : tensor<512x!blk.ptr<f32>>, tensor<512xi32>
  %y = blk.load %y_ptrs, %mask : tensor<512x!blk.ptr<f32>>

  %root = math.sqrt %x : tensor<512xf32>
  %root_base = blk.splat %Sqrt : !blk.ptr<f32> -> tensor<512x!blk.ptr<f32>>
  %root_ptrs = blk.addptr %root_base, %offsets : tensor<512x!blk.ptr<f32>>, tensor<512xi32>
  blk.store %root_ptrs, %root, %mask : tensor<512x!blk.ptr<f32>>

  %quotient = arith.divf %x, %y : tensor<512xf32>
  %quotient_base = blk.splat %Quotient : !blk.ptr<f32> -> tensor<512x!blk.ptr<f32>>
  %quotient_ptrs = blk.addptr %quotient_base, %offsets : tensor<512x!blk.ptr<f32>>, tensor<512xi32>
  blk.store %quotient_ptrs, %quotient, %mask : tensor<512x!blk.ptr<f32>>

  %x64 = blk.cast %x : tensor<512xf32> to tensor<512xf64>
  %root64 = math.sqrt %x64 : tensor<512xf64>
  %root64_base = blk.splat %Sqrt64 : !blk.ptr<f64> -> tensor<512x!blk.ptr<f64>>
  %root64_ptrs = blk.addptr %root64_base, %offsets : tensor<512x!blk.ptr<f64>>, tensor<512xi32>
  blk.store %root64_ptrs, %root64, %mask : tensor<512x!blk.ptr<f64>>

  %x16 = blk.cast %x : tensor<512xf32> to tensor<512xf16>
  %root16 = math.sqrt %x16 : tensor<512xf16>
  %root16_base = blk.splat %Sqrt16 : !blk.ptr<f16> -> tensor<512x!blk.ptr<f16>>
  %root16_ptrs = blk.addptr %root16_base, %offsets : tensor<512x!blk.ptr<f16>>, tensor<512xi32>
  blk.store %root16_ptrs, %root16, %mask : tensor<512x!blk.ptr<f16>>
  return
}
