// RUN: ln-opt %s -split-input-file --convert-blk-to-gpu -verify-diagnostics

// convert-blk-to-gpu lowers specialized kernels only, and says which
// blk-specialize step is missing at the culprit.

// expected-error @+1 {{kernel 'unspecialized' is not specialized (no blk.num_warps); run blk-specialize first}}
func.func @unspecialized(%X: !blk.ptr<f32>) {
  return
}

// -----

func.func @unbound_constexpr() attributes {blk.num_warps = 4 : i32} {
  // expected-error @+1 {{constexpr 'BLOCK' is unbound; run blk-specialize}}
  %bs = blk.constexpr "BLOCK" : i32
  return
}

// -----

func.func @dynamic_block(%n: i32) attributes {blk.num_warps = 4 : i32} {
  // expected-error @+1 {{blocks must have static shapes, got 'tensor<?xi32>'}}
  %r = blk.range [%n] : tensor<?xi32>
  return
}

// -----

func.func @unbound_type_var(%X: !blk.ptr<!blk.typevar<"T">>) attributes {blk.num_warps = 4 : i32} {
  // expected-error @+1 {{type '!blk.typevar<"T">' has an unbound !blk.typevar}}
  %x = blk.load %X : !blk.ptr<!blk.typevar<"T">>
  return
}

// -----

// A block-typed region argument is checked too.
func.func @dynamic_iter_arg(%t: tensor<?xf32>, %n: index) attributes {blk.num_warps = 4 : i32} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{blocks must have static shapes, got 'tensor<?xf32>'}}
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%a = %t) -> (tensor<?xf32>) {
    scf.yield %a : tensor<?xf32>
  }
  return
}

