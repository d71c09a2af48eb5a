//===- AxisInfo.h - Contiguity and alignment of integer/pointer blocks -*-===//
//
// What Triton calls AxisInfo: for every integer or pointer value of a kernel,
// per dimension,
//   - contiguity: the length of the runs of consecutive values (+1 element
//     per step along the dimension) the block is made of,
//   - divisibility: a power of two dividing the first value of every such
//     run (bytes for pointers, the value itself for integers),
//   - constancy: the length of the runs of equal values.
// Runs start at indices that are multiples of their length, and every length
// is a power of two (so that min and gcd of two facts agree): along a
// dimension whose size is not one, a whole-dimension fact claims the largest
// power of two dividing the size (blockExtent). The lowering uses
// it to turn loads and stores into 16-byte vector accesses, and to tell
// when a mask is uniform over a vector so one predicate can guard it.
//
//===----------------------------------------------------------------------===//

#ifndef LN_ANALYSIS_AXISINFO_H
#define LN_ANALYSIS_AXISINFO_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/raw_ostream.h"

namespace ln {

struct AxisInfo {
  /// Divisibility is capped here; 0 (divisible by everything) maps to it.
  static constexpr int64_t kMaxDivisibility = int64_t(1) << 30;

  /// One entry per dimension; scalars have one entry.
  llvm::SmallVector<int64_t, 2> contiguity, divisibility, constancy;

  /// Nothing known about a value of `rank` dimensions (a scalar: rank 0)
  /// whose pointer elements, if any, are `elementBytes` aligned.
  static AxisInfo unknown(unsigned rank, int64_t divisibility = 1);
  /// A value equal everywhere to a scalar of divisibility `divisibility`.
  static AxisInfo uniform(llvm::ArrayRef<int64_t> shape, int64_t divisibility);

  unsigned getRank() const { return contiguity.size(); }
  int64_t getContiguity(unsigned dim) const { return contiguity[dim]; }
  int64_t getDivisibility(unsigned dim) const { return divisibility[dim]; }
  int64_t getConstancy(unsigned dim) const { return constancy[dim]; }

  bool operator==(const AxisInfo &other) const {
    return contiguity == other.contiguity &&
           divisibility == other.divisibility && constancy == other.constancy;
  }
  void print(llvm::raw_ostream &os) const;
};

/// The highest power of two dividing `value` (kMaxDivisibility for 0).
int64_t highestPowerOfTwoDivisor(int64_t value);

/// The longest run a fact may claim along a dimension of `size` elements:
/// the size itself when it is a power of two, else the largest power of two
/// dividing it (runs of it tile the dimension exactly).
inline int64_t blockExtent(int64_t size) { return size & -size; }

/// Computes AxisInfo for every value of the kernels (func.func) under `root`
/// in a forward walk that goes around each scf.for until what its body
/// yields promises what it assumed of its loop-carried values. Values the
/// rules do not cover (loads, scf.if results, ...) are `unknown`.
class AxisInfoAnalysis {
public:
  explicit AxisInfoAnalysis(mlir::Operation *root);

  /// The info of `value`; `unknown` for values the walk never reached.
  AxisInfo getAxisInfo(mlir::Value value) const;

private:
  void visit(mlir::Operation *op);
  /// Visits the ops nested in `root`, loops through visitLoop.
  void visitRegion(mlir::Operation *root);
  void visitLoop(mlir::scf::ForOp loop);
  void set(mlir::Value value, AxisInfo info) { infos[value] = std::move(info); }

  llvm::DenseMap<mlir::Value, AxisInfo> infos;
  /// Loop bodies a kernel's analysis may walk before every further loop is
  /// walked once, assuming nothing of what it carries: nested loops
  /// multiply their rounds, which a hostile input can make exponential.
  static constexpr int kLoopWalkBudget = 1024;
  int walkBudget = kLoopWalkBudget;
};

} // namespace ln

#endif // LN_ANALYSIS_AXISINFO_H
