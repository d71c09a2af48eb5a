//===- LayerNormPlanTest.cpp - The LayerNorm host logic, without a GPU ----===//

#include "ln/Runtime/LayerNorm.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <iterator>
#include <set>
#include <string>
#include <tuple>
#include <vector>

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

TEST(LayerNormPlan, FusedBackwardWorkspaceLayout) {
  BackwardPlan plan = planFusedBackward(/*M=*/4096, /*N=*/2000, /*rows=*/16);
  EXPECT_EQ(plan.path, BackwardPath::Fused);
  EXPECT_EQ(plan.programs, 256);
  EXPECT_EQ(plan.partialRows, 128);
  EXPECT_EQ(plan.lockOffset, 0u);
  EXPECT_EQ(plan.dwOffset, 1024u); // 2 * 128 int32, 256-aligned
  EXPECT_EQ(plan.dbOffset % 256, 0u);
  EXPECT_GE(plan.dbOffset - plan.dwOffset, 128u * 2000 * sizeof(float));
  EXPECT_GE(plan.workspaceBytes - plan.dbOffset, 128u * 2000 * sizeof(float));
}

TEST(LayerNormPlan, FewRowsUseFewBuffers) {
  // M smaller than GROUP_SIZE_M: one buffer per program, no idle locks.
  BackwardPlan plan = planFusedBackward(/*M=*/3, /*N=*/7, /*rows=*/16);
  EXPECT_EQ(plan.programs, 1);
  EXPECT_EQ(plan.partialRows, 1);
  plan = planFusedBackward(/*M=*/3, /*N=*/20, /*rows=*/1);
  EXPECT_EQ(plan.programs, 3);
  EXPECT_EQ(plan.partialRows, 3);
}

TEST(LayerNormPlan, PersistentBackwardPartialRows) {
  // One partial row per program, at most kMaxPersistentPrograms of them
  // whatever the GPU, and no locks.
  for (int64_t M : {1, 3, 1023, 1024, 1025, 65536}) {
    BackwardPlan plan = planPersistentBackward(M, /*N=*/1000);
    SCOPED_TRACE("M=" + std::to_string(M));
    EXPECT_EQ(plan.path, BackwardPath::Persistent);
    EXPECT_EQ(plan.programs, std::min<int64_t>(M, kMaxPersistentPrograms));
    EXPECT_EQ(plan.partialRows, plan.programs);
    EXPECT_EQ(plan.lockBytes, 0u);
    EXPECT_EQ(plan.dwOffset, 0u);
    EXPECT_EQ(plan.dbOffset % 256, 0u);
    EXPECT_GE(plan.dbOffset, size_t(plan.partialRows) * 1000 * sizeof(float));
    EXPECT_GE(plan.workspaceBytes - plan.dbOffset,
              size_t(plan.partialRows) * 1000 * sizeof(float));
  }
}

// The partial rows a persistent plan reserves: as many as its kernel's CTAs
// a GPU of kMaxMultiprocessors could hold, by threads and by shared memory.
TEST(LayerNormPlan, PersistentRowsFollowTheKernel) {
  size_t count = 0;
  if (!embeddedKernels(count) || count == 0)
    GTEST_SKIP() << "built without kernels (LN_BUILD_COMPILER=OFF)";
  auto rows = [](ln_dtype dtype, int64_t N, bool aligned) {
    return planBackward(dtype, 65536, N, LN_BACKWARD_PARTIAL_ROWS, aligned)
        .partialRows;
  };
  // 1024 f16 on 4 warps: 16 CTAs a multiprocessor by threads, capped.
  EXPECT_EQ(rows(LN_F16, 1024, true), kMaxPersistentPrograms);
  // 8192 on 16 warps (two vectors a thread): 4 by threads.
  EXPECT_EQ(rows(LN_F16, 8192, true), 4 * kMaxMultiprocessors);
  // 2048 on 8 warps: 8 by threads, capped.
  EXPECT_EQ(rows(LN_F16, 2048, true), kMaxPersistentPrograms);
  // Unaligned 8192 on 16 warps, 64 KB of sums: 3 by shared memory.
  EXPECT_EQ(rows(LN_F16, 8192, false), 3 * kMaxMultiprocessors);
  // 16384 on 32 warps, 192 KB of sums and x_hat: 1.
  EXPECT_EQ(rows(LN_BF16, 16384, true), kMaxMultiprocessors);
  // So the workspace at 16384 is 2 x 256 f32 rows, not 2 x 1024.
  EXPECT_LT(getBackwardWorkspaceBytes(LN_BF16, 65536, 16384),
            size_t(2) * 1024 * 16384 * sizeof(float));
}

