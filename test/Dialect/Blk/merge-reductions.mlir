// RUN: ln-opt %s --blk-merge-reductions -split-input-file | FileCheck %s

// Two independent reductions of one shape become one reduce of both: the
// earlier op's blocks first, each combiner applied to its own arguments.

// CHECK-LABEL: func.func @two_reductions
// CHECK-SAME: (%[[X:.*]]: tensor<1024xf32>, %[[Y:.*]]: tensor<1024xf32>)
// CHECK: %[[R:.*]]:2 = blk.reduce %[[X]], %[[Y]] axis 0 : tensor<1024xf32>, tensor<1024xf32> -> f32, f32 {
// CHECK-NEXT: ^bb0(%[[X0:.*]]: f32, %[[Y0:.*]]: f32, %[[X1:.*]]: f32, %[[Y1:.*]]: f32):
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[X0]], %[[X1]] : f32
// CHECK-NEXT: %[[M:.*]] = arith.maximumf %[[Y0]], %[[Y1]] : f32
// CHECK-NEXT: blk.yield %[[S]], %[[M]] : f32, f32
// CHECK: return %[[R]]#0, %[[R]]#1
// CHECK-NOT: blk.reduce
func.func @two_reductions(%x: tensor<1024xf32>, %y: tensor<1024xf32>) -> (f32, f32) {
  %sum = blk.reduce %x axis 0 : tensor<1024xf32> -> f32 {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s : f32
  }
  %max = blk.reduce %y axis 0 : tensor<1024xf32> -> f32 {
  ^bb0(%a: f32, %b: f32):
    %m = arith.maximumf %a, %b : f32
    blk.yield %m : f32
  }
  return %sum, %max : f32, f32
}

// -----

// A reduce of a tuple joins a later one: arguments one side of each (the
// tuple's, then the later op's), then the other side, of mixed types.

// CHECK-LABEL: func.func @tuple_and_single
// CHECK: %[[R:.*]]:3 = blk.reduce %{{.*}}, %{{.*}}, %{{.*}} axis 0 : tensor<256xf32>, tensor<256xi32>, tensor<256xi32> -> f32, i32, i32 {
// CHECK-NEXT: ^bb0(%[[V0:.*]]: f32, %[[C0:.*]]: i32, %[[M0:.*]]: i32, %[[V1:.*]]: f32, %[[C1:.*]]: i32, %[[M1:.*]]: i32):
// CHECK-NEXT: arith.addf %[[V0]], %[[V1]] : f32
// CHECK-NEXT: arith.addi %[[C0]], %[[C1]] : i32
// CHECK-NEXT: arith.maxsi %[[M0]], %[[M1]] : i32
// CHECK: return %[[R]]#0, %[[R]]#1, %[[R]]#2
func.func @tuple_and_single(%v: tensor<256xf32>, %c: tensor<256xi32>, %k: tensor<256xi32>) -> (f32, i32, i32) {
  %sum, %count = blk.reduce %v, %c axis 0 : tensor<256xf32>, tensor<256xi32> -> f32, i32 {
  ^bb0(%a: f32, %n: i32, %b: f32, %m: i32):
    %s = arith.addf %a, %b : f32
    %t = arith.addi %n, %m : i32
    blk.yield %s, %t : f32, i32
  }
  %max = blk.reduce %k axis 0 : tensor<256xi32> -> i32 {
  ^bb0(%a: i32, %b: i32):
    %m = arith.maxsi %a, %b : i32
    blk.yield %m : i32
  }
  return %sum, %count, %max : f32, i32, i32
}

// -----

// Three in a row become one, at the last one's place, after the ops
// between them (which do not use the earlier results).

