//===- AxisInfoPropertyTest.cpp - AxisInfo against concrete evaluation ----===//
//
// Every fact AxisInfo claims must hold for every input its premises allow.
// Small kernels are built from every combination of a few leaves (ranges,
// splats of arguments of known divisibility, constants) under every op the
// analysis models (integer arithmetic, logic, every comparison predicate,
// select, casts, expand_dims, broadcast, addptr); each is evaluated on
// concrete argument values that satisfy the declared divisibilities,
// extremes included, and each claim is checked element by element:
//   - contiguity c: every aligned run of c elements counts up by one (in the
//     value's own width, as the hardware computes);
//   - divisibility d: the first element of every such run is a multiple of
//     d (pointers: as an address);
//   - constancy k: every aligned run of k elements is one value.
//
//===----------------------------------------------------------------------===//

#include "ln/Analysis/AxisInfo.h"
#include "ln/Dialect/Blk/IR/BlkDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <climits>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

using namespace mlir;

namespace {

using Values = std::vector<int64_t>;

/// One SSA value of a generated kernel: how to print its op, its type, and
/// how to evaluate it from the arguments and the values before it.
struct Node {
  std::string op;    // the op's text, after "%vN = "
  std::vector<int64_t> shape;
  unsigned bits;     // element width; 64 for pointers
  int64_t pointee;   // pointers: element bytes; 0 otherwise
  std::function<Values(const std::vector<Values> &, const Values &)> eval;
};

/// Sign-extends the low `bits` of `value`: what a register of that width
/// holds after wrapping arithmetic.
int64_t wrap(int64_t value, unsigned bits) {
  if (bits >= 64)
    return value;
  uint64_t mask = (uint64_t(1) << bits) - 1;
  uint64_t low = uint64_t(value) & mask;
  uint64_t sign = uint64_t(1) << (bits - 1);
  return int64_t((low ^ sign) - sign);
}

uint64_t unsignedOf(int64_t value, unsigned bits) {
  return bits >= 64 ? uint64_t(value)
                    : uint64_t(value) & ((uint64_t(1) << bits) - 1);
}

int64_t numElements(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t size : shape)
    n *= size;
  return n;
}

std::string typeOf(const Node &node) {
  std::ostringstream os;
  os << "tensor<";
  for (int64_t size : node.shape)
    os << size << "x";
  if (node.pointee)
    os << "!blk.ptr<i" << node.pointee * 8 << ">>";
  else
    os << "i" << node.bits << ">";
  return os.str();
}

/// A kernel under construction: arguments of given divisibility, then
/// nodes, each one op.
class Kernel {
public:
  explicit Kernel(std::vector<int64_t> argumentDivisibility)
      : divisibility(std::move(argumentDivisibility)) {}

  int add(Node node) {
    nodes.push_back(std::move(node));
    return int(nodes.size()) - 1;
  }
  const Node &operator[](int index) const { return nodes[index]; }
  std::string name(int index) const { return "%v" + std::to_string(index); }

  std::string print() const {
    std::ostringstream os;
    os << "func.func @k(";
    for (size_t i = 0; i < divisibility.size(); ++i)
      os << (i ? ", " : "") << "%a" << i << ": i32 {blk.divisibility = "
         << divisibility[i] << " : i32}";
    os << ", %p: !blk.ptr<i32> {blk.divisibility = 16 : i32}) {\n";
    for (size_t i = 0; i < nodes.size(); ++i)
      os << "  " << name(i) << " = " << nodes[i].op << "\n";
    os << "  return\n}\n";
    return os.str();
  }

  std::vector<Values> evaluate(const Values &arguments) const {
    std::vector<Values> values;
    for (const Node &node : nodes)
      values.push_back(node.eval(values, arguments));
    return values;
  }

  std::vector<int64_t> divisibility;
  std::vector<Node> nodes;
};

//===----------------------------------------------------------------------===//
// Node builders
//===----------------------------------------------------------------------===//

constexpr int64_t kSize = 16;

Node range(int64_t start) {
  return {"blk.range {start = " + std::to_string(start) +
              " : i32} : tensor<16xi32>",
          {kSize}, 32, 0, [start](const std::vector<Values> &, const Values &) {
            Values v(kSize);
            for (int64_t i = 0; i < kSize; ++i)
              v[i] = wrap(start + i, 32);
            return v;
          }};
}

Node splat(unsigned argument) {
  return {"blk.splat %a" + std::to_string(argument) +
              " : i32 -> tensor<16xi32>",
          {kSize}, 32, 0,
          [argument](const std::vector<Values> &, const Values &arguments) {
            return Values(kSize, arguments[argument]);
          }};
}

