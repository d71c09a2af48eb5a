//===- Passes.h - ln conversion passes --------------------------*- C++ -*-===//

#ifndef LN_CONVERSION_PASSES_H
#define LN_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Pass/Pass.h"

namespace ln {

#define GEN_PASS_DECL
#include "ln/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "ln/Conversion/Passes.h.inc"

} // namespace ln

#endif // LN_CONVERSION_PASSES_H
