//===- PrefetchLoads.cpp - Issue a loop's loads iterations ahead ----------===//
//
// A loop whose iterations each load, reduce and store leaves memory idle
// while an iteration reduces. This pass gives each `scf.for` stages of
// software pipelining: the loads of iteration i + d (d = 1 by default,
// the pass's `distance`) are issued at the top of iteration i, carried to
// it as loop values, and the first d iterations' are issued before the
// loop. What a load may be moved across decides
// which loads qualify (the pass's description in Passes.td has the rules).
//
// The copies compute nothing undefined. Where a load's address arithmetic
// is defined for every operand (wrapping integer arithmetic, comparisons,
// pointer arithmetic, shapes), the copy before the loop is computed for
// the lower bound and the one in the loop for iv + step, whether or not
// those iterations run; their loads are masked off where they do not.
// Where it may shift or divide, it is defined only for the iterations that
// run: in the loop the copy is computed for the next iteration where there
// is one and for the current one otherwise (its load then masked off), and
// before the loop it is computed only if the loop runs. The first form is
// what a hand-written prefetch does, and it needs fewer registers: the
// conditional first load costs a 64-register kernel a spill.
//
//===----------------------------------------------------------------------===//

#include "ln/Dialect/Blk/IR/BlkOps.h"
#include "ln/Dialect/Blk/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"

namespace ln::blk {
#define GEN_PASS_DEF_BLKPREFETCHLOADS
#include "ln/Dialect/Blk/Transforms/Passes.h.inc"
} // namespace ln::blk

using namespace mlir;
using namespace ln::blk;

namespace {

/// The kernel argument a pointer, or a block of pointers, is computed from
/// (through addptr, splat, expand_dims and broadcast), or null when it
/// comes from anything else.
BlockArgument getRootArgument(Value pointer) {
  while (Operation *def = pointer.getDefiningOp()) {
    if (auto addptr = dyn_cast<AddPtrOp>(def))
      pointer = addptr.getPtr();
    else if (auto splat = dyn_cast<SplatOp>(def))
      pointer = splat.getValue();
    else if (auto expand = dyn_cast<ExpandDimsOp>(def))
      pointer = expand.getSrc();
    else if (auto broadcast = dyn_cast<BroadcastOp>(def))
      pointer = broadcast.getSrc();
    else
      return {};
  }
  auto argument = cast<BlockArgument>(pointer);
  Operation *owner = argument.getOwner()->getParentOp();
  if (!isa<FunctionOpInterface>(owner) || !argument.getOwner()->isEntryBlock())
    return {};
  return argument;
}

bool isNoAlias(BlockArgument argument) {
  auto function = cast<FunctionOpInterface>(argument.getOwner()->getParentOp());
  return static_cast<bool>(
      function.getArgAttr(argument.getArgNumber(), kNoAliasAttrName));
}

/// What the loop's body does to memory, nested regions included.
struct LoopMemory {
  /// A barrier, an atomic, an ordered load or an op whose effects are not
  /// known: no load is moved across an iteration of such a loop.
  bool synchronizes = false;
  /// The pointers of the body's stores.
  SmallVector<Value> storedPointers;
};

LoopMemory analyzeMemory(scf::ForOp loop) {
  LoopMemory memory;
  loop.getBody()->walk([&](Operation *op) {
    if (auto load = dyn_cast<LoadOp>(op)) {
      memory.synchronizes |= load.isOrdered();
    } else if (auto store = dyn_cast<StoreOp>(op)) {
      memory.storedPointers.push_back(store.getPtr());
    } else if (isa<LocalAllocOp, LocalLoadOp, LocalStoreOp>(op)) {
      // The program's own shared memory: never what a load reads.
    } else if (isa<BarrierOp, AtomicCasOp, AtomicXchgOp>(op)) {
      memory.synchronizes = true;
    } else if (!op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() &&
               !isMemoryEffectFree(op)) {
      memory.synchronizes = true;
    }
  });
  return memory;
}

/// The ops of the loop's body that `load`'s operands are computed from
/// (an iterative walk: a chain of ops is not a recursion), and whether
/// they reach the induction variable; failure if they depend on a
/// loop-carried value, on an op with memory effects or regions, or on an
/// op nested in the body.
FailureOr<llvm::SetVector<Operation *>>
collectSlice(LoadOp load, scf::ForOp loop, bool &usesInductionVariable) {
  Block *body = loop.getBody();
  llvm::SetVector<Operation *> slice;
  llvm::DenseSet<Value> seen;
  SmallVector<Value> worklist(load->getOperands());
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    if (!seen.insert(value).second)
      continue;
    if (auto argument = dyn_cast<BlockArgument>(value)) {
      if (argument.getOwner() != body) {
        if (loop->isAncestor(argument.getOwner()->getParentOp()))
          return failure();
        continue;
      }
      if (argument != loop.getInductionVar())
        return failure();
      usesInductionVariable = true;
      continue;
    }
    Operation *def = value.getDefiningOp();
    if (!loop->isAncestor(def))
      continue;
    if (def->getBlock() != body || def->getNumRegions() != 0 ||
        !isMemoryEffectFree(def))
      return failure();
    if (slice.insert(def))
      worklist.append(def->operand_begin(), def->operand_end());
  }
  return slice;
}

