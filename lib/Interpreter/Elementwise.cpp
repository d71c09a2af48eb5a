//===- Elementwise.cpp - One element of arith and math ops ----------------===//
//
// Floating-point ops compute in double and round once to their type: for
// +, -, *, / and sqrt of f32 (or f16, bf16) operands, a double holds the
// exact result closely enough that rounding it again is correct rounding
// (53 >= 2 * 24 + 2 bits), so the evaluator agrees with IEEE hardware bit
// for bit. Integer ops compute on 64 bits and keep their width's low bits,
// which is wrapping arithmetic.
//
//===----------------------------------------------------------------------===//

#include "ln/Interpreter/Elementwise.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/ADT/bit.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace ln::interpreter;

uint64_t ln::interpreter::lowBits(uint64_t value, unsigned bits) {
  return bits >= 64 ? value : value & ((uint64_t(1) << bits) - 1);
}

int64_t ln::interpreter::signExtend(uint64_t value, unsigned bits) {
  if (bits >= 64)
    return int64_t(value);
  uint64_t sign = uint64_t(1) << (bits - 1);
  return int64_t((lowBits(value, bits) ^ sign) - sign);
}

double ln::interpreter::decodeFloat(uint64_t element, FloatType type) {
  unsigned width = type.getWidth();
  if (width == 64)
    return llvm::bit_cast<double>(element);
  if (width == 32)
    return llvm::bit_cast<float>(uint32_t(element));
  llvm::APFloat value(type.getFloatSemantics(), llvm::APInt(width, element));
  bool lost;
  value.convert(llvm::APFloat::IEEEdouble(),
                llvm::APFloat::rmNearestTiesToEven, &lost);
  return value.convertToDouble();
}

uint64_t ln::interpreter::encodeFloat(double value, FloatType type) {
  unsigned width = type.getWidth();
  if (width == 64)
    return llvm::bit_cast<uint64_t>(value);
  if (width == 32) // the host rounds to nearest even
    return llvm::bit_cast<uint32_t>(float(value));
  llvm::APFloat rounded(value);
  bool lost;
  rounded.convert(type.getFloatSemantics(),
                  llvm::APFloat::rmNearestTiesToEven, &lost);
  return rounded.bitcastToAPInt().getZExtValue();
}

/// Truncation toward zero, saturating at the type's ends and giving 0 for
/// NaN, as PTX's cvt.rzi does (the result of an out-of-range conversion is
/// unspecified in blk; this is the GPU's choice).
static uint64_t floatToInteger(double value, unsigned bits, bool isSigned) {
  if (std::isnan(value))
    return 0;
  double truncated = std::trunc(value);
  if (bits == 1)
    return isSigned ? (truncated <= -1 ? 1 : 0) : (truncated >= 1 ? 1 : 0);
  if (isSigned) {
    double top = std::ldexp(1.0, int(bits) - 1);
    if (truncated >= top)
      return lowBits(uint64_t(int64_t(top - 1)), bits);
    if (truncated < -top)
      return lowBits(uint64_t(int64_t(-top)), bits);
    return lowBits(uint64_t(int64_t(truncated)), bits);
  }
  double top = std::ldexp(1.0, int(bits));
  if (truncated >= top)
    return lowBits(~uint64_t(0), bits);
  return truncated <= 0 ? 0 : uint64_t(truncated);
}

/// Rounded once, to nearest even (through a double, an i64 above 2^53
/// would be rounded twice).
static uint64_t integerToFloat(uint64_t element, unsigned bits, bool isSigned,
                               FloatType type) {
  llvm::APFloat value(type.getFloatSemantics());
  value.convertFromAPInt(llvm::APInt(bits, element), isSigned,
                         llvm::APFloat::rmNearestTiesToEven);
  return value.bitcastToAPInt().getZExtValue();
}

uint64_t ln::interpreter::castElement(uint64_t element, Type from, Type to) {
  if (from == to)
    return element;
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  unsigned fromBits = from.getIntOrFloatBitWidth();
  unsigned toBits = to.getIntOrFloatBitWidth();
  if (fromFloat && toFloat)
    return encodeFloat(decodeFloat(element, fromFloat), toFloat);
  if (toFloat)
    return integerToFloat(element, fromBits, fromBits != 1, toFloat);
  if (fromFloat)
    return floatToInteger(decodeFloat(element, fromFloat), toBits, true);
  if (fromBits == 1 || fromBits >= toBits)
    return lowBits(element, toBits);
  return lowBits(uint64_t(signExtend(element, fromBits)), toBits);
}

