//===- Interpreter.cpp - blk kernels evaluated on the CPU -----------------===//
//
// A program holds every SSA value as whole elements (a block row-major, a
// scalar as one element), encoded as Elementwise.h says; pointers are
// addresses in a made-up address space where each buffer argument has its
// own 2^40-byte range, so that an address names its buffer and every
// address outside a buffer is in no buffer.
//
//===----------------------------------------------------------------------===//

#include "ln/Interpreter/Interpreter.h"
#include "ln/Interpreter/Elementwise.h"

#include "Cluster.h"

#include "ln/Dialect/Blk/IR/BlkOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cstring>
#include <optional>

using namespace mlir;
using namespace ln;
using namespace ln::interpreter;

namespace {

constexpr unsigned kBufferShift = 40;

uint64_t bufferBase(size_t argument) {
  return uint64_t(argument + 1) << kBufferShift;
}

/// A value of a program: a block's elements, row-major, or a scalar's one.
struct Elements {
  SmallVector<int64_t, 2> shape; // empty for a scalar
  std::vector<uint64_t> data;

  /// Element `i`; a scalar stands for every element of a block.
  uint64_t at(size_t i) const { return data.size() == 1 ? data[0] : data[i]; }
};

Elements shaped(Type type) {
  Elements result;
  int64_t count = 1;
  if (auto tensor = dyn_cast<RankedTensorType>(type)) {
    result.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
    for (int64_t size : tensor.getShape())
      count *= size;
  }
  result.data.resize(count);
  return result;
}

/// Bytes an element of `type` takes in memory.
unsigned byteSize(Type type) {
  return std::max(1u, type.getIntOrFloatBitWidth() / 8);
}

Type pointeeOf(Value pointer) {
  return cast<blk::PtrType>(getElementTypeOrSelf(pointer.getType()))
      .getPointeeType();
}

/// One program of the grid, run to its end.
class Program {
public:
  /// The program `id` of `grid`, of rank `rank` in `cluster` (if the
  /// kernel has clusters).
  Program(std::vector<Argument> &arguments, std::array<uint32_t, 3> id,
          std::array<uint32_t, 3> grid, Cluster *cluster = nullptr,
          unsigned rank = 0)
      : arguments(arguments), id(id), grid(grid), cluster(cluster),
        rank(rank) {}

  LogicalResult run(func::FuncOp kernel) {
    SmallVector<Elements> inputs;
    for (auto [index, argument] : llvm::enumerate(arguments))
      inputs.push_back(
          {{}, {argument.isBuffer ? bufferBase(index) : argument.scalar}});
    SmallVector<Elements> ignored;
    return runBlock(kernel.getBody().front(), inputs, ignored);
  }

private:
  const Elements &get(Value value) { return values.find(value)->second; }
  void set(Value value, Elements elements) {
    values[value] = std::move(elements);
  }

  /// An error at `op`, naming the program and the op.
  InFlightDiagnostic error(Operation *op) {
    return op->emitError() << "program (" << id[0] << ", " << id[1] << ", "
                           << id[2] << "): '" << op->getName() << "' ";
  }

  /// Runs `block` on `inputs`; `results` gets its terminator's operands.
  LogicalResult runBlock(Block &block, ArrayRef<Elements> inputs,
                         SmallVectorImpl<Elements> &results) {
    for (auto [argument, input] : llvm::zip(block.getArguments(), inputs))
      set(argument, input);
    for (Operation &op : block) {
      if (op.hasTrait<OpTrait::IsTerminator>()) {
        results.clear();
        for (Value operand : op.getOperands())
          results.push_back(get(operand));
        return success();
      }
      if (failed(runOp(op)))
        return failure();
    }
    return success();
  }

