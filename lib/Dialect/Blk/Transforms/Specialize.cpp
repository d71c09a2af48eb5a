//===- Specialize.cpp - Bind compile-time kernel parameters ---------------===//
//
// Kernels are written once, with block sizes as `blk.constexpr` values and
// element types as `!blk.typevar`. This pass binds them, then makes every
// block type static by propagating shapes forward until nothing changes.
//
//===----------------------------------------------------------------------===//

#include "ln/Dialect/Blk/IR/BlkOps.h"
#include "ln/Dialect/Blk/Transforms/Passes.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/ADT/StringSet.h"

namespace ln::blk {
#define GEN_PASS_DEF_BLKSPECIALIZE
#include "ln/Dialect/Blk/Transforms/Passes.h.inc"
} // namespace ln::blk

using namespace mlir;
using namespace ln::blk;

namespace {

//===----------------------------------------------------------------------===//
// Bindings
//===----------------------------------------------------------------------===//

struct Bindings {
  llvm::StringMap<int64_t> integers;
  llvm::StringMap<Type> types;
  llvm::StringSet<> used;
};

LogicalResult parseBindings(ArrayRef<std::string> specs, MLIRContext *context,
                            Location loc, Bindings &bindings) {
  for (StringRef spec : specs) {
    auto [name, value] = spec.split('=');
    name = name.trim();
    value = value.trim();
    if (name.empty() || value.empty())
      return emitError(loc) << "blk-specialize: binding '" << spec
                            << "' is not NAME=VALUE";
    int64_t integer;
    if (!value.getAsInteger(0, integer)) {
      bindings.integers[name] = integer;
      continue;
    }
    Type type = parseType(value, context, nullptr, /*isKnownNullTerminated=*/false);
    if (!type)
      return emitError(loc) << "blk-specialize: value '" << value
                            << "' of binding '" << name
                            << "' is neither an integer nor a type";
    bindings.types[name] = type;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Shape refinement
//===----------------------------------------------------------------------===//

/// Sets `value`'s type, reporting whether it changed.
bool refineType(Value value, Type type) {
  if (value.getType() == type)
    return false;
  value.setType(type);
  return true;
}

/// The more static of two shapes of equal rank.
SmallVector<int64_t> meetShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  SmallVector<int64_t> shape(a);
  for (auto [dim, other] : llvm::zip_equal(shape, b))
    if (ShapedType::isDynamic(dim))
      dim = other;
  return shape;
}

/// The static shape a dynamic result takes from constant size operands, or
/// nothing while some size is not constant yet.
std::optional<SmallVector<int64_t>> shapeFromSizes(RankedTensorType type,
                                                   ValueRange sizes) {
  SmallVector<int64_t> shape(type.getShape());
  auto size = sizes.begin();
  for (int64_t &dim : shape) {
    if (!ShapedType::isDynamic(dim))
      continue;
    APInt value;
    if (!matchPattern(*size++, m_ConstantInt(&value)))
      return std::nullopt;
    dim = value.getSExtValue();
  }
  return shape;
}

/// Replaces an op whose result (a block or a local block) is dynamic only
/// through constant size operands by the same op with a static type and no
/// size operands.
template <typename OpTy>
bool makeSizesStatic(OpTy op, ValueRange sizes, OpBuilder &builder) {
  // The result is a block, or a local block whose block the sizes shape.
  auto local = dyn_cast<LocalType>(op.getType());
  auto type = local ? local.getBlockType()
                    : cast<RankedTensorType>(op.getType());
  if (sizes.empty())
    return false;
  std::optional<SmallVector<int64_t>> shape = shapeFromSizes(type, sizes);
  if (!shape)
    return false;
  builder.setInsertionPoint(op);
  Operation *clone = builder.clone(*op.getOperation());
  RankedTensorType staticType = type.clone(*shape);
  clone->getResult(0).setType(local ? Type(LocalType::get(staticType))
                                    : Type(staticType));
  // Keep only the non-size operands.
  clone->setOperands(0, clone->getNumOperands(),
                     op->getOperands().drop_back(sizes.size()));
  op->replaceAllUsesWith(clone);
  op->erase();
  return true;
}

/// Shapes of elementwise ops follow their operands.
bool refineElementwise(Operation *op) {
  RankedTensorType shape;
  for (Type type : op->getOperandTypes())
    if (auto tensor = dyn_cast<RankedTensorType>(type))
      shape = shape ? shape.clone(meetShapes(shape.getShape(),
                                             tensor.getShape()))
                    : tensor;
  if (!shape)
    return false;
  bool changed = false;
  for (Value result : op->getResults())
    changed |= refineType(
        result, shape.clone(getElementTypeOrSelf(result.getType())));
  return changed;
}

/// One forward sweep over `func`; returns whether any type changed.
bool refineOnce(func::FuncOp func) {
  bool changed = false;
  OpBuilder builder(func.getContext());
  SmallVector<Operation *> ops;
  func.walk([&](Operation *op) { ops.push_back(op); });
  for (Operation *op : ops) {
    if (auto range = dyn_cast<RangeOp>(op)) {
      if (range.getDynamicSize()) {
        APInt size;
        if (matchPattern(range.getDynamicSize(), m_ConstantInt(&size))) {
          builder.setInsertionPoint(range);
          auto staticRange = RangeOp::create(
              builder, range.getLoc(),
              RankedTensorType::get({size.getSExtValue()},
                                    builder.getI32Type()),
              Value(), range.getStartAttr());
          range.replaceAllUsesWith(staticRange.getResult());
          range.erase();
          changed = true;
        }
      }
    } else if (auto splat = dyn_cast<SplatOp>(op)) {
      changed |= makeSizesStatic(splat, splat.getDynamicSizes(), builder);
    } else if (auto broadcast = dyn_cast<BroadcastOp>(op)) {
      changed |=
          makeSizesStatic(broadcast, broadcast.getDynamicSizes(), builder);
    } else if (auto alloc = dyn_cast<LocalAllocOp>(op)) {
      changed |= makeSizesStatic(alloc, alloc.getDynamicSizes(), builder);
    } else if (auto localLoad = dyn_cast<LocalLoadOp>(op)) {
      changed |= refineType(localLoad.getResult(),
                            localLoad.getLocal().getType().getBlockType());
    } else if (auto expand = dyn_cast<ExpandDimsOp>(op)) {
      auto src = cast<RankedTensorType>(expand.getSrc().getType());
      SmallVector<int64_t> shape(src.getShape());
      shape.insert(shape.begin() + expand.getAxis(), 1);
      changed |= refineType(expand.getResult(), src.clone(shape));
    } else if (auto addptr = dyn_cast<AddPtrOp>(op)) {
      Type ptrType = addptr.getPtr().getType();
      if (auto ptrs = dyn_cast<RankedTensorType>(ptrType)) {
        auto offsets = cast<RankedTensorType>(addptr.getOffset().getType());
        ptrType = ptrs.clone(meetShapes(ptrs.getShape(), offsets.getShape()));
      }
      changed |= refineType(addptr.getResult(), ptrType);
    } else if (auto load = dyn_cast<LoadOp>(op)) {
      auto ptr = cast<PtrType>(getElementTypeOrSelf(load.getPtr().getType()));
      changed |= refineType(load.getResult(),
                            getTypeWithShapeOf(load.getPtr().getType(),
                                               ptr.getPointeeType()));
    } else if (auto reduce = dyn_cast<ReduceOp>(op)) {
      for (auto [srcValue, resultValue] :
           llvm::zip_equal(reduce.getSrcs(), reduce.getResults())) {
        auto src = cast<RankedTensorType>(srcValue.getType());
        Type result = src.getElementType();
        if (src.getRank() == 2)
          result = RankedTensorType::get(
              {src.getDimSize(1 - reduce.getAxis())}, result);
        changed |= refineType(resultValue, result);
      }
    } else if (isa<CastOp>(op) || op->hasTrait<OpTrait::Elementwise>()) {
      changed |= refineElementwise(op);
    } else if (auto forOp = dyn_cast<scf::ForOp>(op)) {
      for (auto [init, arg, result] :
           llvm::zip_equal(forOp.getInitArgs(), forOp.getRegionIterArgs(),
                           forOp.getResults())) {
        changed |= refineType(arg, init.getType());
        changed |= refineType(result, init.getType());
      }
    } else if (auto ifOp = dyn_cast<scf::IfOp>(op)) {
      if (ifOp.getNumResults() != 0)
        for (auto [yielded, result] :
             llvm::zip_equal(ifOp.thenYield().getOperands(), ifOp.getResults()))
          changed |= refineType(result, yielded.getType());
    } else if (auto whileOp = dyn_cast<scf::WhileOp>(op)) {
      for (auto [init, arg] :
           llvm::zip_equal(whileOp.getInits(), whileOp.getBeforeArguments()))
        changed |= refineType(arg, init.getType());
      scf::ConditionOp condition = whileOp.getConditionOp();
      for (auto [forwarded, arg, result] :
           llvm::zip_equal(condition.getArgs(), whileOp.getAfterArguments(),
                           whileOp.getResults())) {
        changed |= refineType(arg, forwarded.getType());
        changed |= refineType(result, forwarded.getType());
      }
    }
  }
  return changed;
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

/// A kernel argument's known divisibility (`divisibility=INDEX:VALUE`).
struct ArgumentDivisibility {
  unsigned index;
  int64_t value;
};

/// Parses `divisibility` entries; an error on `loc` names a malformed one.
LogicalResult parseDivisibility(ArrayRef<std::string> entries, Location loc,
                                SmallVectorImpl<ArgumentDivisibility> &out) {
  for (StringRef entry : entries) {
    auto [index, value] = entry.split(':');
    ArgumentDivisibility parsed;
    if (index.trim().getAsInteger(10, parsed.index) ||
        value.trim().getAsInteger(10, parsed.value) || parsed.value < 1 ||
        parsed.value > (int64_t(1) << 30) ||
        !llvm::isPowerOf2_64(parsed.value))
      return emitError(loc) << "blk-specialize: divisibility '" << entry
                            << "' is not INDEX:VALUE with VALUE a power of "
                               "two (at most 2^30)";
    out.push_back(parsed);
  }
  return success();
}

LogicalResult specializeKernel(func::FuncOp func, Bindings &bindings,
                               int numWarps, int minProgramsPerSM,
                               int clusterSize,
                               ArrayRef<unsigned> divisible,
                               ArrayRef<ArgumentDivisibility> divisibility) {
  MLIRContext *context = func.getContext();

  // Element types.
  bool unboundType = false;
  AttrTypeReplacer replacer;
  replacer.addReplacement([&](TypeVarType var) -> std::optional<Type> {
    auto it = bindings.types.find(var.getName());
    if (it == bindings.types.end()) {
      if (!unboundType)
        func.emitError() << "type parameter '" << var.getName()
                         << "' has no binding; pass bind=" << var.getName()
                         << "=<type>";
      unboundType = true;
      return std::nullopt;
    }
    bindings.used.insert(var.getName());
    return it->second;
  });
  replacer.recursivelyReplaceElementsIn(func, /*replaceAttrs=*/true,
                                        /*replaceLocs=*/false,
                                        /*replaceTypes=*/true);
  if (unboundType)
    return failure();

  // Integer parameters.
  WalkResult walk = func.walk([&](ConstexprOp op) {
    auto it = bindings.integers.find(op.getName());
    if (it == bindings.integers.end()) {
      op.emitError() << "constexpr '" << op.getName()
                     << "' has no binding; pass bind=" << op.getName()
                     << "=<integer>";
      return WalkResult::interrupt();
    }
    bindings.used.insert(op.getName());
    auto type = cast<IntegerType>(op.getType());
    if (!llvm::isIntN(type.getWidth(), it->second)) {
      op.emitError() << "binding " << op.getName() << "=" << it->second
                     << " does not fit in " << type;
      return WalkResult::interrupt();
    }
    OpBuilder builder(op);
    Value constant = arith::ConstantIntOp::create(builder, op.getLoc(), type,
                                                  it->second);
    op.replaceAllUsesWith(constant);
    op.erase();
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();

  // Fold the size computations, then make shapes static; refinement exposes
  // new constants (broadcast of splat...) so alternate until stable.
  RewritePatternSet patterns(context);
  for (Dialect *dialect : context->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : context->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, context);
  FrozenRewritePatternSet frozen(std::move(patterns));
  do {
    (void)applyPatternsGreedily(func, frozen);
  } while (refineOnce(func));

  WalkResult dynamic = func.walk([&](Operation *op) {
    for (Type type : op->getResultTypes())
      if (auto tensor = dyn_cast<RankedTensorType>(
              isa<LocalType>(type) ? cast<LocalType>(type).getBlockType()
                                   : type))
        if (!tensor.hasStaticShape()) {
          op->emitError() << "block type " << type
                          << " is still dynamic after specialization; are "
                             "its sizes blk.constexpr values?";
          return WalkResult::interrupt();
        }
    return WalkResult::advance();
  });
  if (dynamic.wasInterrupted())
    return failure();

  Builder builder(context);
  func->setAttr("blk.num_warps", builder.getI32IntegerAttr(numWarps));
  if (minProgramsPerSM > 0)
    func->setAttr("blk.min_programs_per_sm",
                  builder.getI32IntegerAttr(minProgramsPerSM));
  if (clusterSize > 0)
    func->setAttr("blk.cluster_size", builder.getI32IntegerAttr(clusterSize));
  // Divisibility means something for integers and pointers only.
  auto checkArgument = [&](StringRef option, unsigned index) -> LogicalResult {
    if (index >= func.getNumArguments())
      return func.emitError() << option << " names argument #" << index
                              << " but the kernel has "
                              << func.getNumArguments();
    Type type = func.getArgument(index).getType();
    if (!isa<IntegerType, PtrType>(type))
      return func.emitError() << option << " names argument #" << index
                              << " of type " << type
                              << ", neither an integer nor a pointer";
    return success();
  };
  for (unsigned index : divisible) {
    if (failed(checkArgument("divisible-by-16", index)))
      return failure();
    func.setArgAttr(index, "blk.divisibility", builder.getI32IntegerAttr(16));
  }
  llvm::SmallDenseSet<unsigned> named;
  for (ArgumentDivisibility argument : divisibility) {
    if (failed(checkArgument("divisibility", argument.index)))
      return failure();
    if (!named.insert(argument.index).second)
      return func.emitError() << "divisibility names argument #"
                              << argument.index << " twice";
    func.setArgAttr(argument.index, "blk.divisibility",
                    builder.getI32IntegerAttr(argument.value));
  }
  return verify(func);
}

struct BlkSpecializePass
    : public ln::blk::impl::BlkSpecializeBase<BlkSpecializePass> {
  using BlkSpecializeBase::BlkSpecializeBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (numWarps < 1 || numWarps > 32) {
      module.emitError() << "blk-specialize: num-warps must be in [1, 32], "
                            "got "
                         << static_cast<int>(numWarps);
      return signalPassFailure();
    }
    if (minProgramsPerSM < 0 || minProgramsPerSM > 32) {
      module.emitError() << "blk-specialize: min-programs-per-sm must be in "
                            "[0, 32], got "
                         << static_cast<int>(minProgramsPerSM);
      return signalPassFailure();
    }
    // 8 is the cluster size every sm_90 part launches (larger ones are
    // "non-portable" and may not fit); a power of two divides the grids
    // the runtime launches.
    if (clusterSize != 0 && (clusterSize < 0 || clusterSize > 8 ||
                             !llvm::isPowerOf2_32(clusterSize))) {
      module.emitError() << "blk-specialize: cluster-size must be 0 (no "
                            "clusters) or a power of two up to 8, got "
                         << static_cast<int>(clusterSize);
      return signalPassFailure();
    }
    Bindings parsed;
    if (failed(parseBindings(bindings, &getContext(), module.getLoc(), parsed)))
      return signalPassFailure();
    SmallVector<ArgumentDivisibility> parsedDivisibility;
    if (failed(parseDivisibility(divisibility, module.getLoc(),
                                 parsedDivisibility)))
      return signalPassFailure();

    bool found = false;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (!kernel.empty() && func.getSymName() != kernel)
        continue;
      found = true;
      if (failed(specializeKernel(func, parsed, numWarps, minProgramsPerSM, clusterSize,
                                  divisibleBy16, parsedDivisibility)))
        return signalPassFailure();
    }
    if (!kernel.empty() && !found) {
      module.emitError() << "blk-specialize: no kernel named '" << kernel
                         << "'";
      return signalPassFailure();
    }
    auto reportUnused = [&](StringRef name) {
      if (!parsed.used.contains(name)) {
        module.emitError() << "blk-specialize: binding '" << name
                           << "' names no blk.constexpr or !blk.typevar";
        signalPassFailure();
      }
    };
    for (auto &entry : parsed.integers)
      reportUnused(entry.getKey());
    for (auto &entry : parsed.types)
      reportUnused(entry.getKey());
  }
};

} // namespace
