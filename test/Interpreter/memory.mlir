// The CPU evaluator's memory: masked-off loads give `other` and touch no
// memory (their addresses are past the buffer), masked-off stores write
// nothing, atomics return the old value, every program runs (program_id,
// num_programs), and an access outside a buffer is an error naming the op.

// Two programs of 8 elements over a buffer of 12: the second program's last
// 4 lanes are masked off, load -1 (other) and store nothing (the 7s stay).
// RUN: ln-run kernel %s --cpu --name masked --grid 2 --arg i32*:12=iota --arg i32*:16=7 --arg i32=12 --out %t.masked
// RUN: FileCheck %s --check-prefix=MASKED < %t.masked
// MASKED-LABEL: # arg 1 i32[16]
// MASKED-COUNT-8: {{^[0-7]$}}
// MASKED-NEXT: {{^}}8{{$}}
// MASKED-NEXT: {{^}}9{{$}}
// MASKED-NEXT: {{^}}10{{$}}
// MASKED-NEXT: {{^}}11{{$}}
// MASKED-NEXT: {{^}}7{{$}}
// MASKED-NEXT: {{^}}7{{$}}
// MASKED-NEXT: {{^}}7{{$}}
// MASKED-NEXT: {{^}}7{{$}}
// A scalar argument reaches the kernel as its value: 9 was parsed into the
// fewest bits (0b1001) and sign-extended to -7, which enabled every lane.
// RUN: ln-run kernel %s --cpu --name masked --grid 2 --arg i32*:9=iota --arg i32*:16=7 --arg i32=9 --out %t.nine
// RUN: FileCheck %s --check-prefix=NINE < %t.nine
// NINE-LABEL: # arg 1 i32[16]
// NINE-COUNT-9: {{^[0-8]$}}
// NINE-COUNT-7: {{^7$}}
func.func @masked(%in: !blk.ptr<i32>, %out: !blk.ptr<i32>, %n: i32) {
  %pid = blk.program_id 0 : i32
  %c8 = arith.constant 8 : i32
  %start = arith.muli %pid, %c8 : i32
  %starts = blk.splat %start : i32 -> tensor<8xi32>
  %range = blk.range : tensor<8xi32>
  %offsets = arith.addi %starts, %range : tensor<8xi32>
  %ns = blk.splat %n : i32 -> tensor<8xi32>
  %mask = arith.cmpi slt, %offsets, %ns : tensor<8xi32>
  %in_base = blk.splat %in : !blk.ptr<i32> -> tensor<8x!blk.ptr<i32>>
  %in_ptrs = blk.addptr %in_base, %offsets : tensor<8x!blk.ptr<i32>>, tensor<8xi32>
  %minus_one = arith.constant dense<-1> : tensor<8xi32>
  %x = blk.load %in_ptrs, %mask, %minus_one : tensor<8x!blk.ptr<i32>>
  %out_base = blk.splat %out : !blk.ptr<i32> -> tensor<8x!blk.ptr<i32>>
  %out_ptrs = blk.addptr %out_base, %offsets : tensor<8x!blk.ptr<i32>>, tensor<8xi32>
  blk.store %out_ptrs, %x, %mask : tensor<8x!blk.ptr<i32>>
  return
}