/// Whether `load` may run one iteration early: across every store of the
/// loop, none of which may write what it reads.
bool mayMoveAcrossStores(LoadOp load, const LoopMemory &memory) {
  if (memory.storedPointers.empty())
    return true;
  BlockArgument source = getRootArgument(load.getPtr());
  if (!source || !isNoAlias(source))
    return false;
  for (Value stored : memory.storedPointers) {
    BlockArgument target = getRootArgument(stored);
    if (!target || target == source || !isNoAlias(target))
      return false;
  }
  return true;
}

/// Whether `op` is defined for every operand under blk's semantics
/// (docs/semantics.md): integers wrap and pointer arithmetic never traps,
/// but a shift by the width or more and a division by zero are undefined,
/// and so is any op this list does not name. Arithmetic that promises no
/// signed or unsigned overflow (`overflow<nsw>`, `overflow<nuw>`) is
/// poison where it does overflow, which an iteration that does not run
/// may: not total. Nor is an op of dynamic shape (before blk-specialize).
bool isTotal(Operation *op) {
  if (!isa<arith::ConstantOp, arith::AddIOp, arith::SubIOp, arith::MulIOp,
           arith::AndIOp, arith::OrIOp, arith::XOrIOp, arith::ExtSIOp,
           arith::ExtUIOp, arith::TruncIOp, arith::CmpIOp, arith::SelectOp,
           arith::MinSIOp, arith::MaxSIOp, arith::MinUIOp, arith::MaxUIOp,
           ConstexprOp, ProgramIdOp, NumProgramsOp, RangeOp, SplatOp,
           ExpandDimsOp, BroadcastOp, AddPtrOp>(op))
    return false;
  if (auto flags = dyn_cast<arith::ArithIntegerOverflowFlagsInterface>(op))
    if (flags.getOverflowAttr().getValue() != arith::IntegerOverflowFlags::none)
      return false;
  return llvm::all_of(op->getResultTypes(), [](Type type) {
    auto shaped = dyn_cast<ShapedType>(type);
    return !shaped || shaped.hasStaticShape();
  });
}

/// `mask` (null: none) and `condition` (i1), in the load's mask type.
Value combineMask(OpBuilder &builder, Location loc, LoadOp load, Value mask,
                  Value condition) {
  if (auto type = dyn_cast<RankedTensorType>(load.getType()))
    condition = SplatOp::create(
        builder, loc,
        RankedTensorType::get(type.getShape(), builder.getI1Type()), condition,
        ValueRange());
  return mask ? arith::AndIOp::create(builder, loc, mask, condition).getResult()
              : condition;
}

/// Clones `slice` (in order) and `loads` where the builder stands, with
/// `mapping` (the induction variable mapped to the iteration's value),
/// each load masked off unless `exists` (null: as the original is).
SmallVector<Value> cloneLoads(OpBuilder &builder, Location loc,
                              ArrayRef<Operation *> slice,
                              ArrayRef<LoadOp> loads, IRMapping &mapping,
                              Value exists) {
  for (Operation *op : slice)
    builder.clone(*op, mapping);
  SmallVector<Value> values;
  for (LoadOp load : loads) {
    // Operands defined outside the loop are not in the mapping.
    Value ptr = mapping.lookupOrDefault(load.getPtr());
    Value mask =
        load.getMask() ? mapping.lookupOrDefault(load.getMask()) : Value();
    Value other =
        load.getOther() ? mapping.lookupOrDefault(load.getOther()) : Value();
    if (exists)
      mask = combineMask(builder, loc, load, mask, exists);
    auto early = LoadOp::create(builder, loc, ptr, mask, other);
    values.push_back(early.getResult());
  }
  return values;
}

