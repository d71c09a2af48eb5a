//===- Elementwise.h - One element of arith and math ops --------*- C++ -*-===//
//
// The CPU evaluator applies an elementwise op to a block one element at a
// time: these are the element functions, on elements encoded as the
// evaluator holds them (see Interpreter.h). The AxisInfo property test
// evaluates its kernels with them too.
//
//===----------------------------------------------------------------------===//

#ifndef LN_INTERPRETER_ELEMENTWISE_H
#define LN_INTERPRETER_ELEMENTWISE_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"

#include <cstdint>
#include <functional>
#include <string>

namespace ln::interpreter {

/// The low `bits` bits of `value`.
uint64_t lowBits(uint64_t value, unsigned bits);
/// The low `bits` bits of `value`, sign-extended.
int64_t signExtend(uint64_t value, unsigned bits);

/// A float element's value; exact (every format widens into a double).
double decodeFloat(uint64_t element, mlir::FloatType type);
/// `value` rounded to nearest even in `type`, encoded.
uint64_t encodeFloat(double value, mlir::FloatType type);

/// An element of `to` from one of `from`, as blk.cast converts: floats
/// widen exactly and narrow to nearest even, integers to floats are signed
/// (i1 unsigned), floats to integers truncate toward zero, integers narrow
/// by wrapping and widen by sign (i1 by zero) extension.
uint64_t castElement(uint64_t element, mlir::Type from, mlir::Type to);

/// Computes one result element from one element of each operand. Sets
/// `undefined` to what makes it undefined behaviour (a division by zero),
/// for the caller to report at the op.
using ElementFunction = std::function<uint64_t(
    llvm::ArrayRef<uint64_t> operands, std::string &undefined)>;

/// The element function of `op`, or none if `op` is not an elementwise
/// arith or math op the evaluator knows.
ElementFunction getElementFunction(mlir::Operation *op);

} // namespace ln::interpreter

#endif // LN_INTERPRETER_ELEMENTWISE_H
