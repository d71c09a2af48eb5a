//===- HostArray.h - Host copies of f16/bf16/f32 data -----------*- C++ -*-===//

#ifndef LN_TOOLS_LN_RUN_HOSTARRAY_H
#define LN_TOOLS_LN_RUN_HOSTARRAY_H

#include "ln/Runtime/ln.h"

#include <cstdint>
#include <cstring>
#include <vector>

namespace ln::run {

/// IEEE binary16, rounding to nearest even (subnormals, infinities, NaN).
uint16_t floatToHalf(float value);
float halfToFloat(uint16_t bits);
/// bfloat16, rounding to nearest even.
uint16_t floatToBFloat16(float value);
float bfloat16ToFloat(uint16_t bits);

/// A host array of `size` elements of `dtype`, read and written as doubles
/// (values are rounded to the dtype on write).
class HostArray {
public:
  HostArray(ln_dtype dtype, size_t size);

  ln_dtype getDType() const { return dtype; }
  size_t size() const { return count; }
  size_t bytes() const { return storage.size(); }
  void *data() { return storage.data(); }
  const void *data() const { return storage.data(); }

  double get(size_t index) const;
  void set(size_t index, double value);
  /// Fills every byte with 0xFF: NaN in every dtype, so unwritten elements
  /// show.
  void poison() { std::memset(storage.data(), 0xFF, storage.size()); }
  bool isPoisoned(size_t index) const;

private:
  ln_dtype dtype;
  size_t count;
  std::vector<uint8_t> storage;
};

} // namespace ln::run

#endif // LN_TOOLS_LN_RUN_HOSTARRAY_H