TEST(LayerNormPlan, SplitBackwardSlabs) {
  // 16384 columns of (16, 256) tiles: 64 column blocks, so 16 slabs make
  // the 1024 programs; 4096 rows give each slab 256 rows.
  BackwardPlan plan = planSplitBackward(/*M=*/4096, /*N=*/16384, 16, 256);
  EXPECT_EQ(plan.path, BackwardPath::Split);
  EXPECT_EQ(plan.rowsPerSlab, 256);
  EXPECT_EQ(plan.partialRows, 16);
  EXPECT_EQ(plan.lockBytes, 0u);
  EXPECT_EQ(plan.dwOffset, 0u);
  EXPECT_EQ(plan.dbOffset, 16u * 16384 * sizeof(float));
  EXPECT_EQ(plan.workspaceBytes, 2 * plan.dbOffset);
  // Slabs are whole tiles and cover every row exactly once.
  for (int64_t M : {1, 15, 16, 17, 1000, 4097, 65536}) {
    for (int64_t N : {257, 10000, 100000}) {
      plan = planSplitBackward(M, N, 16, 256);
      SCOPED_TRACE("M=" + std::to_string(M) + " N=" + std::to_string(N));
      EXPECT_EQ(plan.rowsPerSlab % 16, 0);
      EXPECT_GE(plan.partialRows * plan.rowsPerSlab, M);
      EXPECT_LT((plan.partialRows - 1) * plan.rowsPerSlab, M);
      EXPECT_GE(plan.dbOffset - plan.dwOffset,
                size_t(plan.partialRows) * N * sizeof(float));
    }
  }
}

