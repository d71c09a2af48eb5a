//===- ContractFloatOps.cpp - Allow FMA contraction of arith ops ----------===//
//
// Contraction is a per-operation permission in LLVM: a multiply fuses with
// the add or subtraction that consumes it only when both carry `contract`.
// Setting it here, on the kernel's arith ops, leaves every other rounding
// rule intact (no reassociation, no approximate math).
//
//===----------------------------------------------------------------------===//

#include "ln/Dialect/Blk/Transforms/Passes.h"

namespace ln::blk {
#define GEN_PASS_DEF_BLKCONTRACTFLOATOPS
#include "ln/Dialect/Blk/Transforms/Passes.h.inc"
} // namespace ln::blk

using namespace mlir;

namespace {

struct BlkContractFloatOpsPass
    : public ln::blk::impl::BlkContractFloatOpsBase<BlkContractFloatOpsPass> {
  void runOnOperation() override {
    getOperation()->walk([](Operation *op) {
      if (!isa<arith::MulFOp, arith::AddFOp, arith::SubFOp>(op))
        return;
      auto fastMath = cast<arith::ArithFastMathInterface>(op);
      arith::FastMathFlags flags =
          fastMath.getFastMathFlagsAttr().getValue() |
          arith::FastMathFlags::contract;
      op->setAttr(fastMath.getFastMathAttrName(),
                  arith::FastMathFlagsAttr::get(op->getContext(), flags));
    });
  }
};

} // namespace