Node constant(int64_t value) {
  return {"arith.constant dense<" + std::to_string(value) +
              "> : tensor<16xi32>",
          {kSize}, 32, 0, [value](const std::vector<Values> &, const Values &) {
            return Values(kSize, wrap(value, 32));
          }};
}

Node binary(const Kernel &k, const std::string &op, int a, int b,
            std::function<int64_t(int64_t, int64_t)> f) {
  const Node &node = k[a];
  return {"arith." + op + " " + k.name(a) + ", " + k.name(b) + " : " +
              typeOf(node),
          node.shape, node.bits, 0,
          [a, b, f, bits = node.bits](const std::vector<Values> &values,
                                      const Values &) {
            Values v(values[a].size());
            for (size_t i = 0; i < v.size(); ++i)
              v[i] = wrap(f(values[a][i], values[b][i]), bits);
            return v;
          }};
}

Node compare(const Kernel &k, arith::CmpIPredicate predicate, int a, int b) {
  const Node &node = k[a];
  return {"arith.cmpi " + arith::stringifyCmpIPredicate(predicate).str() +
              ", " + k.name(a) + ", " + k.name(b) + " : " + typeOf(node),
          node.shape, 1, 0,
          [a, b, predicate, bits = node.bits](const std::vector<Values> &values,
                                              const Values &) {
            using P = arith::CmpIPredicate;
            Values v(values[a].size());
            for (size_t i = 0; i < v.size(); ++i) {
              int64_t x = values[a][i], y = values[b][i];
              uint64_t ux = unsignedOf(x, bits), uy = unsignedOf(y, bits);
              bool r = predicate == P::eq    ? x == y
                       : predicate == P::ne  ? x != y
                       : predicate == P::slt ? x < y
                       : predicate == P::sle ? x <= y
                       : predicate == P::sgt ? x > y
                       : predicate == P::sge ? x >= y
                       : predicate == P::ult ? ux < uy
                       : predicate == P::ule ? ux <= uy
                       : predicate == P::ugt ? ux > uy
                                             : ux >= uy;
              v[i] = wrap(r, 1);
            }
            return v;
          }};
}

Node select(const Kernel &k, int condition, int a, int b) {
  const Node &node = k[a];
  std::string conditionType = typeOf(k[condition]);
  return {"arith.select " + k.name(condition) + ", " + k.name(a) + ", " +
              k.name(b) + " : " + conditionType + ", " + typeOf(node),
          node.shape, node.bits, 0,
          [condition, a, b](const std::vector<Values> &values, const Values &) {
            Values v(values[a].size());
            for (size_t i = 0; i < v.size(); ++i)
              v[i] = values[condition][i] ? values[a][i] : values[b][i];
            return v;
          }};
}

Node cast(const Kernel &k, const std::string &op, int a, unsigned bits) {
  const Node &node = k[a];
  Node result = node;
  result.bits = bits;
  result.op = "arith." + op + " " + k.name(a) + " : " + typeOf(node) +
              " to " + typeOf(result);
  bool zeroExtend = op == "extui";
  result.eval = [a, bits, zeroExtend, from = node.bits](
                    const std::vector<Values> &values, const Values &) {
    Values v(values[a].size());
    for (size_t i = 0; i < v.size(); ++i)
      v[i] = zeroExtend ? int64_t(unsignedOf(values[a][i], from))
                        : wrap(values[a][i], bits);
    return v;
  };
  return result;
}

/// expand_dims then broadcast to 2-D: [16] -> [1, 16] (axis 0) or [16, 1]
/// (axis 1) -> [16, 16]. Returns the broadcast.
int expandAndBroadcast(Kernel &k, int a, unsigned axis) {
  const Node node = k[a];
  Node expanded = node;
  expanded.shape = axis == 0 ? std::vector<int64_t>{1, kSize}
                             : std::vector<int64_t>{kSize, 1};
  expanded.op = "blk.expand_dims " + k.name(a) + ", " + std::to_string(axis) +
                " : " + typeOf(node) + " -> " + typeOf(expanded);
  expanded.eval = [a](const std::vector<Values> &values, const Values &) {
    return values[a];
  };
  int e = k.add(expanded);
  Node broadcast = expanded;
  broadcast.shape = {kSize, kSize};
  broadcast.op = "blk.broadcast " + k.name(e) + " : " + typeOf(expanded) +
                 " -> " + typeOf(broadcast);
  broadcast.eval = [e, axis](const std::vector<Values> &values,
                             const Values &) {
    Values v;
    for (int64_t row = 0; row < kSize; ++row)
      for (int64_t column = 0; column < kSize; ++column)
        v.push_back(values[e][axis == 0 ? column : row]);
    return v;
  };
  return k.add(broadcast);
}

