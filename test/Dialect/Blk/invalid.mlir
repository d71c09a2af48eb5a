// RUN: ln-opt %s -split-input-file -verify-diagnostics

// One case per verifier error of BlkOps.cpp, per ODS constraint worth
// checking, and per error of the custom load/store parsers. Cases that the
// custom syntax cannot even express (a load whose result is not the
// pointee type...) are written in the generic form to reach the verifier.

//===----------------------------------------------------------------------===//
// constexpr, program_id, num_programs
//===----------------------------------------------------------------------===//

func.func @constexpr_empty_name() {
  // expected-error @+1 {{'blk.constexpr' op needs a non-empty parameter name}}
  %0 = blk.constexpr "" : i32
  return
}

// -----

func.func @constexpr_float() {
  // expected-error @+1 {{'blk.constexpr' op result #0 must be signless integer, but got 'f32'}}
  %0 = "blk.constexpr"() <{name = "BLOCK"}> : () -> f32
  return
}

// -----

func.func @program_id_axis_3() {
  // expected-error @+1 {{'blk.program_id' op attribute 'axis' failed to satisfy constraint: 32-bit signless integer attribute whose minimum value is 0 whose maximum value is 2}}
  %0 = blk.program_id 3 : i32
  return
}

// -----

func.func @num_programs_negative_axis() {
  // expected-error @+1 {{'blk.num_programs' op attribute 'axis' failed to satisfy constraint}}
  %0 = blk.num_programs -1 : i32
  return
}

// -----

func.func @program_id_i64() {
  // expected-error @+1 {{'blk.program_id' op result #0 must be 32-bit signless integer, but got 'i64'}}
  %0 = blk.program_id 0 : i64
  return
}

//===----------------------------------------------------------------------===//
// range
//===----------------------------------------------------------------------===//

// -----

func.func @range_empty() {
  // expected-error @+1 {{'blk.range' op size must be positive, got 0}}
  %0 = blk.range : tensor<0xi32>
  return
}

// -----

func.func @range_overflows_i32() {
  // expected-error @+1 {{'blk.range' op range [2147483647, 2147483649) overflows i32}}
  %0 = blk.range {start = 2147483647 : i32} : tensor<2xi32>
  return
}

// -----

func.func @range_missing_size() {
  // expected-error @+1 {{'blk.range' op expects one size operand per dynamic dimension of the result (1), got 0}}
  %0 = blk.range : tensor<?xi32>
  return
}

// -----

func.func @range_extra_size(%n: i32) {
  // expected-error @+1 {{'blk.range' op expects one size operand per dynamic dimension of the result (0), got 1}}
  %0 = blk.range [%n] : tensor<64xi32>
  return
}

// -----

func.func @range_rank_2() {
  // expected-error @+1 {{'blk.range' op result #0 must be 1D tensor of 32-bit signless integer values, but got 'tensor<4x4xi32>'}}
  %0 = blk.range : tensor<4x4xi32>
  return
}

// -----

func.func @range_i64() {
  // expected-error @+1 {{'blk.range' op result #0 must be 1D tensor of 32-bit signless integer values, but got 'tensor<4xi64>'}}
  %0 = blk.range : tensor<4xi64>
  return
}

//===----------------------------------------------------------------------===//
// splat
//===----------------------------------------------------------------------===//

// -----

func.func @splat_rank_3(%x: f32) {
  // expected-error @+1 {{'blk.splat' op blocks must have rank 1 or 2, got 'tensor<2x2x2xf32>'}}
  %0 = blk.splat %x : f32 -> tensor<2x2x2xf32>
  return
}

// -----

func.func @splat_empty(%x: f32) {
  // expected-error @+1 {{'blk.splat' op block dimensions must be positive, got 'tensor<4x0xf32>'}}
  %0 = blk.splat %x : f32 -> tensor<4x0xf32>
  return
}

// -----

func.func @splat_too_few_sizes(%x: f32, %n: i32) {
  // expected-error @+1 {{'blk.splat' op expects one size operand per dynamic dimension of the result (2), got 1}}
  %0 = blk.splat %x [%n] : f32 -> tensor<?x?xf32>
  return
}

// -----

func.func @splat_too_many_sizes(%x: f32, %n: i32) {
  // expected-error @+1 {{'blk.splat' op expects one size operand per dynamic dimension of the result (0), got 1}}
  %0 = blk.splat %x [%n] : f32 -> tensor<16xf32>
  return
}

// -----

func.func @splat_value_type(%x: f16) {
  // expected-error @+1 {{'blk.splat' op value type 'f16' does not match the element type of 'tensor<16xf32>'}}
  %0 = blk.splat %x : f16 -> tensor<16xf32>
  return
}

//===----------------------------------------------------------------------===//
// expand_dims
//===----------------------------------------------------------------------===//

// -----

