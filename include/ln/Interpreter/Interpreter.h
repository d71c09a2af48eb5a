//===- Interpreter.h - blk kernels evaluated on the CPU ---------*- C++ -*-===//
//
// The reference evaluator of blk's semantics (docs/semantics.md): runs a
// specialized kernel (static shapes, constexprs bound) on the CPU, every
// program of the grid in turn, with whole blocks as values. It is what the
// GPU's results are compared against (scripts/difftest.py), and what
// `ln-run kernel FILE.mlir --cpu` runs where there is no GPU.
//
//===----------------------------------------------------------------------===//

#ifndef LN_INTERPRETER_INTERPRETER_H
#define LN_INTERPRETER_INTERPRETER_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/LLVM.h"

#include <array>
#include <cstdint>
#include <vector>

namespace ln::interpreter {

/// A kernel argument: a scalar, as its element (an integer's low bits, a
/// float's encoding), or, for a pointer parameter, a buffer of bytes that
/// the kernel reads and writes in place.
struct Argument {
  bool isBuffer = false;
  uint64_t scalar = 0;
  std::vector<uint8_t> buffer;
};

/// Runs `kernel` for every program of `grid` (x fastest, then y, then z),
/// one after the other: atomics are sequential, and a program that waits
/// for a later one never ends. A cluster kernel's (blk.cluster_size)
/// programs run a cluster at a time, handing over to each other at each
/// blk.cluster_reduce; the grid's axis-0 size must be a multiple of the
/// cluster size. Returns failure after reporting, at the op
/// and naming the element, what the kernel does that blk leaves undefined
/// (an access outside its buffers, a division by zero, ...) or that the
/// evaluator does not support.
mlir::LogicalResult runKernel(mlir::func::FuncOp kernel,
                              std::vector<Argument> &arguments,
                              std::array<uint32_t, 3> grid);

} // namespace ln::interpreter

#endif // LN_INTERPRETER_INTERPRETER_H
