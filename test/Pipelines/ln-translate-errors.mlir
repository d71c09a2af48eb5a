// RUN: not ln-translate --ptx %s -split-input-file 2>&1 | FileCheck %s

// ln-translate --ptx needs exactly one gpu.binary object holding PTX.

// CHECK: error: expected exactly one gpu.binary object (run ln-opt --blk-to-ptx first), found 0
module {
  func.func @not_compiled() {
    return
  }
}

// -----

// CHECK: error: the gpu.binary object holds bin, not PTX assembly; compile with format=isa
module attributes {gpu.container_module} {
  gpu.binary @ln_kernels [#gpu.object<#nvvm.target<chip = "sm_90">, bin = "\00">]
}

// -----

// CHECK: error: expected exactly one gpu.binary object (run ln-opt --blk-to-ptx first), found 2
module attributes {gpu.container_module} {
  gpu.binary @a [#gpu.object<#nvvm.target<chip = "sm_90">, assembly = "a">]
  gpu.binary @b [#gpu.object<#nvvm.target<chip = "sm_90">, assembly = "b">]
}