func.func @expand_dims_2d_source(%x: tensor<4x4xi32>) {
  // expected-error @+1 {{'blk.expand_dims' op expects a 1-D block, got 'tensor<4x4xi32>'}}
  %0 = blk.expand_dims %x, 0 : tensor<4x4xi32> -> tensor<1x4x4xi32>
  return
}

// -----

func.func @expand_dims_axis_2(%x: tensor<4xi32>) {
  // expected-error @+1 {{'blk.expand_dims' op axis 2 out of range [0, 1]}}
  %0 = blk.expand_dims %x, 2 : tensor<4xi32> -> tensor<4x1xi32>
  return
}

// -----

func.func @expand_dims_negative_axis(%x: tensor<4xi32>) {
  // expected-error @+1 {{'blk.expand_dims' op axis -1 out of range [0, 1]}}
  %0 = blk.expand_dims %x, -1 : tensor<4xi32> -> tensor<4x1xi32>
  return
}

// -----

func.func @expand_dims_wrong_axis_result(%x: tensor<128xi32>) {
  // expected-error @+1 {{'blk.expand_dims' op result type 'tensor<128x1xi32>' is not 'tensor<128xi32>' with a unit dimension at axis 0}}
  %0 = blk.expand_dims %x, 0 : tensor<128xi32> -> tensor<128x1xi32>
  return
}

// -----

func.func @expand_dims_element_type(%x: tensor<128xi32>) {
  // expected-error @+1 {{'blk.expand_dims' op result type 'tensor<1x128xi64>' is not 'tensor<128xi32>' with a unit dimension at axis 0}}
  %0 = blk.expand_dims %x, 0 : tensor<128xi32> -> tensor<1x128xi64>
  return
}

// -----

func.func @expand_dims_result_rank(%x: tensor<128xi32>) {
  // expected-error @+1 {{'blk.expand_dims' op result type 'tensor<128xi32>' is not 'tensor<128xi32>' with a unit dimension at axis 1}}
  %0 = blk.expand_dims %x, 1 : tensor<128xi32> -> tensor<128xi32>
  return
}

//===----------------------------------------------------------------------===//
// broadcast
//===----------------------------------------------------------------------===//

// -----

func.func @broadcast_incompatible_dim(%x: tensor<2x128xi32>) {
  // expected-error @+1 {{'blk.broadcast' op cannot broadcast dimension of size 2 to 32}}
  %0 = blk.broadcast %x : tensor<2x128xi32> -> tensor<32x128xi32>
  return
}

// -----

func.func @broadcast_ranks_differ(%x: tensor<128xi32>) {
  // expected-error @+1 {{'blk.broadcast' op cannot broadcast 'tensor<128xi32>' to 'tensor<32x128xi32>' (ranks differ)}}
  %0 = blk.broadcast %x : tensor<128xi32> -> tensor<32x128xi32>
  return
}

// -----

func.func @broadcast_element_types(%x: tensor<1x128xi32>) {
  // expected-error @+1 {{'blk.broadcast' op element types differ: 'tensor<1x128xi32>' vs 'tensor<32x128xf32>'}}
  %0 = blk.broadcast %x : tensor<1x128xi32> -> tensor<32x128xf32>
  return
}

// -----

func.func @broadcast_empty(%x: tensor<1x128xi32>) {
  // expected-error @+1 {{'blk.broadcast' op block dimensions must be positive, got 'tensor<0x128xi32>'}}
  %0 = blk.broadcast %x : tensor<1x128xi32> -> tensor<0x128xi32>
  return
}

// -----

func.func @broadcast_rank_3(%x: tensor<1x1x4xi32>) {
  // expected-error @+1 {{'blk.broadcast' op blocks must have rank 1 or 2, got 'tensor<2x2x4xi32>'}}
  %0 = blk.broadcast %x : tensor<1x1x4xi32> -> tensor<2x2x4xi32>
  return
}

// -----

func.func @broadcast_missing_sizes(%x: tensor<?x1xi32>, %n: i32) {
  // expected-error @+1 {{'blk.broadcast' op expects one size operand per dynamic dimension of the result (2), got 1}}
  %0 = blk.broadcast %x [%n] : tensor<?x1xi32> -> tensor<?x?xi32>
  return
}

//===----------------------------------------------------------------------===//
// cast
//===----------------------------------------------------------------------===//

// -----

func.func @cast_pointers(%p: !blk.ptr<f16>) {
  // expected-error @+1 {{'blk.cast' op converts between integer and float types only, got '!blk.ptr<f16>' to '!blk.ptr<f32>'}}
  %0 = blk.cast %p : !blk.ptr<f16> to !blk.ptr<f32>
  return
}

// -----

func.func @cast_pointer_block(%p: tensor<4x!blk.ptr<f16>>) {
  // expected-error @+1 {{'blk.cast' op converts between integer and float types only, got 'tensor<4x!blk.ptr<f16>>' to 'tensor<4xi64>'}}
  %0 = blk.cast %p : tensor<4x!blk.ptr<f16>> to tensor<4xi64>
  return
}

