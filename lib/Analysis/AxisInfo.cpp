//===- AxisInfo.cpp - Contiguity and alignment of integer/pointer blocks --===//

#include "ln/Analysis/AxisInfo.h"
#include "ln/Dialect/Blk/IR/BlkOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

#include <numeric>

using namespace mlir;
using namespace ln;

//===----------------------------------------------------------------------===//
// AxisInfo
//===----------------------------------------------------------------------===//

AxisInfo AxisInfo::unknown(unsigned rank, int64_t divisibility) {
  unsigned dims = std::max(rank, 1u);
  AxisInfo info;
  info.contiguity.assign(dims, 1);
  info.divisibility.assign(dims, divisibility);
  info.constancy.assign(dims, 1);
  return info;
}

AxisInfo AxisInfo::uniform(ArrayRef<int64_t> shape, int64_t divisibility) {
  AxisInfo info = unknown(shape.size(), divisibility);
  for (auto [dim, size] : llvm::enumerate(shape))
    info.constancy[dim] = blockExtent(size);
  return info;
}

void AxisInfo::print(raw_ostream &os) const {
  auto list = [&](ArrayRef<int64_t> values) {
    os << '[';
    llvm::interleaveComma(values, os);
    os << ']';
  };
  os << "contiguity = ";
  list(contiguity);
  os << ", divisibility = ";
  list(divisibility);
  os << ", constancy = ";
  list(constancy);
}

int64_t ln::highestPowerOfTwoDivisor(int64_t value) {
  if (value == 0)
    return AxisInfo::kMaxDivisibility;
  // In unsigned arithmetic: -INT64_MIN overflows, and INT64_MIN & itself
  // is negative. Its divisor, 2^63, is capped like any other.
  uint64_t bits = uint64_t(value);
  return int64_t(std::min<uint64_t>(bits & (~bits + 1),
                                    AxisInfo::kMaxDivisibility));
}

//===----------------------------------------------------------------------===//
// Rules
//===----------------------------------------------------------------------===//