// CHECK-LABEL: func.func @three_reductions
// CHECK: arith.mulf
// CHECK: arith.mulf
// CHECK: %[[R:.*]]:3 = blk.reduce
// CHECK-NOT: blk.reduce
// CHECK: return %[[R]]#0, %[[R]]#1, %[[R]]#2
func.func @three_reductions(%x: tensor<512xf32>) -> (f32, f32, f32) {
  %a = blk.reduce %x axis 0 : tensor<512xf32> -> f32 {
  ^bb0(%p: f32, %q: f32):
    %s = arith.addf %p, %q : f32
    blk.yield %s : f32
  }
  %x2 = arith.mulf %x, %x : tensor<512xf32>
  %b = blk.reduce %x2 axis 0 : tensor<512xf32> -> f32 {
  ^bb0(%p: f32, %q: f32):
    %s = arith.addf %p, %q : f32
    blk.yield %s : f32
  }
  %x3 = arith.mulf %x2, %x : tensor<512xf32>
  %c = blk.reduce %x3 axis 0 : tensor<512xf32> -> f32 {
  ^bb0(%p: f32, %q: f32):
    %s = arith.addf %p, %q : f32
    blk.yield %s : f32
  }
  return %a, %b, %c : f32, f32, f32
}

// -----

// The variance reduces what the mean's result computed: they stay apart.

// CHECK-LABEL: func.func @dependent
// CHECK: blk.reduce %{{.*}} axis 0 : tensor<1024xf32> -> f32
// CHECK: arith.subf
// CHECK: blk.reduce %{{.*}} axis 0 : tensor<1024xf32> -> f32
func.func @dependent(%x: tensor<1024xf32>) -> (f32, f32) {
  %sum = blk.reduce %x axis 0 : tensor<1024xf32> -> f32 {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s : f32
  }
  %mean = blk.splat %sum : f32 -> tensor<1024xf32>
  %centered = arith.subf %x, %mean : tensor<1024xf32>
  %squares = arith.mulf %centered, %centered : tensor<1024xf32>
  %var = blk.reduce %squares axis 0 : tensor<1024xf32> -> f32 {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s : f32
  }
  return %sum, %var : f32, f32
}

// -----

// An op between them uses the earlier result (though the later reduce does
// not): the merged op would come after that use.

// CHECK-LABEL: func.func @used_between
// CHECK: %[[A:.*]] = blk.reduce
// CHECK: arith.mulf %[[A]], %[[A]] : f32
// CHECK: blk.reduce
func.func @used_between(%x: tensor<64xf32>, %y: tensor<64xf32>) -> (f32, f32) {
  %a = blk.reduce %x axis 0 : tensor<64xf32> -> f32 {
  ^bb0(%p: f32, %q: f32):
    %s = arith.addf %p, %q : f32
    blk.yield %s : f32
  }
  %a2 = arith.mulf %a, %a : f32
  %b = blk.reduce %y axis 0 : tensor<64xf32> -> f32 {
  ^bb0(%p: f32, %q: f32):
    %s = arith.addf %p, %q : f32
    blk.yield %s : f32
  }
  return %a2, %b : f32, f32
}

// -----

// A use inside a region between them counts too.

// CHECK-LABEL: func.func @used_in_a_region_between
// CHECK: blk.reduce %{{[^,]*}} axis 0 : tensor<64xf32> -> f32
// CHECK: scf.if
// CHECK: blk.reduce %{{[^,]*}} axis 0 : tensor<64xf32> -> f32
func.func @used_in_a_region_between(%x: tensor<64xf32>, %y: tensor<64xf32>,
                                    %out: !blk.ptr<f32>, %c: i1) -> f32 {
  %a = blk.reduce %x axis 0 : tensor<64xf32> -> f32 {
  ^bb0(%p: f32, %q: f32):
    %s = arith.addf %p, %q : f32
    blk.yield %s : f32
  }
  scf.if %c {
    blk.store %out, %a : !blk.ptr<f32>
  }
  %b = blk.reduce %y axis 0 : tensor<64xf32> -> f32 {
  ^bb0(%p: f32, %q: f32):
    %s = arith.addf %p, %q : f32
    blk.yield %s : f32
  }
  return %b : f32
}