// -----

func.func @cast_shape_change(%x: tensor<64xf16>) {
  // expected-error @+1 {{'blk.cast' op cannot change the shape: 'tensor<64xf16>' to 'tensor<32xf32>'}}
  %0 = blk.cast %x : tensor<64xf16> to tensor<32xf32>
  return
}

// -----

func.func @cast_scalar_to_block(%x: f16) {
  // expected-error @+1 {{'blk.cast' op cannot change the shape: 'f16' to 'tensor<1xf32>'}}
  %0 = blk.cast %x : f16 to tensor<1xf32>
  return
}

//===----------------------------------------------------------------------===//
// addptr
//===----------------------------------------------------------------------===//

// -----

func.func @addptr_scalar_and_block(%p: !blk.ptr<f16>, %o: tensor<4xi32>) {
  // expected-error @+1 {{'blk.addptr' op pointer and offset must both be scalars or both be blocks, got '!blk.ptr<f16>' and 'tensor<4xi32>'}}
  %0 = blk.addptr %p, %o : !blk.ptr<f16>, tensor<4xi32>
  return
}

// -----

func.func @addptr_block_and_scalar(%p: tensor<4x!blk.ptr<f16>>, %o: i32) {
  // expected-error @+1 {{'blk.addptr' op pointer and offset must both be scalars or both be blocks, got 'tensor<4x!blk.ptr<f16>>' and 'i32'}}
  %0 = blk.addptr %p, %o : tensor<4x!blk.ptr<f16>>, i32
  return
}

// -----

func.func @addptr_shape_mismatch(%p: tensor<4x!blk.ptr<f16>>, %o: tensor<8xi32>) {
  // expected-error @+1 {{'blk.addptr' op offset must have the shape of the pointer ('tensor<4x!blk.ptr<f16>>'), got 'tensor<8xi32>'}}
  %0 = blk.addptr %p, %o : tensor<4x!blk.ptr<f16>>, tensor<8xi32>
  return
}

// -----

func.func @addptr_i16_offset(%p: !blk.ptr<f16>, %o: i16) {
  // expected-error @+1 {{'blk.addptr' op operand #1 must be i32/i64 or tensor of them, but got 'i16'}}
  %0 = blk.addptr %p, %o : !blk.ptr<f16>, i16
  return
}

// -----

func.func @addptr_not_a_pointer(%p: i64, %o: i32) {
  // expected-error @+1 {{'blk.addptr' op operand #0 must be pointer or tensor of pointers, but got 'i64'}}
  %0 = blk.addptr %p, %o : i64, i32
  return
}

//===----------------------------------------------------------------------===//
// load
//===----------------------------------------------------------------------===//

// -----

func.func @load_result_type(%p: !blk.ptr<f16>) {
  // expected-error @+1 {{'blk.load' op result type 'f32' must be 'f16'}}
  %0 = "blk.load"(%p) <{operandSegmentSizes = array<i32: 1, 0, 0>}> : (!blk.ptr<f16>) -> f32
  return
}

// -----

func.func @load_result_shape(%p: tensor<4x!blk.ptr<f16>>) {
  // expected-error @+1 {{'blk.load' op result type 'tensor<8xf16>' must be 'tensor<4xf16>'}}
  %0 = "blk.load"(%p) <{operandSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<4x!blk.ptr<f16>>) -> tensor<8xf16>
  return
}

// -----

func.func @load_mask_shape(%p: tensor<4x!blk.ptr<f16>>, %m: tensor<8xi1>) {
  // expected-error @+1 {{'blk.load' op mask must have the shape of the pointer ('tensor<4x!blk.ptr<f16>>'), got 'tensor<8xi1>'}}
  %0 = "blk.load"(%p, %m) <{operandSegmentSizes = array<i32: 1, 1, 0>}> : (tensor<4x!blk.ptr<f16>>, tensor<8xi1>) -> tensor<4xf16>
  return
}

// -----

func.func @load_block_mask_scalar_pointer(%p: !blk.ptr<f16>, %m: tensor<4xi1>) {
  // expected-error @+1 {{'blk.load' op mask must have the shape of the pointer ('!blk.ptr<f16>'), got 'tensor<4xi1>'}}
  %0 = "blk.load"(%p, %m) <{operandSegmentSizes = array<i32: 1, 1, 0>}> : (!blk.ptr<f16>, tensor<4xi1>) -> f16
  return
}

// -----

func.func @load_mask_not_i1(%p: tensor<4x!blk.ptr<f16>>, %m: tensor<4xi8>) {
  // expected-error @+1 {{'blk.load' op operand #1 must be i1 or tensor of i1, but got 'tensor<4xi8>'}}
  %0 = "blk.load"(%p, %m) <{operandSegmentSizes = array<i32: 1, 1, 0>}> : (tensor<4x!blk.ptr<f16>>, tensor<4xi8>) -> tensor<4xf16>
  return
}

