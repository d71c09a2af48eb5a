//===- BlkOps.cpp - blk operations ----------------------------------------===//

#include "ln/Dialect/Blk/IR/BlkOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace ln::blk;

#include "ln/Dialect/Blk/IR/BlkEnums.cpp.inc"

#define GET_OP_CLASSES
#include "ln/Dialect/Blk/IR/BlkOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// Blocks are 1-D or 2-D; the lowering spreads them over a CTA.
static LogicalResult verifyBlockRank(Operation *op, RankedTensorType type) {
  if (type.getRank() < 1 || type.getRank() > 2)
    return op->emitOpError("blocks must have rank 1 or 2, got ") << type;
  return success();
}

/// Static sizes must be positive. They need not be powers of two: the
/// lowering picks a tile of lanes and warps that divides the block.
static LogicalResult verifyPositiveShape(Operation *op, RankedTensorType type) {
  for (int64_t size : type.getShape())
    if (!ShapedType::isDynamic(size) && size < 1)
      return op->emitOpError("block dimensions must be positive, got ") << type;
  return success();
}

static LogicalResult
verifyDynamicSizeCount(Operation *op, RankedTensorType type, size_t numSizes) {
  if (static_cast<int64_t>(numSizes) != type.getNumDynamicDims())
    return op->emitOpError("expects one size operand per dynamic dimension "
                           "of the result (")
           << type.getNumDynamicDims() << "), got " << numSizes;
  return success();
}

/// Blocks of shape `a` and `b` may be combined elementwise.
static LogicalResult verifySameShape(Operation *op, Type a, Type b,
                                     StringRef what) {
  auto ta = dyn_cast<RankedTensorType>(a);
  auto tb = dyn_cast<RankedTensorType>(b);
  if (!ta && !tb)
    return success();
  if (!ta || !tb || failed(verifyCompatibleShape(ta.getShape(), tb.getShape())))
    return op->emitOpError() << what << " must have the shape of the pointer ("
                             << a << "), got " << b;
  return success();
}

//===----------------------------------------------------------------------===//
// ConstexprOp
//===----------------------------------------------------------------------===//

LogicalResult ConstexprOp::verify() {
  if (getName().empty())
    return emitOpError("needs a non-empty parameter name");
  return success();
}

//===----------------------------------------------------------------------===//
// RangeOp
//===----------------------------------------------------------------------===//

LogicalResult RangeOp::verify() {
  RankedTensorType type = getType();
  if (failed(verifyDynamicSizeCount(*this, type, getDynamicSize() ? 1 : 0)))
    return failure();
  int64_t size = type.getDimSize(0);
  if (!ShapedType::isDynamic(size) && size < 1)
    return emitOpError("size must be positive, got ") << size;
  if (!ShapedType::isDynamic(size) &&
      int64_t(getStart()) + size - 1 > std::numeric_limits<int32_t>::max())
    return emitOpError("range [")
           << getStart() << ", " << getStart() + size << ") overflows i32";
  return success();
}

//===----------------------------------------------------------------------===//
// SplatOp
//===----------------------------------------------------------------------===//

LogicalResult SplatOp::verify() {
  RankedTensorType type = getType();
  if (failed(verifyBlockRank(*this, type)) ||
      failed(verifyPositiveShape(*this, type)) ||
      failed(verifyDynamicSizeCount(*this, type, getDynamicSizes().size())))
    return failure();
  if (getValue().getType() != type.getElementType())
    return emitOpError("value type ")
           << getValue().getType() << " does not match the element type of "
           << type;
  return success();
}

OpFoldResult SplatOp::fold(FoldAdaptor adaptor) {
  Attribute value = adaptor.getValue();
  if (!value || !getType().hasStaticShape() ||
      !isa<IntegerAttr, FloatAttr>(value))
    return {};
  return SplatElementsAttr::get(getType(), value);
}

//===----------------------------------------------------------------------===//
// ExpandDimsOp
//===----------------------------------------------------------------------===//

