//===- TestAxisInfo.cpp - Print AxisInfo as remarks -----------------------===//
//
// `ln-opt --test-print-axis-info` attaches the AxisInfo of every integer,
// pointer and mask result to its op as a remark, for
// test/Analysis/axis-info.mlir.
//
//===----------------------------------------------------------------------===//

#include "ln/Analysis/AxisInfo.h"
#include "ln/Dialect/Blk/IR/BlkTypes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;

namespace {

struct TestPrintAxisInfoPass
    : public PassWrapper<TestPrintAxisInfoPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestPrintAxisInfoPass)

  StringRef getArgument() const final { return "test-print-axis-info"; }
  StringRef getDescription() const final {
    return "Report the AxisInfo of integer and pointer values as remarks";
  }

  void runOnOperation() override {
    ln::AxisInfoAnalysis analysis(getOperation());
    getOperation().walk([&](Operation *op) {
      if (op->getNumResults() != 1)
        return;
      Type element = getElementTypeOrSelf(op->getResult(0).getType());
      if (!isa<IntegerType, ln::blk::PtrType>(element))
        return;
      std::string text;
      llvm::raw_string_ostream os(text);
      analysis.getAxisInfo(op->getResult(0)).print(os);
      op->emitRemark(text);
    });
  }
};

} // namespace

namespace ln::test {
void registerTestAxisInfoPass() { PassRegistration<TestPrintAxisInfoPass>(); }
} // namespace ln::test