// -----

func.func @load_other_type(%p: tensor<4x!blk.ptr<f16>>, %m: tensor<4xi1>, %o: tensor<4xf32>) {
  // expected-error @+1 {{'blk.load' op 'other' must have the loaded type 'tensor<4xf16>', got 'tensor<4xf32>'}}
  %0 = "blk.load"(%p, %m, %o) <{operandSegmentSizes = array<i32: 1, 1, 1>}> : (tensor<4x!blk.ptr<f16>>, tensor<4xi1>, tensor<4xf32>) -> tensor<4xf16>
  return
}

// -----

func.func @load_other_without_mask(%p: tensor<4x!blk.ptr<f16>>, %o: tensor<4xf16>) {
  // expected-error @+1 {{'blk.load' op 'other' is only meaningful with a mask}}
  %0 = "blk.load"(%p, %o) <{operandSegmentSizes = array<i32: 1, 0, 1>}> : (tensor<4x!blk.ptr<f16>>, tensor<4xf16>) -> tensor<4xf16>
  return
}

// -----

// The custom syntax types 'other' from the pointer: a mismatch is a use of
// a value at the wrong type.
// expected-note @+1 {{prior use here}}
func.func @load_other_type_custom(%p: tensor<4x!blk.ptr<f16>>, %m: tensor<4xi1>, %o: tensor<4xf32>) {
  // expected-error @+1 {{use of value '%o' expects different type than prior uses: 'tensor<4xf16>' vs 'tensor<4xf32>'}}
  %0 = blk.load %p, %m, %o : tensor<4x!blk.ptr<f16>>
  return
}

// -----

func.func @load_not_a_pointer(%x: tensor<4xf32>) {
  // expected-error @+1 {{expects a pointer type, got 'tensor<4xf32>'}}
  %0 = blk.load %x : tensor<4xf32>
  return
}

// -----

func.func @load_no_operands() {
  // expected-error @+1 {{expects a pointer, then optionally a mask and an 'other' value}}
  %0 = blk.load : !blk.ptr<f32>
  return
}

// -----

func.func @load_four_operands(%p: !blk.ptr<f32>, %m: i1, %o: f32) {
  // expected-error @+1 {{expects a pointer, then optionally a mask and an 'other' value}}
  %0 = blk.load %p, %m, %o, %o : !blk.ptr<f32>
  return
}

//===----------------------------------------------------------------------===//
// store
//===----------------------------------------------------------------------===//

// -----

func.func @store_value_type(%p: tensor<4x!blk.ptr<f16>>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'blk.store' op stored value must have type 'tensor<4xf16>', got 'tensor<4xf32>'}}
  "blk.store"(%p, %v) : (tensor<4x!blk.ptr<f16>>, tensor<4xf32>) -> ()
  return
}

// -----

func.func @store_value_shape(%p: tensor<4x!blk.ptr<f16>>, %v: f16) {
  // expected-error @+1 {{'blk.store' op stored value must have type 'tensor<4xf16>', got 'f16'}}
  "blk.store"(%p, %v) : (tensor<4x!blk.ptr<f16>>, f16) -> ()
  return
}

// -----

func.func @store_mask_shape(%p: tensor<4x!blk.ptr<f16>>, %v: tensor<4xf16>, %m: tensor<2x2xi1>) {
  // expected-error @+1 {{'blk.store' op mask must have the shape of the pointer ('tensor<4x!blk.ptr<f16>>'), got 'tensor<2x2xi1>'}}
  "blk.store"(%p, %v, %m) : (tensor<4x!blk.ptr<f16>>, tensor<4xf16>, tensor<2x2xi1>) -> ()
  return
}

// -----

// expected-note @+1 {{prior use here}}
func.func @store_value_type_custom(%p: !blk.ptr<f16>, %v: f32) {
  // expected-error @+1 {{use of value '%v' expects different type than prior uses: 'f16' vs 'f32'}}
  blk.store %p, %v : !blk.ptr<f16>
  return
}

// -----

func.func @store_not_a_pointer(%x: tensor<4xf32>) {
  // expected-error @+1 {{expects a pointer type, got 'tensor<4xf32>'}}
  blk.store %x, %x : tensor<4xf32>
  return
}

// -----

func.func @store_one_operand(%p: !blk.ptr<f32>) {
  // expected-error @+1 {{expects a pointer, a value and optionally a mask}}
  blk.store %p : !blk.ptr<f32>
  return
}

// -----

func.func @store_four_operands(%p: !blk.ptr<f32>, %v: f32, %m: i1) {
  // expected-error @+1 {{expects a pointer, a value and optionally a mask}}
  blk.store %p, %v, %m, %m : !blk.ptr<f32>
  return
}