  LogicalResult runOp(Operation &op) {
    return llvm::TypeSwitch<Operation *, LogicalResult>(&op)
        .Case([&](arith::ConstantOp constant) { return runConstant(constant); })
        .Case([&](scf::ForOp loop) { return runFor(loop); })
        .Case([&](scf::IfOp branch) { return runIf(branch); })
        .Case([&](scf::WhileOp loop) { return runWhile(loop); })
        .Case([&](blk::ConstexprOp constexprOp) {
          return error(constexprOp)
                 << "'" << constexprOp.getName()
                 << "' is not bound: specialize the kernel (blk-specialize, "
                    "ln-run --specialize) before evaluating it";
        })
        .Case([&](blk::ProgramIdOp programId) {
          set(programId, {{}, {id[programId.getAxis()]}});
          return success();
        })
        .Case([&](blk::NumProgramsOp numPrograms) {
          set(numPrograms, {{}, {grid[numPrograms.getAxis()]}});
          return success();
        })
        .Case([&](blk::RangeOp range) {
          Elements result = shaped(range.getType());
          for (size_t i = 0; i < result.data.size(); ++i)
            result.data[i] = lowBits(uint64_t(range.getStart()) + i, 32);
          set(range, std::move(result));
          return success();
        })
        .Case([&](blk::SplatOp splat) {
          Elements result = shaped(splat.getType());
          std::fill(result.data.begin(), result.data.end(),
                    get(splat.getValue()).data[0]);
          set(splat, std::move(result));
          return success();
        })
        .Case([&](blk::ExpandDimsOp expand) {
          Elements result = get(expand.getSrc());
          result.shape = shaped(expand.getType()).shape;
          set(expand, std::move(result));
          return success();
        })
        .Case(
            [&](blk::BroadcastOp broadcast) { return runBroadcast(broadcast); })
        .Case([&](blk::CastOp castOp) {
          Type from = getElementTypeOrSelf(castOp.getSrc().getType());
          Type to = getElementTypeOrSelf(castOp.getType());
          const Elements &src = get(castOp.getSrc());
          Elements result = shaped(castOp.getType());
          for (size_t i = 0; i < result.data.size(); ++i)
            result.data[i] = castElement(src.at(i), from, to);
          set(castOp, std::move(result));
          return success();
        })
        .Case([&](blk::AddPtrOp addptr) {
          unsigned offsetBits =
              getElementTypeOrSelf(addptr.getOffset().getType())
                  .getIntOrFloatBitWidth();
          uint64_t stride = byteSize(pointeeOf(addptr.getPtr()));
          const Elements &pointers = get(addptr.getPtr());
          const Elements &offsets = get(addptr.getOffset());
          Elements result = shaped(addptr.getType());
          for (size_t i = 0; i < result.data.size(); ++i)
            result.data[i] =
                pointers.at(i) +
                uint64_t(signExtend(offsets.at(i), offsetBits)) * stride;
          set(addptr, std::move(result));
          return success();
        })
        .Case([&](blk::LoadOp load) { return runLoad(load); })
        .Case([&](blk::StoreOp store) { return runStore(store); })
        .Case([&](blk::ReduceOp reduce) { return runReduce(reduce); })
        .Case([&](blk::ClusterReduceOp reduce) {
          return runClusterReduce(reduce);
        })
        .Case([&](blk::AtomicCasOp cas) {
          return runAtomic(cas, cas.getPtr(), cas.getCmp(), cas.getValue());
        })
        .Case([&](blk::AtomicXchgOp xchg) {
          return runAtomic(xchg, xchg.getPtr(), Value(), xchg.getValue());
        })
        // A local block's value is its index in `locals`.
        .Case([&](blk::LocalAllocOp alloc) {
          set(alloc, {{}, {uint64_t(locals.size())}});
          locals.emplace_back();
          return success();
        })
        .Case([&](blk::LocalStoreOp store) {
          locals[get(store.getLocal()).data[0]] = get(store.getValue());
          return success();
        })
        .Case([&](blk::LocalLoadOp load) {
          const std::optional<Elements> &stored =
              locals[get(load.getLocal()).data[0]];
          if (!stored)
            return LogicalResult(error(load)
                                 << "reads a local block that no "
                                    "blk.local_store has written (undefined)");
          set(load, *stored);
          return success();
        })
        // One program runs at a time: every access is already ordered.
        .Case([&](blk::BarrierOp) { return success(); })
        .Default([&](Operation *other) { return runElementwise(*other); });
  }

