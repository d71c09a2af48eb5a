//===- Cluster.h - The programs of a cluster, evaluated together -*- C++ -*-===//
//
// blk.cluster_reduce makes each program of a cluster wait for the others,
// which a grid evaluated one program after the other cannot do. A Cluster
// runs its programs on threads of their own, but one at a time: a program
// runs until it reaches a blk.cluster_reduce, then hands over to the next
// one, so memory accesses stay as sequential as in the rest of the grid.
// The last program to arrive gets every program's values and goes on;
// the others go on, with the same values, when their turn comes again.
//
//===----------------------------------------------------------------------===//

#ifndef LN_LIB_INTERPRETER_CLUSTER_H
#define LN_LIB_INTERPRETER_CLUSTER_H

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

#include <array>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

namespace ln::interpreter {

class Cluster {
public:
  /// The cluster of `size` programs whose first has id `first` (the others
  /// follow along axis 0).
  Cluster(std::array<uint32_t, 3> first, unsigned size);

  /// Runs `program(rank)` for every rank of the cluster, each on its own
  /// thread, one at a time; fails if any program failed or if the programs
  /// did not reach the same blk.cluster_reduce ops (reported there).
  mlir::LogicalResult
  run(llvm::function_ref<mlir::LogicalResult(unsigned rank)> program);

  /// Called by the program of `rank` at `op` with its values: waits for
  /// every program of the cluster to reach `op`, then returns all their
  /// values, by rank. Fails (reporting why) if a program reaches another
  /// op meanwhile or ends without reaching it, or if another program
  /// failed.
  mlir::FailureOr<std::vector<std::vector<uint64_t>>>
  exchange(unsigned rank, mlir::Operation *op, std::vector<uint64_t> values);

private:
  /// Hands the turn to the next program that can run (neither ended nor
  /// waiting for the exchange under way). The lock is held.
  void passTurn(unsigned from);
  /// Stops every program: one failed, or the exchanges cannot complete.
  /// The lock is held.
  void abort();
  /// "program (x, y, z)" of the program of `rank`.
  std::string describe(unsigned rank) const;
  /// The error at `op` (a cluster ends on the first one).
  mlir::InFlightDiagnostic error(mlir::Operation *op, unsigned rank) const;

  std::array<uint32_t, 3> first;
  unsigned size;

  std::mutex mutex;
  std::condition_variable changed;
  unsigned turn = 0;
  bool aborted = false;
  std::vector<bool> ended;
  /// The exchange under way: its op, the programs that reached it and
  /// their values; `round` counts the completed exchanges.
  mlir::Operation *pending = nullptr;
  std::vector<bool> arrived;
  std::vector<std::vector<uint64_t>> contributions;
  unsigned arrivals = 0;
  uint64_t round = 0;
  /// The values of the last completed exchange, by rank.
  std::vector<std::vector<uint64_t>> completed;
};

} // namespace ln::interpreter

#endif // LN_LIB_INTERPRETER_CLUSTER_H