static bool compareIntegers(arith::CmpIPredicate predicate, uint64_t a,
                            uint64_t b, unsigned bits) {
  int64_t sa = signExtend(a, bits), sb = signExtend(b, bits);
  using P = arith::CmpIPredicate;
  switch (predicate) {
  case P::eq: return a == b;
  case P::ne: return a != b;
  case P::slt: return sa < sb;
  case P::sle: return sa <= sb;
  case P::sgt: return sa > sb;
  case P::sge: return sa >= sb;
  case P::ult: return a < b;
  case P::ule: return a <= b;
  case P::ugt: return a > b;
  case P::uge: return a >= b;
  }
  llvm_unreachable("unknown cmpi predicate");
}

static bool compareFloats(arith::CmpFPredicate predicate, double a, double b) {
  bool unordered = std::isnan(a) || std::isnan(b);
  using P = arith::CmpFPredicate;
  switch (predicate) {
  case P::AlwaysFalse: return false;
  case P::AlwaysTrue: return true;
  case P::OEQ: return !unordered && a == b;
  case P::OGT: return !unordered && a > b;
  case P::OGE: return !unordered && a >= b;
  case P::OLT: return !unordered && a < b;
  case P::OLE: return !unordered && a <= b;
  case P::ONE: return !unordered && a != b;
  case P::ORD: return !unordered;
  case P::UEQ: return unordered || a == b;
  case P::UGT: return unordered || a > b;
  case P::UGE: return unordered || a >= b;
  case P::ULT: return unordered || a < b;
  case P::ULE: return unordered || a <= b;
  case P::UNE: return unordered || a != b;
  case P::UNO: return unordered;
  }
  llvm_unreachable("unknown cmpf predicate");
}

/// IEEE 754-2019 maximum / minimum: NaN if either is, -0 below +0.
static double maximum(double a, double b, bool max) {
  if (std::isnan(a) || std::isnan(b))
    return std::numeric_limits<double>::quiet_NaN();
  if (a == b)
    return max ? (std::signbit(a) ? b : a) : (std::signbit(a) ? a : b);
  return max ? std::max(a, b) : std::min(a, b);
}

namespace {

/// Element functions built from plain functions of their operands.
struct ElementFunctions {
  Operation *op;
  unsigned bits; // of the operands: integers' width
  FloatType floatType; // of the operands, if floats
  FloatType resultFloat;

  ElementFunction integer(std::function<uint64_t(uint64_t, uint64_t)> f) {
    unsigned width = bits;
    return [f, width](ArrayRef<uint64_t> x, std::string &) {
      return lowBits(f(x[0], x[1]), width);
    };
  }

  /// Division and remainder: by zero, or INT_MIN / -1 when signed, is
  /// undefined.
  ElementFunction division(bool isSigned, bool remainder) {
    unsigned width = bits;
    return [=](ArrayRef<uint64_t> x, std::string &undefined) -> uint64_t {
      if (x[1] == 0) {
        undefined = "division by zero";
        return 0;
      }
      if (!isSigned)
        return remainder ? x[0] % x[1] : x[0] / x[1];
      int64_t a = signExtend(x[0], width), b = signExtend(x[1], width);
      if (b == -1 && a == signExtend(uint64_t(1) << (width - 1), width)) {
        undefined = "signed division overflow (INT_MIN / -1)";
        return 0;
      }
      return lowBits(uint64_t(remainder ? a % b : a / b), width);
    };
  }

  /// Shifts by the width or more are undefined (arith's poison).
  ElementFunction shift(std::function<uint64_t(uint64_t, uint64_t)> f) {
    unsigned width = bits;
    return [f, width](ArrayRef<uint64_t> x, std::string &undefined) {
      if (x[1] >= width) {
        undefined = "shift by " + std::to_string(x[1]) + " of a " +
                    std::to_string(width) + "-bit integer";
        return uint64_t(0);
      }
      return lowBits(f(x[0], x[1]), width);
    };
  }

