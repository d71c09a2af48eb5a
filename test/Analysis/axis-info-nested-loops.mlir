// RUN: timeout 60 ln-opt %s --test-print-axis-info -o /dev/null 2>&1 | FileCheck %s
//
// Seven nested loops, each rotating 16 carried blocks whose facts weaken one
// step a round: going around each loop until its body yields what it
// assumed takes up to 17 walks of its body a level, 17^7 in all. The
// analysis's budget of loop-body walks keeps it to a fraction of a second
// (it ran for minutes before the budget), and what it claims stays sound:
// past the budget, loops assume nothing of what they carry.
// CHECK: remark: contiguity = [16]

func.func @k(%n: i32, %m: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %r = blk.range : tensor<16xi32>
  %ms = blk.splat %m : i32 -> tensor<16xi32>
  %i0 = arith.constant dense<1> : tensor<16xi32>
  %i1 = arith.constant dense<2> : tensor<16xi32>
  %i2 = arith.constant dense<4> : tensor<16xi32>
  %i3 = arith.constant dense<8> : tensor<16xi32>
  %i4 = arith.constant dense<16> : tensor<16xi32>
  %i5 = arith.constant dense<32> : tensor<16xi32>
  %i6 = arith.constant dense<64> : tensor<16xi32>
  %i7 = arith.constant dense<128> : tensor<16xi32>
  %i8 = arith.constant dense<256> : tensor<16xi32>
  %i9 = arith.constant dense<512> : tensor<16xi32>
  %i10 = arith.constant dense<1024> : tensor<16xi32>
  %i11 = arith.constant dense<2048> : tensor<16xi32>
  %i12 = arith.constant dense<4096> : tensor<16xi32>
  %i13 = arith.constant dense<8192> : tensor<16xi32>
  %i14 = arith.constant dense<16384> : tensor<16xi32>
  %i15 = arith.constant dense<32768> : tensor<16xi32>
  %res0:16 = scf.for %iv0 = %c0 to %n step %c1 iter_args(%a0_0 = %i0, %a0_1 = %i1, %a0_2 = %i2, %a0_3 = %i3, %a0_4 = %i4, %a0_5 = %i5, %a0_6 = %i6, %a0_7 = %i7, %a0_8 = %i8, %a0_9 = %i9, %a0_10 = %i10, %a0_11 = %i11, %a0_12 = %i12, %a0_13 = %i13, %a0_14 = %i14, %a0_15 = %i15) -> (tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>) : i32 {
    %res1:16 = scf.for %iv1 = %c0 to %n step %c1 iter_args(%a1_0 = %i0, %a1_1 = %i1, %a1_2 = %i2, %a1_3 = %i3, %a1_4 = %i4, %a1_5 = %i5, %a1_6 = %i6, %a1_7 = %i7, %a1_8 = %i8, %a1_9 = %i9, %a1_10 = %i10, %a1_11 = %i11, %a1_12 = %i12, %a1_13 = %i13, %a1_14 = %i14, %a1_15 = %i15) -> (tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>) : i32 {
      %res2:16 = scf.for %iv2 = %c0 to %n step %c1 iter_args(%a2_0 = %i0, %a2_1 = %i1, %a2_2 = %i2, %a2_3 = %i3, %a2_4 = %i4, %a2_5 = %i5, %a2_6 = %i6, %a2_7 = %i7, %a2_8 = %i8, %a2_9 = %i9, %a2_10 = %i10, %a2_11 = %i11, %a2_12 = %i12, %a2_13 = %i13, %a2_14 = %i14, %a2_15 = %i15) -> (tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>) : i32 {
        %res3:16 = scf.for %iv3 = %c0 to %n step %c1 iter_args(%a3_0 = %i0, %a3_1 = %i1, %a3_2 = %i2, %a3_3 = %i3, %a3_4 = %i4, %a3_5 = %i5, %a3_6 = %i6, %a3_7 = %i7, %a3_8 = %i8, %a3_9 = %i9, %a3_10 = %i10, %a3_11 = %i11, %a3_12 = %i12, %a3_13 = %i13, %a3_14 = %i14, %a3_15 = %i15) -> (tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>) : i32 {
          %res4:16 = scf.for %iv4 = %c0 to %n step %c1 iter_args(%a4_0 = %i0, %a4_1 = %i1, %a4_2 = %i2, %a4_3 = %i3, %a4_4 = %i4, %a4_5 = %i5, %a4_6 = %i6, %a4_7 = %i7, %a4_8 = %i8, %a4_9 = %i9, %a4_10 = %i10, %a4_11 = %i11, %a4_12 = %i12, %a4_13 = %i13, %a4_14 = %i14, %a4_15 = %i15) -> (tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>) : i32 {
            %res5:16 = scf.for %iv5 = %c0 to %n step %c1 iter_args(%a5_0 = %i0, %a5_1 = %i1, %a5_2 = %i2, %a5_3 = %i3, %a5_4 = %i4, %a5_5 = %i5, %a5_6 = %i6, %a5_7 = %i7, %a5_8 = %i8, %a5_9 = %i9, %a5_10 = %i10, %a5_11 = %i11, %a5_12 = %i12, %a5_13 = %i13, %a5_14 = %i14, %a5_15 = %i15) -> (tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>) : i32 {
              %res6:16 = scf.for %iv6 = %c0 to %n step %c1 iter_args(%a6_0 = %i0, %a6_1 = %i1, %a6_2 = %i2, %a6_3 = %i3, %a6_4 = %i4, %a6_5 = %i5, %a6_6 = %i6, %a6_7 = %i7, %a6_8 = %i8, %a6_9 = %i9, %a6_10 = %i10, %a6_11 = %i11, %a6_12 = %i12, %a6_13 = %i13, %a6_14 = %i14, %a6_15 = %i15) -> (tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>) : i32 {
                scf.yield %a6_1, %a6_2, %a6_3, %a6_4, %a6_5, %a6_6, %a6_7, %a6_8, %a6_9, %a6_10, %a6_11, %a6_12, %a6_13, %a6_14, %a6_15, %a6_0 : tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>
              }
              scf.yield %a5_1, %a5_2, %a5_3, %a5_4, %a5_5, %a5_6, %a5_7, %a5_8, %a5_9, %a5_10, %a5_11, %a5_12, %a5_13, %a5_14, %a5_15, %a5_0 : tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>
            }
            scf.yield %a4_1, %a4_2, %a4_3, %a4_4, %a4_5, %a4_6, %a4_7, %a4_8, %a4_9, %a4_10, %a4_11, %a4_12, %a4_13, %a4_14, %a4_15, %a4_0 : tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>
          }
          scf.yield %a3_1, %a3_2, %a3_3, %a3_4, %a3_5, %a3_6, %a3_7, %a3_8, %a3_9, %a3_10, %a3_11, %a3_12, %a3_13, %a3_14, %a3_15, %a3_0 : tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>
        }
        scf.yield %a2_1, %a2_2, %a2_3, %a2_4, %a2_5, %a2_6, %a2_7, %a2_8, %a2_9, %a2_10, %a2_11, %a2_12, %a2_13, %a2_14, %a2_15, %a2_0 : tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>
      }
      scf.yield %a1_1, %a1_2, %a1_3, %a1_4, %a1_5, %a1_6, %a1_7, %a1_8, %a1_9, %a1_10, %a1_11, %a1_12, %a1_13, %a1_14, %a1_15, %a1_0 : tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>
    }
    scf.yield %a0_1, %a0_2, %a0_3, %a0_4, %a0_5, %a0_6, %a0_7, %a0_8, %a0_9, %a0_10, %a0_11, %a0_12, %a0_13, %a0_14, %a0_15, %a0_0 : tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>
  }
  return
}
