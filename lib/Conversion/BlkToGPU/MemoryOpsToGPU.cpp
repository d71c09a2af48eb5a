//===- MemoryOpsToGPU.cpp - addptr, load, store ---------------------------===//
//
// Global accesses are emitted as inline PTX so that their width and their
// predication are exactly what AxisInfo allows: each thread accesses runs of
// up to 16 consecutive bytes with one `ld.global.v4.b32`/`st.global.v4.b32`
// guarded by one predicate when the mask is uniform over the run. When it is
// not (a ragged tail), the run is accessed as a vector if fully in bounds and
// element by element otherwise, so in-bounds runs stay vectorized.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "ln/Dialect/Blk/IR/BlkOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace ln;
using namespace ln::blk_to_gpu;

namespace {

/// Elements are 2 to 8 bytes wide (checked by the pass).
int64_t byteWidth(Type type) { return type.getIntOrFloatBitWidth() / 8; }

/// Registers one access of `bytes` (2 to 16) moves: one b16, or b32s.
struct AccessRegisters {
  int count;
  int bits;
};

AccessRegisters registersFor(int64_t bytes) {
  if (bytes == 2)
    return {1, 16};
  return {int(bytes / 4), 32};
}

std::string registerList(int first, int count) {
  std::string list = count > 1 ? "{" : "";
  for (int i = 0; i < count; ++i)
    list += llvm::formatv("{0}${1}", i ? ", " : "", first + i).str();
  return list + (count > 1 ? "}" : "");
}

std::string accessSuffix(AccessRegisters regs) {
  std::string suffix = regs.count > 1 ? ".v" + std::to_string(regs.count) : "";
  return suffix + ".b" + std::to_string(regs.bits);
}

Value createAsm(OpBuilder &b, Location loc, Type resultType,
                ValueRange operands, StringRef text, StringRef constraints) {
  return LLVM::InlineAsmOp::create(
             b, loc, resultType, operands, text, constraints,
             /*has_side_effects=*/true, /*is_align_stack=*/false,
             LLVM::tailcallkind::TailCallKind::None,
             LLVM::AsmDialectAttr::get(b.getContext(),
                                       LLVM::AsmDialect::AD_ATT),
             /*operand_attrs=*/ArrayAttr())
      .getRes();
}

Value createLLVMIndex(OpBuilder &b, Location loc, int64_t index) {
  return LLVM::ConstantOp::create(b, loc, b.getI32Type(),
                                  b.getI32IntegerAttr(index));
}

/// Splits the registers an access returned into `count` elements.
SmallVector<Value> unpackRegisters(OpBuilder &b, Location loc,
                                   ArrayRef<Value> regs, Type element,
                                   int64_t count) {
  SmallVector<Value> elements;
  int64_t perRegister = count / regs.size();
  for (Value reg : regs) {
    if (perRegister == 1) {
      elements.push_back(LLVM::BitcastOp::create(b, loc, element, reg));
      continue;
    }
    auto vectorType = VectorType::get({perRegister}, element);
    Value vector = LLVM::BitcastOp::create(b, loc, vectorType, reg);
    for (int64_t i = 0; i < perRegister; ++i)
      elements.push_back(LLVM::ExtractElementOp::create(
          b, loc, vector, createLLVMIndex(b, loc, i)));
  }
  return elements;
}

/// Packs `elements` into registers of `bits` for a store.
SmallVector<Value> packRegisters(OpBuilder &b, Location loc,
                                 ArrayRef<Value> elements,
                                 AccessRegisters regs) {
  Type regType = b.getIntegerType(regs.bits);
  int64_t perRegister = elements.size() / regs.count;
  SmallVector<Value> packed;
  for (int r = 0; r < regs.count; ++r) {
    ArrayRef<Value> part = elements.slice(r * perRegister, perRegister);
    if (perRegister == 1) {
      packed.push_back(LLVM::BitcastOp::create(b, loc, regType, part[0]));
      continue;
    }
    auto vectorType = VectorType::get({perRegister}, part[0].getType());
    Value vector = LLVM::PoisonOp::create(b, loc, vectorType);
    for (auto [i, element] : llvm::enumerate(part))
      vector = LLVM::InsertElementOp::create(b, loc, vector, element,
                                             createLLVMIndex(b, loc, i));
    packed.push_back(LLVM::BitcastOp::create(b, loc, regType, vector));
  }
  return packed;
}

/// 8-byte elements move as pairs of b32: widen them to a vector register
/// pair first. Returns the access's element type and count.
std::pair<Type, int64_t> accessElements(OpBuilder &b, Type element,
                                        int64_t count) {
  if (byteWidth(element) == 8)
    return {b.getI32Type(), count * 2};
  return {element, count};
}

/// `count` elements of `element` from `ptr`, under `predicate` if given
/// (zero where it is false); `order` qualifies the `ld` (".volatile",
/// ".acquire.gpu", or "" for a weak load).
SmallVector<Value> emitGlobalLoad(OpBuilder &b, Location loc, Value ptr,
                                  Type element, int64_t count,
                                  Value predicate, StringRef order = "") {
  AccessRegisters regs = registersFor(count * byteWidth(element));
  std::string text, constraints;
  for (int i = 0; i < regs.count; ++i) {
    constraints += (i ? ",=" : "=") + std::string(regs.bits == 16 ? "h" : "r");
    if (predicate)
      text += llvm::formatv("mov.b{0} ${1}, 0;\n\t", regs.bits, i).str();
  }
  if (predicate)
    text += llvm::formatv("@${0} ", regs.count + 1).str();
  text += llvm::formatv("ld{0}.global{1} {2}, [${3}];", order,
                        accessSuffix(regs), registerList(0, regs.count),
                        regs.count)
              .str();
  constraints += ",l";
  SmallVector<Value> operands = {ptr};
  if (predicate) {
    constraints += ",b";
    operands.push_back(predicate);
  }
  Type regType = b.getIntegerType(regs.bits);
  Type resultType =
      regs.count == 1
          ? regType
          : LLVM::LLVMStructType::getLiteral(
                b.getContext(), SmallVector<Type>(regs.count, regType));
  Value result = createAsm(b, loc, resultType, operands, text, constraints);
  SmallVector<Value> regValues;
  if (regs.count == 1)
    regValues.push_back(result);
  else
    for (int i = 0; i < regs.count; ++i)
      regValues.push_back(LLVM::ExtractValueOp::create(b, loc, result, i));

  auto [accessType, accessCount] = accessElements(b, element, count);
  SmallVector<Value> elements =
      unpackRegisters(b, loc, regValues, accessType, accessCount);
  if (accessType == element)
    return elements;
  // Reassemble 8-byte elements from their two b32 halves.
  SmallVector<Value> wide;
  for (int64_t i = 0; i < count; ++i) {
    Value pair = LLVM::PoisonOp::create(
        b, loc, VectorType::get({2}, b.getI32Type()));
    for (int half = 0; half < 2; ++half)
      pair = LLVM::InsertElementOp::create(b, loc, pair, elements[2 * i + half],
                                           createLLVMIndex(b, loc, half));
    wide.push_back(LLVM::BitcastOp::create(b, loc, element, pair));
  }
  return wide;
}

/// Stores `values` (consecutive elements) at `ptr` under `predicate`.
void emitGlobalStore(OpBuilder &b, Location loc, Value ptr,
                     ArrayRef<Value> values, Value predicate) {
  Type element = values.front().getType();
  AccessRegisters regs = registersFor(values.size() * byteWidth(element));
  SmallVector<Value> elements(values);
  if (byteWidth(element) == 8) {
    elements.clear();
    for (Value value : values) {
      Value pair = LLVM::BitcastOp::create(
          b, loc, VectorType::get({2}, b.getI32Type()), value);
      for (int half = 0; half < 2; ++half)
        elements.push_back(LLVM::ExtractElementOp::create(
            b, loc, pair, createLLVMIndex(b, loc, half)));
    }
  }
  SmallVector<Value> operands = {ptr};
  llvm::append_range(operands, packRegisters(b, loc, elements, regs));
  std::string constraints = "l";
  for (int i = 0; i < regs.count; ++i)
    constraints += regs.bits == 16 ? ",h" : ",r";
  std::string text;
  if (predicate) {
    text = llvm::formatv("@${0} ", regs.count + 1).str();
    constraints += ",b";
    operands.push_back(predicate);
  }
  text += llvm::formatv("st.global{0} [$0], {1};", accessSuffix(regs),
                        registerList(1, regs.count))
              .str();
  createAsm(b, loc, Type(), operands, text, constraints);
}

Value createAnd(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  if (!lhs)
    return rhs;
  if (!rhs)
    return lhs;
  return arith::AndIOp::create(b, loc, lhs, rhs);
}

Value createAllOf(OpBuilder &b, Location loc, ArrayRef<Value> bits) {
  Value all;
  for (Value bit : bits)
    all = createAnd(b, loc, all, bit);
  return all;
}

Value createNot(OpBuilder &b, Location loc, Value bit) {
  return arith::XOrIOp::create(
      b, loc, bit, arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1));
}

