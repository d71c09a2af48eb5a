//===- EmbeddedKernels.h - PTX compiled into the runtime --------*- C++ -*-===//
//
// The LayerNorm kernels (kernels/*.mlir) are compiled by ln-opt at build time
// into one PTX module per specialization; the build writes a table of them
// into a generated source file linked into libln_runtime. Nothing here needs
// LLVM or MLIR at run time.
//
//===----------------------------------------------------------------------===//

#ifndef LN_RUNTIME_EMBEDDEDKERNELS_H
#define LN_RUNTIME_EMBEDDEDKERNELS_H

#include "ln/Runtime/ln.h"

#include <cstddef>

namespace ln::runtime {

/// One specialization of one kernel, compiled to PTX.
struct EmbeddedKernel {
  /// The kernel's function name in kernels/*.mlir, which is also the PTX
  /// `.entry` name (the k*Kernel constants of ln/Runtime/LayerNorm.h).
  const char *entry;
  /// The element type T the kernel was specialized for.
  ln_dtype dtype;
  /// BLOCK_SIZE (forward), BLOCK_SIZE_N (backward dx and dw/db).
  int blockSize;
  /// BLOCK_SIZE_M (dw/db only; 0 otherwise).
  int blockSizeM;
  /// Warps per CTA (the launch's block is 32 * numWarps threads).
  int numWarps;
  /// ROWS_PER_PROGRAM (backward dx only; 0 otherwise).
  int rowsPerProgram;
  /// Specialized assuming every pointer argument is 16-byte aligned and N and
  /// every row stride are multiples of 16 bytes' worth of elements (8 for
  /// f16 and bf16, 4 for f32), which lets loads and stores be 16 bytes
  /// wide. Only launch it when that holds (isAlignedLaunch).
  bool aligned;
  /// NUL-terminated PTX text.
  const char *ptx;
};

/// The table the build generated, `count` entries.
const EmbeddedKernel *embeddedKernels(std::size_t &count);

} // namespace ln::runtime

#endif // LN_RUNTIME_EMBEDDEDKERNELS_H
