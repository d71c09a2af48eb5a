//===- NoDriverTest.cpp - Without a driver, ln says so --------------------===//
//
// Runs with LN_CUDA_LIBRARY pointing at a missing library (see
// CMakeLists.txt), so it behaves the same on machines with a GPU.

#include "ln/Runtime/ln.h"

#include <gtest/gtest.h>

#include <string>

namespace {

TEST(NoDriver, InitReportsNoGpu) {
  EXPECT_EQ(ln_init(), LN_ERROR_NO_GPU);
  std::string message = ln_last_error();
  EXPECT_NE(message.find("/nonexistent/libcuda.so.1"), std::string::npos);
  EXPECT_NE(message.find("no usable NVIDIA driver"), std::string::npos);
}

TEST(NoDriver, ValidCallsReportNoGpu) {
  alignas(16) static char memory[4096];
  float *stats = reinterpret_cast<float *>(memory + 2048);
  EXPECT_EQ(ln_layer_norm_forward(LN_F16, nullptr, 2, 8, 1e-5f, memory, 8,
                                  memory, memory, memory, 8, stats, stats),
            LN_ERROR_NO_GPU);
}

TEST(NoDriver, WorkspaceSizeNeedsNoGpu) {
  EXPECT_GT(ln_layer_norm_backward_workspace_size(LN_F16, 4096, 4096), 0u);
}

} // namespace
