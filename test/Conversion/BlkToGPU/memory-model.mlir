// RUN: ln-opt %s --blk-to-ptx | ln-translate --ptx > %t.ptx
// RUN: FileCheck %s < %t.ptx
// RUN: %ptxas %t.ptx -o /dev/null

// Loads that synchronize. A spin-wait on a volatile load reads memory on
// every iteration; an acquire load also orders what follows; a barrier
// orders a scalar store (thread 0's) before every thread's loads. Plain
// loads of one address merge (CSE), volatile ones never do.

// CHECK-LABEL: .visible .entry spin_until_set(
// CHECK: $L__BB0_[[LOOP:[0-9]+]]:
// CHECK: ld.volatile.global.b32
// CHECK: setp.eq.b32
// CHECK: bra{{.*}} $L__BB0_[[LOOP]];
func.func @spin_until_set(%flag: !blk.ptr<i32>) attributes {blk.num_warps = 1 : i32} {
  %c0 = arith.constant 0 : i32
  scf.while : () -> () {
    %v = blk.load volatile %flag : !blk.ptr<i32>
    %unset = arith.cmpi eq, %v, %c0 : i32
    scf.condition(%unset)
  } do {
    scf.yield
  }
  return
}

// CHECK-LABEL: .visible .entry acquire_then_read(
// CHECK: ld.acquire.gpu.global.b32
// CHECK: ld.global.b32
func.func @acquire_then_read(%flag: !blk.ptr<i32>, %data: !blk.ptr<f32>,
                             %out: !blk.ptr<f32>) attributes {blk.num_warps = 1 : i32} {
  %ready = blk.load acquire gpu %flag : !blk.ptr<i32>
  %x = blk.load %data : !blk.ptr<f32>
  blk.store %out, %x : !blk.ptr<f32>
  return
}

// CHECK-LABEL: .visible .entry store_barrier_load(
// CHECK: st.global.b32
// CHECK: bar.sync 0;
// CHECK: ld.global
func.func @store_barrier_load(%flag: !blk.ptr<i32> {blk.divisibility = 16 : i32})
    attributes {blk.num_warps = 4 : i32} {
  %c1 = arith.constant 1 : i32
  blk.store %flag, %c1 : !blk.ptr<i32>
  blk.barrier
  %offsets = blk.range : tensor<128xi32>
  %base = blk.splat %flag : !blk.ptr<i32> -> tensor<128x!blk.ptr<i32>>
  %ptrs = blk.addptr %base, %offsets : tensor<128x!blk.ptr<i32>>, tensor<128xi32>
  %seen = blk.load %ptrs : tensor<128x!blk.ptr<i32>>
  %two = arith.addi %seen, %seen : tensor<128xi32>
  blk.store %ptrs, %two : tensor<128x!blk.ptr<i32>>
  return
}

// CHECK-LABEL: .visible .entry twice(
// CHECK-COUNT-2: ld.volatile.global.b32
// CHECK-NOT: ld.volatile
// CHECK: ret;
func.func @twice(%flag: !blk.ptr<i32>, %out: !blk.ptr<i32>) attributes {blk.num_warps = 1 : i32} {
  %a = blk.load volatile %flag : !blk.ptr<i32>
  %b = blk.load volatile %flag : !blk.ptr<i32>
  %s = arith.addi %a, %b : i32
  blk.store %out, %s : !blk.ptr<i32>
  return
}
