// RUN: ln-opt %s --blk-specialize="bind=BLOCK_M=16,BLOCK_N=256,T=f16 num-warps=4 divisible-by-16=0,1,3,4" --blk-to-ptx | ln-translate --ptx | FileCheck %s
// RUN: ln-opt %s --blk-specialize="bind=BLOCK_M=16,BLOCK_N=256,T=f16 num-warps=4 divisible-by-16=0,1,3,4" --blk-to-ptx | ln-translate --ptx > %t.ptx && %ptxas %t.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: ln-opt %s --blk-specialize="bind=BLOCK_M=8,BLOCK_N=128,T=bf16 num-warps=2" --blk-to-ptx | ln-translate --ptx > %t.bf16.ptx && %ptxas %t.bf16.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: ln-opt %s --blk-specialize="bind=BLOCK_M=32,BLOCK_N=64,T=f32 num-warps=8 divisible-by-16=0,1,3,4" --blk-to-ptx | ln-translate --ptx > %t.f32.ptx && %ptxas %t.f32.ptx -o /dev/null 2>&1 | FileCheck %s --check-prefix=PTXAS

// A kernel using every blk op goes all the way to PTX that ptxas accepts
// for sm_90, without spilling.

// CHECK: .version
// CHECK: .target sm_90
// CHECK: .address_size 64
// CHECK: .visible .entry every_op(
// CHECK-NEXT: .param .u64 {{.*}}every_op_param_0,
// CHECK-NEXT: .param .u64 {{.*}}every_op_param_1,
// CHECK-NEXT: .param .u64 {{.*}}every_op_param_2,
// CHECK-NEXT: .param .u64 {{.*}}every_op_param_3,
// CHECK-NEXT: .param .u32 every_op_param_4
// CHECK-NEXT: )
// CHECK-NEXT: .maxntid 128, 1, 1
// CHECK: .shared .align 16 .b8 every_op_shared[{{[0-9]+}}];
// CHECK-DAG: mov.u32 %r{{[0-9]+}}, %ctaid.x;
// CHECK-DAG: mov.u32 %r{{[0-9]+}}, %nctaid.y;
// CHECK-DAG: ld.global.v4.b32
// CHECK-DAG: shfl.sync.bfly.b32
// CHECK-DAG: bar.sync 0;
// CHECK-DAG: atom.acquire.gpu.global.cas.b32
// CHECK-DAG: fence.acq_rel.gpu;
// CHECK-DAG: atom.release.gpu.global.exch.b32
// CHECK-DAG: st.global.v2.b32
// CHECK-DAG: cvt.f32.f16
// CHECK-DAG: cvt.rn.f16{{(x2)?}}.f32
// CHECK: ret;

// PTXAS: Compiling entry function 'every_op' for 'sm_90'
// PTXAS: 0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
// PTXAS-NOT: error

!T = !blk.typevar<"T">
!ptrT = !blk.ptr<!T>

