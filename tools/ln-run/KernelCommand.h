//===- KernelCommand.h - ln-run kernel: run a user's kernel -----*- C++ -*-===//

#ifndef LN_TOOLS_LN_RUN_KERNELCOMMAND_H
#define LN_TOOLS_LN_RUN_KERNELCOMMAND_H

#include "Options.h"

namespace ln::run {

int runKernelCommand(const KernelOptions &options, const char *argv0);

} // namespace ln::run

#endif // LN_TOOLS_LN_RUN_KERNELCOMMAND_H
