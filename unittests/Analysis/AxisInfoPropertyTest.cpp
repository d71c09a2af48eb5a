//===- AxisInfoPropertyTest.cpp - AxisInfo against concrete values --------===//
//
// AxisInfo's facts are promises the lowering bets memory safety on (a mask
// claimed uniform over 8 elements guards a 16-byte store with one
// predicate). This test checks every fact the analysis claims against the
// values a kernel actually computes: kernels made of every op the analysis
// models, applied to every pair of a set of leaves (ranges, splats of
// arguments of declared divisibility, constants, offsets, strides, masks),
// are evaluated for many argument values that honour the declarations,
// extremes included, and each claim is checked on every element:
//   - contiguity c along d: every run of c elements starting at a multiple
//     of c counts up by one (integers in their own width, as the hardware
//     wraps; pointers by one element, as addresses);
//   - divisibility k: the first value of each such run is a multiple of k
//     (pointers: the address);
//   - constancy c: every run of c elements starting at a multiple of c holds
//     one value.
//
//===----------------------------------------------------------------------===//

#include "ConcreteEvaluation.h"

#include "ln/Analysis/AxisInfo.h"
#include "ln/Dialect/Blk/IR/BlkDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/DenseSet.h"

#include <gtest/gtest.h>

#include <climits>
#include <sstream>

using namespace mlir;
using namespace ln;
using namespace ln::concrete;