LogicalResult ExpandDimsOp::verify() {
  auto srcType = cast<RankedTensorType>(getSrc().getType());
  auto resultType = cast<RankedTensorType>(getType());
  if (srcType.getRank() != 1)
    return emitOpError("expects a 1-D block, got ") << srcType;
  int32_t axis = getAxis();
  if (axis < 0 || axis > 1)
    return emitOpError("axis ") << axis << " out of range [0, 1]";
  SmallVector<int64_t> expected(srcType.getShape());
  expected.insert(expected.begin() + axis, 1);
  if (resultType.getElementType() != srcType.getElementType() ||
      failed(verifyCompatibleShape(resultType.getShape(), expected)))
    return emitOpError("result type ")
           << resultType << " is not " << srcType << " with a unit dimension "
           << "at axis " << axis;
  return success();
}

namespace {
/// expand_dims/broadcast of a splat is a splat of the result's type: the
/// lowering then needs no data movement for it.
template <typename OpTy> struct ReshapeOfSplat : public OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    auto splat = op.getSrc().template getDefiningOp<SplatOp>();
    auto type = cast<RankedTensorType>(op.getType());
    if (!splat || !type.hasStaticShape())
      return failure();
    rewriter.replaceOpWithNewOp<SplatOp>(op, type, splat.getValue(),
                                         ValueRange());
    return success();
  }
};
} // namespace

void ExpandDimsOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                               MLIRContext *context) {
  patterns.add<ReshapeOfSplat<ExpandDimsOp>>(context);
}

//===----------------------------------------------------------------------===//
// BroadcastOp
//===----------------------------------------------------------------------===//

void BroadcastOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                              MLIRContext *context) {
  patterns.add<ReshapeOfSplat<BroadcastOp>>(context);
}

LogicalResult BroadcastOp::verify() {
  auto srcType = cast<RankedTensorType>(getSrc().getType());
  auto resultType = cast<RankedTensorType>(getType());
  if (failed(verifyBlockRank(*this, resultType)) ||
      failed(verifyPositiveShape(*this, resultType)) ||
      failed(
          verifyDynamicSizeCount(*this, resultType, getDynamicSizes().size())))
    return failure();
  if (srcType.getElementType() != resultType.getElementType())
    return emitOpError("element types differ: ")
           << srcType << " vs " << resultType;
  if (srcType.getRank() != resultType.getRank())
    return emitOpError("cannot broadcast ")
           << srcType << " to " << resultType << " (ranks differ)";
  for (auto [from, to] :
       llvm::zip_equal(srcType.getShape(), resultType.getShape())) {
    if (from == 1 || ShapedType::isDynamic(from) || ShapedType::isDynamic(to) ||
        from == to)
      continue;
    return emitOpError("cannot broadcast dimension of size ")
           << from << " to " << to;
  }
  return success();
}

OpFoldResult BroadcastOp::fold(FoldAdaptor adaptor) {
  if (getSrc().getType() == getType())
    return getSrc();
  if (auto splat = dyn_cast_if_present<SplatElementsAttr>(adaptor.getSrc()))
    if (getType().hasStaticShape())
      return splat.resizeSplat(getType());
  return {};
}

//===----------------------------------------------------------------------===//
// CastOp
//===----------------------------------------------------------------------===//

static bool isNumeric(Type type) {
  return isa<IntegerType, FloatType, TypeVarType>(type);
}

LogicalResult CastOp::verify() {
  Type from = getSrc().getType(), to = getType();
  if (isa<RankedTensorType>(from) != isa<RankedTensorType>(to) ||
      failed(verifyCompatibleShape(from, to)))
    return emitOpError("cannot change the shape: ") << from << " to " << to;
  if (!isNumeric(getElementTypeOrSelf(from)) ||
      !isNumeric(getElementTypeOrSelf(to)))
    return emitOpError("converts between integer and float types only, got ")
           << from << " to " << to;
  return success();
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getSrc().getType() == getType())
    return getSrc();
  return {};
}

//===----------------------------------------------------------------------===//
// AddPtrOp
//===----------------------------------------------------------------------===//

LogicalResult AddPtrOp::verify() {
  Type ptrType = getPtr().getType(), offsetType = getOffset().getType();
  if (isa<RankedTensorType>(ptrType) != isa<RankedTensorType>(offsetType))
    return emitOpError("pointer and offset must both be scalars or both be "
                       "blocks, got ")
           << ptrType << " and " << offsetType;
  return verifySameShape(*this, ptrType, offsetType, "offset");
}