namespace {

int64_t gcd(int64_t a, int64_t b) { return std::gcd(a, b); }

/// Shape of a block, or {1} for a scalar.
SmallVector<int64_t> shapeOf(Type type) {
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    return SmallVector<int64_t>(tensor.getShape());
  return {1};
}

/// Bytes of a pointer's pointee; 1 for non-pointers.
int64_t pointeeBytes(Type type) {
  auto ptr = dyn_cast<blk::PtrType>(getElementTypeOrSelf(type));
  if (!ptr || !ptr.getPointeeType().isIntOrFloat())
    return 1;
  return std::max<int64_t>(1, ptr.getPointeeType().getIntOrFloatBitWidth() / 8);
}

/// What is known of any value of `type`: pointers are aligned to their
/// pointee.
AxisInfo defaultInfo(Type type) {
  return AxisInfo::unknown(shapeOf(type).size(), pointeeBytes(type));
}

/// The divisibility of `x` along `dim` that holds for the first value of
/// every run of `contiguity` elements: where runs get shorter than x's own,
/// the new runs start inside x's runs, at values only divisible by
/// gcd(divisibility, new length) — 1 when every element starts a run.
int64_t divisibilityForRuns(const AxisInfo &x, unsigned dim,
                            int64_t contiguity) {
  if (x.contiguity[dim] > contiguity)
    return gcd(x.divisibility[dim], contiguity);
  return x.divisibility[dim];
}

/// The length of the runs of `x`, of `bits`-bit values, that no wrap point
/// splits. Runs count up modulo 2^bits, so one may cross 2^(bits-1) (where
/// signed values wrap) or 2^bits; a run that starts at a multiple of its
/// length, at most 2^(bits-1), cannot.
int64_t unwrappedRun(const AxisInfo &x, unsigned dim, unsigned bits) {
  return std::min(gcd(x.contiguity[dim], x.divisibility[dim]),
                  int64_t(1) << std::min(bits - 1, 62u));
}

/// Bits of an integer or index (64) element.
unsigned bitWidth(Value value) {
  Type type = getElementTypeOrSelf(value.getType());
  return type.isIndex() ? 64 : type.getIntOrFloatBitWidth();
}

/// `x`, of `bits` bits, sign- or zero-extended (explicitly, or as the offset
/// of an `addptr`, which the lowering's GEP sign-extends): a run that wraps
/// around in the narrow width does not count up in the wide one.
AxisInfo extend(const AxisInfo &x, unsigned bits) {
  AxisInfo info = x;
  for (unsigned d = 0; d < x.getRank(); ++d) {
    int64_t contiguity = unwrappedRun(x, d, bits);
    info.divisibility[d] = divisibilityForRuns(x, d, contiguity);
    info.contiguity[d] = contiguity;
  }
  return info;
}

/// a + b (b scaled by `scale` for pointer arithmetic).
AxisInfo add(const AxisInfo &a, const AxisInfo &b, int64_t scale = 1) {
  AxisInfo info = a;
  for (unsigned d = 0; d < a.getRank(); ++d) {
    int64_t contiguity = std::max(gcd(a.contiguity[d], b.constancy[d]),
                                  gcd(b.contiguity[d], a.constancy[d]));
    info.contiguity[d] = contiguity;
    info.divisibility[d] =
        gcd(divisibilityForRuns(a, d, contiguity),
            std::min(divisibilityForRuns(b, d, contiguity) * scale,
                     AxisInfo::kMaxDivisibility));
    info.constancy[d] = gcd(a.constancy[d], b.constancy[d]);
  }
  return info;
}

AxisInfo sub(const AxisInfo &a, const AxisInfo &b) {
  AxisInfo info = a;
  for (unsigned d = 0; d < a.getRank(); ++d) {
    int64_t contiguity = gcd(a.contiguity[d], b.constancy[d]);
    info.contiguity[d] = contiguity;
    info.divisibility[d] = gcd(divisibilityForRuns(a, d, contiguity),
                               divisibilityForRuns(b, d, contiguity));
    info.constancy[d] = gcd(a.constancy[d], b.constancy[d]);
  }
  return info;
}

AxisInfo mul(const AxisInfo &a, const AxisInfo &b) {
  AxisInfo info = a;
  for (unsigned d = 0; d < a.getRank(); ++d) {
    info.contiguity[d] = 1;
    info.divisibility[d] =
        std::min(divisibilityForRuns(a, d, 1) * divisibilityForRuns(b, d, 1),
                 AxisInfo::kMaxDivisibility);
    info.constancy[d] = gcd(a.constancy[d], b.constancy[d]);
  }
  return info;
}

/// Runs of equal values shared by both operands; bitwise logic on masks.
AxisInfo combineConstancy(const AxisInfo &a, const AxisInfo &b) {
  AxisInfo info = AxisInfo::unknown(a.getRank());
  for (unsigned d = 0; d < a.getRank(); ++d) {
    info.constancy[d] = gcd(a.constancy[d], b.constancy[d]);
    info.divisibility[d] =
        gcd(divisibilityForRuns(a, d, 1), divisibilityForRuns(b, d, 1));
  }
  return info;
}

/// x & -2^k, which rounds x down to a multiple of g = 2^k (k >= 1): every
/// value is a multiple of g, or of x's own divisibility where that is
/// larger (x is then unchanged); equal x give equal results, and so do the
/// values of a run of x that share their multiple of g: groups of
/// min(g, run, divisibility of its start) elements, which start at
/// multiples of that size within the run (its start is divisible by it)
/// and cross no multiple of g (a multiple of g is one of that size too,
/// 2^bits included, where runs wrap).
AxisInfo roundDown(const AxisInfo &x, int64_t g) {
  AxisInfo info = AxisInfo::unknown(x.getRank());
  for (unsigned d = 0; d < x.getRank(); ++d) {
    info.divisibility[d] = std::min(
        std::max(g, divisibilityForRuns(x, d, 1)), AxisInfo::kMaxDivisibility);
    int64_t group = std::min({g, x.contiguity[d], x.divisibility[d]});
    info.constancy[d] = std::max(x.constancy[d], group);
  }
  return info;
}

/// g = 2^k (k >= 1) where `value` is the constant -g (scalar or splat) of a
/// type wider than one bit.
std::optional<int64_t> roundingMask(Value value) {
  APInt constant;
  if (bitWidth(value) < 2 || !matchPattern(value, m_ConstantInt(&constant)))
    return std::nullopt;
  APInt negated = -constant;
  if (constant.isZero() || !negated.isPowerOf2() || negated.isOne())
    return std::nullopt;
  return std::min<int64_t>(int64_t(1) << std::min(negated.logBase2(), 62u),
                           AxisInfo::kMaxDivisibility);
}

/// What holds of a value that is at times all of `a`, at times all of `b`
/// (a select on a uniform condition, a loop-carried value): each fact
/// weakened to what both promise, divisibility for the shorter runs.
AxisInfo meet(const AxisInfo &a, const AxisInfo &b) {
  AxisInfo info = combineConstancy(a, b);
  for (unsigned d = 0; d < info.getRank(); ++d) {
    int64_t contiguity = std::min(a.contiguity[d], b.contiguity[d]);
    info.contiguity[d] = contiguity;
    info.divisibility[d] = gcd(divisibilityForRuns(a, d, contiguity),
                               divisibilityForRuns(b, d, contiguity));
  }
  return info;
}

/// Whether `x pred n`, for x contiguous and n uniform, is a threshold test
/// `x < n` or its negation `x >= n` (signed or not): on a group of G
/// consecutive values starting at a multiple of G, with n a multiple of G,
/// these are all true or all false. `x <= n` (that is, `x < n + 1`) and
/// `x > n` are not: n itself may be the group's first value.
bool isThresholdOnLeft(arith::CmpIPredicate predicate) {
  using P = arith::CmpIPredicate;
  return predicate == P::slt || predicate == P::sge || predicate == P::ult ||
         predicate == P::uge;
}

/// The same with the uniform bound on the left: `n > x` is `x < n`, `n <=
/// x` is `x >= n`.
bool isThresholdOnRight(arith::CmpIPredicate predicate) {
  using P = arith::CmpIPredicate;
  return predicate == P::sgt || predicate == P::sle || predicate == P::ugt ||
         predicate == P::ule;
}

/// A comparison is uniform where both operands are. Beyond that, a threshold
/// test of a contiguous run starting at a multiple of d_a against a uniform
/// value divisible by d_b is uniform over aligned chunks of gcd(c_a, d_a,
/// d_b): no chunk can straddle the bound, nor the wrap points of `bits`-bit
/// values. Equality tests get nothing more (x == n holds on a single element
/// of a run), and an i1 result's divisibility stays 1 (true is 1).
AxisInfo compare(arith::CmpIPredicate predicate, const AxisInfo &a,
                 const AxisInfo &b, ArrayRef<int64_t> shape, unsigned bits) {
  AxisInfo info = AxisInfo::unknown(a.getRank());
  for (unsigned d = 0; d < a.getRank(); ++d) {
    int64_t constancy = gcd(a.constancy[d], b.constancy[d]);
    if (b.constancy[d] == blockExtent(shape[d]) &&
        isThresholdOnLeft(predicate))
      constancy = std::max(
          constancy, gcd(unwrappedRun(a, d, bits), b.divisibility[d]));
    if (a.constancy[d] == blockExtent(shape[d]) &&
        isThresholdOnRight(predicate))
      constancy = std::max(
          constancy, gcd(unwrappedRun(b, d, bits), a.divisibility[d]));
    info.constancy[d] = constancy;
  }
  return info;
}

} // namespace