  ElementFunction floating(std::function<double(double, double)> f) {
    FloatType type = floatType;
    return [f, type](ArrayRef<uint64_t> x, std::string &) {
      return encodeFloat(f(decodeFloat(x[0], type), decodeFloat(x[1], type)),
                         type);
    };
  }

  ElementFunction floating(double (*f)(double)) {
    FloatType type = floatType;
    return [f, type](ArrayRef<uint64_t> x, std::string &) {
      return encodeFloat(f(decodeFloat(x[0], type)), type);
    };
  }

  ElementFunction cast() {
    Type from = getElementTypeOrSelf(op->getOperand(0).getType());
    Type to = getElementTypeOrSelf(op->getResult(0).getType());
    return [from, to](ArrayRef<uint64_t> x, std::string &) {
      return castElement(x[0], from, to);
    };
  }
};

} // namespace

ElementFunction ln::interpreter::getElementFunction(Operation *op) {
  if (op->getNumOperands() == 0 || op->getNumResults() != 1)
    return nullptr;
  Type operand = getElementTypeOrSelf(op->getOperand(0).getType());
  Type result = getElementTypeOrSelf(op->getResult(0).getType());
  if (!operand.isIntOrFloat() || !result.isIntOrFloat())
    return nullptr;
  ElementFunctions b{op, operand.getIntOrFloatBitWidth(),
            dyn_cast<FloatType>(operand), dyn_cast<FloatType>(result)};
  unsigned bits = b.bits;
  using U = uint64_t;
  return llvm::TypeSwitch<Operation *, ElementFunction>(op)
      .Case([&](arith::AddIOp) { return b.integer(std::plus<U>()); })
      .Case([&](arith::SubIOp) { return b.integer(std::minus<U>()); })
      .Case([&](arith::MulIOp) { return b.integer(std::multiplies<U>()); })
      .Case([&](arith::AndIOp) { return b.integer(std::bit_and<U>()); })
      .Case([&](arith::OrIOp) { return b.integer(std::bit_or<U>()); })
      .Case([&](arith::XOrIOp) { return b.integer(std::bit_xor<U>()); })
      .Case([&](arith::MaxSIOp) {
        return b.integer([bits](U x, U y) {
          return signExtend(x, bits) >= signExtend(y, bits) ? x : y;
        });
      })
      .Case([&](arith::MinSIOp) {
        return b.integer([bits](U x, U y) {
          return signExtend(x, bits) <= signExtend(y, bits) ? x : y;
        });
      })
      .Case([&](arith::MaxUIOp) {
        return b.integer([](U x, U y) { return std::max(x, y); });
      })
      .Case([&](arith::MinUIOp) {
        return b.integer([](U x, U y) { return std::min(x, y); });
      })
      .Case([&](arith::DivSIOp) { return b.division(true, false); })
      .Case([&](arith::RemSIOp) { return b.division(true, true); })
      .Case([&](arith::DivUIOp) { return b.division(false, false); })
      .Case([&](arith::RemUIOp) { return b.division(false, true); })
      .Case([&](arith::ShLIOp) {
        return b.shift([](U x, U s) { return x << s; });
      })
      .Case([&](arith::ShRUIOp) {
        return b.shift([](U x, U s) { return x >> s; });
      })
      .Case([&](arith::ShRSIOp) {
        return b.shift(
            [bits](U x, U s) { return U(signExtend(x, bits) >> s); });
      })
      .Case([&](arith::CmpIOp cmp) -> ElementFunction {
        arith::CmpIPredicate predicate = cmp.getPredicate();
        return [predicate, bits](ArrayRef<U> x, std::string &) {
          return U(compareIntegers(predicate, x[0], x[1], bits));
        };
      })
      .Case([&](arith::CmpFOp cmp) -> ElementFunction {
        arith::CmpFPredicate predicate = cmp.getPredicate();
        FloatType type = b.floatType;
        return [predicate, type](ArrayRef<U> x, std::string &) {
          return U(compareFloats(predicate, decodeFloat(x[0], type),
                                 decodeFloat(x[1], type)));
        };
      })
      .Case([&](arith::SelectOp) -> ElementFunction {
        return [](ArrayRef<U> x, std::string &) { return x[0] ? x[1] : x[2]; };
      })
      .Case([&](arith::AddFOp) { return b.floating(std::plus<double>()); })
      .Case([&](arith::SubFOp) { return b.floating(std::minus<double>()); })
      .Case([&](arith::MulFOp) {
        return b.floating(std::multiplies<double>());
      })
      .Case([&](arith::DivFOp) { return b.floating(std::divides<double>()); })
      .Case([&](arith::RemFOp) {
        return b.floating([](double x, double y) { return std::fmod(x, y); });
      })
      .Case([&](arith::MaximumFOp) {
        return b.floating([](double x, double y) { return maximum(x, y, true); });
      })
      .Case([&](arith::MinimumFOp) {
        return b.floating(
            [](double x, double y) { return maximum(x, y, false); });
      })
      .Case([&](arith::MaxNumFOp) {
        return b.floating([](double x, double y) { return std::fmax(x, y); });
      })
      .Case([&](arith::MinNumFOp) {
        return b.floating([](double x, double y) { return std::fmin(x, y); });
      })
      .Case([&](arith::NegFOp) {
        return b.floating([](double x) { return -x; });
      })
      .Case([&](math::AbsFOp) { return b.floating(std::fabs); })
      .Case([&](math::SqrtOp) { return b.floating(std::sqrt); })
      .Case([&](math::RsqrtOp) {
        return b.floating([](double x) { return 1 / std::sqrt(x); });
      })
      .Case([&](math::ExpOp) { return b.floating(std::exp); })
      .Case([&](math::Exp2Op) { return b.floating(std::exp2); })
      .Case([&](math::LogOp) { return b.floating(std::log); })
      .Case([&](math::Log2Op) { return b.floating(std::log2); })
      .Case([&](math::TanhOp) { return b.floating(std::tanh); })
      .Case([&](math::ErfOp) { return b.floating(std::erf); })
      .Case([&](math::SinOp) { return b.floating(std::sin); })
      .Case([&](math::CosOp) { return b.floating(std::cos); })
      .Case([&](math::FloorOp) { return b.floating(std::floor); })
      .Case([&](math::CeilOp) { return b.floating(std::ceil); })
      .Case([&](math::AbsIOp) -> ElementFunction {
        return [bits](ArrayRef<U> x, std::string &) {
          int64_t value = signExtend(x[0], bits);
          return lowBits(value < 0 ? 0 - U(value) : U(value), bits);
        };
      })
      // Floats convert as blk.cast does; arith's integer casts are explicit
      // about signs where blk.cast's rules are not (an i1 is -1 signed).
      .Case<arith::ExtFOp, arith::TruncFOp, arith::FPToSIOp>(
          [&](Operation *) { return b.cast(); })
      .Case([&](arith::ExtSIOp) -> ElementFunction {
        unsigned toBits = result.getIntOrFloatBitWidth();
        return [bits, toBits](ArrayRef<U> x, std::string &) {
          return lowBits(U(signExtend(x[0], bits)), toBits);
        };
      })
      .Case<arith::ExtUIOp, arith::TruncIOp>([&](Operation *) -> ElementFunction {
        unsigned toBits = result.getIntOrFloatBitWidth();
        return [toBits](ArrayRef<U> x, std::string &) {
          return lowBits(x[0], toBits);
        };
      })
      .Case([&](arith::SIToFPOp) -> ElementFunction {
        FloatType to = b.resultFloat;
        return [bits, to](ArrayRef<U> x, std::string &) {
          return integerToFloat(x[0], bits, true, to);
        };
      })
      .Case([&](arith::UIToFPOp) -> ElementFunction {
        FloatType to = b.resultFloat;
        return [bits, to](ArrayRef<U> x, std::string &) {
          return integerToFloat(x[0], bits, false, to);
        };
      })
      .Case([&](arith::FPToUIOp) -> ElementFunction {
        FloatType from = b.floatType;
        unsigned toBits = result.getIntOrFloatBitWidth();
        return [from, toBits](ArrayRef<U> x, std::string &) {
          return floatToInteger(decodeFloat(x[0], from), toBits, false);
        };
      })
      .Case([&](arith::BitcastOp) -> ElementFunction {
        return [](ArrayRef<U> x, std::string &) { return x[0]; };
      })
      .Default([](Operation *) { return nullptr; });
}
