//===- Layout.h - How a block is spread over a CTA's threads ----*- C++ -*-===//

#ifndef LN_LIB_CONVERSION_BLKTOGPU_LAYOUT_H
#define LN_LIB_CONVERSION_BLKTOGPU_LAYOUT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>

namespace ln {

/// A blocked layout (Triton's BlockedEncoding) of a 1-D or 2-D block over a
/// CTA of `numWarps` warps, last dimension fastest. Along dimension d each
/// thread owns `sizePerThread[d]` consecutive elements; `threadsPerWarp[d]`
/// lanes and `warpsPerCTA[d]` warps tile the dimension, and the tile repeats
/// `repeats[d]` times; the tile divides the block exactly, which is why a
/// block whose size is not a power of two may use fewer lanes or warps than
/// the CTA has (e.g. 4608 elements over 16 warps, 8 a thread: 2 warps wide,
/// 9 repeats). Lanes and warps beyond the tile hold copies.
///
/// A thread's elements ("slots") are numbered repeat-major, then element
/// within the thread, last dimension fastest; slot coordinates are the
/// thread's base coordinate plus a compile-time offset.
struct BlockedLayout {
  llvm::SmallVector<int64_t, 2> shape, sizePerThread, threadsPerWarp,
      warpsPerCTA, repeats;

  /// The layout ln uses for blocks of `shape`: up to `vectorWidth`
  /// consecutive elements per thread along the last dimension, lanes along
  /// the last dimension first, warps along the first.
  static BlockedLayout get(llvm::ArrayRef<int64_t> shape, int64_t numWarps,
                           int64_t vectorWidth);

  unsigned getRank() const { return shape.size(); }
  int64_t getNumSlots() const;
  /// The compile-time part of slot `slot`'s coordinates.
  llvm::SmallVector<int64_t, 2> getSlotOffset(int64_t slot) const;
  /// Elements one tile of the CTA covers along `dim`.
  int64_t getTileSize(unsigned dim) const {
    return sizePerThread[dim] * threadsPerWarp[dim] * warpsPerCTA[dim];
  }
  /// Lanes that hold distinct data (the rest hold copies).
  int64_t getDistinctLanes() const;
  int64_t getDistinctWarps() const;
};

} // namespace ln

#endif // LN_LIB_CONVERSION_BLKTOGPU_LAYOUT_H