// Each of 3 programs exchanges its slot (0 -> pid + 10, old value stored
// beside it) and compare-and-swaps a shared counter from pid to pid + 1:
// in program order, every swap succeeds.
// RUN: ln-run kernel %s --cpu --name atomics --grid 3 --arg i32*:6 --arg i32*:1 --out %t.atomics
// RUN: FileCheck %s --check-prefix=ATOMICS < %t.atomics
// ATOMICS-LABEL: # arg 0 i32[6]
// ATOMICS-NEXT: {{^}}10{{$}}
// ATOMICS-NEXT: {{^}}0{{$}}
// ATOMICS-NEXT: {{^}}11{{$}}
// ATOMICS-NEXT: {{^}}1{{$}}
// ATOMICS-NEXT: {{^}}12{{$}}
// ATOMICS-NEXT: {{^}}2{{$}}
// ATOMICS-LABEL: # arg 1 i32[1]
// ATOMICS-NEXT: {{^}}3{{$}}
func.func @atomics(%slots: !blk.ptr<i32>, %counter: !blk.ptr<i32>) {
  %pid = blk.program_id 0 : i32
  %two = arith.constant 2 : i32
  %one = arith.constant 1 : i32
  %ten = arith.constant 10 : i32
  %at = arith.muli %pid, %two : i32
  %slot = blk.addptr %slots, %at : !blk.ptr<i32>, i32
  %new = arith.addi %pid, %ten : i32
  %old = blk.atomic_xchg acq_rel gpu %slot, %new : !blk.ptr<i32>
  %next = arith.addi %pid, %one : i32
  %seen = blk.atomic_cas acq_rel gpu %counter, %pid, %next : !blk.ptr<i32>
  %beside = blk.addptr %slot, %one : !blk.ptr<i32>, i32
  %report = arith.addi %old, %seen : i32
  blk.store %beside, %report : !blk.ptr<i32>
  return
}

// A store one element past the buffer: an error at the store's line.
// RUN: not ln-run kernel %s --cpu --name overflow --grid 2 --arg f32*:6 2>&1 | FileCheck %s --check-prefix=BOUNDS
// BOUNDS: memory.mlir:[[@LINE+10]]:3: error: program (1, 0, 0): 'blk.store' element 3 writes 4 bytes at byte 24 of argument 0, a buffer of 24 bytes: out of bounds
func.func @overflow(%out: !blk.ptr<f32>) {
  %pid = blk.program_id 0 : i32
  %three = arith.constant 3 : i32
  %start = arith.muli %pid, %three : i32
  %base = blk.addptr %out, %start : !blk.ptr<f32>, i32
  %ptrs = blk.splat %base : !blk.ptr<f32> -> tensor<4x!blk.ptr<f32>>
  %range = blk.range : tensor<4xi32>
  %all = blk.addptr %ptrs, %range : tensor<4x!blk.ptr<f32>>, tensor<4xi32>
  %x = arith.constant dense<1.0> : tensor<4xf32>
  blk.store %all, %x : tensor<4x!blk.ptr<f32>>
  return
}

// Undefined arithmetic is an error too, naming the element.
// RUN: not ln-run kernel %s --cpu --name divide --arg i32*:4 2>&1 | FileCheck %s --check-prefix=DIVIDE
// DIVIDE: memory.mlir:[[@LINE+5]]:8: error: program (0, 0, 0): 'arith.remui' element 2 is undefined behaviour: division by zero
func.func @divide(%out: !blk.ptr<i32>) {
  %range = blk.range : tensor<4xi32>
  %two = arith.constant dense<2> : tensor<4xi32>
  %divisor = arith.subi %two, %range : tensor<4xi32>
  %r = arith.remui %range, %divisor : tensor<4xi32>
  %base = blk.splat %out : !blk.ptr<i32> -> tensor<4x!blk.ptr<i32>>
  %ptrs = blk.addptr %base, %range : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %ptrs, %r : tensor<4x!blk.ptr<i32>>
  return
}

// A loop whose induction variable, stepped, would pass its type's largest
// value is undefined (the GPU's lowering wraps and goes on): an error
// naming the loop, not a loop that quietly ends. 2147483640 + 5 + 5 wraps.
// RUN: not ln-run kernel %s --cpu --name wraps --arg i32*:1 2>&1 | FileCheck %s --check-prefix=WRAPS
// WRAPS: memory.mlir:[[@LINE+6]]:8: error: program (0, 0, 0): 'scf.for' is undefined behaviour: its induction variable 2147483645 stepped by 5 passes the largest 32-bit signed value (the GPU would wrap and go on)
func.func @wraps(%out: !blk.ptr<i32>) {
  %lo = arith.constant 2147483640 : i32
  %hi = arith.constant 2147483647 : i32
  %step = arith.constant 5 : i32
  %zero = arith.constant 0 : i32
  %n = scf.for %i = %lo to %hi step %step iter_args(%count = %zero) -> (i32) : i32 {
    %next = arith.addi %count, %step : i32
    scf.yield %next : i32
  }
  blk.store %out, %n : !blk.ptr<i32>
  return
}

