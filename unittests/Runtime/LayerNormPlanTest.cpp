//===- LayerNormPlanTest.cpp - The LayerNorm host logic, without a GPU ----===//

#include "ln/Runtime/LayerNorm.h"

#include <gtest/gtest.h>

#include <string>

using namespace ln::runtime;

namespace {

TEST(LayerNormPlan, TutorialGroupSizes) {
  EXPECT_EQ(getTutorialGroupSize(512), 256);
  EXPECT_EQ(getTutorialGroupSize(1024), 256);
  EXPECT_EQ(getTutorialGroupSize(1025), 128);
  EXPECT_EQ(getTutorialGroupSize(4096), 128);
  EXPECT_EQ(getTutorialGroupSize(8192), 96);
  EXPECT_EQ(getTutorialGroupSize(8193), 64);
}

TEST(LayerNormPlan, BackwardWorkspaceLayout) {
  BackwardPlan plan = planBackward(/*M=*/4096, /*N=*/2000, /*rows=*/16);
  EXPECT_EQ(plan.programs, 256);
  EXPECT_EQ(plan.groupSize, 128);
  EXPECT_EQ(plan.lockOffset, 0u);
  EXPECT_EQ(plan.dwOffset, 1024u); // 2 * 128 int32, 256-aligned
  EXPECT_EQ(plan.dbOffset % 256, 0u);
  EXPECT_GE(plan.dbOffset - plan.dwOffset, 128u * 2000 * sizeof(float));
  EXPECT_GE(plan.workspaceBytes - plan.dbOffset, 128u * 2000 * sizeof(float));
}

TEST(LayerNormPlan, FewRowsUseFewBuffers) {
  // M smaller than GROUP_SIZE_M: one buffer per program, no idle locks.
  BackwardPlan plan = planBackward(/*M=*/3, /*N=*/7, /*rows=*/16);
  EXPECT_EQ(plan.programs, 1);
  EXPECT_EQ(plan.groupSize, 1);
  plan = planBackward(/*M=*/3, /*N=*/20000, /*rows=*/1);
  EXPECT_EQ(plan.programs, 3);
  EXPECT_EQ(plan.groupSize, 3);
}

TEST(LayerNormPlan, AlignedLaunches) {
  alignas(16) static char buffer[64];
  EXPECT_TRUE(isAlignedLaunch({buffer, buffer + 16}, {16, 4096}));
  EXPECT_FALSE(isAlignedLaunch({buffer + 2}, {16}));
  EXPECT_FALSE(isAlignedLaunch({buffer}, {4100}));
}

TEST(LayerNormPlan, KernelSelection) {
  static const EmbeddedKernel table[] = {
      {kForwardKernel, LN_F16, 1024, 0, 4, 0, true, "a"},
      {kForwardKernel, LN_F16, 2048, 0, 8, 0, true, "b"},
      {kForwardKernel, LN_F16, 2048, 0, 8, 0, false, "c"},
      {kForwardKernel, LN_F32, 4096, 0, 8, 0, true, "d"},
      {kBackwardDxKernel, LN_F16, 1024, 0, 4, 16, true, "e"},
  };
  size_t count = sizeof(table) / sizeof(table[0]);
  auto pick = [&](const char *entry, ln_dtype dtype, int64_t N, bool aligned,
                  bool loop) -> std::string {
    const EmbeddedKernel *k =
        selectKernel(table, count, entry, dtype, N, aligned, loop);
    return k ? k->ptx : "none";
  };
  EXPECT_EQ(pick(kForwardKernel, LN_F16, 1000, true, true), "a");
  EXPECT_EQ(pick(kForwardKernel, LN_F16, 1025, true, true), "b");
  EXPECT_EQ(pick(kForwardKernel, LN_F16, 1025, false, true), "c");
  // Wider than every block: the forward kernel loops, dx cannot.
  EXPECT_EQ(pick(kForwardKernel, LN_F16, 5000, true, true), "b");
  EXPECT_EQ(pick(kBackwardDxKernel, LN_F16, 5000, true, false), "none");
  EXPECT_EQ(pick(kForwardKernel, LN_BF16, 100, true, true), "none");
}

TEST(LayerNormPlan, EmbeddedTableIsConsistent) {
  size_t count = 0;
  const EmbeddedKernel *table = embeddedKernels(count);
  for (size_t i = 0; i < count; ++i) {
    const EmbeddedKernel &k = table[i];
    SCOPED_TRACE(std::string(k.entry) + " " + getDTypeName(k.dtype) + " " +
                 std::to_string(k.blockSize));
    EXPECT_GT(k.blockSize, 0);
    EXPECT_EQ(k.blockSize & (k.blockSize - 1), 0);
    EXPECT_GE(k.numWarps, 1);
    EXPECT_LE(k.numWarps, 32);
    std::string ptx = k.ptx;
    EXPECT_NE(ptx.find(std::string(".visible .entry ") + k.entry + "("),
              std::string::npos);
    EXPECT_NE(ptx.find(".target sm_90"), std::string::npos);
    EXPECT_EQ(std::string(k.entry) == kBackwardDxKernel, k.rowsPerProgram > 0);
  }
}

TEST(LayerNormPlan, InvalidArgumentsNameTheProblem) {
  try {
    layerNormForward(LN_F16, nullptr, 0, 8, 1e-5f, nullptr, 8, nullptr, nullptr,
                     nullptr, 8, nullptr, nullptr);
    FAIL() << "M=0 accepted";
  } catch (const RuntimeError &error) {
    EXPECT_EQ(error.getStatus(), LN_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(error.what()).find("M=0"), std::string::npos);
  }
  int dummy;
  try {
    layerNormForward(LN_F16, nullptr, 2, 8, 1e-5f, &dummy, 4, &dummy, &dummy,
                     &dummy, 8, nullptr, nullptr);
    FAIL() << "row stride below N accepted";
  } catch (const RuntimeError &error) {
    EXPECT_NE(std::string(error.what()).find("x_row_stride"),
              std::string::npos);
  }
}

} // namespace
