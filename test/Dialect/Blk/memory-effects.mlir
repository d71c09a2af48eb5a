// RUN: ln-opt %s -split-input-file --canonicalize --cse | FileCheck %s

// What transformations may do to memory operations, by their declared
// effects: plain loads of one address merge and vanish when unused;
// volatile and acquire loads and atomics are never merged or dropped.

// CHECK-LABEL: func.func @plain_loads
// CHECK: %[[V:.*]] = blk.load %arg0 : !blk.ptr<i32>
// CHECK-NOT: blk.load
// CHECK: arith.addi %[[V]], %[[V]]
func.func @plain_loads(%p: !blk.ptr<i32>) -> i32 {
  %a = blk.load %p : !blk.ptr<i32>
  %b = blk.load %p : !blk.ptr<i32>
  %unused = blk.load %p : !blk.ptr<i32>
  %s = arith.addi %a, %b : i32
  return %s : i32
}

// -----

// CHECK-LABEL: func.func @ordered_loads
// CHECK-COUNT-2: blk.load volatile %arg0 : !blk.ptr<i32>
// CHECK: blk.load acquire gpu %arg0 : !blk.ptr<i32>
// CHECK: blk.load volatile %arg0 : !blk.ptr<i32>
func.func @ordered_loads(%p: !blk.ptr<i32>) -> i32 {
  %a = blk.load volatile %p : !blk.ptr<i32>
  %b = blk.load volatile %p : !blk.ptr<i32>
  %unused_acquire = blk.load acquire gpu %p : !blk.ptr<i32>
  %unused_volatile = blk.load volatile %p : !blk.ptr<i32>
  %s = arith.addi %a, %b : i32
  return %s : i32
}

// -----

// CHECK-LABEL: func.func @atomics
// CHECK-COUNT-2: blk.atomic_cas relaxed gpu
// CHECK: blk.atomic_xchg release gpu
// CHECK: blk.barrier
func.func @atomics(%lock: !blk.ptr<i32>) -> i32 {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %a = blk.atomic_cas relaxed gpu %lock, %c0, %c1 : !blk.ptr<i32>
  %b = blk.atomic_cas relaxed gpu %lock, %c0, %c1 : !blk.ptr<i32>
  %unused = blk.atomic_xchg release gpu %lock, %c0 : !blk.ptr<i32>
  blk.barrier
  %s = arith.addi %a, %b : i32
  return %s : i32
}