// A local block holds what was last stored to it; reading one before any
// store is undefined (shared memory is not zeroed): an error naming the op.
// RUN: ln-run kernel %s --cpu --name local_round_trip --arg i32*:4=iota --out %t.local
// RUN: FileCheck %s --check-prefix=LOCAL < %t.local
// LOCAL-LABEL: # arg 0 i32[4]
// LOCAL-NEXT: {{^}}0{{$}}
// LOCAL-NEXT: {{^}}2{{$}}
// LOCAL-NEXT: {{^}}4{{$}}
// LOCAL-NEXT: {{^}}6{{$}}
func.func @local_round_trip(%out: !blk.ptr<i32>) {
  %kept = blk.local_alloc : !blk.local<tensor<4xi32>>
  %range = blk.range : tensor<4xi32>
  %base = blk.splat %out : !blk.ptr<i32> -> tensor<4x!blk.ptr<i32>>
  %ptrs = blk.addptr %base, %range : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.local_store %range, %kept : !blk.local<tensor<4xi32>>
  %twice = arith.addi %range, %range : tensor<4xi32>
  blk.local_store %twice, %kept : !blk.local<tensor<4xi32>>
  %back = blk.local_load %kept : !blk.local<tensor<4xi32>>
  blk.store %ptrs, %back : tensor<4x!blk.ptr<i32>>
  return
}

// RUN: not ln-run kernel %s --cpu --name local_unwritten --arg i32*:4 2>&1 | FileCheck %s --check-prefix=UNWRITTEN
// UNWRITTEN: memory.mlir:[[@LINE+4]]:11: error: program (0, 0, 0): 'blk.local_load' reads a local block that no blk.local_store has written (undefined)
func.func @local_unwritten(%out: !blk.ptr<i32>) {
  %never = blk.local_alloc : !blk.local<tensor<4xi32>>
  %range = blk.range : tensor<4xi32>
  %back = blk.local_load %never : !blk.local<tensor<4xi32>>
  %base = blk.splat %out : !blk.ptr<i32> -> tensor<4x!blk.ptr<i32>>
  %ptrs = blk.addptr %base, %range : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %ptrs, %back : tensor<4x!blk.ptr<i32>>
  return
}

// Local blocks of masks and of pointers hold them as they were: the
// pointers parked and read back address the buffer, the mask keeps lanes 0
// and 1 (the rest keep their 7s).
// RUN: ln-run kernel %s --cpu --name local_masks_and_pointers --arg i32*:4=7 --out %t.kinds
// RUN: FileCheck %s --check-prefix=KINDS < %t.kinds
// KINDS-LABEL: # arg 0 i32[4]
// KINDS-NEXT: {{^}}0{{$}}
// KINDS-NEXT: {{^}}1{{$}}
// KINDS-NEXT: {{^}}7{{$}}
// KINDS-NEXT: {{^}}7{{$}}
func.func @local_masks_and_pointers(%out: !blk.ptr<i32>) {
  %masks = blk.local_alloc : !blk.local<tensor<4xi1>>
  %pointers = blk.local_alloc : !blk.local<tensor<4x!blk.ptr<i32>>>
  %range = blk.range : tensor<4xi32>
  %two = arith.constant dense<2> : tensor<4xi32>
  %low = arith.cmpi slt, %range, %two : tensor<4xi32>
  %base = blk.splat %out : !blk.ptr<i32> -> tensor<4x!blk.ptr<i32>>
  %ptrs = blk.addptr %base, %range : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.local_store %low, %masks : !blk.local<tensor<4xi1>>
  blk.local_store %ptrs, %pointers : !blk.local<tensor<4x!blk.ptr<i32>>>
  %mask_back = blk.local_load %masks : !blk.local<tensor<4xi1>>
  %ptrs_back = blk.local_load %pointers : !blk.local<tensor<4x!blk.ptr<i32>>>
  blk.store %ptrs_back, %range, %mask_back : tensor<4x!blk.ptr<i32>>
  return
}