//===----------------------------------------------------------------------===//
// AxisInfoAnalysis
//===----------------------------------------------------------------------===//

AxisInfoAnalysis::AxisInfoAnalysis(Operation *root) {
  root->walk([&](func::FuncOp kernel) {
    for (BlockArgument arg : kernel.getArguments()) {
      AxisInfo info = defaultInfo(arg.getType());
      if (auto attr = kernel.getArgAttrOfType<IntegerAttr>(
              arg.getArgNumber(), "blk.divisibility"))
        info.divisibility[0] = std::max(info.divisibility[0], attr.getInt());
      set(arg, info);
    }
    walkBudget = kLoopWalkBudget;
    visitRegion(kernel);
  });
}

void AxisInfoAnalysis::visitRegion(Operation *root) {
  root->walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (op == root)
      return WalkResult::advance();
    if (auto loop = dyn_cast<scf::ForOp>(op)) {
      visitLoop(loop);
      return WalkResult::skip();
    }
    visit(op);
    return WalkResult::advance();
  });
}

void AxisInfoAnalysis::visitLoop(scf::ForOp loop) {
  auto info = [&](Value value) { return getAxisInfo(value); };
  // The induction variable: lb + k * step.
  int64_t divisibility = gcd(info(loop.getLowerBound()).divisibility[0],
                             info(loop.getStep()).divisibility[0]);
  set(loop.getInductionVar(), AxisInfo::unknown(0, divisibility));

  // Loop-carried values: assume what their initial values promise, walk
  // the body, and weaken the assumption to what the yielded values promise
  // too, until the body yields what it assumed. Then the assumption holds
  // on entry and, by induction, after every iteration, so for the results
  // too. Facts only weaken, so few rounds are needed; past the bound,
  // nothing is assumed.
  constexpr int kMaxRounds = 16;
  SmallVector<AxisInfo> carried;
  for (Value init : loop.getInitArgs())
    carried.push_back(info(init));
  auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
  for (int round = 0;; ++round) {
    // Nested loops multiply their rounds; past the kernel's budget of body
    // walks, every loop is walked once, assuming nothing.
    bool givenUp = walkBudget-- <= 0 || round == kMaxRounds;
    for (auto [arg, assumed] : llvm::zip(loop.getRegionIterArgs(), carried)) {
      if (givenUp)
        assumed = defaultInfo(arg.getType());
      set(arg, assumed);
    }
    visitRegion(loop);
    if (givenUp)
      break;
    bool changed = false;
    for (auto [assumed, yielded] : llvm::zip(carried, yield.getResults())) {
      AxisInfo weaker = meet(assumed, info(yielded));
      if (!(weaker == assumed)) {
        assumed = weaker;
        changed = true;
      }
    }
    if (!changed)
      break;
  }
  for (auto [result, assumed] : llvm::zip(loop.getResults(), carried))
    set(result, assumed);
}