namespace {

//===----------------------------------------------------------------------===//
// Kernels
//===----------------------------------------------------------------------===//

/// Writes a kernel one op per line, naming results %v0, %v1, ...
class KernelWriter {
public:
  std::string add(const std::string &op) {
    std::string name = "%v" + std::to_string(count++);
    body << "  " << name << " = " << op << "\n";
    return name;
  }
  void line(const std::string &text) { body << "  " << text << "\n"; }
  std::string str(const std::string &signature) const {
    return "func.func @k(" + signature + ") {\n" + body.str() +
           "  return\n}\n";
  }

private:
  std::ostringstream body;
  unsigned count = 0;
};

/// A block value of a kernel being written, with its type.
struct Leaf {
  std::string name;
  std::string type;
};

/// The kernels' arguments: %n is declared divisible by 16, %m nothing; %p
/// is a 16-byte aligned pointer to f16, %q a pointer to f32.
constexpr const char *kSignature =
    "%n: i32 {blk.divisibility = 16 : i32}, %m: i32, "
    "%p: !blk.ptr<f16> {blk.divisibility = 16 : i32}, %q: !blk.ptr<f32>";

const arith::CmpIPredicate kPredicates[] = {
    arith::CmpIPredicate::eq,  arith::CmpIPredicate::ne,
    arith::CmpIPredicate::slt, arith::CmpIPredicate::sle,
    arith::CmpIPredicate::sgt, arith::CmpIPredicate::sge,
    arith::CmpIPredicate::ult, arith::CmpIPredicate::ule,
    arith::CmpIPredicate::ugt, arith::CmpIPredicate::uge};

/// The type of `element` values of shape `shape` ("" for scalars).
std::string typeOf(const std::string &shape, const std::string &element) {
  return shape.empty() ? element : "tensor<" + shape + "x" + element + ">";
}

/// Every op AxisInfo models, on every pair of `leaves` (both orders), of
/// shape `shape` (e.g. "16", "4x8", or "" for scalars).
void writeOps(KernelWriter &kernel, const std::string &shape,
              ArrayRef<Leaf> leaves) {
  std::string i32 = typeOf(shape, "i32"), i1 = typeOf(shape, "i1");
  std::string selectType = shape.empty() ? i32 : i1 + ", " + i32;
  std::vector<std::string> masks;
  for (const Leaf &a : leaves)
    for (const Leaf &b : leaves) {
      std::string operands = a.name + ", " + b.name + " : " + i32;
      for (const char *op : {"addi", "subi", "muli", "andi", "ori", "xori"})
        kernel.add(std::string("arith.") + op + " " + operands);
      for (arith::CmpIPredicate predicate : kPredicates)
        masks.push_back(kernel.add(
            "arith.cmpi " + arith::stringifyCmpIPredicate(predicate).str() +
            ", " + operands));
      kernel.add("arith.select " + masks.back() + ", " + a.name + ", " +
                 b.name + " : " + selectType);
    }
  // Logic on masks, and masks choosing between leaves.
  for (size_t i = 0; i + 1 < masks.size(); i += 7) {
    std::string pair = masks[i] + ", " + masks[i + 1] + " : " + i1;
    kernel.add("arith.andi " + pair);
    kernel.add("arith.ori " + pair);
    const Leaf &a = leaves[i % leaves.size()], &b = leaves[(i / 7) % leaves.size()];
    kernel.add("arith.select " + masks[i] + ", " + a.name + ", " + b.name +
               " : " + selectType);
  }
  // A uniform condition choosing between whole blocks.
  if (!shape.empty()) {
    std::string uniform = kernel.add("arith.cmpi slt, %n, %m : i32");
    for (size_t i = 0; i + 1 < leaves.size(); ++i)
      kernel.add("arith.select " + uniform + ", " + leaves[i].name + ", " +
                 leaves[i + 1].name + " : " + i32);
  }
  // Width changes and pointer arithmetic. One-bit values wrap every other
  // element: compare them too.
  std::vector<std::string> truncated;
  for (const Leaf &a : leaves)
    truncated.push_back(
        kernel.add("arith.trunci " + a.name + " : " + i32 + " to " + i1));
  for (const std::string &a : truncated)
    for (const std::string &b : truncated)
      for (const char *predicate : {"slt", "ult"})
        kernel.add(std::string("arith.cmpi ") + predicate + ", " + a + ", " +
                   b + " : " + i1);
  for (const Leaf &a : leaves) {
    kernel.add("arith.extsi " + a.name + " : " + i32 + " to " +
               typeOf(shape, "i64"));
    kernel.add("arith.extui " + a.name + " : " + i32 + " to " +
               typeOf(shape, "i64"));
    for (const char *narrow : {"i16", "i8", "i1"}) {
      std::string truncated = kernel.add("arith.trunci " + a.name + " : " +
                                         i32 + " to " + typeOf(shape, narrow));
      kernel.add("arith.extsi " + truncated + " : " + typeOf(shape, narrow) +
                 " to " + i32);
    }
    for (auto [pointer, pointee] : {std::pair<const char *, const char *>{
                                        "%p", "f16"},
                                    {"%q", "f32"}}) {
      std::string scalar = std::string("!blk.ptr<") + pointee + ">";
      std::string ptrs = typeOf(shape, scalar);
      std::string base =
          shape.empty() ? pointer
                        : kernel.add("blk.splat " + std::string(pointer) +
                                     " : " + scalar + " -> " + ptrs);
      kernel.add("blk.addptr " + base + ", " + a.name + " : " + ptrs + ", " +
                 i32);
    }
  }
}

/// Leaves of `size` elements: ranges, splats, constants, offsets, strides.
std::vector<Leaf> writeLeaves1D(KernelWriter &kernel, int64_t size) {
  std::string i32 = "tensor<" + std::to_string(size) + "xi32>";
  std::vector<Leaf> leaves;
  auto leaf = [&](const std::string &op) {
    leaves.push_back({kernel.add(op), i32});
    return leaves.back().name;
  };
  std::string range = leaf("blk.range : " + i32);
  leaf("blk.range {start = 4 : i32} : " + i32);
  leaf("blk.range {start = 3 : i32} : " + i32);
  leaf("blk.range {start = 16 : i32} : " + i32);
  // Ends at 2^31 - 1 (ranges may not wrap; n + range may).
  leaf("blk.range {start = " + std::to_string(int64_t(INT32_MAX) + 1 - size) +
       " : i32} : " + i32);
  std::string n = leaf("blk.splat %n : i32 -> " + i32);
  std::string m = leaf("blk.splat %m : i32 -> " + i32);
  for (int64_t constant : {int64_t(0), int64_t(1), int64_t(8), int64_t(16),
                           int64_t(-8), int64_t(-16), int64_t(INT32_MIN)})
    leaf("arith.constant dense<" + std::to_string(constant) + "> : " + i32);
  // pid * BLOCK + range, and a bound one past a multiple of 16.
  leaf("arith.addi " + n + ", " + range + " : " + i32);
  leaf("arith.addi " + m + ", " + range + " : " + i32);
  std::string two = kernel.add("arith.constant dense<2> : " + i32);
  leaf("arith.muli " + range + ", " + two + " : " + i32);
  std::string one = kernel.add("arith.constant dense<1> : " + i32);
  leaf("arith.addi " + n + ", " + one + " : " + i32);
  return leaves;
}

/// 2-D leaves of rows x columns: a row index, a column index, a linear
/// index, broadcast splats and 1-D leaves expanded along either axis.
std::vector<Leaf> writeLeaves2D(KernelWriter &kernel, int64_t rows,
                                int64_t columns) {
  std::string shape = std::to_string(rows) + "x" + std::to_string(columns);
  std::string i32 = "tensor<" + shape + "xi32>";
  std::vector<Leaf> leaves;
  auto expand = [&](const Leaf &src, int64_t size, unsigned axis) {
    std::string unit = axis == 0 ? "1x" + std::to_string(size)
                                 : std::to_string(size) + "x1";
    std::string expanded =
        kernel.add("blk.expand_dims " + src.name + ", " + std::to_string(axis) +
                   " : " + src.type + " -> tensor<" + unit + "xi32>");
    leaves.push_back({kernel.add("blk.broadcast " + expanded + " : tensor<" +
                                 unit + "xi32> -> " + i32),
                      i32});
    return leaves.back().name;
  };
  std::vector<Leaf> rowLeaves = writeLeaves1D(kernel, rows);
  std::vector<Leaf> columnLeaves = writeLeaves1D(kernel, columns);
  std::string row, column;
  for (size_t i = 0; i < rowLeaves.size(); i += 3) {
    std::string r = expand(rowLeaves[i], rows, 1);
    std::string c = expand(columnLeaves[i], columns, 0);
    if (i == 0) {
      row = r;
      column = c;
    }
  }
  std::string width = kernel.add("arith.constant dense<" +
                                 std::to_string(columns) + "> : " + i32);
  std::string scaled = kernel.add("arith.muli " + row + ", " + width + " : " + i32);
  leaves.push_back({kernel.add("arith.addi " + scaled + ", " + column + " : " + i32),
                    i32});
  leaves.push_back({kernel.add("blk.splat %n : i32 -> " + i32), i32});
  return leaves;
}

//===----------------------------------------------------------------------===//
// The property
//===----------------------------------------------------------------------===//

/// Argument values honouring the declarations: %n multiples of 16 (with
/// both ends of i32), %m anything, %p 16-byte aligned (alternating between
/// two addresses), %q 4-byte aligned.
const int64_t kN[] = {0, 16, 48, -16, INT32_MAX - 15, INT32_MIN, 1 << 30};
const int64_t kM[] = {0, 1, 3, 7, 15, 17, -1, -3, INT32_MAX, INT32_MIN};
const uint64_t kP[] = {0x10000, 0x7ffffff0};
const uint64_t kQ = 0x10004;

class AxisInfoProperty : public ::testing::Test {
protected:
  AxisInfoProperty() {
    context.loadDialect<arith::ArithDialect, func::FuncDialect,
                        scf::SCFDialect, blk::BlkDialect>();
  }