//===----------------------------------------------------------------------===//
// reduce, yield
//===----------------------------------------------------------------------===//

// -----

func.func @reduce_axis_out_of_range(%x: tensor<64xf32>) {
  // expected-error @+1 {{'blk.reduce' op axis 1 out of range for 'tensor<64xf32>'}}
  %0 = blk.reduce %x axis 1 : tensor<64xf32> -> f32 {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s : f32
  }
  return
}

// -----

func.func @reduce_rank_3(%x: tensor<2x2x2xf32>) {
  // expected-error @+1 {{'blk.reduce' op blocks must have rank 1 or 2, got 'tensor<2x2x2xf32>'}}
  %0 = blk.reduce %x axis 0 : tensor<2x2x2xf32> -> tensor<2x2xf32> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s : f32
  }
  return
}

// -----

func.func @reduce_result_1d(%x: tensor<64xf32>) {
  // expected-error @+1 {{'blk.reduce' op result type must be 'f32' when reducing 'tensor<64xf32>' along axis 0, got 'tensor<1xf32>'}}
  %0 = blk.reduce %x axis 0 : tensor<64xf32> -> tensor<1xf32> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s : f32
  }
  return
}

// -----

func.func @reduce_result_kept_axis(%x: tensor<32x128xf32>) {
  // expected-error @+1 {{'blk.reduce' op result type must be 'tensor<128xf32>' when reducing 'tensor<32x128xf32>' along axis 0, got 'tensor<32xf32>'}}
  %0 = blk.reduce %x axis 0 : tensor<32x128xf32> -> tensor<32xf32> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s : f32
  }
  return
}

// -----

func.func @reduce_result_element_type(%x: tensor<64xf32>) {
  // expected-error @+1 {{'blk.reduce' op result type must be 'f32' when reducing 'tensor<64xf32>' along axis 0, got 'f16'}}
  %0 = blk.reduce %x axis 0 : tensor<64xf32> -> f16 {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s : f32
  }
  return
}

// -----

func.func @reduce_one_combiner_argument(%x: tensor<64xf32>) {
  // expected-error @+1 {{'blk.reduce' op combiner must take 2 arguments of types ('f32', 'f32')}}
  %0 = blk.reduce %x axis 0 : tensor<64xf32> -> f32 {
  ^bb0(%a: f32):
    blk.yield %a : f32
  }
  return
}

// -----

func.func @reduce_combiner_argument_type(%x: tensor<64xf32>) {
  // expected-error @+1 {{'blk.reduce' op combiner must take 2 arguments of types ('f32', 'f32')}}
  %0 = blk.reduce %x axis 0 : tensor<64xf32> -> f32 {
  ^bb0(%a: f16, %b: f16):
    %s = arith.addf %a, %b : f16
    blk.yield %s : f16
  }
  return
}

// -----

func.func @reduce_yield_type(%x: tensor<64xf32>) {
  %0 = blk.reduce %x axis 0 : tensor<64xf32> -> f32 {
  ^bb0(%a: f32, %b: f32):
    %s = arith.truncf %a : f32 to f16
    // expected-error @+1 {{'blk.yield' op must yield ('f32'), the element types reduced}}
    blk.yield %s : f16
  }
  return
}

// -----

func.func @reduce_pair_combiner_arguments(%x: tensor<64xf32>, %n: tensor<64xi32>) {
  // The combiner takes the partials of one side (f32, i32), then the other.
  // expected-error @+1 {{'blk.reduce' op combiner must take 4 arguments of types ('f32', 'i32', 'f32', 'i32')}}
  %0, %1 = blk.reduce %x, %n axis 0 : tensor<64xf32>, tensor<64xi32> -> f32, i32 {
  ^bb0(%a: f32, %b: f32, %i: i32, %j: i32):
    %s = arith.addf %a, %b : f32
    %k = arith.addi %i, %j : i32
    blk.yield %s, %k : f32, i32
  }
  return
}

// -----

func.func @reduce_pair_shapes(%x: tensor<64xf32>, %y: tensor<32xf32>) {
  // expected-error @+1 {{'blk.reduce' op reduces blocks of one shape, got 'tensor<64xf32>' and 'tensor<32xf32>'}}
  %0, %1 = blk.reduce %x, %y axis 0 : tensor<64xf32>, tensor<32xf32> -> f32, f32 {
  ^bb0(%a: f32, %a2: f32, %b: f32, %b2: f32):
    %s = arith.addf %a, %b : f32
    %t = arith.addf %a2, %b2 : f32
    blk.yield %s, %t : f32, f32
  }
  return
}

// -----

