//===- ln-opt.cpp - The ln optimizer driver -------------------------------===//
//
// mlir-opt for ln: the blk dialect and its passes, the upstream dialects and
// passes the blk -> PTX pipeline uses, and the named pipelines.
//
//===----------------------------------------------------------------------===//

#include "ln/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

namespace ln::test {
void registerTestAxisInfoPass();
} // namespace ln::test

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  ln::registerAllDialects(registry);
  ln::registerAllPasses();
  ln::test::registerTestAxisInfoPass();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "ln optimizer driver\n", registry));
}