func.func @every_op(%X: !ptrT, %Y: !ptrT, %Lock: !blk.ptr<i32>,
                    %Out: !blk.ptr<f32>, %N: i32) {
  %BM = blk.constexpr "BLOCK_M" : i32
  %BN = blk.constexpr "BLOCK_N" : i32
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %zero = arith.constant 0.0 : f32
  %pid = blk.program_id 0 : i32
  %npy = blk.num_programs 1 : i32
  %row = arith.muli %pid, %npy : i32
  %row64 = arith.extsi %row : i32 to i64
  %n64 = arith.extsi %N : i32 to i64
  %offset = arith.muli %row64, %n64 : i64
  %X_row = blk.addptr %X, %offset : !ptrT, i64
  %Y_row = blk.addptr %Y, %offset : !ptrT, i64

  // 1-D: masked load with other, cast, reduce, splat, store.
  %cols = blk.range [%BN] : tensor<?xi32>
  %N_block = blk.splat %N [%BN] : i32 -> tensor<?xi32>
  %mask = arith.cmpi slt, %cols, %N_block : tensor<?xi32>
  %zeros = blk.splat %zero [%BN] : f32 -> tensor<?xf32>
  %zeros_T = blk.cast %zeros : tensor<?xf32> to tensor<?x!T>
  %X_block = blk.splat %X_row [%BN] : !ptrT -> tensor<?x!ptrT>
  %x_ptrs = blk.addptr %X_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
  %x_T = blk.load %x_ptrs, %mask, %zeros_T : tensor<?x!ptrT>
  %x = blk.cast %x_T : tensor<?x!T> to tensor<?xf32>
  %sum = blk.reduce %x axis 0 : tensor<?xf32> -> f32 {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s : f32
  }
  %max = blk.reduce %x axis 0 : tensor<?xf32> -> f32 {
  ^bb0(%a: f32, %b: f32):
    %m = arith.maximumf %a, %b : f32
    blk.yield %m : f32
  }
  %shift = arith.subf %sum, %max : f32
  %shift_block = blk.splat %shift [%BN] : f32 -> tensor<?xf32>
  %y = arith.addf %x, %shift_block : tensor<?xf32>
  %y_T = blk.cast %y : tensor<?xf32> to tensor<?x!T>
  %Y_block = blk.splat %Y_row [%BN] : !ptrT -> tensor<?x!ptrT>
  %y_ptrs = blk.addptr %Y_block, %cols : tensor<?x!ptrT>, tensor<?xi32>
  blk.store %y_ptrs, %y_T, %mask : tensor<?x!ptrT>

  // 2-D: a (BLOCK_M, BLOCK_N) tile from expand_dims/broadcast, reduced
  // along both axes.
  %rows = blk.range [%BM] {start = 0 : i32} : tensor<?xi32>
  %rows_col = blk.expand_dims %rows, 1 : tensor<?xi32> -> tensor<?x1xi32>
  %cols_row = blk.expand_dims %cols, 0 : tensor<?xi32> -> tensor<1x?xi32>
  %tile_rows = blk.broadcast %rows_col [%BM, %BN] : tensor<?x1xi32> -> tensor<?x?xi32>
  %tile_cols = blk.broadcast %cols_row [%BM, %BN] : tensor<1x?xi32> -> tensor<?x?xi32>
  %N_tile = blk.splat %N [%BM, %BN] : i32 -> tensor<?x?xi32>
  %row_offsets = arith.muli %tile_rows, %N_tile : tensor<?x?xi32>
  %offsets = arith.addi %row_offsets, %tile_cols : tensor<?x?xi32>
  %tile_mask = arith.cmpi slt, %tile_cols, %N_tile : tensor<?x?xi32>
  %X_tile = blk.splat %X [%BM, %BN] : !ptrT -> tensor<?x?x!ptrT>
  %tile_ptrs = blk.addptr %X_tile, %offsets : tensor<?x?x!ptrT>, tensor<?x?xi32>
  %tile_T = blk.load %tile_ptrs, %tile_mask : tensor<?x?x!ptrT>
  %tile = blk.cast %tile_T : tensor<?x?x!T> to tensor<?x?xf32>
  %col_sums = blk.reduce %tile axis 0 : tensor<?x?xf32> -> tensor<?xf32> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s : f32
  }
  %row_sums = blk.reduce %tile axis 1 : tensor<?x?xf32> -> tensor<?xf32> {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s : f32
  }
  %total_rows = blk.reduce %row_sums axis 0 : tensor<?xf32> -> f32 {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    blk.yield %s : f32
  }

  // Under the lock: accumulate into Out.
  scf.while : () -> () {
    %old = blk.atomic_cas acquire gpu %Lock, %c0, %c1 : !blk.ptr<i32>
    %held = arith.cmpi eq, %old, %c1 : i32
    scf.condition(%held)
  } do {
    scf.yield
  }
  %prev = blk.load %Out : !blk.ptr<f32>
  %acc = arith.addf %prev, %total_rows : f32
  blk.store %Out, %acc : !blk.ptr<f32>
  %Out_block = blk.splat %Out [%BN] : !blk.ptr<f32> -> tensor<?x!blk.ptr<f32>>
  %out_ptrs = blk.addptr %Out_block, %cols : tensor<?x!blk.ptr<f32>>, tensor<?xi32>
  blk.store %out_ptrs, %col_sums, %mask : tensor<?x!blk.ptr<f32>>
  %released = blk.atomic_xchg release gpu %Lock, %c0 : !blk.ptr<i32>
  return
}