/// How a load or store of a block splits into accesses: runs of `width`
/// consecutive slots — as many as the thread owns, the pointers are
/// contiguous and aligned for, and 16 bytes hold — each guarded by a single
/// predicate when the mask is uniform over a run.
struct AccessPlan {
  int64_t width;
  bool uniformMask;
};

AccessPlan planAccess(const BlockedLayout &layout, const AxisInfoAnalysis &info,
                      Value ptr, Value mask, int64_t elementBytes) {
  unsigned last = layout.getRank() - 1;
  AxisInfo ptrInfo = info.getAxisInfo(ptr);
  int64_t width = std::max<int64_t>(
      1, std::min({layout.sizePerThread[last], ptrInfo.getContiguity(last),
                   ptrInfo.getDivisibility(last) / elementBytes,
                   16 / elementBytes}));
  bool uniformMask =
      !mask || info.getAxisInfo(mask).getConstancy(last) >= width;
  return {width, uniformMask};
}

/// The value of `slot` in a lowered operand: null when the operand is
/// absent, the one value of a scalar shared by every slot.
Value slotValue(ValueRange values, size_t slot) {
  if (values.empty())
    return Value();
  return values[values.size() == 1 ? 0 : slot];
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

struct AddPtrOpLowering : public BlkPattern<blk::AddPtrOp> {
  using BlkPattern::BlkPattern;

  LogicalResult
  matchAndRewrite(blk::AddPtrOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto ptrType = cast<blk::PtrType>(getElementTypeOrSelf(op.getType()));
    Type element = converter.convertType(ptrType.getPointeeType());
    Type llvmPtr = converter.convertType(ptrType);
    ValueRange ptrs = adaptor.getPtr(), offsets = adaptor.getOffset();
    SmallVector<Value> results;
    for (size_t slot = 0; slot < std::max(ptrs.size(), offsets.size()); ++slot)
      results.push_back(LLVM::GEPOp::create(
          rewriter, op.getLoc(), llvmPtr, element,
          slotValue(ptrs, slot),
          ArrayRef<LLVM::GEPArg>{slotValue(offsets, slot)}));
    rewriter.replaceOpWithMultiple(op, {results});
    return success();
  }
};

struct LoadOpLowering : public BlkPattern<blk::LoadOp> {
  using BlkPattern::BlkPattern;

  LogicalResult
  matchAndRewrite(blk::LoadOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type element = getElementTypeOrSelf(op.getType());
    ValueRange ptrs = adaptor.getPtr(), masks = adaptor.getMask(),
               others = adaptor.getOther();
    auto maskAt = [&](size_t slot) { return slotValue(masks, slot); };
    auto withOther = [&](size_t slot, Value value) {
      if (others.empty())
        return value;
      return Value(arith::SelectOp::create(rewriter, loc, maskAt(slot), value,
                                           slotValue(others, slot)));
    };

    auto type = dyn_cast<RankedTensorType>(op.getType());
    if (!type) {
      // Every thread loads the scalar: it stays uniform without a broadcast,
      // and an acquire orders every thread's later accesses.
      std::string order;
      if (op.getIsVolatile())
        order = ".volatile";
      else if (std::optional<blk::MemScope> scope = op.getAcquireScope())
        order = (".acquire." + blk::stringifyMemScope(*scope)).str();
      Value value = emitGlobalLoad(rewriter, loc, ptrs[0], element, 1,
                                   maskAt(0), order)[0];
      rewriter.replaceOp(op, withOther(0, value));
      return success();
    }

    BlockedLayout layout = converter.getLayout(type);
    auto [width, uniformMask] = planAccess(layout, state.axisInfo, op.getPtr(),
                                           op.getMask(), byteWidth(element));

    SmallVector<Value> results;
    for (int64_t slot = 0; slot < layout.getNumSlots(); slot += width) {
      SmallVector<Value> values;
      if (uniformMask) {
        values = emitGlobalLoad(rewriter, loc, ptrs[slot], element, width,
                                maskAt(slot));
      } else {
        SmallVector<Value> runMasks;
        for (int64_t i = 0; i < width; ++i)
          runMasks.push_back(maskAt(slot + i));
        Value inBounds = createAllOf(rewriter, loc, runMasks);
        values = emitGlobalLoad(rewriter, loc, ptrs[slot], element, width,
                                inBounds);
        Value ragged = createNot(rewriter, loc, inBounds);
        for (int64_t i = 0; i < width; ++i) {
          Value single = emitGlobalLoad(
              rewriter, loc, ptrs[slot + i], element, 1,
              createAnd(rewriter, loc, runMasks[i], ragged))[0];
          values[i] = arith::SelectOp::create(rewriter, loc, inBounds,
                                              values[i], single);
        }
      }
      for (auto [i, value] : llvm::enumerate(values))
        results.push_back(withOther(slot + i, value));
    }
    rewriter.replaceOpWithMultiple(op, {results});
    return success();
  }
};

struct StoreOpLowering : public BlkPattern<blk::StoreOp> {
  using BlkPattern::BlkPattern;

  LogicalResult
  matchAndRewrite(blk::StoreOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type element = getElementTypeOrSelf(op.getValue().getType());
    ValueRange ptrs = adaptor.getPtr(), masks = adaptor.getMask();
    SmallVector<Value> values(adaptor.getValue());
    auto maskAt = [&](size_t slot) { return slotValue(masks, slot); };

    auto type = dyn_cast<RankedTensorType>(op.getPtr().getType());
    if (!type) {
      // A scalar store happens once per program.
      Value isThread0 = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::eq, getThreadId(rewriter, loc),
          createI32(rewriter, loc, 0));
      emitGlobalStore(rewriter, loc, ptrs[0], values[0],
                      createAnd(rewriter, loc, isThread0, maskAt(0)));
      rewriter.eraseOp(op);
      return success();
    }

    BlockedLayout layout = converter.getLayout(type);
    auto [width, uniformMask] = planAccess(layout, state.axisInfo, op.getPtr(),
                                           op.getMask(), byteWidth(element));
    // Threads holding copies of other threads' elements stay quiet.
    Value distinct;
    if (layout.getDistinctLanes() < 32 ||
        layout.getDistinctWarps() < converter.getNumWarps())
      distinct = isDistinctThread(rewriter, loc, layout);

    for (int64_t slot = 0; slot < layout.getNumSlots(); slot += width) {
      ArrayRef<Value> run = ArrayRef<Value>(values).slice(slot, width);
      if (uniformMask) {
        emitGlobalStore(rewriter, loc, ptrs[slot], run,
                        createAnd(rewriter, loc, distinct, maskAt(slot)));
        continue;
      }
      SmallVector<Value> runMasks;
      for (int64_t i = 0; i < width; ++i)
        runMasks.push_back(maskAt(slot + i));
      Value inBounds = createAllOf(rewriter, loc, runMasks);
      emitGlobalStore(rewriter, loc, ptrs[slot], run,
                      createAnd(rewriter, loc, distinct, inBounds));
      Value ragged =
          createAnd(rewriter, loc, distinct, createNot(rewriter, loc, inBounds));
      for (int64_t i = 0; i < width; ++i)
        emitGlobalStore(rewriter, loc, ptrs[slot + i], run[i],
                        createAnd(rewriter, loc, runMasks[i], ragged));
    }
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void blk_to_gpu::populateMemoryOpPatterns(const BlkTypeConverter &converter,
                                          LoweringState &state,
                                          RewritePatternSet &patterns) {
  patterns.add<AddPtrOpLowering, LoadOpLowering, StoreOpLowering>(converter,
                                                                   state);
}
