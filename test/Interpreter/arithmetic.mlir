// The CPU evaluator's arithmetic (docs/semantics.md): integers wrap, signed
// division truncates toward zero, every cmpi and cmpf predicate, IEEE
// rounding to nearest even on the way to f16 and bf16, blk.cast's rules.
// Each kernel stores its results through scalar pointers, printed exactly
// by --out.

// RUN: ln-run kernel %s --cpu --name integers --arg i32*:10 --out %t.integers
// RUN: FileCheck %s --check-prefix=INTEGERS < %t.integers
// INTEGERS-LABEL: # arg 0 i32[10]
// INTEGERS-NEXT: -2147483648
// INTEGERS-NEXT: -2
// INTEGERS-NEXT: -3
// INTEGERS-NEXT: -1
// INTEGERS-NEXT: 2147483644
// INTEGERS-NEXT: -4
// INTEGERS-NEXT: 2147483644
// INTEGERS-NEXT: 44
// INTEGERS-NEXT: -56
// INTEGERS-NEXT: 200
func.func @integers(%out: !blk.ptr<i32>) {
  %max = arith.constant 2147483647 : i32
  %one = arith.constant 1 : i32
  %two = arith.constant 2 : i32
  %m7 = arith.constant -7 : i32
  %c300 = arith.constant 300 : i32
  %c200 = arith.constant 200 : i32
  %r0 = arith.addi %max, %one : i32
  %r1 = arith.muli %max, %two : i32
  %r2 = arith.divsi %m7, %two : i32
  %r3 = arith.remsi %m7, %two : i32
  %r4 = arith.divui %m7, %two : i32
  %r5 = arith.shrsi %m7, %one : i32
  %r6 = arith.shrui %m7, %one : i32
  %b7 = arith.trunci %c300 : i32 to i8
  %r7 = arith.extsi %b7 : i8 to i32
  %b8 = arith.trunci %c200 : i32 to i8
  %r8 = blk.cast %b8 : i8 to i32
  %r9 = arith.extui %b8 : i8 to i32
  %p1 = blk.addptr %out, %one : !blk.ptr<i32>, i32
  %p2 = blk.addptr %out, %two : !blk.ptr<i32>, i32
  %c3 = arith.constant 3 : i32
  %p3 = blk.addptr %out, %c3 : !blk.ptr<i32>, i32
  %c4 = arith.constant 4 : i32
  %p4 = blk.addptr %out, %c4 : !blk.ptr<i32>, i32
  %c5 = arith.constant 5 : i32
  %p5 = blk.addptr %out, %c5 : !blk.ptr<i32>, i32
  %c6 = arith.constant 6 : i32
  %p6 = blk.addptr %out, %c6 : !blk.ptr<i32>, i32
  %c7 = arith.constant 7 : i32
  %p7 = blk.addptr %out, %c7 : !blk.ptr<i32>, i32
  %c8 = arith.constant 8 : i32
  %p8 = blk.addptr %out, %c8 : !blk.ptr<i32>, i32
  %c9 = arith.constant 9 : i32
  %p9 = blk.addptr %out, %c9 : !blk.ptr<i32>, i32
  blk.store %out, %r0 : !blk.ptr<i32>
  blk.store %p1, %r1 : !blk.ptr<i32>
  blk.store %p2, %r2 : !blk.ptr<i32>
  blk.store %p3, %r3 : !blk.ptr<i32>
  blk.store %p4, %r4 : !blk.ptr<i32>
  blk.store %p5, %r5 : !blk.ptr<i32>
  blk.store %p6, %r6 : !blk.ptr<i32>
  blk.store %p7, %r7 : !blk.ptr<i32>
  blk.store %p8, %r8 : !blk.ptr<i32>
  blk.store %p9, %r9 : !blk.ptr<i32>
  return
}

