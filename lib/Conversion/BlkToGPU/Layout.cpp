//===- Layout.cpp - How a block is spread over a CTA's threads ------------===//

#include "Layout.h"

#include "llvm/ADT/bit.h"

#include <algorithm>
#include <cassert>

using namespace ln;

static int64_t largestPowerOfTwoDivisor(int64_t value) {
  return value & -value;
}

BlockedLayout BlockedLayout::get(llvm::ArrayRef<int64_t> shape,
                                 int64_t numWarps, int64_t vectorWidth) {
  assert((shape.size() == 1 || shape.size() == 2) && "blocks are 1-D or 2-D");
  unsigned rank = shape.size(), last = rank - 1;
  BlockedLayout layout;
  layout.shape.assign(shape.begin(), shape.end());
  layout.sizePerThread.assign(rank, 1);
  layout.threadsPerWarp.assign(rank, 1);
  layout.warpsPerCTA.assign(rank, 1);

  // Enough elements per thread for 16-byte accesses, but not so many that
  // threads sit idle on small blocks. Every factor divides what is left of
  // its dimension, so the tile divides the block (sizes need not be powers
  // of two, nor the number of warps); lanes stay a power of two, which the
  // butterfly reductions rely on.
  int64_t elements = 1;
  for (int64_t size : shape)
    elements *= size;
  int64_t threads = 32 * numWarps;
  int64_t wanted = std::clamp<int64_t>(
      std::min(elements / threads, shape[last]), 1, vectorWidth);
  layout.sizePerThread[last] =
      std::min<int64_t>(llvm::bit_floor(uint64_t(wanted)),
                        largestPowerOfTwoDivisor(shape[last]));

  // Lanes: last dimension first, the rest down the first dimension.
  int64_t lanes = 32;
  for (int dim = last; dim >= 0; --dim) {
    int64_t fit = shape[dim] / layout.sizePerThread[dim];
    layout.threadsPerWarp[dim] = std::min<int64_t>(
        llvm::bit_floor(uint64_t(std::min(fit, lanes))),
        largestPowerOfTwoDivisor(fit));
    lanes /= layout.threadsPerWarp[dim];
  }
  // Warps: first dimension first, the largest divisor of the warps left
  // that divides the dimension's remaining extent.
  int64_t warps = numWarps;
  for (unsigned dim = 0; dim < rank; ++dim) {
    int64_t fit = shape[dim] /
                  (layout.sizePerThread[dim] * layout.threadsPerWarp[dim]);
    int64_t used = 1;
    for (int64_t divisor = std::min(fit, warps); divisor > 1; --divisor)
      if (warps % divisor == 0 && fit % divisor == 0) {
        used = divisor;
        break;
      }
    layout.warpsPerCTA[dim] = used;
    warps /= used;
  }
  for (unsigned dim = 0; dim < rank; ++dim)
    layout.repeats.push_back(shape[dim] / layout.getTileSize(dim));
  return layout;
}

int64_t BlockedLayout::getNumSlots() const {
  int64_t slots = 1;
  for (unsigned dim = 0; dim < getRank(); ++dim)
    slots *= sizePerThread[dim] * repeats[dim];
  return slots;
}

llvm::SmallVector<int64_t, 2> BlockedLayout::getSlotOffset(int64_t slot) const {
  // slot = ((repeat_0 * R_1 + repeat_1) * S_0 + element_0) * S_1 + element_1
  unsigned rank = getRank();
  llvm::SmallVector<int64_t, 2> element(rank), repeat(rank);
  for (int dim = rank - 1; dim >= 0; --dim) {
    element[dim] = slot % sizePerThread[dim];
    slot /= sizePerThread[dim];
  }
  for (int dim = rank - 1; dim >= 0; --dim) {
    repeat[dim] = slot % repeats[dim];
    slot /= repeats[dim];
  }
  llvm::SmallVector<int64_t, 2> offset(rank);
  for (unsigned dim = 0; dim < rank; ++dim)
    offset[dim] = repeat[dim] * getTileSize(dim) + element[dim];
  return offset;
}

int64_t BlockedLayout::getDistinctLanes() const {
  int64_t lanes = 1;
  for (int64_t t : threadsPerWarp)
    lanes *= t;
  return lanes;
}

int64_t BlockedLayout::getDistinctWarps() const {
  int64_t warps = 1;
  for (int64_t w : warpsPerCTA)
    warps *= w;
  return warps;
}
