//===- HostArray.cpp - Host copies of f16/bf16/f32 data -------------------===//

#include "HostArray.h"

#include <cmath>

using namespace ln::run;

uint16_t ln::run::floatToHalf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  uint16_t sign = uint16_t((bits >> 16) & 0x8000);
  uint32_t exponent = (bits >> 23) & 0xFF, mantissa = bits & 0x7FFFFF;
  if (exponent == 0xFF) // Inf or NaN (kept quiet).
    return sign | 0x7C00 | (mantissa ? 0x200 : 0);
  int32_t halfExponent = int32_t(exponent) - 127 + 15;
  if (halfExponent >= 31)
    return sign | 0x7C00;
  if (halfExponent <= 0) {
    if (halfExponent < -10)
      return sign;
    // Subnormal: shift the implicit bit in, round to nearest even.
    mantissa |= 0x800000;
    int shift = 14 - halfExponent;
    uint32_t half = mantissa >> shift, rest = mantissa & ((1u << shift) - 1);
    uint32_t halfway = 1u << (shift - 1);
    if (rest > halfway || (rest == halfway && (half & 1)))
      ++half;
    return sign | uint16_t(half);
  }
  uint32_t half = (uint32_t(halfExponent) << 10) | (mantissa >> 13);
  uint32_t rest = mantissa & 0x1FFF;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
    ++half; // May carry into the exponent, up to infinity: correct.
  return sign | uint16_t(half);
}

float ln::run::halfToFloat(uint16_t bits) {
  uint32_t sign = uint32_t(bits & 0x8000) << 16;
  uint32_t exponent = (bits >> 10) & 0x1F, mantissa = bits & 0x3FF;
  float magnitude;
  if (exponent == 0)
    magnitude = std::ldexp(float(mantissa), -24);
  else if (exponent == 31)
    magnitude = mantissa ? NAN : INFINITY;
  else
    magnitude = std::ldexp(float(mantissa | 0x400), int(exponent) - 25);
  uint32_t result;
  std::memcpy(&result, &magnitude, 4);
  result |= sign;
  float value;
  std::memcpy(&value, &result, 4);
  return value;
}

uint16_t ln::run::floatToBFloat16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  if (std::isnan(value))
    return uint16_t((bits >> 16) | 0x40);
  bits += 0x7FFF + ((bits >> 16) & 1);
  return uint16_t(bits >> 16);
}

float ln::run::bfloat16ToFloat(uint16_t bits) {
  uint32_t wide = uint32_t(bits) << 16;
  float value;
  std::memcpy(&value, &wide, 4);
  return value;
}

HostArray::HostArray(ln_dtype dtype, size_t size)
    : dtype(dtype), count(size), storage(size * (dtype == LN_F32 ? 4 : 2)) {}

double HostArray::get(size_t index) const {
  if (dtype == LN_F32) {
    float value;
    std::memcpy(&value, storage.data() + 4 * index, 4);
    return value;
  }
  uint16_t bits;
  std::memcpy(&bits, storage.data() + 2 * index, 2);
  return dtype == LN_F16 ? halfToFloat(bits) : bfloat16ToFloat(bits);
}

void HostArray::set(size_t index, double value) {
  if (dtype == LN_F32) {
    float narrow = float(value);
    std::memcpy(storage.data() + 4 * index, &narrow, 4);
    return;
  }
  uint16_t bits = dtype == LN_F16 ? floatToHalf(float(value))
                                  : floatToBFloat16(float(value));
  std::memcpy(storage.data() + 2 * index, &bits, 2);
}

bool HostArray::isPoisoned(size_t index) const {
  size_t width = dtype == LN_F32 ? 4 : 2;
  for (size_t i = 0; i < width; ++i)
    if (storage[index * width + i] != 0xFF)
      return false;
  return true;
}