  LogicalResult runConstant(arith::ConstantOp constant) {
    auto encode = [](Attribute attr) -> uint64_t {
      if (auto integer = dyn_cast<IntegerAttr>(attr))
        return integer.getValue().getZExtValue();
      return cast<FloatAttr>(attr).getValue().bitcastToAPInt().getZExtValue();
    };
    Elements result = shaped(constant.getType());
    Attribute value = constant.getValue();
    if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
      size_t i = 0;
      for (Attribute element : dense.getValues<Attribute>())
        result.data[i++] = encode(element);
    } else if (isa<IntegerAttr, FloatAttr>(value)) {
      result.data[0] = encode(value);
    } else {
      return error(constant) << "the CPU evaluator does not support this "
                                "constant";
    }
    set(constant, std::move(result));
    return success();
  }

  LogicalResult runElementwise(Operation &op) {
    ElementFunction function = getElementFunction(&op);
    if (!function)
      return error(&op) << "is not supported by the CPU evaluator";
    SmallVector<const Elements *> operands;
    for (Value operand : op.getOperands())
      operands.push_back(&get(operand));
    Elements result = shaped(op.getResult(0).getType());
    SmallVector<uint64_t, 3> elements(operands.size());
    std::string undefined;
    for (size_t i = 0; i < result.data.size(); ++i) {
      for (size_t k = 0; k < operands.size(); ++k)
        elements[k] = operands[k]->at(i);
      result.data[i] = function(elements, undefined);
      if (!undefined.empty())
        return error(&op) << "element " << i
                          << " is undefined behaviour: " << undefined;
    }
    set(op.getResult(0), std::move(result));
    return success();
  }

  LogicalResult runBroadcast(blk::BroadcastOp broadcast) {
    const Elements &src = get(broadcast.getSrc());
    Elements result = shaped(broadcast.getType());
    int64_t columns = result.shape.size() == 2 ? result.shape[1] : 1;
    int64_t srcColumns = src.shape.size() == 2 ? src.shape[1] : 1;
    for (size_t i = 0; i < result.data.size(); ++i) {
      int64_t row = int64_t(i) / columns, column = int64_t(i) % columns;
      int64_t srcRow = src.shape[0] == 1 ? 0 : row;
      int64_t srcColumn = srcColumns == 1 ? 0 : column;
      result.data[i] = src.data[srcRow * srcColumns + srcColumn];
    }
    set(broadcast, std::move(result));
    return success();
  }

  /// The memory of `bytes` bytes at `address`, or null after reporting at
  /// `op` an access outside every buffer or misaligned. `element` is the
  /// access's index in its block, none for a scalar pointer.
  uint8_t *memoryAt(Operation *op, uint64_t address, unsigned bytes,
                    std::optional<size_t> element, StringRef access) {
    uint64_t index = (address >> kBufferShift) - 1;
    uint64_t offset = address & ((uint64_t(1) << kBufferShift) - 1);
    bool inBuffer = index < arguments.size() && arguments[index].isBuffer;
    std::vector<uint8_t> *buffer =
        inBuffer ? &arguments[index].buffer : nullptr;
    if (buffer && offset + bytes <= buffer->size() && offset % bytes == 0)
      return buffer->data() + offset;
    InFlightDiagnostic diagnostic = error(op);
    if (element)
      diagnostic << "element " << *element << " ";
    diagnostic << access << " " << bytes << " bytes ";
    if (!buffer)
      diagnostic << "at address " << address << ", in no buffer argument";
    else if (offset + bytes > buffer->size())
      diagnostic << "at byte " << offset << " of argument " << index
                 << ", a buffer of " << buffer->size()
                 << " bytes: out of bounds";
    else
      diagnostic << "at byte " << offset << " of argument " << index
                 << ": misaligned";
    return nullptr;
  }