  /// Checks every fact of every value of `source` for every argument
  /// binding; returns one violation for each of the first values found
  /// wrong.
  std::vector<std::string> violations(const std::string &source) {
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(source, &context);
    EXPECT_TRUE(module) << source;
    if (!module)
      return {};
    func::FuncOp kernel = *module->getOps<func::FuncOp>().begin();
    AxisInfoAnalysis analysis(kernel);
    std::vector<std::string> found;
    DenseSet<Value> wrong;
    for (int64_t n : kN) {
      for (auto [index, m] : llvm::enumerate(kM)) {
        DenseMap<Value, Concrete> values;
        uint64_t args[] = {lowBits(n, 32), lowBits(m, 32),
                           kP[index % std::size(kP)], kQ};
        for (auto [arg, value] : llvm::zip(kernel.getArguments(), args)) {
          values[arg] = empty(arg.getType());
          values[arg].elements[0] = value;
        }
        auto check = [&](Value value, const Concrete &concrete) {
          if (wrong.size() >= 20 || wrong.contains(value))
            return;
          AxisInfo claim = analysis.getAxisInfo(value);
          std::string why = violation(claim, concrete);
          if (why.empty())
            return;
          wrong.insert(value);
          std::string text;
          llvm::raw_string_ostream os(text);
          if (Operation *op = value.getDefiningOp())
            op->print(os);
          else
            os << "block argument (induction variable or loop-carried value)";
          os << "\n    claims ";
          claim.print(os);
          os << "\n    n = " << n << ", m = " << m << ": " << why;
          found.push_back(text);
        };
        for (auto &[arg, concrete] : values)
          check(arg, concrete);
        concrete::evaluate(kernel.getBody().front(), values, check);
      }
    }
    return found;
  }