func.func @reduce_pair_one_result(%x: tensor<64xf32>, %y: tensor<64xf32>) {
  // expected-error @+1 {{'blk.reduce' op has 1 results for 2 blocks}}
  %0 = blk.reduce %x, %y axis 0 : tensor<64xf32>, tensor<64xf32> -> f32 {
  ^bb0(%a: f32, %a2: f32, %b: f32, %b2: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s, %s : f32, f32
  }
  return
}

// -----

func.func @reduce_pair_yields_one(%x: tensor<64xf32>, %y: tensor<64xf32>) {
  %0, %1 = blk.reduce %x, %y axis 0 : tensor<64xf32>, tensor<64xf32> -> f32, f32 {
  ^bb0(%a: f32, %a2: f32, %b: f32, %b2: f32):
    %s = arith.addf %a, %b : f32
    // expected-error @+1 {{'blk.yield' op must yield ('f32', 'f32'), the element types reduced}}
    blk.yield %s : f32
  }
  return
}

// -----

func.func @yield_outside_reduce(%x: f32) {
  // expected-error @+1 {{'blk.yield' op expects parent op to be one of 'blk.reduce, blk.cluster_reduce'}}
  blk.yield %x : f32
}

//===----------------------------------------------------------------------===//
// atomic_cas, atomic_xchg
//===----------------------------------------------------------------------===//

// -----

func.func @atomic_cas_value_type(%l: !blk.ptr<i32>, %a: i32, %b: i64) {
  // expected-error @+1 {{'blk.atomic_cas' op failed to verify that value type is the pointee type}}
  %0 = "blk.atomic_cas"(%l, %a, %b) <{sem = 1 : i32, scope = 1 : i32}> : (!blk.ptr<i32>, i32, i64) -> i32
  return
}

// -----

func.func @atomic_cas_cmp_type(%l: !blk.ptr<i64>, %a: i32, %b: i64) {
  // expected-error @+1 {{'blk.atomic_cas' op failed to verify that cmp type is the pointee type}}
  %0 = "blk.atomic_cas"(%l, %a, %b) <{sem = 1 : i32, scope = 1 : i32}> : (!blk.ptr<i64>, i32, i64) -> i64
  return
}

// -----

// expected-note @+1 {{prior use here}}
func.func @atomic_cas_custom_value_type(%l: !blk.ptr<i32>, %a: i32, %b: i64) {
  // expected-error @+1 {{use of value '%b' expects different type than prior uses: 'i32' vs 'i64'}}
  %0 = blk.atomic_cas acquire gpu %l, %a, %b : !blk.ptr<i32>
  return
}

// -----

func.func @atomic_cas_float_pointee(%l: !blk.ptr<f32>, %a: f32) {
  // expected-error @+1 {{'blk.atomic_cas' op operand #1 must be 32-bit signless integer or 64-bit signless integer, but got 'f32'}}
  %0 = blk.atomic_cas acquire gpu %l, %a, %a : !blk.ptr<f32>
  return
}

// -----

func.func @atomic_cas_block_pointer(%l: tensor<4x!blk.ptr<i32>>, %a: i32) {
  // expected-error @+1 {{'blk.atomic_cas' op operand #0 must be Pointer into global memory, but got 'tensor<4x!blk.ptr<i32>>'}}
  %0 = "blk.atomic_cas"(%l, %a, %a) <{sem = 1 : i32, scope = 1 : i32}> : (tensor<4x!blk.ptr<i32>>, i32, i32) -> i32
  return
}

// -----

func.func @atomic_xchg_result_type(%l: !blk.ptr<i32>, %a: i32) {
  // expected-error @+1 {{'blk.atomic_xchg' op failed to verify that result type is the pointee type}}
  %0 = "blk.atomic_xchg"(%l, %a) <{sem = 2 : i32, scope = 1 : i32}> : (!blk.ptr<i32>, i32) -> i64
  return
}

// -----

func.func @atomic_xchg_bad_semantic(%l: !blk.ptr<i32>, %a: i32) {
  // expected-error @+1 {{custom op 'blk.atomic_xchg' expected string or keyword containing one of the following enum values for attribute 'sem' [relaxed, acquire, release, acq_rel]}}
  %0 = blk.atomic_xchg seq_cst gpu %l, %a : !blk.ptr<i32>
  return
}

// -----

func.func @atomic_xchg_bad_scope(%l: !blk.ptr<i32>, %a: i32) {
  // expected-error @+1 {{custom op 'blk.atomic_xchg' expected string or keyword containing one of the following enum values for attribute 'scope' [cta, gpu, sys]}}
  %0 = blk.atomic_xchg release cluster %l, %a : !blk.ptr<i32>
  return
}

// -----

// The combiner sees its two arguments only (it crashed the lowering).
func.func @reduce_combiner_uses_outer_value(%x: tensor<32xf32>, %s: f32) -> f32 {
  // expected-note @+1 {{required by region isolation constraints}}
  %r = blk.reduce %x axis 0 : tensor<32xf32> -> f32 {
  ^bb0(%a: f32, %b: f32):
    // expected-error @+1 {{'blk.yield' op using value defined outside the region}}
    blk.yield %s : f32
  }
  return %r : f32
}

// -----

func.func @volatile_block_load(%p: tensor<32x!blk.ptr<i32>>) -> tensor<32xi32> {
  // expected-error @+1 {{volatile and acquire loads take a scalar pointer}}
  %v = blk.load volatile %p : tensor<32x!blk.ptr<i32>>
  return %v : tensor<32xi32>
}

// -----

func.func @acquire_without_scope(%p: !blk.ptr<i32>) -> i32 {
  // expected-error @+1 {{expected a scope (cta, gpu or sys), got 'everywhere'}}
  %v = blk.load acquire everywhere %p : !blk.ptr<i32>
  return %v : i32
}

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

// -----

// Integers narrower than a byte or of a width other than a power of two
// have no element size (i24 crashed the lowering, i48 copied 4 of 6 bytes).
// expected-error @+1 {{pointers address i1, i8, i16, i32, i64, f16, bf16, f32, f64, pointer or !blk.typevar elements, got 'i24'}}
func.func @pointer_to_i24(%p: !blk.ptr<i24>) {
  return
}

// -----

// expected-error @+1 {{pointers address i1, i8, i16, i32, i64, f16, bf16, f32, f64, pointer or !blk.typevar elements, got 'i48'}}
func.func @pointer_to_i48(%p: !blk.ptr<i48>) {
  return
}

// -----

// expected-error @+1 {{pointers address i1, i8, i16, i32, i64, f16, bf16, f32, f64, pointer or !blk.typevar elements, got 'i4'}}
func.func @pointer_to_i4(%p: !blk.ptr<i4>) {
  return
}

// -----

// Blocks of them would be exchanged through shared memory in 3-byte slots
// that their 4-byte stores overrun.
func.func @broadcast_i24(%x: tensor<64xi24>) {
  // expected-error @+1 {{'blk.expand_dims' op operand #0 must be ranked tensor of i1, i8, i16, i32, i64, f16, bf16, f32, f64, !blk.ptr or !blk.typevar values, but got 'tensor<64xi24>'}}
  %e = blk.expand_dims %x, 1 : tensor<64xi24> -> tensor<64x1xi24>
  return
}

// -----

func.func @splat_i48(%v: i48) {
  // expected-error @+1 {{'blk.splat' op result #0 must be ranked tensor of i1, i8, i16, i32, i64, f16, bf16, f32, f64, !blk.ptr or !blk.typevar values, but got 'tensor<32xi48>'}}
  %s = blk.splat %v : i48 -> tensor<32xi48>
  return
}

// -----

// expected-error @+1 {{'blk.noalias' marks pointer arguments; argument 1 is 'i32'}}
func.func @noalias_on_an_integer(%p: !blk.ptr<f32> {blk.noalias}, %n: i32 {blk.noalias}) {
  return
}

// -----

// expected-error @+1 {{'blk.noalias' is a unit attribute, got 1 : i32}}
func.func @noalias_with_a_value(%p: !blk.ptr<f32> {blk.noalias = 1 : i32}) {
  return
}

// -----

// A declaration has no body, hence no block arguments: its argument types
// decide (this crashed the verifier). A pointer is accepted...
func.func private @declared_noalias_pointer(!blk.ptr<f16> {blk.noalias})

// -----

// ...an integer is not.
// expected-error @+1 {{'blk.noalias' marks pointer arguments; argument 0 is 'i32'}}
func.func private @declared_noalias_integer(i32 {blk.noalias})

// -----

// A local block is allocated once per program: not in a loop.
func.func @local_alloc_in_a_loop(%n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  scf.for %i = %c0 to %n step %c1 : i32 {
    // expected-error @+1 {{must be at the kernel's top level (not in a loop or a branch)}}
    %a = blk.local_alloc : !blk.local<tensor<64xf32>>
  }
  return
}

// -----

// expected-error @+1 {{local blocks are 1-D or 2-D, got 'tensor<2x2x2xf32>'}}
func.func @local_of_rank_3(%a: !blk.local<tensor<2x2x2xf32>>) {
  return
}

// -----

func.func @local_alloc_without_its_size() {
  // expected-error @+1 {{expects one size operand per dynamic dimension of the result (1), got 0}}
  %a = blk.local_alloc : !blk.local<tensor<?x64xf32>>
  return
}

// -----

// expected-error @+1 {{local blocks hold i1, i8, i16, i32, i64, f16, bf16, f32, f64, pointer or !blk.typevar elements, got 'i7'}}
func.func @local_odd_integer(%a: !blk.local<tensor<8xi7>>) {
  return
}

// -----

// expected-note @+1 {{prior use here}}
func.func @local_store_of_another_shape(%x: tensor<32xf32>) {
  %a = blk.local_alloc : !blk.local<tensor<64xf32>>
  // expected-error @+1 {{use of value '%x' expects different type than prior uses: 'tensor<64xf32>' vs 'tensor<32xf32>'}}
  blk.local_store %x, %a : !blk.local<tensor<64xf32>>
  return
}

// -----

func.func @local_load_of_another_shape() -> tensor<32xf32> {
  %a = blk.local_alloc : !blk.local<tensor<64xf32>>
  // expected-error @+1 {{'blk.local_load' op failed to verify that the result has the local block's type}}
  %x = "blk.local_load"(%a) : (!blk.local<tensor<64xf32>>) -> tensor<32xf32>
  return %x : tensor<32xf32>
}

// -----

func.func @local_of_no_elements() {
  // expected-error @+1 {{block dimensions must be positive, got 'tensor<0xf32>'}}
  %a = blk.local_alloc : !blk.local<tensor<0xf32>>
  return
}

// -----

// A local block is named by its allocation: chosen by a branch, which one
// a load reads would depend on control flow.
func.func @local_through_a_branch(%c: i1) -> tensor<64xf32> {
  // expected-error @+1 {{is used by blk.local_store and blk.local_load only, not by 'scf.yield'}}
  %a = blk.local_alloc : !blk.local<tensor<64xf32>>
  %b = blk.local_alloc : !blk.local<tensor<64xf32>>
  %l = scf.if %c -> (!blk.local<tensor<64xf32>>) {
    scf.yield %a : !blk.local<tensor<64xf32>>
  } else {
    scf.yield %b : !blk.local<tensor<64xf32>>
  }
  %x = blk.local_load %l : !blk.local<tensor<64xf32>>
  return %x : tensor<64xf32>
}

// -----

func.func @cluster_reduce_result_types(%v: f32) {
  // expected-error @+1 {{'blk.cluster_reduce' op results must have the values' types}}
  %0 = blk.cluster_reduce %v : f32 -> i32 {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s : f32
  }
  return
}

// -----

func.func @cluster_reduce_nothing() {
  // expected-error @+1 {{'blk.cluster_reduce' op combines at least one value}}
  "blk.cluster_reduce"() ({
  ^bb0:
    "blk.yield"() : () -> ()
  }) : () -> ()
  return
}

// -----

func.func @cluster_reduce_combiner_arguments(%v: f32, %n: i32) {
  // expected-error @+1 {{'blk.cluster_reduce' op combiner must take 4 arguments of types ('f32', 'i32', 'f32', 'i32')}}
  %0:2 = blk.cluster_reduce %v, %n : f32, i32 -> f32, i32 {
  ^bb0(%a: f32, %b: f32):
    %c = arith.constant 1 : i32
    blk.yield %a, %c : f32, i32
  }
  return
}

// -----

func.func @cluster_reduce_yield_types(%v: f32) {
  %0 = blk.cluster_reduce %v : f32 -> f32 {
  ^bb0(%a: f32, %b: f32):
    %c = arith.constant 1 : i32
    // expected-error @+1 {{'blk.yield' op must yield ('f32'), the element types reduced}}
    blk.yield %c : i32
  }
  return
}

// -----

func.func @cluster_reduce_block(%x: tensor<64xf32>) {
  // expected-error @+1 {{'blk.cluster_reduce' op operand #0 must be variadic of 32-bit signless integer or 64-bit signless integer or 32-bit float or 64-bit float, but got 'tensor<64xf32>'}}
  %0 = blk.cluster_reduce %x : tensor<64xf32> -> tensor<64xf32> {
  ^bb0(%a: tensor<64xf32>, %b: tensor<64xf32>):
    blk.yield %a : tensor<64xf32>
  }
  return
}

// -----

func.func @cluster_reduce_in_combiner(%x: tensor<4xf32>) {
  %0 = blk.reduce %x axis 0 : tensor<4xf32> -> f32 {
  ^bb0(%a: f32, %b: f32):
    %t = arith.addf %a, %b : f32
    // expected-error @+1 {{'blk.cluster_reduce' op cannot be inside the combiner of 'blk.reduce'}}
    %u = blk.cluster_reduce %t : f32 -> f32 {
    ^bb0(%c: f32, %d: f32):
      %w = arith.addf %c, %d : f32
      blk.yield %w : f32
    }
    blk.yield %u : f32
  }
  return
}

// -----

func.func @cluster_reduce_in_cluster_combiner(%v: f32) {
  %0 = blk.cluster_reduce %v : f32 -> f32 {
  ^bb0(%a: f32, %b: f32):
    // expected-error @+1 {{'blk.cluster_reduce' op cannot be inside the combiner of 'blk.cluster_reduce'}}
    %u = blk.cluster_reduce %a : f32 -> f32 {
    ^bb0(%c: f32, %d: f32):
      %w = arith.addf %c, %d : f32
      blk.yield %w : f32
    }
    blk.yield %u : f32
  }
  return
}
