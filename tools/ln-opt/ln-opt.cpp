//===- ln-opt.cpp - The ln optimizer driver -------------------------------===//
//
// mlir-opt for ln: the blk dialect and its passes, the upstream dialects and
// passes the blk -> PTX pipeline uses, and the named pipelines.
//
//===----------------------------------------------------------------------===//

#include "ln/Dialect/Blk/IR/BlkDialect.h"
#include "ln/Dialect/Blk/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<ln::blk::BlkDialect, mlir::arith::ArithDialect,
                  mlir::func::FuncDialect, mlir::math::MathDialect,
                  mlir::scf::SCFDialect>();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  ln::blk::registerBlkPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "ln optimizer driver\n", registry));
}