OpFoldResult AddPtrOp::fold(FoldAdaptor adaptor) {
  // ptr + 0 is ptr.
  Attribute offset = adaptor.getOffset();
  if (auto splat = dyn_cast_if_present<SplatElementsAttr>(offset))
    offset = splat.getSplatValue<Attribute>();
  if (auto integer = dyn_cast_if_present<IntegerAttr>(offset))
    if (integer.getValue().isZero())
      return getPtr();
  return {};
}

//===----------------------------------------------------------------------===//
// LoadOp
//===----------------------------------------------------------------------===//

/// The type loaded through `ptrType` and the mask type that goes with it.
static Type loadedType(Type ptrType) {
  auto ptr = cast<PtrType>(getElementTypeOrSelf(ptrType));
  return getTypeWithShapeOf(ptrType, ptr.getPointeeType());
}

static Type maskType(Type ptrType) {
  return getTypeWithShapeOf(ptrType, IntegerType::get(ptrType.getContext(), 1));
}

void LoadOp::build(OpBuilder &builder, OperationState &state, Value ptr,
                   Value mask, Value other) {
  build(builder, state, loadedType(ptr.getType()), ptr, mask, other,
        /*isVolatile=*/false, /*acquireScope=*/MemScopeAttr());
}

LogicalResult LoadOp::verify() {
  Type ptrType = getPtr().getType();
  if (getType() != loadedType(ptrType))
    return emitOpError("result type ")
           << getType() << " must be " << loadedType(ptrType);
  if (getMask() &&
      failed(verifySameShape(*this, ptrType, getMask().getType(), "mask")))
    return failure();
  if (getOther() && !getMask())
    return emitOpError("'other' is only meaningful with a mask");
  if (isOrdered() && isa<RankedTensorType>(ptrType))
    return emitOpError("volatile and acquire loads take a scalar pointer");
  if (getIsVolatile() && getAcquireScope())
    return emitOpError("a load is volatile or acquire, not both");
  if (getOther() && getOther().getType() != getType())
    return emitOpError("'other' must have the loaded type ")
           << getType() << ", got " << getOther().getType();
  return success();
}

void LoadOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  effects.emplace_back(MemoryEffects::Read::get(), &getPtrMutable(),
                       SideEffects::DefaultResource::get());
  // What keeps an ordered load from being merged, dropped or hoisted: as
  // far as transformations know, it may change memory.
  if (isOrdered())
    effects.emplace_back(MemoryEffects::Write::get(),
                         SideEffects::DefaultResource::get());
}

/// `%ptr, ... attr-dict : ptr-type`, the syntax load and store share: the
/// other operands' types follow from the pointer type, in the order
/// `operandTypes` gives them.
static ParseResult
parseAccess(OpAsmParser &parser, OperationState &result, size_t minOperands,
            StringRef expectedOperands,
            function_ref<SmallVector<Type, 3>(Type)> operandTypes,
            Type &ptrType, size_t &numOperands) {
  SmallVector<OpAsmParser::UnresolvedOperand, 3> operands;
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseOperandList(operands) ||
      parser.parseOptionalAttrDict(result.attributes) ||
      parser.parseColonType(ptrType))
    return failure();
  if (operands.size() < minOperands || operands.size() > 3)
    return parser.emitError(loc, "expects ") << expectedOperands;
  if (!isa<PtrType>(getElementTypeOrSelf(ptrType)))
    return parser.emitError(loc, "expects a pointer type, got ") << ptrType;
  SmallVector<Type, 3> types = operandTypes(ptrType);
  types.resize(operands.size());
  numOperands = operands.size();
  return parser.resolveOperands(operands, types, loc, result.operands);
}