/// Issues the qualifying loads of `loop` `distance` iterations ahead (one
/// where their address arithmetic is not total).
void prefetch(scf::ForOp loop, unsigned distance) {
  LoopMemory memory = analyzeMemory(loop);
  if (memory.synchronizes)
    return;
  Builder types(loop->getContext());
  SmallVector<LoadOp> loads;
  llvm::SetVector<Operation *> slice;
  for (auto load : loop.getBody()->getOps<LoadOp>()) {
    auto type = dyn_cast<RankedTensorType>(load.getType());
    // Before the loop a load needs a stand-in value for loops that run no
    // iteration: a zero of its type (pointers have none).
    // (An ordered load in the body made analyzeMemory refuse the loop.)
    if ((type && !type.hasStaticShape()) ||
        !types.getZeroAttr(load.getType()) ||
        !mayMoveAcrossStores(load, memory))
      continue;
    // A load of the same address in every iteration is left where the
    // kernel put it: moving it ahead would only hold its value longer (the
    // kernels reload W and B each row to spare those registers).
    bool usesInductionVariable = false;
    FailureOr<llvm::SetVector<Operation *>> loadSlice =
        collectSlice(load, loop, usesInductionVariable);
    if (failed(loadSlice) || !usesInductionVariable)
      continue;
    slice.insert(loadSlice->begin(), loadSlice->end());
    loads.push_back(load);
  }
  if (loads.empty())
    return;
  // The slice in the body's order, so that each op's operands are cloned
  // before it.
  SmallVector<Operation *> orderedSlice;
  for (Operation &op : *loop.getBody())
    if (slice.contains(&op))
      orderedSlice.push_back(&op);

  // Address arithmetic defined for every operand may be computed for an
  // iteration that does not run; other arithmetic only for the iterations
  // that do, which reaches one iteration ahead.
  bool total = llvm::all_of(orderedSlice, isTotal);
  if (!total)
    distance = 1;

  // The first iteration's loads, before the loop, masked off or not issued
  // where the loop runs no iteration.
  Location loc = loop.getLoc();
  OpBuilder builder(loop);
  Value lowerBound = loop.getLowerBound(), upperBound = loop.getUpperBound(),
        step = loop.getStep();
  Value runs =
      arith::CmpIOp::create(builder, loc,
                            loop.getUnsignedCmp() ? arith::CmpIPredicate::ult
                                                  : arith::CmpIPredicate::slt,
                            lowerBound, upperBound);
  IRMapping atLowerBound;
  atLowerBound.map(loop.getInductionVar(), lowerBound);
  SmallVector<Value> firstValues;
  if (total) {
    firstValues = cloneLoads(builder, loc, orderedSlice, loads, atLowerBound,
                             /*exists=*/runs);
    // The next distance - 1 iterations' loads, stage after stage: iteration
    // lower + k * step exists where the one before it does and
    // upper - lower - (k - 1) * step >u step.
    Value at = lowerBound, exists = runs, left;
    for (unsigned stage = 1; stage < distance; ++stage) {
      at = arith::AddIOp::create(builder, loc, at, step);
      left = stage == 1
                 ? arith::SubIOp::create(builder, loc, upperBound, lowerBound)
                 : arith::SubIOp::create(builder, loc, left, step);
      exists = arith::AndIOp::create(
          builder, loc, exists,
          arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::ugt, left,
                                step));
      IRMapping ahead;
      ahead.map(loop.getInductionVar(), at);
      llvm::append_range(firstValues, cloneLoads(builder, loc, orderedSlice,
                                                 loads, ahead, exists));
    }
  } else {
    // Computed only if the loop runs: its address arithmetic is then what
    // the first iteration computes. A zero stands in otherwise.
    auto first = scf::IfOp::create(
        builder, loc, runs,
        [&](OpBuilder &b, Location thenLoc) {
          scf::YieldOp::create(b, thenLoc,
                               cloneLoads(b, thenLoc, orderedSlice, loads,
                                          atLowerBound, /*exists=*/Value()));
        },
        [&](OpBuilder &b, Location elseLoc) {
          SmallVector<Value> zeros;
          for (LoadOp load : loads)
            zeros.push_back(arith::ConstantOp::create(
                b, elseLoc, cast<TypedAttr>(b.getZeroAttr(load.getType()))));
          scf::YieldOp::create(b, elseLoc, zeros);
        });
    firstValues = first.getResults();
  }

  // In the loop, the loads of iteration iv + distance * step first. The
  // next iteration exists when upper - iv > step: exact in unsigned
  // arithmetic, as iv < upper here, where iv + step could overflow; each
  // further one when what is left after the ones before is still more
  // than a step. Where it does not exist, its loads are masked off, and
  // arithmetic that is not total (one iteration ahead) computes the
  // current iteration's addresses instead (defined: the body computes
  // them). The values loaded earlier move down one place: those of
  // iteration iv + step are the next iteration's first.
  IRRewriter rewriter(loop->getContext());
  rewriter.setInsertionPoint(loop);
  size_t count = loads.size();
  auto newYields = [&](OpBuilder &b, Location yieldLoc,
                       ArrayRef<BlockArgument> carried) -> SmallVector<Value> {
    Block *body = b.getInsertionBlock();
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(body);
    Value iv = body->getArgument(0);
    Value next = arith::AddIOp::create(b, yieldLoc, iv, step);
    Value left = arith::SubIOp::create(b, yieldLoc, upperBound, iv);
    Value exists = arith::CmpIOp::create(b, yieldLoc, arith::CmpIPredicate::ugt,
                                         left, step);
    Value at = total ? next
                     : arith::SelectOp::create(b, yieldLoc, exists, next, iv)
                           .getResult();
    for (unsigned stage = 1; stage < distance; ++stage) {
      left = arith::SubIOp::create(b, yieldLoc, left, step);
      exists = arith::AndIOp::create(
          b, yieldLoc, exists,
          arith::CmpIOp::create(b, yieldLoc, arith::CmpIPredicate::ugt, left,
                                step));
      at = arith::AddIOp::create(b, yieldLoc, at, step);
    }
    // The copies use the body's induction variable: moved into the new
    // loop, the body has the new loop's in its place.
    IRMapping following;
    following.map(iv, at);
    SmallVector<Value> yields(carried.drop_front(count).begin(),
                              carried.end());
    llvm::append_range(yields, cloneLoads(b, yieldLoc, orderedSlice, loads,
                                          following, exists));
    return yields;
  };
  FailureOr<LoopLikeOpInterface> replaced = loop.replaceWithAdditionalYields(
      rewriter, firstValues, /*replaceInitOperandUsesInLoop=*/false, newYields);
  // scf.for always takes more yields (the interface may fail for loops of
  // other kinds).
  assert(succeeded(replaced) && "scf.for refused additional yields");
  auto newLoop = cast<scf::ForOp>(replaced->getOperation());
  ArrayRef<BlockArgument> carried =
      newLoop.getRegionIterArgs().take_back(count * distance).take_front(
          count);
  for (auto [load, value] : llvm::zip_equal(loads, carried)) {
    rewriter.replaceAllUsesWith(load.getResult(), value);
    rewriter.eraseOp(load);
  }
  // The address computations only the moved loads used.
  for (Operation *op : llvm::reverse(orderedSlice))
    if (op->use_empty())
      rewriter.eraseOp(op);
}

struct BlkPrefetchLoadsPass
    : public ln::blk::impl::BlkPrefetchLoadsBase<BlkPrefetchLoadsPass> {
  using BlkPrefetchLoadsBase::BlkPrefetchLoadsBase;

  void runOnOperation() override {
    // Innermost loops first: an outer loop then sees the inner ones as
    // they will run.
    SmallVector<scf::ForOp> loops;
    getOperation()->walk([&](scf::ForOp loop) { loops.push_back(loop); });
    if (distance == 0) {
      // Reported at the operation's location without printing it.
      emitError(getOperation()->getLoc(),
                "blk-prefetch-loads: distance must be at least 1");
      return signalPassFailure();
    }
    for (scf::ForOp loop : loops)
      prefetch(loop, distance);
  }
};

} // namespace