  /// The index to name in an error about element `i` of `pointers`.
  static std::optional<size_t> elementOf(const Elements &pointers, size_t i) {
    return pointers.shape.empty() ? std::nullopt : std::optional<size_t>(i);
  }

  LogicalResult runLoad(blk::LoadOp load) {
    const Elements &pointers = get(load.getPtr());
    const Elements *mask = load.getMask() ? &get(load.getMask()) : nullptr;
    const Elements *other = load.getOther() ? &get(load.getOther()) : nullptr;
    unsigned bytes = byteSize(pointeeOf(load.getPtr()));
    Elements result = shaped(load.getType());
    for (size_t i = 0; i < result.data.size(); ++i) {
      if (mask && !mask->at(i)) {
        // Without `other`, masked-off elements are unspecified: 0, as the
        // lowering gives.
        result.data[i] = other ? other->at(i) : 0;
        continue;
      }
      uint8_t *memory = memoryAt(load, pointers.at(i), bytes,
                                 elementOf(pointers, i), "reads");
      if (!memory)
        return failure();
      uint64_t element = 0;
      std::memcpy(&element, memory, bytes);
      result.data[i] = element;
    }
    set(load, std::move(result));
    return success();
  }

  LogicalResult runStore(blk::StoreOp store) {
    const Elements &pointers = get(store.getPtr());
    const Elements &value = get(store.getValue());
    const Elements *mask = store.getMask() ? &get(store.getMask()) : nullptr;
    unsigned bytes = byteSize(pointeeOf(store.getPtr()));
    for (size_t i = 0; i < pointers.data.size(); ++i) {
      if (mask && !mask->at(i))
        continue;
      uint8_t *memory = memoryAt(store, pointers.at(i), bytes,
                                 elementOf(pointers, i), "writes");
      if (!memory)
        return failure();
      uint64_t element = value.at(i);
      std::memcpy(memory, &element, bytes);
    }
    return success();
  }

  /// An exchange, or a compare-and-swap when `compare` is given.
  LogicalResult runAtomic(Operation *op, Value pointer, Value compare,
                          Value value) {
    unsigned bytes = byteSize(pointeeOf(pointer));
    uint8_t *memory =
        memoryAt(op, get(pointer).data[0], bytes, std::nullopt, "accesses");
    if (!memory)
      return failure();
    uint64_t old = 0;
    std::memcpy(&old, memory, bytes);
    if (!compare || old == get(compare).data[0]) {
      uint64_t replacement = get(value).data[0];
      std::memcpy(memory, &replacement, bytes);
    }
    set(op->getResult(0), {{}, {old}});
    return success();
  }

  /// Combines in order along the axis, one valid order of many; blocks
  /// reduced together are combined side by side.
  LogicalResult runReduce(blk::ReduceOp reduce) {
    // Copies: running the combiner adds values to the map, which may move
    // its entries.
    SmallVector<Elements> srcs = llvm::map_to_vector(
        reduce.getSrcs(), [&](Value src) { return get(src); });
    ArrayRef<int64_t> shape = srcs.front().shape;
    unsigned axis = reduce.getAxis();
    int64_t rows = shape[0];
    int64_t columns = shape.size() == 2 ? shape[1] : 1;
    int64_t length = axis == 0 ? rows : columns;
    int64_t outputs = axis == 0 ? columns : rows;
    size_t count = srcs.size();
    Block &combiner = reduce.getCombiner().front();
    SmallVector<Elements> results = llvm::map_to_vector(
        reduce.getResultTypes(), [](Type type) { return shaped(type); });
    SmallVector<Elements> combined;
    for (int64_t out = 0; out < outputs; ++out) {
      auto element = [&](size_t i, int64_t k) {
        return axis == 0 ? srcs[i].data[k * columns + out]
                         : srcs[i].data[out * columns + k];
      };
      SmallVector<uint64_t> accumulators;
      for (size_t i = 0; i < count; ++i)
        accumulators.push_back(element(i, 0));
      for (int64_t k = 1; k < length; ++k) {
        SmallVector<Elements> inputs;
        for (size_t i = 0; i < count; ++i)
          inputs.push_back({{}, {accumulators[i]}});
        for (size_t i = 0; i < count; ++i)
          inputs.push_back({{}, {element(i, k)}});
        if (failed(runBlock(combiner, inputs, combined)))
          return failure();
        for (size_t i = 0; i < count; ++i)
          accumulators[i] = combined[i].data[0];
      }
      for (size_t i = 0; i < count; ++i)
        results[i].data[out] = accumulators[i];
    }
    for (auto [result, value] : llvm::zip(reduce.getResults(), results))
      set(result, std::move(value));
    return success();
  }