  MLIRContext context;
};

std::string join(ArrayRef<std::string> lines) {
  std::string text;
  for (const std::string &line : lines)
    text += line + "\n";
  return text;
}

TEST_F(AxisInfoProperty, OneDimensional) {
  // Sizes that are not powers of two too: facts along them claim at most
  // the largest power of two dividing the size.
  for (int64_t size : {1, 2, 3, 12, 16, 24, 32}) {
    KernelWriter kernel;
    std::vector<Leaf> leaves = writeLeaves1D(kernel, size);
    writeOps(kernel, std::to_string(size), leaves);
    std::vector<std::string> found = violations(kernel.str(kSignature));
    EXPECT_TRUE(found.empty()) << "blocks of " << size << ":\n" << join(found);
  }
}

TEST_F(AxisInfoProperty, TwoDimensional) {
  for (auto [rows, columns] :
       {std::pair<int64_t, int64_t>{4, 16}, {16, 4}, {1, 16}, {16, 1},
        {3, 8}, {4, 12}, {6, 1}}) {
    KernelWriter kernel;
    std::vector<Leaf> leaves = writeLeaves2D(kernel, rows, columns);
    writeOps(kernel, std::to_string(rows) + "x" + std::to_string(columns),
             leaves);
    std::vector<std::string> found = violations(kernel.str(kSignature));
    EXPECT_TRUE(found.empty()) << "blocks of " << rows << "x" << columns
                               << ":\n" << join(found);
  }
}

TEST_F(AxisInfoProperty, Scalars) {
  KernelWriter kernel;
  std::vector<Leaf> leaves = {{"%n", "i32"}, {"%m", "i32"}};
  for (int64_t constant : {int64_t(16), int64_t(3), int64_t(-16),
                           int64_t(INT32_MIN), int64_t(INT32_MAX)})
    leaves.push_back(
        {kernel.add("arith.constant " + std::to_string(constant) + " : i32"),
         "i32"});
  leaves.push_back({kernel.add("arith.addi %n, %m : i32"), "i32"});
  writeOps(kernel, "", leaves);
  std::vector<std::string> found = violations(kernel.str(kSignature));
  EXPECT_TRUE(found.empty()) << join(found);
}

/// The step and the upper bound of a loop from `lower` by `step` that runs
/// four times (none where lower + 4 * step wraps).
std::pair<std::string, std::string>
writeFourTrips(KernelWriter &kernel, const std::string &lower, int64_t step) {
  std::string stepValue =
      kernel.add("arith.constant " + std::to_string(step) + " : i32");
  std::string span =
      kernel.add("arith.constant " + std::to_string(4 * step) + " : i32");
  return {stepValue,
          kernel.add("arith.addi " + lower + ", " + span + " : i32")};
}

/// Induction variables, and blocks built from them, in every iteration.
TEST_F(AxisInfoProperty, Loops) {
  KernelWriter kernel;
  for (auto [lower, step] : {std::pair<const char *, int64_t>{"%n", 16},
                             {"%n", 8}, {"%m", 4}}) {
    auto [stepValue, upper] = writeFourTrips(kernel, lower, step);
    std::string iv = "%i" + std::to_string(step);
    kernel.line("scf.for " + iv + " = " + lower + " to " + upper + " step " +
                stepValue + " : i32 {");
    // Blocks from the induction variable, and a few others to meet.
    std::string i32 = "tensor<16xi32>";
    std::vector<Leaf> leaves;
    for (std::string op :
         {"blk.range : " + i32, "blk.splat %n : i32 -> " + i32,
          "blk.splat %m : i32 -> " + i32, "arith.constant dense<16> : " + i32,
          "blk.splat " + iv + " : i32 -> " + i32})
      leaves.push_back({kernel.add(op), i32});
    leaves.push_back({kernel.add("arith.addi " + leaves.back().name + ", " +
                                 leaves[0].name + " : " + i32),
                      i32});
    writeOps(kernel, "16", leaves);
    kernel.line("}");
  }
  std::vector<std::string> found = violations(kernel.str(kSignature));
  EXPECT_TRUE(found.empty()) << join(found);
}

/// Loop-carried values: blocks a loop advances (by a multiple of 16, by an
/// unknown amount, by the induction variable), pointers it moves along a
/// row, values it swaps, and every op on them, in every iteration and after
/// the loop (the analysis assumes what the initial values promise and
/// weakens it until the body yields what it assumed).
TEST_F(AxisInfoProperty, LoopCarriedValues) {
  KernelWriter kernel;
  std::string i32 = "tensor<16xi32>", f16p = "tensor<16x!blk.ptr<f16>>",
              f32p = "tensor<16x!blk.ptr<f32>>";
  std::string range = kernel.add("blk.range : " + i32);
  std::string n = kernel.add("blk.splat %n : i32 -> " + i32);
  std::string m = kernel.add("blk.splat %m : i32 -> " + i32);
  std::string nRange =
      kernel.add("arith.addi " + n + ", " + range + " : " + i32);
  std::string sixteen = kernel.add("arith.constant dense<16> : " + i32);
  std::string p = kernel.add("blk.splat %p : !blk.ptr<f16> -> " + f16p);
  std::string pRow =
      kernel.add("blk.addptr " + p + ", " + range + " : " + f16p + ", " + i32);
  std::string q = kernel.add("blk.splat %q : !blk.ptr<f32> -> " + f32p);
  std::string qRow =
      kernel.add("blk.addptr " + q + ", " + range + " : " + f32p + ", " + i32);
  for (auto [lower, step] :
       {std::pair<const char *, int64_t>{"%n", 16}, {"%m", 3}}) {
    std::string tag = std::to_string(step);
    auto [stepValue, upper] = writeFourTrips(kernel, lower, step);
    std::string iv = "%i" + tag, r = "%r" + tag;
    std::vector<std::string> carried = {"%a" + tag, "%b" + tag, "%c" + tag,
                                        "%d" + tag, "%e" + tag, "%f" + tag,
                                        "%g" + tag};
    kernel.line(r + ":7 = scf.for " + iv + " = " + lower + " to " + upper +
                " step " + stepValue + " iter_args(" + carried[0] + " = " +
                range + ", " + carried[1] + " = " + nRange + ", " + carried[2] +
                " = " + n + ", " + carried[3] + " = " + pRow + ", " +
                carried[4] + " = " + qRow + ", " + carried[5] + " = " + range +
                ", " + carried[6] + " = " + m + ") -> (" + i32 + ", " + i32 +
                ", " + i32 + ", " + f16p + ", " + f32p + ", " + i32 + ", " +
                i32 + ") : i32 {");
    std::string ivBlock = kernel.add("blk.splat " + iv + " : i32 -> " + i32);
    std::vector<Leaf> leaves;
    for (size_t k : {0, 1, 2, 5, 6})
      leaves.push_back({carried[k], i32});
    leaves.push_back({range, i32});
    leaves.push_back({ivBlock, i32});
    writeOps(kernel, "16", leaves);
    std::string a =
        kernel.add("arith.addi " + carried[0] + ", " + sixteen + " : " + i32);
    std::string b =
        kernel.add("arith.addi " + carried[1] + ", " + m + " : " + i32);
    std::string c =
        kernel.add("arith.addi " + carried[2] + ", " + range + " : " + i32);
    std::string d = kernel.add("blk.addptr " + carried[3] + ", " + sixteen +
                               " : " + f16p + ", " + i32);
    std::string e = kernel.add("blk.addptr " + carried[4] + ", " + ivBlock +
                               " : " + f32p + ", " + i32);
    std::string g =
        kernel.add("arith.muli " + carried[6] + ", " + ivBlock + " : " + i32);
    // %f takes %a's old value: a swap through the loop.
    kernel.line("scf.yield " + a + ", " + b + ", " + c + ", " + d + ", " + e +
                ", " + carried[0] + ", " + g + " : " + i32 + ", " + i32 + ", " +
                i32 + ", " + f16p + ", " + f32p + ", " + i32 + ", " + i32);
    kernel.line("}");
    std::vector<Leaf> results;
    for (int k : {0, 1, 2, 5, 6})
      results.push_back({r + "#" + std::to_string(k), i32});
    writeOps(kernel, "16", results);
  }
  std::vector<std::string> found = violations(kernel.str(kSignature));
  EXPECT_TRUE(found.empty()) << join(found);
}

/// The check itself can fail: `offs <= n` for n a multiple of 16 is not
/// uniform over 16 elements (offs = n is true, n + 1 false), the claim an
/// earlier comparison rule made and a masked 16-byte store paid for.
TEST_F(AxisInfoProperty, RejectsAWrongClaim) {
  Concrete mask;
  mask.shape = {32};
  mask.bits = 1;
  for (int64_t i = 0; i < 32; ++i)
    mask.elements.push_back(i <= 16);
  AxisInfo claim = AxisInfo::unknown(1);
  claim.constancy[0] = 16;
  EXPECT_EQ(violation(claim, mask), "dim 0, element 16: constancy 16 broken at +1");
  claim.constancy[0] = 1;
  EXPECT_EQ(violation(claim, mask), "");
}

} // namespace