/// Pointers as addresses: %p (16-byte aligned, address `base`) plus
/// offsets scaled by 4 bytes.
int addPointer(Kernel &k, int offsets) {
  const Node &node = k[offsets];
  Node splatted{"blk.splat %p : !blk.ptr<i32> -> tensor<16x!blk.ptr<i32>>",
                {kSize}, 64, 4,
                [](const std::vector<Values> &, const Values &arguments) {
                  return Values(kSize, arguments.back());
                }};
  int p = k.add(splatted);
  Node moved = splatted;
  moved.op = "blk.addptr " + k.name(p) + ", " + k.name(offsets) + " : " +
             typeOf(splatted) + ", " + typeOf(node);
  moved.eval = [p, offsets](const std::vector<Values> &values,
                            const Values &) {
    Values v(kSize);
    for (int64_t i = 0; i < kSize; ++i)
      v[i] = values[p][i] + 4 * values[offsets][i];
    return v;
  };
  return k.add(moved);
}

//===----------------------------------------------------------------------===//
// Checking
//===----------------------------------------------------------------------===//

/// Index of element `index` along `dim` of a row-major `shape`, and the
/// flat index of the element `step` further along `dim`.
int64_t coordinate(const std::vector<int64_t> &shape, int64_t flat,
                   unsigned dim) {
  return shape.size() == 1 ? flat : dim == 0 ? flat / shape[1] : flat % shape[1];
}
int64_t stepped(const std::vector<int64_t> &shape, int64_t flat, unsigned dim,
                int64_t step) {
  return shape.size() == 1 || dim == 1 ? flat + step : flat + step * shape[1];
}

/// The first broken claim of `info` about `values`, or "".
std::string brokenClaim(const Node &node, const ln::AxisInfo &info,
                        const Values &values) {
  int64_t n = numElements(node.shape);
  for (unsigned dim = 0; dim < node.shape.size(); ++dim) {
    int64_t contiguity = info.getContiguity(dim);
    int64_t divisibility = info.getDivisibility(dim);
    int64_t constancy = info.getConstancy(dim);
    for (int64_t flat = 0; flat < n; ++flat) {
      int64_t at = coordinate(node.shape, flat, dim);
      std::ostringstream where;
      where << " along dim " << dim << " at element " << flat;
      if (at % contiguity == 0) {
        if (uint64_t(values[flat]) % uint64_t(divisibility) != 0)
          return "divisibility " + std::to_string(divisibility) + where.str() +
                 " (value " + std::to_string(values[flat]) + ")";
        // Pointers step by their element's bytes.
        int64_t step = node.pointee ? node.pointee : 1;
        for (int64_t k = 1; k < contiguity; ++k)
          if (values[stepped(node.shape, flat, dim, k)] !=
              wrap(values[flat] + k * step, node.bits))
            return "contiguity " + std::to_string(contiguity) + where.str();
      }
      if (at % constancy == 0)
        for (int64_t k = 1; k < constancy; ++k)
          if (values[stepped(node.shape, flat, dim, k)] != values[flat])
            return "constancy " + std::to_string(constancy) + where.str();
    }
  }
  return "";
}

class AxisInfoProperty : public ::testing::Test {
protected:
  void SetUp() override {
    context.loadDialect<ln::blk::BlkDialect, arith::ArithDialect,
                        func::FuncDialect>();
  }

  /// Parses `kernel`, analyses it, and checks every node's claims on every
  /// argument assignment: multiples of each argument's divisibility,
  /// extremes of i32 included.
  void check(const Kernel &kernel) {
    std::string text = kernel.print();
    OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &context);
    ASSERT_TRUE(module) << text;
    ln::AxisInfoAnalysis analysis(*module);
    std::vector<Value> results;
    module->walk([&](Operation *op) {
      if (op->getNumResults() == 1 && !isa<func::FuncOp>(op))
        results.push_back(op->getResult(0));
    });
    ASSERT_EQ(results.size(), kernel.nodes.size()) << text;