  /// Every program of the cluster's values, combined left to right in rank
  /// order: each program computes the same fold.
  LogicalResult runClusterReduce(blk::ClusterReduceOp reduce) {
    if (!cluster)
      return error(reduce) << "needs a cluster kernel (blk.cluster_size, "
                              "set by blk-specialize's cluster-size)";
    std::vector<uint64_t> own;
    for (Value value : reduce.getValues())
      own.push_back(get(value).data[0]);
    FailureOr<std::vector<std::vector<uint64_t>>> all =
        cluster->exchange(rank, reduce, std::move(own));
    if (failed(all))
      return failure();
    size_t count = reduce.getValues().size();
    SmallVector<uint64_t> accumulators((*all)[0].begin(), (*all)[0].end());
    SmallVector<Elements> combined;
    for (size_t peer = 1; peer < all->size(); ++peer) {
      SmallVector<Elements> inputs;
      for (size_t i = 0; i < count; ++i)
        inputs.push_back({{}, {accumulators[i]}});
      for (size_t i = 0; i < count; ++i)
        inputs.push_back({{}, {(*all)[peer][i]}});
      if (failed(runBlock(reduce.getCombiner().front(), inputs, combined)))
        return failure();
      for (size_t i = 0; i < count; ++i)
        accumulators[i] = combined[i].data[0];
    }
    for (auto [result, value] : llvm::zip(reduce.getResults(), accumulators))
      set(result, {{}, {value}});
    return success();
  }

  LogicalResult runFor(scf::ForOp loop) {
    unsigned bits = loop.getInductionVar().getType().getIntOrFloatBitWidth();
    bool isUnsigned = loop.getUnsignedCmp();
    uint64_t upper = get(loop.getUpperBound()).data[0];
    uint64_t step = get(loop.getStep()).data[0];
    if (isUnsigned ? step == 0 : signExtend(step, bits) <= 0)
      return error(loop) << "steps by " << signExtend(step, bits)
                         << ": the loop never ends";
    auto before = [&](uint64_t iv) {
      return isUnsigned ? iv < upper
                        : signExtend(iv, bits) < signExtend(upper, bits);
    };
    SmallVector<Elements> carried;
    for (Value init : loop.getInitArgs())
      carried.push_back(get(init));
    for (uint64_t iv = get(loop.getLowerBound()).data[0]; before(iv);) {
      SmallVector<Elements> inputs{{{}, {iv}}};
      inputs.append(carried.begin(), carried.end());
      if (failed(runBlock(*loop.getBody(), inputs, carried)))
        return failure();
      uint64_t next = lowBits(iv + step, bits);
      // Stepping past the type's largest value is undefined
      // (docs/semantics.md): the GPU's lowering wraps and goes on.
      if (isUnsigned ? next < iv
                     : signExtend(next, bits) < signExtend(iv, bits)) {
        InFlightDiagnostic diagnostic = error(loop);
        diagnostic << "is undefined behaviour: its induction variable ";
        if (isUnsigned)
          diagnostic << iv;
        else
          diagnostic << signExtend(iv, bits);
        return diagnostic << " stepped by " << step << " passes the largest "
                          << bits << "-bit "
                          << (isUnsigned ? "unsigned" : "signed")
                          << " value (the GPU would wrap and go on)";
      }
      iv = next;
    }
    for (auto [result, value] : llvm::zip(loop.getResults(), carried))
      set(result, value);
    return success();
  }