// Every cmpi predicate on the pairs (-1, 1), (1, -1), (1, 1) and
// (INT_MIN, INT_MAX), every cmpf one on (1, NaN), (1, 1), (2, 1) and
// (0, -0): four results a predicate, 1 where it holds.
// RUN: ln-run kernel %s --cpu --name predicates --arg i32*:96 --arg f32=nan --out %t.predicates
// RUN: FileCheck %s --check-prefix=PREDICATES < %t.predicates
// PREDICATES-LABEL: # arg 0 i32[96]
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}1{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
// PREDICATES-NEXT: {{^}}0{{$}}
func.func @predicates(%out: !blk.ptr<i32>, %nan: f32) {
  %a = arith.constant dense<[-1, 1, 1, -2147483648]> : tensor<4xi32>
  %b = arith.constant dense<[1, -1, 1, 2147483647]> : tensor<4xi32>
  %x = arith.constant dense<[1.0, 1.0, 2.0, 0.0]> : tensor<4xf32>
  %y_rest = arith.constant dense<[0.0, 1.0, 1.0, -0.0]> : tensor<4xf32>
  %nans = blk.splat %nan : f32 -> tensor<4xf32>
  %first = arith.constant dense<[true, false, false, false]> : tensor<4xi1>
  %y = arith.select %first, %nans, %y_rest : tensor<4xi1>, tensor<4xf32>
  %range = blk.range : tensor<4xi32>
  %base = blk.splat %out : !blk.ptr<i32> -> tensor<4x!blk.ptr<i32>>
  %ptrs = blk.addptr %base, %range : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  %eq = arith.cmpi eq, %a, %b : tensor<4xi32>
  %eq_i32 = arith.extui %eq : tensor<4xi1> to tensor<4xi32>
  %eq_at = arith.constant dense<0> : tensor<4xi32>
  %eq_ptrs = blk.addptr %ptrs, %eq_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %eq_ptrs, %eq_i32 : tensor<4x!blk.ptr<i32>>
  %ne = arith.cmpi ne, %a, %b : tensor<4xi32>
  %ne_i32 = arith.extui %ne : tensor<4xi1> to tensor<4xi32>
  %ne_at = arith.constant dense<4> : tensor<4xi32>
  %ne_ptrs = blk.addptr %ptrs, %ne_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %ne_ptrs, %ne_i32 : tensor<4x!blk.ptr<i32>>
  %slt = arith.cmpi slt, %a, %b : tensor<4xi32>
  %slt_i32 = arith.extui %slt : tensor<4xi1> to tensor<4xi32>
  %slt_at = arith.constant dense<8> : tensor<4xi32>
  %slt_ptrs = blk.addptr %ptrs, %slt_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %slt_ptrs, %slt_i32 : tensor<4x!blk.ptr<i32>>
  %sle = arith.cmpi sle, %a, %b : tensor<4xi32>
  %sle_i32 = arith.extui %sle : tensor<4xi1> to tensor<4xi32>
  %sle_at = arith.constant dense<12> : tensor<4xi32>
  %sle_ptrs = blk.addptr %ptrs, %sle_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %sle_ptrs, %sle_i32 : tensor<4x!blk.ptr<i32>>
  %sgt = arith.cmpi sgt, %a, %b : tensor<4xi32>
  %sgt_i32 = arith.extui %sgt : tensor<4xi1> to tensor<4xi32>
  %sgt_at = arith.constant dense<16> : tensor<4xi32>
  %sgt_ptrs = blk.addptr %ptrs, %sgt_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %sgt_ptrs, %sgt_i32 : tensor<4x!blk.ptr<i32>>
  %sge = arith.cmpi sge, %a, %b : tensor<4xi32>
  %sge_i32 = arith.extui %sge : tensor<4xi1> to tensor<4xi32>
  %sge_at = arith.constant dense<20> : tensor<4xi32>
  %sge_ptrs = blk.addptr %ptrs, %sge_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %sge_ptrs, %sge_i32 : tensor<4x!blk.ptr<i32>>
  %ult = arith.cmpi ult, %a, %b : tensor<4xi32>
  %ult_i32 = arith.extui %ult : tensor<4xi1> to tensor<4xi32>
  %ult_at = arith.constant dense<24> : tensor<4xi32>
  %ult_ptrs = blk.addptr %ptrs, %ult_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %ult_ptrs, %ult_i32 : tensor<4x!blk.ptr<i32>>
  %ule = arith.cmpi ule, %a, %b : tensor<4xi32>
  %ule_i32 = arith.extui %ule : tensor<4xi1> to tensor<4xi32>
  %ule_at = arith.constant dense<28> : tensor<4xi32>
  %ule_ptrs = blk.addptr %ptrs, %ule_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %ule_ptrs, %ule_i32 : tensor<4x!blk.ptr<i32>>
  %ugt = arith.cmpi ugt, %a, %b : tensor<4xi32>
  %ugt_i32 = arith.extui %ugt : tensor<4xi1> to tensor<4xi32>
  %ugt_at = arith.constant dense<32> : tensor<4xi32>
  %ugt_ptrs = blk.addptr %ptrs, %ugt_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %ugt_ptrs, %ugt_i32 : tensor<4x!blk.ptr<i32>>
  %uge = arith.cmpi uge, %a, %b : tensor<4xi32>
  %uge_i32 = arith.extui %uge : tensor<4xi1> to tensor<4xi32>
  %uge_at = arith.constant dense<36> : tensor<4xi32>
  %uge_ptrs = blk.addptr %ptrs, %uge_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %uge_ptrs, %uge_i32 : tensor<4x!blk.ptr<i32>>
  %foeq = arith.cmpf oeq, %x, %y : tensor<4xf32>
  %foeq_i32 = arith.extui %foeq : tensor<4xi1> to tensor<4xi32>
  %foeq_at = arith.constant dense<40> : tensor<4xi32>
  %foeq_ptrs = blk.addptr %ptrs, %foeq_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %foeq_ptrs, %foeq_i32 : tensor<4x!blk.ptr<i32>>
  %fogt = arith.cmpf ogt, %x, %y : tensor<4xf32>
  %fogt_i32 = arith.extui %fogt : tensor<4xi1> to tensor<4xi32>
  %fogt_at = arith.constant dense<44> : tensor<4xi32>
  %fogt_ptrs = blk.addptr %ptrs, %fogt_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %fogt_ptrs, %fogt_i32 : tensor<4x!blk.ptr<i32>>
  %foge = arith.cmpf oge, %x, %y : tensor<4xf32>
  %foge_i32 = arith.extui %foge : tensor<4xi1> to tensor<4xi32>
  %foge_at = arith.constant dense<48> : tensor<4xi32>
  %foge_ptrs = blk.addptr %ptrs, %foge_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %foge_ptrs, %foge_i32 : tensor<4x!blk.ptr<i32>>
  %folt = arith.cmpf olt, %x, %y : tensor<4xf32>
  %folt_i32 = arith.extui %folt : tensor<4xi1> to tensor<4xi32>
  %folt_at = arith.constant dense<52> : tensor<4xi32>
  %folt_ptrs = blk.addptr %ptrs, %folt_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %folt_ptrs, %folt_i32 : tensor<4x!blk.ptr<i32>>
  %fole = arith.cmpf ole, %x, %y : tensor<4xf32>
  %fole_i32 = arith.extui %fole : tensor<4xi1> to tensor<4xi32>
  %fole_at = arith.constant dense<56> : tensor<4xi32>
  %fole_ptrs = blk.addptr %ptrs, %fole_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %fole_ptrs, %fole_i32 : tensor<4x!blk.ptr<i32>>
  %fone = arith.cmpf one, %x, %y : tensor<4xf32>
  %fone_i32 = arith.extui %fone : tensor<4xi1> to tensor<4xi32>
  %fone_at = arith.constant dense<60> : tensor<4xi32>
  %fone_ptrs = blk.addptr %ptrs, %fone_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %fone_ptrs, %fone_i32 : tensor<4x!blk.ptr<i32>>
  %ford = arith.cmpf ord, %x, %y : tensor<4xf32>
  %ford_i32 = arith.extui %ford : tensor<4xi1> to tensor<4xi32>
  %ford_at = arith.constant dense<64> : tensor<4xi32>
  %ford_ptrs = blk.addptr %ptrs, %ford_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %ford_ptrs, %ford_i32 : tensor<4x!blk.ptr<i32>>
  %fueq = arith.cmpf ueq, %x, %y : tensor<4xf32>
  %fueq_i32 = arith.extui %fueq : tensor<4xi1> to tensor<4xi32>
  %fueq_at = arith.constant dense<68> : tensor<4xi32>
  %fueq_ptrs = blk.addptr %ptrs, %fueq_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %fueq_ptrs, %fueq_i32 : tensor<4x!blk.ptr<i32>>
  %fugt = arith.cmpf ugt, %x, %y : tensor<4xf32>
  %fugt_i32 = arith.extui %fugt : tensor<4xi1> to tensor<4xi32>
  %fugt_at = arith.constant dense<72> : tensor<4xi32>
  %fugt_ptrs = blk.addptr %ptrs, %fugt_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %fugt_ptrs, %fugt_i32 : tensor<4x!blk.ptr<i32>>
  %fuge = arith.cmpf uge, %x, %y : tensor<4xf32>
  %fuge_i32 = arith.extui %fuge : tensor<4xi1> to tensor<4xi32>
  %fuge_at = arith.constant dense<76> : tensor<4xi32>
  %fuge_ptrs = blk.addptr %ptrs, %fuge_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %fuge_ptrs, %fuge_i32 : tensor<4x!blk.ptr<i32>>
  %fult = arith.cmpf ult, %x, %y : tensor<4xf32>
  %fult_i32 = arith.extui %fult : tensor<4xi1> to tensor<4xi32>
  %fult_at = arith.constant dense<80> : tensor<4xi32>
  %fult_ptrs = blk.addptr %ptrs, %fult_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %fult_ptrs, %fult_i32 : tensor<4x!blk.ptr<i32>>
  %fule = arith.cmpf ule, %x, %y : tensor<4xf32>
  %fule_i32 = arith.extui %fule : tensor<4xi1> to tensor<4xi32>
  %fule_at = arith.constant dense<84> : tensor<4xi32>
  %fule_ptrs = blk.addptr %ptrs, %fule_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %fule_ptrs, %fule_i32 : tensor<4x!blk.ptr<i32>>
  %fune = arith.cmpf une, %x, %y : tensor<4xf32>
  %fune_i32 = arith.extui %fune : tensor<4xi1> to tensor<4xi32>
  %fune_at = arith.constant dense<88> : tensor<4xi32>
  %fune_ptrs = blk.addptr %ptrs, %fune_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %fune_ptrs, %fune_i32 : tensor<4x!blk.ptr<i32>>
  %funo = arith.cmpf uno, %x, %y : tensor<4xf32>
  %funo_i32 = arith.extui %funo : tensor<4xi1> to tensor<4xi32>
  %funo_at = arith.constant dense<92> : tensor<4xi32>
  %funo_ptrs = blk.addptr %ptrs, %funo_at : tensor<4x!blk.ptr<i32>>, tensor<4xi32>
  blk.store %funo_ptrs, %funo_i32 : tensor<4x!blk.ptr<i32>>
  return
}

