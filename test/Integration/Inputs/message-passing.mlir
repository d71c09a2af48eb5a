// Message passing between the programs of a grid through global memory,
// on blk's memory model (docs/semantics.md, "Memory ordering"): program 0
// writes a 256-value payload with plain block stores from all its
// threads, then publishes a flag with a release exchange; every other
// program spins on an acquire load of the flag, then reads the payload
// with plain block loads and copies it to its row of OUT. A release that
// covered only its own thread's stores, or an acquire that let the
// payload's loads run early, shows as a row that is not the payload; a
// spin on a load the compiler hoists never ends. Programs must all be
// resident at once (the grid at most what the GPU holds).

func.func @message_passing(%flag: !blk.ptr<i32>, %payload: !blk.ptr<i32>,
                           %out: !blk.ptr<i32>) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c256 = arith.constant 256 : i32
  %c1000 = arith.constant 1000 : i32
  %pid = blk.program_id 0 : i32
  %offsets = blk.range : tensor<256xi32>
  %payload_base = blk.splat %payload : !blk.ptr<i32> -> tensor<256x!blk.ptr<i32>>
  %payload_ptrs = blk.addptr %payload_base, %offsets : tensor<256x!blk.ptr<i32>>, tensor<256xi32>
  %is_writer = arith.cmpi eq, %pid, %c0 : i32
  scf.if %is_writer {
    %base = blk.splat %c1000 : i32 -> tensor<256xi32>
    %values = arith.addi %base, %offsets : tensor<256xi32>
    blk.store %payload_ptrs, %values : tensor<256x!blk.ptr<i32>>
    %old = blk.atomic_xchg release gpu %flag, %c1 : !blk.ptr<i32>
  } else {
    scf.while : () -> () {
      %seen = blk.load acquire gpu %flag : !blk.ptr<i32>
      %unset = arith.cmpi eq, %seen, %c0 : i32
      scf.condition(%unset)
    } do {
      scf.yield
    }
    %received = blk.load %payload_ptrs : tensor<256x!blk.ptr<i32>>
    %row = arith.muli %pid, %c256 : i32
    %out_row = blk.addptr %out, %row : !blk.ptr<i32>, i32
    %out_base = blk.splat %out_row : !blk.ptr<i32> -> tensor<256x!blk.ptr<i32>>
    %out_ptrs = blk.addptr %out_base, %offsets : tensor<256x!blk.ptr<i32>>, tensor<256xi32>
    blk.store %out_ptrs, %received : tensor<256x!blk.ptr<i32>>
  }
  return
}