ParseResult LoadOp::parse(OpAsmParser &parser, OperationState &result) {
  Builder &builder = parser.getBuilder();
  if (succeeded(parser.parseOptionalKeyword("volatile"))) {
    result.addAttribute(getIsVolatileAttrName(result.name),
                        builder.getUnitAttr());
  } else if (succeeded(parser.parseOptionalKeyword("acquire"))) {
    StringRef scopeName;
    SMLoc at = parser.getCurrentLocation();
    if (parser.parseKeyword(&scopeName))
      return failure();
    std::optional<MemScope> scope = symbolizeMemScope(scopeName);
    if (!scope)
      return parser.emitError(at, "expected a scope (cta, gpu or sys), got '")
             << scopeName << "'";
    result.addAttribute(getAcquireScopeAttrName(result.name),
                        MemScopeAttr::get(builder.getContext(), *scope));
  }
  Type ptrType;
  size_t numOperands;
  if (parseAccess(
          parser, result, 1,
          "a pointer, then optionally a mask and an 'other' value",
          [](Type ptr) -> SmallVector<Type, 3> {
            return {ptr, maskType(ptr), loadedType(ptr)};
          },
          ptrType, numOperands))
    return failure();
  int32_t hasMask = numOperands > 1, hasOther = numOperands > 2;
  result.addAttribute(
      getOperandSegmentSizesAttrName(result.name),
      parser.getBuilder().getDenseI32ArrayAttr({1, hasMask, hasOther}));
  result.addTypes(loadedType(ptrType));
  return success();
}

void LoadOp::print(OpAsmPrinter &printer) {
  if (getIsVolatile())
    printer << " volatile";
  if (std::optional<MemScope> scope = getAcquireScope())
    printer << " acquire " << stringifyMemScope(*scope);
  printer << ' ' << getOperands();
  printer.printOptionalAttrDict((*this)->getAttrs(),
                                {getOperandSegmentSizesAttrName(),
                                 getIsVolatileAttrName(),
                                 getAcquireScopeAttrName()});
  printer << " : " << getPtr().getType();
}

//===----------------------------------------------------------------------===//
// Atomics
//===----------------------------------------------------------------------===//

/// An atomic reads and writes its word; which other accesses it orders is
/// its `sem`'s business, which no transformation may second-guess: like any
/// write, it is never merged, dropped or moved across other memory effects.
static void getAtomicEffects(
    OpOperand &ptr,
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  effects.emplace_back(MemoryEffects::Read::get(), &ptr,
                       SideEffects::DefaultResource::get());
  effects.emplace_back(MemoryEffects::Write::get(), &ptr,
                       SideEffects::DefaultResource::get());
}

void AtomicCasOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  getAtomicEffects(getPtrMutable(), effects);
}

void AtomicXchgOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  getAtomicEffects(getPtrMutable(), effects);
}

//===----------------------------------------------------------------------===//
// StoreOp
//===----------------------------------------------------------------------===//

LogicalResult StoreOp::verify() {
  Type ptrType = getPtr().getType();
  if (getValue().getType() != loadedType(ptrType))
    return emitOpError("stored value must have type ")
           << loadedType(ptrType) << ", got " << getValue().getType();
  if (getMask())
    return verifySameShape(*this, ptrType, getMask().getType(), "mask");
  return success();
}

void StoreOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  effects.emplace_back(MemoryEffects::Write::get(), &getPtrMutable(),
                       SideEffects::DefaultResource::get());
}

ParseResult StoreOp::parse(OpAsmParser &parser, OperationState &result) {
  Type ptrType;
  size_t numOperands;
  return parseAccess(
      parser, result, 2, "a pointer, a value and optionally a mask",
      [](Type ptr) -> SmallVector<Type, 3> {
        return {ptr, loadedType(ptr), maskType(ptr)};
      },
      ptrType, numOperands);
}

void StoreOp::print(OpAsmPrinter &printer) {
  printer << ' ' << getOperands();
  printer.printOptionalAttrDict((*this)->getAttrs());
  printer << " : " << getPtr().getType();
}