// -----

// Different axes, different shapes, or dynamic shapes: not one tree.

// CHECK-LABEL: func.func @not_one_tree
// CHECK-COUNT-6: blk.reduce %{{[^,]*}} axis
// CHECK-NOT: blk.reduce
func.func @not_one_tree(%m: tensor<8x64xf32>, %v: tensor<128xf32>,
                        %u: tensor<64xf32>, %d: tensor<?xf32>,
                        %e: tensor<?xf32>)
    -> (tensor<64xf32>, tensor<8xf32>, f32, f32, f32) {
  %cols = blk.reduce %m axis 0 : tensor<8x64xf32> -> tensor<64xf32> {
  ^bb0(%p: f32, %q: f32):
    %s = arith.addf %p, %q : f32
    blk.yield %s : f32
  }
  %rows = blk.reduce %m axis 1 : tensor<8x64xf32> -> tensor<8xf32> {
  ^bb0(%p: f32, %q: f32):
    %s = arith.addf %p, %q : f32
    blk.yield %s : f32
  }
  %v0 = blk.reduce %v axis 0 : tensor<128xf32> -> f32 {
  ^bb0(%p: f32, %q: f32):
    %s = arith.addf %p, %q : f32
    blk.yield %s : f32
  }
  %u0 = blk.reduce %u axis 0 : tensor<64xf32> -> f32 {
  ^bb0(%p: f32, %q: f32):
    %s = arith.addf %p, %q : f32
    blk.yield %s : f32
  }
  %d0 = blk.reduce %d axis 0 : tensor<?xf32> -> f32 {
  ^bb0(%p: f32, %q: f32):
    %s = arith.addf %p, %q : f32
    blk.yield %s : f32
  }
  %e0 = blk.reduce %e axis 0 : tensor<?xf32> -> f32 {
  ^bb0(%p: f32, %q: f32):
    %s = arith.addf %p, %q : f32
    blk.yield %s : f32
  }
  %de = arith.addf %d0, %e0 : f32
  return %cols, %rows, %v0, %u0, %de : tensor<64xf32>, tensor<8xf32>, f32, f32, f32
}

// -----

// Reductions of one loop body merge; one in a nested region and one
// outside it do not.

// CHECK-LABEL: func.func @in_regions
// CHECK: scf.for
// CHECK: blk.reduce %{{.*}}, %{{.*}} axis 0
// CHECK: scf.if
// CHECK: blk.reduce %{{[^,]*}} axis 0
// CHECK: blk.reduce %{{[^,]*}} axis 0
func.func @in_regions(%x: tensor<32xf32>, %y: tensor<32xf32>, %n: index,
                      %c: i1) -> (f32, f32) {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %total = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (f32) {
    %a = blk.reduce %x axis 0 : tensor<32xf32> -> f32 {
    ^bb0(%p: f32, %q: f32):
      %s = arith.addf %p, %q : f32
      blk.yield %s : f32
    }
    %b = blk.reduce %y axis 0 : tensor<32xf32> -> f32 {
    ^bb0(%p: f32, %q: f32):
      %s = arith.addf %p, %q : f32
      blk.yield %s : f32
    }
    %ab = arith.addf %a, %b : f32
    %next = arith.addf %acc, %ab : f32
    scf.yield %next : f32
  }
  %inner = scf.if %c -> (f32) {
    %a = blk.reduce %x axis 0 : tensor<32xf32> -> f32 {
    ^bb0(%p: f32, %q: f32):
      %s = arith.addf %p, %q : f32
      blk.yield %s : f32
    }
    scf.yield %a : f32
  } else {
    scf.yield %zero : f32
  }
  %outer = blk.reduce %y axis 0 : tensor<32xf32> -> f32 {
  ^bb0(%p: f32, %q: f32):
    %s = arith.addf %p, %q : f32
    blk.yield %s : f32
  }
  %both = arith.addf %inner, %outer : f32
  return %total, %both : f32, f32
}
