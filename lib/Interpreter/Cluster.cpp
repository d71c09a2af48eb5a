//===- Cluster.cpp - The programs of a cluster, evaluated together --------===//

#include "Cluster.h"

#include "mlir/IR/Diagnostics.h"

#include <thread>

using namespace mlir;
using namespace ln::interpreter;

Cluster::Cluster(std::array<uint32_t, 3> first, unsigned size)
    : first(first), size(size), ended(size), arrived(size),
      contributions(size) {}

std::string Cluster::describe(unsigned rank) const {
  return "program (" + std::to_string(first[0] + rank) + ", " +
         std::to_string(first[1]) + ", " + std::to_string(first[2]) + ")";
}

InFlightDiagnostic Cluster::error(Operation *op, unsigned rank) const {
  return op->emitError() << describe(rank) << ": '" << op->getName() << "' ";
}

void Cluster::abort() {
  aborted = true;
  changed.notify_all();
}

void Cluster::passTurn(unsigned from) {
  for (unsigned step = 1; step <= size; ++step) {
    unsigned next = (from + step) % size;
    if (!ended[next] && !arrived[next]) {
      turn = next;
      changed.notify_all();
      return;
    }
  }
  // Every program has ended or waits: exchange() and run() report which.
}

FailureOr<std::vector<std::vector<uint64_t>>>
Cluster::exchange(unsigned rank, Operation *op, std::vector<uint64_t> values) {
  std::unique_lock<std::mutex> lock(mutex);
  if (aborted)
    return failure();
  if (pending && pending != op) {
    InFlightDiagnostic diagnostic = error(op, rank);
    diagnostic << "is reached while other programs of the cluster wait at "
                  "another blk.cluster_reduce (every program of a cluster "
                  "must reach the same ones, in the same order)";
    diagnostic.attachNote(pending->getLoc()) << "they wait here";
    abort();
    return failure();
  }
  for (unsigned peer = 0; peer < size; ++peer)
    if (ended[peer]) {
      error(op, rank) << "waits for " << describe(peer)
                      << " of its cluster, which ended without reaching it";
      abort();
      return failure();
    }
  pending = op;
  arrived[rank] = true;
  contributions[rank] = std::move(values);
  if (++arrivals == size) {
    // The last to arrive completes the exchange and goes on.
    completed = std::move(contributions);
    contributions.assign(size, {});
    arrived.assign(size, false);
    arrivals = 0;
    pending = nullptr;
    ++round;
    return completed;
  }
  uint64_t waitingFor = round + 1;
  passTurn(rank);
  changed.wait(lock, [&] {
    return aborted || (round >= waitingFor && turn == rank);
  });
  if (aborted)
    return failure();
  return completed;
}

LogicalResult
Cluster::run(function_ref<LogicalResult(unsigned rank)> program) {
  std::vector<char> results(size, false);
  std::vector<std::thread> threads;
  for (unsigned rank = 0; rank < size; ++rank)
    threads.emplace_back([&, rank] {
      {
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait(lock, [&] { return aborted || turn == rank; });
        if (aborted)
          return;
      }
      // Only the program whose turn it is runs: the others wait above or
      // in exchange().
      bool ok = results[rank] = succeeded(program(rank));
      std::unique_lock<std::mutex> lock(mutex);
      ended[rank] = true;
      if (!ok) {
        abort();
        return;
      }
      if (pending && !aborted) {
        for (unsigned peer = 0; peer < size; ++peer)
          if (arrived[peer]) {
            error(pending, peer) << "waits for " << describe(rank)
                                 << " of its cluster, which ended without "
                                    "reaching it";
            break;
          }
        abort();
        return;
      }
      passTurn(rank);
    });
  for (std::thread &thread : threads)
    thread.join();
  return success(!aborted &&
                 llvm::all_of(results, [](char ok) { return ok; }));
}