//===----------------------------------------------------------------------===//
// ReduceOp
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::verify() {
  if (getSrcs().empty())
    return emitOpError("reduces at least one block");
  if (getResults().size() != getSrcs().size())
    return emitOpError("has ") << getResults().size() << " results for "
                               << getSrcs().size() << " blocks";
  auto firstType = cast<RankedTensorType>(getSrcs().front().getType());
  if (failed(verifyBlockRank(*this, firstType)))
    return failure();
  int32_t axis = getAxis();
  if (axis < 0 || axis >= firstType.getRank())
    return emitOpError("axis ") << axis << " out of range for " << firstType;
  for (auto [src, result] : llvm::zip(getSrcs(), getResults())) {
    auto srcType = cast<RankedTensorType>(src.getType());
    if (failed(verifyCompatibleShape(srcType.getShape(), firstType.getShape())))
      return emitOpError("reduces blocks of one shape, got ")
             << firstType << " and " << srcType;
    Type expected = srcType.getElementType();
    if (srcType.getRank() == 2)
      expected =
          RankedTensorType::get({srcType.getDimSize(1 - axis)}, expected);
    if (failed(verifyCompatibleShape(result.getType(), expected)) ||
        getElementTypeOrSelf(result.getType()) != srcType.getElementType())
      return emitOpError("result type must be ")
             << expected << " when reducing " << srcType << " along axis "
             << axis << ", got " << result.getType();
  }
  return success();
}

/// A combiner (of blk.reduce or blk.cluster_reduce) of values of
/// `elementTypes`: it takes the partial values of one side, then of the
/// other, and yields one value of each type.
static LogicalResult verifyCombiner(Operation *op, Region &combiner,
                                    TypeRange elementTypes) {
  SmallVector<Type> argumentTypes(elementTypes);
  argumentTypes.append(elementTypes.begin(), elementTypes.end());
  Block &body = combiner.front();
  if (!llvm::equal(body.getArgumentTypes(), argumentTypes)) {
    InFlightDiagnostic diagnostic = op->emitOpError("combiner must take ");
    diagnostic << argumentTypes.size() << " arguments of types (";
    llvm::interleaveComma(argumentTypes, diagnostic);
    return diagnostic << ")";
  }
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield)
    return op->emitOpError("combiner must end with blk.yield");
  if (!llvm::equal(yield.getValues().getTypes(), elementTypes)) {
    InFlightDiagnostic diagnostic = yield.emitOpError("must yield (");
    llvm::interleaveComma(elementTypes, diagnostic);
    return diagnostic << "), the element types reduced";
  }
  return success();
}

LogicalResult ReduceOp::verifyRegions() {
  SmallVector<Type> elementTypes;
  for (Value src : getSrcs())
    elementTypes.push_back(getElementTypeOrSelf(src.getType()));
  return verifyCombiner(*this, getCombiner(), elementTypes);
}

//===----------------------------------------------------------------------===//
// ClusterReduceOp
//===----------------------------------------------------------------------===//

LogicalResult ClusterReduceOp::verify() {
  if (getValues().empty())
    return emitOpError("combines at least one value");
  // A combiner runs at every step of a tree, in some threads only: an
  // exchange there would be neither uniform nor once per program.
  Operation *combiner = (*this)->getParentOfType<ReduceOp>();
  if (!combiner)
    combiner = (*this)->getParentOfType<ClusterReduceOp>();
  if (combiner)
    return emitOpError("cannot be inside the combiner of '")
           << combiner->getName() << "'";
  if (getResults().getTypes() != getValues().getTypes())
    return emitOpError("results must have the values' types");
  return success();
}

LogicalResult ClusterReduceOp::verifyRegions() {
  return verifyCombiner(*this, getCombiner(), getValues().getTypes());
}

//===----------------------------------------------------------------------===//
// LocalAllocOp
//===----------------------------------------------------------------------===//

LogicalResult LocalAllocOp::verify() {
  RankedTensorType block = getType().getBlockType();
  if (failed(verifyPositiveShape(*this, block)) ||
      failed(verifyDynamicSizeCount(*this, block, getDynamicSizes().size())))
    return failure();
  // A local block is named by its allocation: it does not flow through
  // selects, branches or loops (which one a load reads would then depend
  // on control flow the lowering and the evaluator would have to follow).
  for (Operation *user : getResult().getUsers())
    if (!isa<LocalStoreOp, LocalLoadOp>(user))
      return emitOpError("is used by blk.local_store and blk.local_load "
                         "only, not by '")
             << user->getName() << "'";
  // One allocation per program for the whole kernel: in a loop or a branch
  // the same storage would stand for several blocks at once.
  if (!isa<FunctionOpInterface>((*this)->getParentOp()))
    return emitOpError("must be at the kernel's top level (not in a loop or "
                       "a branch): its storage is allocated once per "
                       "program");
  return success();
}
