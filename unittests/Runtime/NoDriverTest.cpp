//===- NoDriverTest.cpp - Without a driver, ln says so --------------------===//
//
// Runs with LN_CUDA_LIBRARY pointing at a missing library (see
// CMakeLists.txt), so it behaves the same on machines with a GPU.
//
//===----------------------------------------------------------------------===//

#include "ln/Runtime/EmbeddedKernels.h"
#include "ln/Runtime/ln.h"

#include <gtest/gtest.h>

#include <string>

namespace {

/// Whether this build embeds the LayerNorm kernels (LN_BUILD_COMPILER=ON):
/// without them the LayerNorm calls report LN_ERROR_UNSUPPORTED first.
bool hasEmbeddedKernels() {
  size_t count = 0;
  ln::runtime::embeddedKernels(count);
  return count > 0;
}

TEST(NoDriver, InitReportsNoGpu) {
  EXPECT_EQ(ln_init(), LN_ERROR_NO_GPU);
  std::string message = ln_last_error();
  EXPECT_NE(message.find("/nonexistent/libcuda.so.1"), std::string::npos);
  EXPECT_NE(message.find("no usable NVIDIA driver"), std::string::npos);
}

TEST(NoDriver, ValidCallsReportNoGpu) {
  if (!hasEmbeddedKernels())
    GTEST_SKIP() << "built without the LayerNorm kernels";
  alignas(16) static char memory[4096];
  float *stats = reinterpret_cast<float *>(memory + 2048);
  EXPECT_EQ(ln_layer_norm_forward(LN_F16, nullptr, 2, 8, 1e-5f, memory, 8,
                                  memory, memory, memory, 8, stats, stats),
            LN_ERROR_NO_GPU);
  // Without a workspace the runtime would allocate one: still no GPU.
  EXPECT_EQ(ln_layer_norm_backward(LN_F16, nullptr, 2, 8, memory, 8, memory, 8,
                                   memory, stats, stats, memory, 8, memory,
                                   memory, /*workspace=*/nullptr),
            LN_ERROR_NO_GPU);
  unsigned dims[3] = {1, 1, 1};
  EXPECT_EQ(
      ln_launch_ptx(".version 8.0\n", "k", dims, dims, 0, nullptr, nullptr),
      LN_ERROR_NO_GPU);
}

TEST(NoDriver, MisalignedPointersAreRefusedBeforeAnyLaunch) {
  if (!hasEmbeddedKernels())
    GTEST_SKIP() << "built without the LayerNorm kernels";
  alignas(16) static char memory[4096];
  float *stats = reinterpret_cast<float *>(memory + 2048);
  char *odd = memory + 1;
  // Checked before the driver is asked for anything: the error is the
  // caller's, not "no GPU", and it names the pointer.
  EXPECT_EQ(ln_layer_norm_forward(LN_F16, nullptr, 2, 8, 1e-5f, memory, 8,
                                  memory, memory, odd, 8, stats, stats),
            LN_ERROR_INVALID_ARGUMENT);
  std::string message = ln_last_error();
  EXPECT_NE(message.find("y (0x"), std::string::npos) << message;
  EXPECT_NE(message.find("is not aligned to its 2-byte f16 elements"),
            std::string::npos)
      << message;
  // Two-byte aligned is enough for f16, not for f32 or the statistics.
  EXPECT_EQ(ln_layer_norm_forward(LN_F32, nullptr, 2, 8, 1e-5f, memory + 2, 8,
                                  memory, memory, memory, 8, stats, stats),
            LN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(ln_last_error()).find("x (0x"), std::string::npos);
  EXPECT_EQ(ln_layer_norm_forward(LN_F16, nullptr, 2, 8, 1e-5f, memory, 8,
                                  memory, memory, memory, 8,
                                  reinterpret_cast<float *>(memory + 2050),
                                  stats),
            LN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(ln_last_error()).find("4-byte f32 elements"),
            std::string::npos);
  EXPECT_EQ(ln_layer_norm_backward(LN_BF16, nullptr, 2, 8, memory, 8, memory,
                                   8, memory, stats, stats, memory, 8, odd,
                                   memory, memory),
            LN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(ln_last_error()).find("dw (0x"), std::string::npos);
}

TEST(NoDriver, ParameterGradientsAreBothOrNeither) {
  if (!hasEmbeddedKernels())
    GTEST_SKIP() << "built without the LayerNorm kernels";
  alignas(16) static char memory[4096];
  float *stats = reinterpret_cast<float *>(memory + 2048);
  // Neither: dx alone passes the checks, so only the missing GPU stops it;
  // f32 N planned on each backward path (persistent, fused, split), which
  // the checks follow (the launches themselves need the GPU).
  for (int64_t N : {8, 6000, 20000})
    EXPECT_EQ(ln_layer_norm_backward(LN_F32, nullptr, 2, N, memory, N, memory,
                                     N, memory, stats, stats, memory, N,
                                     /*dw=*/nullptr, /*db=*/nullptr, memory),
              LN_ERROR_NO_GPU)
        << "N = " << N << ": " << ln_last_error();
  // One without the other: refused before the driver, naming both.
  for (bool dwGiven : {false, true}) {
    EXPECT_EQ(ln_layer_norm_backward(
                  LN_F16, nullptr, 2, 8, memory, 8, memory, 8, memory, stats,
                  stats, memory, 8, dwGiven ? memory : nullptr,
                  dwGiven ? nullptr : memory, memory),
              LN_ERROR_INVALID_ARGUMENT);
    std::string message = ln_last_error();
    EXPECT_NE(message.find(dwGiven ? "db is null but dw is not"
                                   : "dw is null but db is not"),
              std::string::npos)
        << message;
  }
}

TEST(NoDriver, WithoutKernelsLayerNormIsUnsupported) {
  if (hasEmbeddedKernels())
    GTEST_SKIP() << "built with the LayerNorm kernels";
  alignas(16) static char memory[4096];
  float *stats = reinterpret_cast<float *>(memory + 2048);
  EXPECT_EQ(ln_layer_norm_forward(LN_F16, nullptr, 2, 8, 1e-5f, memory, 8,
                                  memory, memory, memory, 8, stats, stats),
            LN_ERROR_UNSUPPORTED);
  EXPECT_NE(std::string(ln_last_error()).find("LN_BUILD_COMPILER=OFF"),
            std::string::npos);
  EXPECT_EQ(ln_layer_norm_backward_workspace_size(LN_F16, 4096, 4096), 0u);
}

TEST(NoDriver, WorkspaceSizeNeedsNoGpu) {
  if (!hasEmbeddedKernels())
    GTEST_SKIP() << "built without the LayerNorm kernels";
  EXPECT_GT(ln_layer_norm_backward_workspace_size(LN_F16, 4096, 4096), 0u);
}

} // namespace