TEST(LayerNormPlan, EmbeddedPathsByWidth) {
  size_t count = 0;
  if (!embeddedKernels(count) || count == 0)
    GTEST_SKIP() << "built without kernels (LN_BUILD_COMPILER=OFF)";
  for (ln_dtype dtype : {LN_F16, LN_BF16, LN_F32}) {
    EXPECT_EQ(planBackward(dtype, 4096, 1).path, BackwardPath::Persistent);
    // Auto: persistent where a persistent kernel holds the row, on a block
    // no wider than the locked kernel's: f16 and bf16 to 8192 aligned and
    // 7168 unaligned with the sums in registers, then with the sums in
    // shared memory to 16384 aligned and 11264 unaligned; f32 to 4096,
    // then (no persistent block between) the locked kernel to 8192, then
    // persistent again to 14336 aligned and 10240 unaligned. Else split.
    constexpr BackwardPath P = BackwardPath::Persistent,
                           F = BackwardPath::Fused, S = BackwardPath::Split;
    struct Expected {
      int64_t N;
      BackwardPath halvesAligned, halvesUnaligned, f32Aligned, f32Unaligned;
    };
    const Expected expectations[] = {
        {4096, P, P, P, P},   {4097, P, P, F, F},   {5632, P, P, F, F},
        {7168, P, P, F, F},   {7169, P, P, F, F},   {8192, P, P, F, F},
        {8193, P, P, P, P},   {10240, P, P, P, P},  {10241, P, P, P, S},
        {10752, P, P, P, S},  {11264, P, P, P, S},  {11265, P, S, P, S},
        {14336, P, S, P, S},
        {14337, P, S, S, S},  {16384, P, S, S, S},  {16385, S, S, S, S}};
    for (const Expected &expected : expectations)
      for (bool aligned : {false, true}) {
        SCOPED_TRACE("N=" + std::to_string(expected.N) +
                     (aligned ? " aligned" : " unaligned"));
        BackwardPath want =
            dtype == LN_F32 ? (aligned ? expected.f32Aligned
                                       : expected.f32Unaligned)
            : aligned       ? expected.halvesAligned
                            : expected.halvesUnaligned;
        EXPECT_EQ(
            planBackward(dtype, 4096, expected.N, LN_BACKWARD_AUTO, aligned)
                .path,
            want);
      }
    // An algorithm is taken where its kernel holds the row.
    EXPECT_EQ(planBackward(dtype, 4096, 100, LN_BACKWARD_LOCKED).path,
              BackwardPath::Fused);
    EXPECT_EQ(planBackward(dtype, 4096, 100, LN_BACKWARD_PARTIAL_ROWS).path,
              BackwardPath::Persistent);
    // Asked for, the persistent kernel runs even on a block wider than the
    // locked kernel's (f32: 8704 for 6000 features).
    EXPECT_EQ(planBackward(dtype, 4096, 6000, LN_BACKWARD_PARTIAL_ROWS).path,
              P);
    EXPECT_EQ(planBackward(dtype, 4096, 6000, LN_BACKWARD_LOCKED).path,
              BackwardPath::Fused);
    // The workspace fits every algorithm's plan.
    for (int64_t N : {1, 100, 4096, 5000, 8192, 12000, 20000}) {
      size_t bytes = getBackwardWorkspaceBytes(dtype, 4096, N);
      for (ln_backward_algorithm algorithm :
           {LN_BACKWARD_AUTO, LN_BACKWARD_PARTIAL_ROWS, LN_BACKWARD_LOCKED})
        for (bool aligned : {false, true})
          EXPECT_GE(
              bytes,
              planBackward(dtype, 4096, N, algorithm, aligned).workspaceBytes)
              << "N=" << N << " algorithm " << algorithm;
    }
  }
}

TEST(LayerNormPlan, ReductionTileWidestWithEnoughPrograms) {
  const EmbeddedKernel table[] = {
      {kBackwardDwDbKernel, LN_F16, 16, 256, 4, 0, true, "16"},
      {kBackwardDwDbKernel, LN_F16, 32, 128, 4, 0, true, "32"},
      {kBackwardDwDbKernel, LN_F16, 128, 32, 4, 0, true, "128"},
      {kBackwardDwDbKernel, LN_F16, 64, 64, 4, 0, false, "generic"},
      {kBackwardDwDbKernel, LN_F32, 128, 32, 4, 0, true, "f32"},
      {kForwardKernel, LN_F16, 256, 0, 4, 0, true, "forward"},
  };
  auto pick = [&](ln_dtype dtype, int64_t N, bool aligned,
                  int64_t minPrograms) -> std::string {
    const EmbeddedKernel *kernel = selectReductionKernel(
        table, std::size(table), dtype, N, aligned, minPrograms);
    return kernel ? kernel->ptx : "none";
  };
  // 264 programs (two per multiprocessor of 132).
  EXPECT_EQ(pick(LN_F16, 1024, true, 264), "16");   // 64 programs at best
  EXPECT_EQ(pick(LN_F16, 8192, true, 264), "16");   // 512; 32 would give 256
  EXPECT_EQ(pick(LN_F16, 8448, true, 264), "32");   // 264 exactly
  EXPECT_EQ(pick(LN_F16, 65536, true, 264), "128"); // 512
  EXPECT_EQ(pick(LN_F16, 65536, false, 264), "generic");
  EXPECT_EQ(pick(LN_F32, 7, true, 264), "f32");
  EXPECT_EQ(pick(LN_BF16, 1024, true, 264), "none");
}

