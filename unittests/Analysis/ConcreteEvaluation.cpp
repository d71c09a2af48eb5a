//===- ConcreteEvaluation.cpp - Kernels on concrete values ----------------===//

#include "ConcreteEvaluation.h"

#include "ln/Dialect/Blk/IR/BlkOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/TypeSwitch.h"

#include <sstream>

using namespace mlir;
using namespace ln;
using namespace ln::concrete;

//===----------------------------------------------------------------------===//
// Concrete evaluation
//===----------------------------------------------------------------------===//

static SmallVector<int64_t, 2> shapeOf(Type type) {
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    return SmallVector<int64_t, 2>(tensor.getShape());
  return {1};
}

Concrete concrete::empty(Type type) {
  Concrete value;
  value.shape = shapeOf(type);
  int64_t count = 1;
  for (int64_t size : value.shape)
    count *= size;
  value.elements.resize(count);
  Type element = getElementTypeOrSelf(type);
  if (auto ptr = dyn_cast<blk::PtrType>(element))
    value.pointeeBytes = ptr.getPointeeType().getIntOrFloatBitWidth() / 8;
  else
    value.bits = element.getIntOrFloatBitWidth();
  return value;
}

namespace {

/// Evaluates the ops of a block, one at a time.
class Evaluator {
public:
  Evaluator(DenseMap<Value, Concrete> &values, Observer observe)
      : values(values), observe(observe) {}

  void run(Block &block) {
    for (Operation &op : block) {
      if (auto loop = dyn_cast<scf::ForOp>(op)) {
        runLoop(loop);
        continue;
      }
      if (op.getNumResults() != 1)
        continue;
      Value result = op.getResult(0);
      values[result] = evaluate(&op);
      observe(result, values[result]);
    }
  }

private:
  /// Runs the body once per iteration, each time on what the last one
  /// yielded (the initial values first); the results are the last yields.
  void runLoop(scf::ForOp loop) {
    Value iv = loop.getInductionVar();
    Concrete current = empty(iv.getType());
    current.elements[0] = values.at(loop.getLowerBound()).elements[0];
    uint64_t upper = values.at(loop.getUpperBound()).elements[0];
    uint64_t step = values.at(loop.getStep()).elements[0];
    unsigned bits = current.bits;
    SmallVector<Concrete> carried;
    for (Value init : loop.getInitArgs())
      carried.push_back(values.at(init));
    auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
    while (signExtend(current.elements[0], bits) < signExtend(upper, bits)) {
      values[iv] = current;
      observe(iv, current);
      for (auto [arg, value] : llvm::zip(loop.getRegionIterArgs(), carried)) {
        values[arg] = value;
        observe(arg, value);
      }
      run(*loop.getBody());
      for (auto [value, yielded] : llvm::zip(carried, yield.getResults()))
        value = values.at(yielded);
      current.elements[0] = lowBits(current.elements[0] + step, bits);
    }
    for (auto [result, value] : llvm::zip(loop.getResults(), carried)) {
      values[result] = value;
      observe(result, value);
    }
  }

private:
  /// Element `i` of `value`, which may be a scalar standing for a block.
  static uint64_t at(const Concrete &value, size_t i) {
    return value.elements.size() == 1 ? value.elements[0] : value.elements[i];
  }
  uint64_t at(Value value, size_t i) { return at(values.at(value), i); }

  Concrete elementwise(Operation *op,
                       function_ref<uint64_t(size_t, unsigned)> element) {
    Concrete result = empty(op->getResult(0).getType());
    for (size_t i = 0; i < result.elements.size(); ++i)
      result.elements[i] = lowBits(element(i, result.bits), result.bits);
    return result;
  }

  /// An arith op, element by element.
  Concrete elementFunction(Operation *op) {
    interpreter::ElementFunction function =
        interpreter::getElementFunction(op);
    SmallVector<uint64_t, 3> operands(op->getNumOperands());
    std::string undefined;
    return elementwise(op, [&](size_t i, unsigned) {
      for (auto [k, operand] : llvm::enumerate(op->getOperands()))
        operands[k] = at(operand, i);
      return function(operands, undefined);
    });
  }

