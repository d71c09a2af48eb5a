//===- ConcreteEvaluation.h - Kernels on concrete values --------*- C++ -*-===//
//
// What AxisInfo's facts are checked against: the values a kernel computes
// for given arguments, element by element, in the widths the hardware
// computes them in.
//
//===----------------------------------------------------------------------===//

#ifndef LN_UNITTESTS_ANALYSIS_CONCRETEEVALUATION_H
#define LN_UNITTESTS_ANALYSIS_CONCRETEEVALUATION_H

#include "ln/Analysis/AxisInfo.h"
#include "ln/Interpreter/Elementwise.h"

#include "mlir/IR/Block.h"
#include "llvm/ADT/DenseMap.h"

#include <string>
#include <vector>

namespace ln::concrete {

/// A value of a kernel, row-major. Integers hold their low `bits` bits
/// (zero-extended); pointers hold addresses.
struct Concrete {
  llvm::SmallVector<int64_t, 2> shape;
  std::vector<uint64_t> elements;
  unsigned bits = 64;
  int64_t pointeeBytes = 0; // 0 for integers
};

using interpreter::lowBits;
using interpreter::signExtend;
/// A value of `type` (a scalar has one element), all elements 0.
Concrete empty(mlir::Type type);

using Observer = llvm::function_ref<void(mlir::Value, const Concrete &)>;

/// Evaluates the ops of `block` that AxisInfo models (the arith ones with
/// the CPU evaluator's element functions), and `scf.for` loops,
/// showing every value computed to `observe` (a loop's values once per
/// iteration); `values` holds the kernel's arguments on entry.
void evaluate(mlir::Block &block, llvm::DenseMap<mlir::Value, Concrete> &values,
              Observer observe);

/// Why `info` does not describe `value`, or "" when it does.
std::string violation(const AxisInfo &info, const Concrete &value);

} // namespace ln::concrete

#endif // LN_UNITTESTS_ANALYSIS_CONCRETEEVALUATION_H