  LogicalResult runIf(scf::IfOp branch) {
    Region &region = get(branch.getCondition()).data[0]
                         ? branch.getThenRegion()
                         : branch.getElseRegion();
    if (region.empty())
      return success();
    SmallVector<Elements> results;
    if (failed(runBlock(region.front(), {}, results)))
      return failure();
    for (auto [result, value] : llvm::zip(branch.getResults(), results))
      set(result, value);
    return success();
  }

  LogicalResult runWhile(scf::WhileOp loop) {
    SmallVector<Elements> carried, forwarded;
    for (Value init : loop.getInits())
      carried.push_back(get(init));
    while (true) {
      if (failed(runBlock(loop.getBefore().front(), carried, forwarded)))
        return failure();
      bool proceed = forwarded[0].data[0];
      forwarded.erase(forwarded.begin());
      if (!proceed)
        break;
      if (failed(runBlock(loop.getAfter().front(), forwarded, carried)))
        return failure();
    }
    for (auto [result, value] : llvm::zip(loop.getResults(), forwarded))
      set(result, value);
    return success();
  }

  std::vector<Argument> &arguments;
  std::array<uint32_t, 3> id, grid;
  Cluster *cluster;
  unsigned rank;
  DenseMap<Value, Elements> values;
  /// The program's local blocks, by allocation; empty until stored.
  std::vector<std::optional<Elements>> locals;
};

} // namespace

LogicalResult ln::interpreter::runKernel(func::FuncOp kernel,
                                         std::vector<Argument> &arguments,
                                         std::array<uint32_t, 3> grid) {
  if (kernel.getNumArguments() != arguments.size())
    return kernel.emitError("takes ")
           << kernel.getNumArguments() << " arguments, " << arguments.size()
           << " given";
  for (auto [parameter, argument] :
       llvm::zip(kernel.getArgumentTypes(), arguments))
    if (isa<blk::PtrType>(parameter) != argument.isBuffer)
      return kernel.emitError("a ")
             << (argument.isBuffer ? "buffer" : "scalar") << " given for a "
             << parameter << " parameter";
  auto clusterSize = kernel->getAttrOfType<IntegerAttr>("blk.cluster_size");
  int64_t size = clusterSize ? clusterSize.getInt() : 1;
  if (clusterSize &&
      (size < 1 || size > 8 || !llvm::isPowerOf2_64(size) ||
       grid[0] % size != 0))
    return kernel.emitError("the grid's axis-0 size ")
           << grid[0] << " is not a multiple of the kernel's cluster size "
           << size << " (blk.cluster_size, a power of two from 1 to 8)";
  bool exchanges = false;
  kernel.walk([&](blk::ClusterReduceOp) { exchanges = true; });
  // Programs that exchange nothing with each other, or clusters of one
  // program, run in turn on this thread.
  if (!exchanges || size == 1) {
    for (uint32_t z = 0; z < grid[2]; ++z)
      for (uint32_t y = 0; y < grid[1]; ++y)
        for (uint32_t x = 0; x < grid[0]; ++x) {
          Cluster single({x, y, z}, 1);
          if (failed(Program(arguments, {x, y, z}, grid,
                             clusterSize ? &single : nullptr)
                         .run(kernel)))
            return failure();
        }
    return success();
  }
  for (uint32_t z = 0; z < grid[2]; ++z)
    for (uint32_t y = 0; y < grid[1]; ++y)
      for (uint32_t x = 0; x < grid[0]; x += size) {
        Cluster cluster({x, y, z}, size);
        if (failed(cluster.run([&](unsigned rank) {
              return Program(arguments, {x + rank, y, z}, grid, &cluster, rank)
                  .run(kernel);
            })))
          return failure();
      }
  return success();
}
