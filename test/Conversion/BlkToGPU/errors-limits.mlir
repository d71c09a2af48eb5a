// RUN: ln-opt %s -split-input-file --convert-blk-to-gpu -verify-diagnostics

// The limits of the lowering, each reported at the kernel or op that
// exceeds it and naming the limit (each of these crashed ln-opt, or made a
// kernel that could not launch or compile, before).

// A CTA has at most 32 warps.
// expected-error @+1 {{blk.num_warps must be from 1 to 32 (a CTA has at most 1024 threads), got 0}}
func.func @no_warps(%P: !blk.ptr<f32>) attributes {blk.num_warps = 0 : i32} {
  return
}

// -----

// expected-error @+1 {{blk.num_warps must be from 1 to 32 (a CTA has at most 1024 threads), got 33}}
func.func @too_many_warps(%P: !blk.ptr<f32>) attributes {blk.num_warps = 33 : i32} {
  return
}

// -----

// Pointers to bytes and booleans are valid, but have no memory access.
func.func @i8(%P: !blk.ptr<i8>) attributes {blk.num_warps = 1 : i32} {
  %r = blk.range : tensor<32xi32>
  %b = blk.splat %P : !blk.ptr<i8> -> tensor<32x!blk.ptr<i8>>
  %p = blk.addptr %b, %r : tensor<32x!blk.ptr<i8>>, tensor<32xi32>
  // expected-error @+1 {{global memory accesses of 'i8' are not supported (elements of 16, 32 or 64 bits)}}
  %v = blk.load %p : tensor<32x!blk.ptr<i8>>
  return
}

// -----

func.func @i1(%P: !blk.ptr<i1>, %v: i1) attributes {blk.num_warps = 1 : i32} {
  // expected-error @+1 {{global memory accesses of 'i1' are not supported (elements of 16, 32 or 64 bits)}}
  blk.store %P, %v : !blk.ptr<i1>
  return
}

// -----

// 2^20 elements on 128 threads: 8192 values a thread (this took 17 s and
// 900 MB to compile).
func.func @huge_block(%P: !blk.ptr<f32>) attributes {blk.num_warps = 4 : i32} {
  // expected-error @+1 {{block 'tensor<1048576xi32>' gives each of the kernel's 128 threads 8192 elements, more than the 256 a thread can hold in registers; use more warps or loop over smaller blocks}}
  %r = blk.range : tensor<1048576xi32>
  return
}

// -----

// Broadcasting a 16384-element f32 row across a layout goes through 64 KB
// of shared memory.
// expected-error @+1 {{kernel needs 65536 bytes of shared memory, more than the 49152 a CTA can have statically}}
func.func @shared_memory(%P: !blk.ptr<f32>) attributes {blk.num_warps = 32 : i32} {
  %r = blk.range : tensor<16384xi32>
  %x = arith.sitofp %r : tensor<16384xi32> to tensor<16384xf32>
  %e = blk.expand_dims %x, 0 : tensor<16384xf32> -> tensor<1x16384xf32>
  %b = blk.broadcast %e : tensor<1x16384xf32> -> tensor<2x16384xf32>
  %s = blk.reduce %b axis 1 : tensor<2x16384xf32> -> tensor<2xf32> {
  ^bb0(%a: f32, %c: f32):
    %t = arith.addf %a, %c : f32
    blk.yield %t : f32
  }
  %t = blk.reduce %s axis 0 : tensor<2xf32> -> f32 {
  ^bb0(%a: f32, %c: f32):
    %u = arith.addf %a, %c : f32
    blk.yield %u : f32
  }
  blk.store %P, %t : !blk.ptr<f32>
  return
}

// -----

// Local blocks count against the 227 KB of shared memory a CTA can have:
// 32768 f32 on 32 warps are 128 KB, two of them 256 KB.
// expected-error @+1 {{kernel needs 0 bytes of static and 262144 bytes of dynamic shared memory (its local blocks), more than the 232448 a CTA can have}}
func.func @too_many_locals() attributes {blk.num_warps = 32 : i32} {
  %a = blk.local_alloc : !blk.local<tensor<32768xf32>>
  %b = blk.local_alloc : !blk.local<tensor<32768xf32>>
  return
}

// -----

// The record of a kernel's dynamic shared memory has a fixed name, which
// launchers look up: a kernel may not take it.
func.func @taken_dynamic_shared_bytes() attributes {blk.num_warps = 1 : i32} {
  return
}

// expected-error @+1 {{the symbol 'taken_dynamic_shared_bytes' is taken: it records the dynamic shared memory of kernel 'taken'}}
func.func @taken() attributes {blk.num_warps = 1 : i32} {
  %a = blk.local_alloc : !blk.local<tensor<32xf32>>
  return
}

// -----

// Local blocks must be static by the time they are lowered.
func.func @dynamic_local(%n: i32) attributes {blk.num_warps = 1 : i32} {
  // expected-error @+1 {{blocks must have static shapes, got 'tensor<?xf32>'}}
  %a = blk.local_alloc [%n] : !blk.local<tensor<?xf32>>
  return
}

// -----

// A kernel cannot take a local block: the launch has no way to pass one.
// expected-error @+1 {{kernel arguments are scalars or pointers, argument #1 is '!blk.local<tensor<128xf32>>'}}
func.func @local_argument(%X: !blk.ptr<f32>, %L: !blk.local<tensor<128xf32>>) attributes {blk.num_warps = 1 : i32} {
  return
}

// -----

// The static shared memory counts the 16-byte alignment of each global: an
// arena of 49144 bytes (6143 i64 partials) padded to 49152, then 8 bytes of
// cluster slots, is over 48 KB (ptxas refused it: 0xc008 bytes).
// expected-error @+1 {{kernel needs 49160 bytes of shared memory, more than the 49152 a CTA can have statically}}
func.func @padded(%X: !blk.ptr<i64>, %Out: !blk.ptr<i64>)
    attributes {blk.num_warps = 1 : i32, blk.cluster_size = 2 : i32} {
  %lanes = blk.range : tensor<6143xi32>
  %bases = blk.splat %X : !blk.ptr<i64> -> tensor<6143x!blk.ptr<i64>>
  %ptrs = blk.addptr %bases, %lanes : tensor<6143x!blk.ptr<i64>>, tensor<6143xi32>
  %x = blk.load %ptrs : tensor<6143x!blk.ptr<i64>>
  %e = blk.expand_dims %x, 1 : tensor<6143xi64> -> tensor<6143x1xi64>
  %s = blk.reduce %e axis 0 : tensor<6143x1xi64> -> tensor<1xi64> {
  ^bb0(%a: i64, %b: i64):
    %t = arith.addi %a, %b : i64
    blk.yield %t : i64
  }
  %s0 = blk.reduce %s axis 0 : tensor<1xi64> -> i64 {
  ^bb0(%a: i64, %b: i64):
    %t = arith.addi %a, %b : i64
    blk.yield %t : i64
  }
  %c = blk.cluster_reduce %s0 : i64 -> i64 {
  ^bb0(%a: i64, %b: i64):
    %t = arith.addi %a, %b : i64
    blk.yield %t : i64
  }
  blk.store %Out, %c : !blk.ptr<i64>
  return
}
