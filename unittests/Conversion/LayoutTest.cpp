//===- LayoutTest.cpp - Blocked layouts of the blk -> GPU lowering --------===//

#include "Layout.h"

#include <gtest/gtest.h>

#include <set>

using namespace ln;

namespace {

/// Every element of the block is owned by some (thread, slot), and a
/// distinct thread owns each element at most once.
void expectCoversBlock(const BlockedLayout &layout, int64_t numWarps) {
  std::set<std::pair<int64_t, int64_t>> seen;
  int64_t rows = layout.getRank() == 2 ? layout.shape[0] : 1;
  int64_t cols = layout.shape.back();
  for (int64_t thread = 0; thread < 32 * numWarps; ++thread) {
    int64_t lane = thread % 32, warp = thread / 32;
    llvm::SmallVector<int64_t, 2> base(layout.getRank());
    for (int dim = layout.getRank() - 1; dim >= 0; --dim) {
      int64_t l = lane % layout.threadsPerWarp[dim];
      lane /= layout.threadsPerWarp[dim];
      int64_t w = warp % layout.warpsPerCTA[dim];
      warp /= layout.warpsPerCTA[dim];
      base[dim] = (w * layout.threadsPerWarp[dim] + l) *
                  layout.sizePerThread[dim];
    }
    bool distinct = thread % 32 < layout.getDistinctLanes() &&
                    thread / 32 < layout.getDistinctWarps();
    for (int64_t slot = 0; slot < layout.getNumSlots(); ++slot) {
      auto offset = layout.getSlotOffset(slot);
      int64_t row = layout.getRank() == 2 ? base[0] + offset[0] : 0;
      int64_t col = base.back() + offset.back();
      ASSERT_LT(row, rows);
      ASSERT_LT(col, cols);
      bool inserted = seen.insert({row, col}).second;
      if (distinct)
        EXPECT_TRUE(inserted) << "element (" << row << ", " << col
                              << ") owned twice";
    }
  }
  EXPECT_EQ(int64_t(seen.size()), rows * cols);
}

TEST(Layout, RowOfHalvesGets16ByteRuns) {
  BlockedLayout layout = BlockedLayout::get({4096}, 8, 8);
  EXPECT_EQ(layout.sizePerThread[0], 8);
  EXPECT_EQ(layout.threadsPerWarp[0], 32);
  EXPECT_EQ(layout.warpsPerCTA[0], 8);
  EXPECT_EQ(layout.repeats[0], 2);
  EXPECT_EQ(layout.getNumSlots(), 16);
  EXPECT_EQ(layout.getSlotOffset(9)[0], 2048 + 1);
  expectCoversBlock(layout, 8);
}

TEST(Layout, SmallBlocksSpreadBeforeVectorizing) {
  BlockedLayout layout = BlockedLayout::get({64}, 4, 8);
  EXPECT_EQ(layout.sizePerThread[0], 1);
  EXPECT_EQ(layout.getNumSlots(), 1);
  EXPECT_EQ(layout.getDistinctWarps(), 2);
  expectCoversBlock(layout, 4);
}

TEST(Layout, TinyBlocksReplicate) {
  BlockedLayout layout = BlockedLayout::get({8}, 2, 8);
  EXPECT_EQ(layout.getDistinctLanes(), 8);
  EXPECT_EQ(layout.getDistinctWarps(), 1);
  expectCoversBlock(layout, 2);
}

TEST(Layout, TwoDimensionalTile) {
  // The dw/db kernel's (32, 128) f32 tile over 4 warps with f16 outputs.
  BlockedLayout layout = BlockedLayout::get({32, 128}, 4, 8);
  EXPECT_EQ(layout.sizePerThread[1], 8);
  EXPECT_EQ(layout.threadsPerWarp[1], 16);
  EXPECT_EQ(layout.threadsPerWarp[0], 2);
  EXPECT_EQ(layout.warpsPerCTA[0], 4);
  EXPECT_EQ(layout.repeats[0], 4);
  expectCoversBlock(layout, 4);
}

TEST(Layout, RowOfNineWarps) {
  // The forward kernel at N = 4608, f16: 9 warps of 16 elements a thread.
  BlockedLayout layout = BlockedLayout::get({4608}, 9, 8);
  EXPECT_EQ(layout.sizePerThread[0], 8);
  EXPECT_EQ(layout.threadsPerWarp[0], 32);
  EXPECT_EQ(layout.warpsPerCTA[0], 9);
  EXPECT_EQ(layout.repeats[0], 2);
  EXPECT_EQ(layout.getSlotOffset(8)[0], 2304);
  expectCoversBlock(layout, 9);
}

TEST(Layout, TileDividesABlockThatIsNotAPowerOfTwo) {
  // 16 warps cannot split 4608 = 18 x 256 evenly: 2 warps hold distinct
  // data, repeated 9 times; the other 14 hold copies.
  BlockedLayout overSixteen = BlockedLayout::get({4608}, 16, 8);
  EXPECT_EQ(overSixteen.warpsPerCTA[0], 2);
  EXPECT_EQ(overSixteen.repeats[0], 9);
  expectCoversBlock(overSixteen, 16);
  // 24 = 8 x 3: 8 lanes of one element, 3 repeats.
  BlockedLayout small = BlockedLayout::get({24}, 1, 8);
  EXPECT_EQ(small.sizePerThread[0], 1);
  EXPECT_EQ(small.threadsPerWarp[0], 8);
  EXPECT_EQ(small.repeats[0], 3);
  expectCoversBlock(small, 1);
}

TEST(Layout, EveryShapeIsCovered) {
  for (int64_t warps : {1, 2, 4, 8, 16, 32})
    for (int64_t vector : {4, 8})
      for (int64_t size = 1; size <= 16384; size *= 2) {
        SCOPED_TRACE(testing::Message() << size << " " << warps << " warps");
        expectCoversBlock(BlockedLayout::get({size}, warps, vector), warps);
        expectCoversBlock(BlockedLayout::get({size < 64 ? size : 64, 128},
                                             warps, vector),
                          warps);
      }
  // Sizes and warp counts that are not powers of two.
  for (int64_t warps : {1, 3, 6, 9, 18, 31})
    for (int64_t vector : {4, 8})
      for (int64_t size : {3, 24, 96, 1536, 4608, 7680, 15872}) {
        SCOPED_TRACE(testing::Message() << size << " " << warps << " warps");
        expectCoversBlock(BlockedLayout::get({size}, warps, vector), warps);
        expectCoversBlock(BlockedLayout::get({12, size % 64 + 1}, warps,
                                             vector),
                          warps);
      }
}

} // namespace
