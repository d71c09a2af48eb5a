//===- PrefetchLoads.cpp - Issue a loop's loads one iteration ahead -------===//
//
// A loop whose iterations each load, reduce and store leaves memory idle
// while an iteration reduces. This pass gives each `scf.for` one stage of
// software pipelining: the loads of iteration i + 1 are issued at the top
// of iteration i, carried to it as loop values, and the first iteration's
// are issued before the loop. What a load may be moved across decides
// which loads qualify (the pass's description in Passes.td has the rules).
//
//===----------------------------------------------------------------------===//

#include "ln/Dialect/Blk/IR/BlkOps.h"
#include "ln/Dialect/Blk/Transforms/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

namespace ln::blk {
#define GEN_PASS_DEF_BLKPREFETCHLOADS
#include "ln/Dialect/Blk/Transforms/Passes.h.inc"
} // namespace ln::blk

using namespace mlir;
using namespace ln::blk;

namespace {

/// The kernel argument attribute that promises no other pointer argument
/// reaches the memory this one does (LLVM's noalias, C's restrict).
constexpr llvm::StringLiteral kNoAliasAttrName = "blk.noalias";

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
    } else if (isa<BarrierOp, AtomicCasOp, AtomicXchgOp>(op)) {
      memory.synchronizes = true;
    } else if (!op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() &&
               !isMemoryEffectFree(op)) {
      memory.synchronizes = true;
    }
  });
  return memory;
}

/// Ops whose result on the next iteration's values could be undefined
/// behaviour where the iteration does not exist (a division by zero).
bool mayHaveUndefinedBehavior(Operation *op) {
  return isa<arith::DivSIOp, arith::DivUIOp, arith::RemSIOp, arith::RemUIOp,
             arith::CeilDivSIOp, arith::CeilDivUIOp, arith::FloorDivSIOp>(op);
}

/// Adds to `slice` the ops of the loop's body that `value` is computed
/// from; false if it depends on a loop-carried value, on an op with memory
/// effects or regions, or on one that may divide by zero.
bool collectSlice(Value value, scf::ForOp loop,
                  llvm::SetVector<Operation *> &slice) {
  Block *body = loop.getBody();
  if (auto argument = dyn_cast<BlockArgument>(value)) {
    if (argument.getOwner() != body)
      return !loop->isAncestor(argument.getOwner()->getParentOp());
    return argument == loop.getInductionVar();
  }
  Operation *def = value.getDefiningOp();
  if (!loop->isAncestor(def))
    return true;
  if (def->getBlock() != body || def->getNumRegions() != 0 ||
      !isMemoryEffectFree(def) || mayHaveUndefinedBehavior(def))
    return false;
  if (slice.contains(def))
    return true;
  for (Value operand : def->getOperands())
    if (!collectSlice(operand, loop, slice))
      return false;
  slice.insert(def);
  return true;
}

/// Whether `op`, of a slice `collectSlice` accepted, reads the induction
/// variable, directly or through the slice's other ops.
bool usesInductionVariable(Operation *op, scf::ForOp loop,
                           llvm::DenseMap<Operation *, bool> &uses) {
  auto [it, inserted] = uses.try_emplace(op, false);
  if (!inserted)
    return it->second;
  bool result = llvm::any_of(op->getOperands(), [&](Value operand) {
    if (operand == loop.getInductionVar())
      return true;
    Operation *def = operand.getDefiningOp();
    return def && def->getBlock() == loop.getBody() &&
           usesInductionVariable(def, loop, uses);
  });
  uses[op] = result;
  return result;
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
/// each load masked off unless `exists`.
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
    auto early =
        LoadOp::create(builder, loc, ptr,
                       combineMask(builder, loc, load, mask, exists), other);
    values.push_back(early.getResult());
  }
  return values;
}

void prefetch(scf::ForOp loop) {
  LoopMemory memory = analyzeMemory(loop);
  if (memory.synchronizes)
    return;
  SmallVector<LoadOp> loads;
  llvm::SetVector<Operation *> slice;
  llvm::DenseMap<Operation *, bool> usesOfInductionVariable;
  for (auto load : loop.getBody()->getOps<LoadOp>()) {
    auto type = dyn_cast<RankedTensorType>(load.getType());
    if (load.isOrdered() || (type && !type.hasStaticShape()) ||
        !mayMoveAcrossStores(load, memory))
      continue;
    // A load of the same address in every iteration is left where the
    // kernel put it: moving it ahead would only hold its value longer (the
    // kernels reload W and B each row to spare those registers).
    llvm::SetVector<Operation *> loadSlice = slice;
    if (!llvm::all_of(load->getOperands(),
                      [&](Value operand) {
                        return collectSlice(operand, loop, loadSlice);
                      }) ||
        !usesInductionVariable(load, loop, usesOfInductionVariable))
      continue;
    slice = std::move(loadSlice);
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

  // The first iteration's loads, before the loop: masked off when the loop
  // runs no iteration.
  Location loc = loop.getLoc();
  OpBuilder builder(loop);
  Value lowerBound = loop.getLowerBound(), upperBound = loop.getUpperBound(),
        step = loop.getStep();
  Value runs =
      arith::CmpIOp::create(builder, loc,
                            loop.getUnsignedCmp() ? arith::CmpIPredicate::ult
                                                  : arith::CmpIPredicate::slt,
                            lowerBound, upperBound);
  IRMapping first;
  first.map(loop.getInductionVar(), lowerBound);
  SmallVector<Value> firstValues =
      cloneLoads(builder, loc, orderedSlice, loads, first, runs);

  // In the loop, the next iteration's loads first. It exists when
  // upper - iv > step: exact in unsigned arithmetic, as iv < upper here,
  // where iv + step could overflow.
  IRRewriter rewriter(loop->getContext());
  rewriter.setInsertionPoint(loop);
  auto newYields = [&](OpBuilder &b, Location yieldLoc,
                       ArrayRef<BlockArgument>) -> SmallVector<Value> {
    Block *body = b.getInsertionBlock();
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(body);
    Value iv = body->getArgument(0);
    Value next = arith::AddIOp::create(b, yieldLoc, iv, step);
    Value left = arith::SubIOp::create(b, yieldLoc, upperBound, iv);
    Value exists = arith::CmpIOp::create(b, yieldLoc, arith::CmpIPredicate::ugt,
                                         left, step);
    // The body is the new loop's now: its ops use the new induction
    // variable.
    IRMapping following;
    following.map(iv, next);
    return cloneLoads(b, yieldLoc, orderedSlice, loads, following, exists);
  };
  FailureOr<LoopLikeOpInterface> replaced = loop.replaceWithAdditionalYields(
      rewriter, firstValues, /*replaceInitOperandUsesInLoop=*/false, newYields);
  if (failed(replaced))
    return;
  auto newLoop = cast<scf::ForOp>(replaced->getOperation());
  ArrayRef<BlockArgument> carried =
      newLoop.getRegionIterArgs().take_back(loads.size());
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
  void runOnOperation() override {
    // Innermost loops first: an outer loop then sees the inner ones as
    // they will run.
    SmallVector<scf::ForOp> loops;
    getOperation()->walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops)
      prefetch(loop);
  }
};

} // namespace
