//===- ln-translate.cpp - Get PTX text out of ln's pipeline ---------------===//
//
// `ln-opt --blk-to-ptx` leaves the PTX inside a gpu.binary; `--ptx` prints
// it as a plain .ptx file, ready for ptxas, cuModuleLoadData or ln-run.
//
//===----------------------------------------------------------------------===//

#include "ln/InitAll.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"

using namespace mlir;

/// Writes the PTX of the module's single gpu.binary object.
static LogicalResult translateToPTX(Operation *op, raw_ostream &output) {
  SmallVector<gpu::ObjectAttr> objects;
  op->walk([&](gpu::BinaryOp binary) {
    for (Attribute object : binary.getObjects())
      objects.push_back(cast<gpu::ObjectAttr>(object));
  });
  if (objects.size() != 1)
    return op->emitError("expected exactly one gpu.binary object (run ln-opt "
                         "--blk-to-ptx first), found ")
           << objects.size();
  gpu::ObjectAttr object = objects.front();
  if (object.getFormat() != gpu::CompilationTarget::Assembly)
    return op->emitError("the gpu.binary object holds ")
           << stringifyCompilationTarget(object.getFormat())
           << ", not PTX assembly; compile with format=isa";
  output << object.getObject().getValue();
  return success();
}

int main(int argc, char **argv) {
  TranslateFromMLIRRegistration ptx(
      "ptx", "print the PTX held by a gpu.binary (from ln-opt --blk-to-ptx)",
      translateToPTX, [](DialectRegistry &registry) {
        ln::registerAllDialects(registry);
      });
  return failed(mlirTranslateMain(argc, argv, "ln translation driver"));
}