AxisInfo AxisInfoAnalysis::getAxisInfo(Value value) const {
  auto it = infos.find(value);
  if (it != infos.end())
    return it->second;
  return defaultInfo(value.getType());
}

void AxisInfoAnalysis::visit(Operation *op) {
  auto info = [&](Value value) { return getAxisInfo(value); };

  if (op->getNumResults() != 1)
    return;
  Value result = op->getResult(0);
  SmallVector<int64_t> shape = shapeOf(result.getType());

  std::optional<AxisInfo> computed =
      llvm::TypeSwitch<Operation *, std::optional<AxisInfo>>(op)
          .Case([&](arith::ConstantOp constant) -> std::optional<AxisInfo> {
            Attribute value = constant.getValue();
            if (auto splat = dyn_cast<SplatElementsAttr>(value))
              value = splat.getSplatValue<Attribute>();
            auto integer = dyn_cast<IntegerAttr>(value);
            if (!integer)
              return std::nullopt;
            return AxisInfo::uniform(
                shape, highestPowerOfTwoDivisor(integer.getInt()));
          })
          .Case([&](blk::RangeOp range) {
            AxisInfo result = AxisInfo::unknown(1);
            // A range whose size is not a power of two is claimed as runs
            // of blockExtent: those after the first start at start + a
            // multiple of it.
            int64_t run = blockExtent(shape[0]);
            int64_t start = highestPowerOfTwoDivisor(range.getStart());
            result.contiguity[0] = run;
            result.divisibility[0] = run == shape[0] ? start : gcd(start, run);
            return result;
          })
          .Case([&](blk::SplatOp splat) {
            return AxisInfo::uniform(shape,
                                     info(splat.getValue()).divisibility[0]);
          })
          .Case([&](blk::ExpandDimsOp expand) {
            AxisInfo src = info(expand.getSrc());
            unsigned axis = expand.getAxis();
            AxisInfo result = src;
            result.contiguity.insert(result.contiguity.begin() + axis, 1);
            // Along the new unit dimension every element starts a run, so
            // its divisibility must hold for all of them: consecutive values
            // share no factor.
            int64_t everyElement =
                src.contiguity[0] > 1 ? 1 : src.divisibility[0];
            result.divisibility.insert(result.divisibility.begin() + axis,
                                       everyElement);
            result.constancy.insert(result.constancy.begin() + axis, 1);
            return result;
          })
          .Case([&](blk::BroadcastOp broadcast) {
            AxisInfo result = info(broadcast.getSrc());
            auto srcShape = shapeOf(broadcast.getSrc().getType());
            for (unsigned d = 0; d < shape.size(); ++d)
              if (srcShape[d] == 1 && shape[d] != 1) {
                result.contiguity[d] = 1;
                result.constancy[d] = blockExtent(shape[d]);
              }
            return result;
          })
          .Case([&](blk::AddPtrOp addptr) {
            AxisInfo offset = info(addptr.getOffset());
            if (unsigned bits = bitWidth(addptr.getOffset()); bits < 64)
              offset = extend(offset, bits);
            return add(info(addptr.getPtr()), offset,
                       pointeeBytes(addptr.getType()));
          })
          .Case([&](arith::AddIOp a) {
            return add(info(a.getLhs()), info(a.getRhs()));
          })
          .Case([&](arith::SubIOp s) {
            return sub(info(s.getLhs()), info(s.getRhs()));
          })
          .Case([&](arith::MulIOp m) {
            return mul(info(m.getLhs()), info(m.getRhs()));
          })
          .Case<arith::ExtSIOp, arith::ExtUIOp, arith::IndexCastOp>(
              [&](Operation *cast) {
                Value in = cast->getOperand(0);
                return extend(info(in), bitWidth(in));
              })
          // Truncation keeps runs counting up modulo the narrow width, and
          // the low bits of a multiple of 2^k are one too (or 0).
          .Case([&](arith::TruncIOp trunc) { return info(trunc.getIn()); })
          .Case([&](arith::CmpIOp cmp) -> std::optional<AxisInfo> {
            return compare(cmp.getPredicate(), info(cmp.getLhs()),
                           info(cmp.getRhs()), shape, bitWidth(cmp.getLhs()));
          })
          .Case([&](arith::AndIOp andOp) {
            // Rounding down to a multiple of 2^k (x & -2^k), else bitwise
            // logic on masks.
            if (std::optional<int64_t> g = roundingMask(andOp.getRhs()))
              return roundDown(info(andOp.getLhs()), *g);
            if (std::optional<int64_t> g = roundingMask(andOp.getLhs()))
              return roundDown(info(andOp.getRhs()), *g);
            return combineConstancy(info(andOp.getLhs()),
                                    info(andOp.getRhs()));
          })
          .Case<arith::OrIOp, arith::XOrIOp>(
              [&](Operation *logic) {
                return combineConstancy(info(logic->getOperand(0)),
                                        info(logic->getOperand(1)));
              })
          .Case([&](arith::SelectOp select) {
            AxisInfo cond = info(select.getCondition());
            AxisInfo a = info(select.getTrueValue());
            AxisInfo b = info(select.getFalseValue());
            AxisInfo result = combineConstancy(a, b);
            AxisInfo either = meet(a, b);
            for (unsigned d = 0; d < result.getRank(); ++d) {
              int64_t condConstancy =
                  isa<RankedTensorType>(select.getCondition().getType())
                      ? cond.constancy[d]
                      : blockExtent(shape[d]);
              result.constancy[d] = gcd(result.constancy[d], condConstancy);
              if (condConstancy == blockExtent(shape[d])) {
                result.contiguity[d] = either.contiguity[d];
                result.divisibility[d] = either.divisibility[d];
              }
            }
            return result;
          })
          .Default([](Operation *) { return std::nullopt; });
  if (computed && computed->getRank() == std::max<size_t>(shape.size(), 1))
    set(result, *computed);
}