    std::vector<Values> assignments = {{}};
    for (int64_t d : kernel.divisibility) {
      std::vector<Values> next;
      for (const Values &prefix : assignments)
        for (int64_t multiple :
             {int64_t(0), d, -d, 3 * d, int64_t(INT32_MAX) + 1 - d,
              int64_t(INT32_MIN)}) {
          Values extended = prefix;
          extended.push_back(multiple);
          next.push_back(extended);
        }
      assignments = next;
    }
    for (Values arguments : assignments) {
      arguments.push_back(int64_t(1) << 40); // %p: 16-byte aligned address
      std::vector<Values> values = kernel.evaluate(arguments);
      for (size_t i = 0; i < results.size(); ++i) {
        std::string broken = brokenClaim(
            kernel.nodes[i], analysis.getAxisInfo(results[i]), values[i]);
        ++checkedClaims;
        std::ostringstream given;
        for (size_t a = 0; a + 1 < arguments.size(); ++a)
          given << " %a" << a << " = " << arguments[a];
        ASSERT_EQ(broken, "") << "unsound claim of " << kernel.name(i)
                              << " with" << given.str() << ":\n"
                              << text;
      }
    }
  }

  MLIRContext context;
  int64_t checkedClaims = 0;
};

/// The leaves every op is tried on.
std::vector<std::function<Node()>> leaves() {
  std::vector<std::function<Node()>> result;
  for (int64_t start : {0, 1, 3, 8, 16, int(INT32_MAX) - 15})
    result.push_back([start] { return range(start); });
  for (unsigned argument : {0u, 1u})
    result.push_back([argument] { return splat(argument); });
  for (int64_t value : {0, 1, 6, 16, -16, int(INT32_MIN)})
    result.push_back([value] { return constant(value); });
  return result;
}

/// Arguments %a0 (divisible by 16) and %a1 (by 4).
Kernel freshKernel() { return Kernel({16, 4}); }

TEST_F(AxisInfoProperty, ArithmeticAndLogic) {
  struct Op {
    const char *name;
    std::function<int64_t(int64_t, int64_t)> f;
  };
  std::vector<Op> ops = {
      {"addi", [](int64_t a, int64_t b) { return a + b; }},
      {"subi", [](int64_t a, int64_t b) { return a - b; }},
      {"muli", [](int64_t a, int64_t b) { return int64_t(uint64_t(a) * uint64_t(b)); }},
      {"andi", [](int64_t a, int64_t b) { return a & b; }},
      {"ori", [](int64_t a, int64_t b) { return a | b; }},
      {"xori", [](int64_t a, int64_t b) { return a ^ b; }},
  };
  for (auto &left : leaves())
    for (auto &right : leaves())
      for (const Op &op : ops) {
        Kernel k = freshKernel();
        int a = k.add(left()), b = k.add(right());
        k.add(binary(k, op.name, a, b, op.f));
        check(k);
        if (HasFatalFailure())
          return;
      }
  EXPECT_GT(checkedClaims, 10000);
}

TEST_F(AxisInfoProperty, EveryComparisonAndSelect) {
  using P = arith::CmpIPredicate;
  for (auto &left : leaves())
    for (auto &right : leaves())
      for (P predicate : {P::eq, P::ne, P::slt, P::sle, P::sgt, P::sge,
                          P::ult, P::ule, P::ugt, P::uge}) {
        Kernel k = freshKernel();
        int a = k.add(left()), b = k.add(right());
        int c = k.add(compare(k, predicate, a, b));
        // The mask guarding a store, and a select under it.
        k.add(select(k, c, a, b));
        check(k);
        if (HasFatalFailure())
          return;
      }
}

TEST_F(AxisInfoProperty, CastsOfSumsAndProducts) {
  for (auto &left : leaves())
    for (auto &right : leaves()) {
      Kernel k = freshKernel();
      int a = k.add(left()), b = k.add(right());
      int sum = k.add(binary(k, "addi", a, b,
                             [](int64_t x, int64_t y) { return x + y; }));
      k.add(cast(k, "extsi", sum, 64));
      k.add(cast(k, "extui", sum, 64));
      k.add(cast(k, "trunci", sum, 16));
      k.add(cast(k, "trunci", sum, 8));
      check(k);
      if (HasFatalFailure())
        return;
    }
}

TEST_F(AxisInfoProperty, ExpandBroadcastAndPointers) {
  for (auto &left : leaves())
    for (auto &right : leaves())
      for (unsigned axis : {0u, 1u}) {
        Kernel k = freshKernel();
        int a = k.add(left()), b = k.add(right());
        int offsets = k.add(binary(
            k, "addi", a, b, [](int64_t x, int64_t y) { return x + y; }));
        addPointer(k, offsets);
        int wideA = expandAndBroadcast(k, a, axis);
        int wideB = expandAndBroadcast(k, b, 1 - axis);
        k.add(binary(k, "addi", wideA, wideB,
                     [](int64_t x, int64_t y) { return x + y; }));
        k.add(compare(k, arith::CmpIPredicate::slt, wideA, wideB));
        check(k);
        if (HasFatalFailure())
          return;
      }
}

} // namespace