  Concrete evaluate(Operation *op) {
    Type type = op->getResult(0).getType();
    return llvm::TypeSwitch<Operation *, Concrete>(op)
        .Case([&](arith::ConstantOp constant) {
          Attribute attr = constant.getValue();
          if (auto splat = dyn_cast<SplatElementsAttr>(attr))
            attr = splat.getSplatValue<Attribute>();
          uint64_t value = cast<IntegerAttr>(attr).getValue().getZExtValue();
          return elementwise(op, [&](size_t, unsigned) { return value; });
        })
        .Case([&](blk::RangeOp range) {
          return elementwise(op, [&](size_t i, unsigned) {
            return uint64_t(range.getStart()) + i;
          });
        })
        .Case([&](blk::SplatOp splat) {
          return elementwise(op, [&](size_t, unsigned) {
            return at(splat.getValue(), 0);
          });
        })
        .Case([&](blk::ExpandDimsOp expand) {
          Concrete result = values.at(expand.getSrc());
          result.shape = shapeOf(type);
          return result;
        })
        .Case([&](blk::BroadcastOp broadcast) {
          const Concrete &src = values.at(broadcast.getSrc());
          Concrete result = empty(type);
          int64_t columns = result.shape.size() == 2 ? result.shape[1] : 1;
          for (size_t i = 0; i < result.elements.size(); ++i) {
            int64_t row = i / columns, column = i % columns;
            int64_t srcRow = src.shape[0] == 1 ? 0 : row;
            int64_t srcColumn =
                src.shape.size() == 2 && src.shape[1] == 1 ? 0 : column;
            int64_t srcColumns = src.shape.size() == 2 ? src.shape[1] : 1;
            result.elements[i] = src.elements[srcRow * srcColumns + srcColumn];
          }
          return result;
        })
        .Case([&](blk::AddPtrOp addptr) {
          // Offsets are sign-extended, as the lowering's GEP does.
          unsigned offsetBits =
              getElementTypeOrSelf(addptr.getOffset().getType())
                  .getIntOrFloatBitWidth();
          const Concrete &ptr = values.at(addptr.getPtr());
          const Concrete &offset = values.at(addptr.getOffset());
          Concrete result = empty(type);
          for (size_t i = 0; i < result.elements.size(); ++i)
            result.elements[i] =
                at(ptr, i) + uint64_t(signExtend(at(offset, i), offsetBits)) *
                                 result.pointeeBytes;
          return result;
        })
        .Default([&](Operation *) { return elementFunction(op); });
  }

  DenseMap<Value, Concrete> &values;
  Observer observe;
};

} // namespace

void concrete::evaluate(Block &block, DenseMap<Value, Concrete> &values,
                        Observer observe) {
  Evaluator(values, observe).run(block);
}

//===----------------------------------------------------------------------===//
// Checking the facts
//===----------------------------------------------------------------------===//

std::string concrete::violation(const AxisInfo &info,
                                const Concrete &value) {
  unsigned rank = value.shape.size();
  bool pointer = value.pointeeBytes != 0;
  // Row-major strides of the dimensions.
  int64_t strides[2] = {rank == 2 ? value.shape[1] : 1, 1};
  auto why = [&](unsigned d, size_t i, StringRef what) {
    std::ostringstream os;
    os << "dim " << d << ", element " << i << ": " << what.str();
    return os.str();
  };
  for (unsigned d = 0; d < rank; ++d) {
    int64_t c = info.getContiguity(d), k = info.getDivisibility(d),
            same = info.getConstancy(d), stride = strides[d];
    for (size_t i = 0; i < value.elements.size(); ++i) {
      int64_t position = (int64_t(i) / stride) % value.shape[d];
      int64_t left = value.shape[d] - position;
      uint64_t first = value.elements[i];
      if (position % c == 0) {
        if (first % uint64_t(k) != 0)
          return why(d, i, "divisibility " + std::to_string(k) +
                               " but the run starts at " +
                               std::to_string(pointer || value.bits == 1
                                                  ? int64_t(first)
                                                  : signExtend(first,
                                                             value.bits)));
        for (int64_t j = 1; j < std::min(c, left); ++j) {
          uint64_t expected = pointer ? first + j * value.pointeeBytes
                                      : lowBits(first + j, value.bits);
          if (value.elements[i + j * stride] != expected)
            return why(d, i, "contiguity " + std::to_string(c) +
                                 " broken at +" + std::to_string(j));
        }
      }
      if (position % same == 0)
        for (int64_t j = 1; j < std::min(same, left); ++j)
          if (value.elements[i + j * stride] != first)
            return why(d, i, "constancy " + std::to_string(same) +
                                 " broken at +" + std::to_string(j));
    }
  }
  return "";
}