TEST(LayerNormPlan, BackwardPlanRejectsBadArguments) {
  for (auto [dtype, M, N, algorithm] :
       {std::tuple<int, int64_t, int64_t, int>{7, 8, 8, 0},
        {LN_F16, 0, 8, 0},
        {LN_F16, 8, int64_t(INT32_MAX) + 1, 0},
        {LN_F16, 8, 8, 3}}) {
    try {
      planBackward(ln_dtype(dtype), M, N, ln_backward_algorithm(algorithm));
      ADD_FAILURE() << "accepted dtype " << dtype << " M=" << M << " N=" << N
                    << " algorithm " << algorithm;
    } catch (const RuntimeError &error) {
      EXPECT_EQ(error.getStatus(), LN_ERROR_INVALID_ARGUMENT) << error.what();
    }
  }
}

// Aligned: 16-byte-aligned pointers, and counts whose rows start 16-byte
// aligned (multiples of 8 f16 or bf16 elements, of 4 f32 ones), which is
// what kernels/CMakeLists.txt tells blk-specialize the aligned kernels may
// assume.
TEST(LayerNormPlan, AlignedLaunches) {
  alignas(16) static char buffer[64];
  for (ln_dtype dtype : {LN_F16, LN_BF16, LN_F32}) {
    EXPECT_TRUE(isAlignedLaunch(dtype, {buffer, buffer + 16}, {16, 4096}));
    EXPECT_TRUE(isAlignedLaunch(dtype, {buffer}, {8200, 1000}));
    EXPECT_FALSE(isAlignedLaunch(dtype, {buffer + 2}, {16}));
    EXPECT_FALSE(isAlignedLaunch(dtype, {buffer + 8}, {16}));
    EXPECT_FALSE(isAlignedLaunch(dtype, {buffer}, {4096, 4098}));
    EXPECT_FALSE(isAlignedLaunch(dtype, {buffer}, {4097}));
  }
  // 4100 f32 elements are 16400 bytes; 4100 f16 ones 8200, not 16-aligned.
  EXPECT_TRUE(isAlignedLaunch(LN_F32, {buffer}, {4100, 12}));
  EXPECT_FALSE(isAlignedLaunch(LN_F16, {buffer}, {4100}));
  EXPECT_FALSE(isAlignedLaunch(LN_BF16, {buffer}, {12}));
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

TEST(LayerNormPlan, ForwardSelection) {
  static const EmbeddedKernel table[] = {
      {kForwardKernel, LN_F16, 1024, 0, 4, 0, true, "row 1024"},
      {kForwardKernel, LN_F16, 2048, 0, 4, 0, true, "row 2048"},
      {kForwardKernel, LN_F16, 4096, 0, 8, 0, true, "row 4096"},
      {kPersistentForwardKernel, LN_F16, 2048, 0, 4, 0, true, "rows 2048"},
      {kPersistentForwardKernel, LN_F16, 4096, 0, 8, 0, false, "rows 4096"},
      {kForwardKernel, LN_F16, 4096, 0, 8, 0, false, "row 4096 generic"},
      {kPersistentForwardKernel, LN_F16, 8192, 0, 16, 0, true, "rows 8192"},
  };
  size_t count = sizeof(table) / sizeof(table[0]);
  auto pick = [&](int64_t N, bool aligned) -> std::string {
    const EmbeddedKernel *k =
        selectForwardKernel(table, count, LN_F16, N, aligned);
    return k ? k->ptx : "none";
  };
  // The persistent kernel where it has the one-row kernel's block ...
  EXPECT_EQ(pick(1025, true), "rows 2048");
  EXPECT_EQ(pick(2048, true), "rows 2048");
  EXPECT_EQ(pick(4000, false), "rows 4096");
  // ... and where the one-row kernel would loop over its widest block
  // but a persistent block holds the row ...
  EXPECT_EQ(pick(4097, true), "rows 8192");
  EXPECT_EQ(pick(8192, true), "rows 8192");
  // ... not where the one-row kernel has a smaller block, or the flavour
  // has no persistent kernel, or the row is wider than every persistent
  // block (the one-row kernel loops).
  EXPECT_EQ(pick(1000, true), "row 1024");
  EXPECT_EQ(pick(3000, true), "row 4096");
  EXPECT_EQ(pick(8193, true), "row 4096");
  EXPECT_EQ(pick(9000, false), "row 4096 generic");
  EXPECT_EQ(selectForwardKernel(table, count, LN_BF16, 2048, true), nullptr);
}

TEST(LayerNormPlan, RowBlocksFollowN) {
  // The shipped row kernels: a block of every multiple of 512 up to 8192,
  // so a row just above a power of two runs a block its own size, on its
  // own number of warps (forward: 16 elements a thread).
  size_t count = 0;
  const EmbeddedKernel *table = embeddedKernels(count);
  if (!table || count == 0)
    GTEST_SKIP() << "built without kernels (LN_BUILD_COMPILER=OFF)";
  auto pick = [&](ln_dtype dtype, int64_t N, bool aligned,
                  const char *entry = kForwardKernel) {
    const EmbeddedKernel *k = selectKernel(table, count, entry, dtype, N,
                                           aligned, entry == kForwardKernel);
    return k ? std::pair<int, int>{k->blockSize, k->numWarps}
             : std::pair<int, int>{0, 0};
  };
  EXPECT_EQ(pick(LN_F16, 4097, true), std::make_pair(4608, 9));
  EXPECT_EQ(pick(LN_BF16, 4608, false), std::make_pair(4608, 9));
  EXPECT_EQ(pick(LN_F16, 7681, true), std::make_pair(8192, 16));
  EXPECT_EQ(pick(LN_F32, 4608, true), std::make_pair(4608, 9));
  EXPECT_EQ(pick(LN_F16, 1000, true), std::make_pair(1024, 4));
  // Rows wider than the largest block loop over it.
  EXPECT_EQ(pick(LN_F16, 65536, true), std::make_pair(8192, 16));
  EXPECT_EQ(pick(LN_F32, 8193, false), std::make_pair(8192, 16));
  // Backward dx: the locked kernel 16 elements a thread (but at the
  // tutorial's 8192 on 8 warps; the generic 7680 spills, so 8192 runs it),
  // the persistent one a 16-byte vector a thread, but for aligned f16 and
  // bf16 rows: two from 6144 (and at 4096) on half the warps, 16 elements
  // at 4608 to 5632 (the wide-row source, two CTAs a multiprocessor).
  EXPECT_EQ(pick(LN_F16, 4097, true, kBackwardDxKernel),
            std::make_pair(4608, 9));
  EXPECT_EQ(pick(LN_F16, 7600, false, kBackwardDxKernel),
            std::make_pair(8192, 8));
  EXPECT_EQ(pick(LN_BF16, 2049, true, kPersistentBackwardDxKernel),
            std::make_pair(2560, 10));
  EXPECT_EQ(pick(LN_F32, 3500, false, kPersistentBackwardDxKernel),
            std::make_pair(3584, 28));
  EXPECT_EQ(pick(LN_F16, 4096, true, kPersistentBackwardDxKernel),
            std::make_pair(4096, 8));
  EXPECT_EQ(pick(LN_BF16, 4097, true, kPersistentBackwardDxKernel),
            std::make_pair(4608, 9));
  EXPECT_EQ(pick(LN_F16, 5120, true, kPersistentBackwardDxKernel),
            std::make_pair(5120, 10));
  EXPECT_EQ(pick(LN_F16, 5121, true, kPersistentBackwardDxKernel),
            std::make_pair(5632, 11));
  EXPECT_EQ(pick(LN_F16, 5633, true, kPersistentBackwardDxKernel),
            std::make_pair(6144, 12));
  EXPECT_EQ(pick(LN_BF16, 6144, true, kPersistentBackwardDxKernel),
            std::make_pair(6144, 12));
  EXPECT_EQ(pick(LN_F16, 7680, true, kPersistentBackwardDxKernel),
            std::make_pair(7680, 15));
  EXPECT_EQ(pick(LN_F16, 8192, true, kPersistentBackwardDxKernel),
            std::make_pair(8192, 16));
  EXPECT_EQ(pick(LN_F16, 4608, false, kPersistentBackwardDxKernel),
            std::make_pair(4608, 18));
}

TEST(LayerNormPlan, ShippedForwardKernels) {
  // The persistent forward kernel runs f16 and bf16 rows of 1537 to 8192
  // features on the one-row kernel's geometry,
  // rows of 8193 to 16384 (f32 too) on blocks of their own, and f16 and
  // bf16 rows to 32768 (unaligned ones to 20480) on blocks of every
  // multiple of 1024; other f32 rows, narrower and wider ones run one row
  // a program.
  struct Case {
    ln_dtype dtype;
    int64_t N;
    bool aligned;
    const char *entry;
    int blockSize, numWarps;
  };
  const Case cases[] = {
      {LN_F16, 1536, true, kForwardKernel, 1536, 3},
      {LN_F16, 1537, true, kPersistentForwardKernel, 2048, 4},
      {LN_BF16, 4096, false, kPersistentForwardKernel, 4096, 8},
      {LN_F16, 6144, true, kPersistentForwardKernel, 6144, 12},
      {LN_F16, 6145, true, kPersistentForwardKernel, 6656, 13},
      {LN_BF16, 8192, true, kPersistentForwardKernel, 8192, 16},
      // Aligned rows up to 32768 run it on one block (one CTA a
      // multiprocessor), wider ones loop over the one-row kernel's 8192
      // block.
      {LN_F16, 8193, true, kPersistentForwardKernel, 8704, 17},
      // but the 10240 and 11264 blocks, 32 elements a thread (rows in
      // shared memory, two CTAs a multiprocessor).
      {LN_F16, 9729, true, kPersistentForwardKernel, 10240, 10},
      {LN_BF16, 11264, true, kPersistentForwardKernel, 11264, 11},
      {LN_F16, 11265, true, kPersistentForwardKernel, 11776, 23},
      {LN_BF16, 16384, true, kPersistentForwardKernel, 16384, 32},
      {LN_F16, 16385, true, kPersistentForwardKernel, 17408, 17},
      {LN_BF16, 20481, true, kPersistentForwardKernel, 21504, 21},
      {LN_F16, 32768, true, kPersistentForwardKernel, 32768, 32},
      {LN_F16, 32769, true, kForwardKernel, 8192, 16},
      // Unaligned rows: persistent on the one-row kernel's geometry to
      // 8192 (one CTA a multiprocessor from 7169), then on blocks of their
      // own from 8193 to 16384 as aligned ones.
      {LN_F16, 7168, false, kPersistentForwardKernel, 7168, 14},
      {LN_BF16, 7169, false, kPersistentForwardKernel, 7680, 15},
      {LN_F16, 8192, false, kPersistentForwardKernel, 8192, 16},
      {LN_F16, 8193, false, kPersistentForwardKernel, 8704, 17},
      {LN_F16, 10240, false, kPersistentForwardKernel, 10240, 20},
      {LN_BF16, 16384, false, kPersistentForwardKernel, 16384, 32},
      {LN_BF16, 16385, false, kPersistentForwardKernel, 17408, 17},
      {LN_F16, 20480, false, kPersistentForwardKernel, 20480, 20},
      {LN_F16, 20481, false, kForwardKernel, 8192, 16},
      {LN_F32, 4096, true, kForwardKernel, 4096, 8},
      {LN_F32, 8192, false, kForwardKernel, 8192, 16},
      {LN_F32, 8193, false, kPersistentForwardKernel, 8704, 17},
      {LN_F32, 16384, true, kPersistentForwardKernel, 16384, 32},
      {LN_F32, 16385, true, kForwardKernel, 8192, 16},
      {LN_F16, 1024, true, kForwardKernel, 1024, 4},
  };
  size_t count = 0;
  const EmbeddedKernel *table = embeddedKernels(count);
  if (!table || count == 0)
    GTEST_SKIP() << "built without kernels (LN_BUILD_COMPILER=OFF)";
  for (const Case &c : cases) {
    const EmbeddedKernel *k =
        selectForwardKernel(table, count, c.dtype, c.N, c.aligned);
    ASSERT_NE(k, nullptr) << "N=" << c.N;
    EXPECT_EQ(std::make_tuple(std::string(k->entry), k->blockSize, k->numWarps),
              std::make_tuple(std::string(c.entry), c.blockSize, c.numWarps))
        << getDTypeName(c.dtype) << " N=" << c.N
        << (c.aligned ? " aligned" : " generic");
  }
}

TEST(LayerNormPlan, EmbeddedTableIsConsistent) {
  size_t count = 0;
  const EmbeddedKernel *table = embeddedKernels(count);
  for (size_t i = 0; i < count; ++i) {
    const EmbeddedKernel &k = table[i];
    SCOPED_TRACE(std::string(k.entry) + " " + getDTypeName(k.dtype) + " " +
                 std::to_string(k.blockSize));
    EXPECT_GT(k.blockSize, 0);
    EXPECT_GE(k.numWarps, 1);
    EXPECT_LE(k.numWarps, 32);
    // A row block is a power of two, or splits evenly over the threads
    // (the forward kernel's multiples of 512).
    if (k.blockSizeM == 0)
      EXPECT_TRUE((k.blockSize & (k.blockSize - 1)) == 0 ||
                  k.blockSize % (32 * k.numWarps) == 0);
    std::string ptx = k.ptx;
    EXPECT_NE(ptx.find(std::string(".visible .entry ") + k.entry + "("),
              std::string::npos);
    EXPECT_NE(ptx.find(".target sm_90"), std::string::npos);
    EXPECT_EQ(std::string(k.entry) == kBackwardDxKernel, k.rowsPerProgram > 0);
    bool tiled = std::string(k.entry) == kBackwardDwDbKernel ||
                 std::string(k.entry) == kSplitBackwardDwDbKernel;
    EXPECT_EQ(tiled, k.blockSizeM > 0);
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

TEST(LayerNormPlan, GroupedLookupSelectsWhatTheTableScanSelects) {
  // The runtime selects from the table grouped by entry, dtype and flavour
  // (findKernel): the same kernel as selectKernel over the whole table, for
  // every entry, flavour, width and loop rule, and for entries and widths
  // it has no kernel for.
  size_t count = 0;
  const EmbeddedKernel *table = embeddedKernels(count);
  if (!table || count == 0)
    GTEST_SKIP() << "built without kernels (LN_BUILD_COMPILER=OFF)";
  std::set<std::string> entries{"no_such_kernel"};
  for (size_t i = 0; i < count; ++i)
    entries.insert(table[i].entry);
  std::vector<int64_t> widths{1, 2, 17, 100000};
  for (size_t i = 0; i < count; ++i)
    for (int64_t delta : {-1, 0, 1})
      widths.push_back(table[i].blockSize + delta);
  for (const std::string &entry : entries)
    for (ln_dtype dtype : {LN_F16, LN_BF16, LN_F32})
      for (bool aligned : {false, true})
        for (bool allowLoop : {false, true})
          for (int64_t N : widths) {
            const EmbeddedKernel *scanned = selectKernel(
                table, count, entry.c_str(), dtype, N, aligned, allowLoop);
            const EmbeddedKernel *grouped =
                findKernel(entry.c_str(), dtype, N, aligned, allowLoop);
            ASSERT_EQ(scanned == nullptr, grouped == nullptr)
                << entry << " " << getDTypeName(dtype) << " N=" << N;
            if (scanned)
              ASSERT_EQ(scanned->ptx, grouped->ptx)
                  << entry << " " << getDTypeName(dtype) << " N=" << N;
          }
}
