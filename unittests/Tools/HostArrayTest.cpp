//===- HostArrayTest.cpp - f16/bf16 conversions of ln-run -----------------===//

#include "HostArray.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace ln::run;

namespace {

TEST(HostArray, HalfRoundTripsAndRounds) {
  EXPECT_EQ(floatToHalf(1.0f), 0x3C00);
  EXPECT_EQ(floatToHalf(-2.0f), 0xC000);
  EXPECT_EQ(floatToHalf(65504.0f), 0x7BFF);
  EXPECT_EQ(floatToHalf(1e6f), 0x7C00);                  // overflow to infinity
  EXPECT_EQ(floatToHalf(5.960464477539063e-8f), 0x0001); // smallest subnormal
  EXPECT_EQ(floatToHalf(1.0f + 1.0f / 2048), 0x3C00);    // tie to even
  EXPECT_EQ(floatToHalf(1.0f + 3.0f / 2048), 0x3C02);
  EXPECT_TRUE(std::isnan(halfToFloat(floatToHalf(NAN))));
  for (uint32_t bits = 0; bits < 0x7C00; bits += 7)
    EXPECT_EQ(floatToHalf(halfToFloat(uint16_t(bits))), bits);
}

TEST(HostArray, BFloat16RoundsToNearestEven) {
  EXPECT_EQ(floatToBFloat16(1.0f), 0x3F80);
  EXPECT_EQ(bfloat16ToFloat(0x3F80), 1.0f);
  EXPECT_EQ(floatToBFloat16(1.0f + 1.0f / 256), 0x3F80); // tie to even
  EXPECT_EQ(floatToBFloat16(1.0f + 3.0f / 256), 0x3F82);
}

TEST(HostArray, PoisonReadsAsNaN) {
  for (ln_dtype dtype : {LN_F16, LN_BF16, LN_F32}) {
    HostArray array(dtype, 4);
    array.poison();
    EXPECT_TRUE(std::isnan(array.get(2)));
    EXPECT_TRUE(array.isPoisoned(2));
    array.set(2, 0.5);
    EXPECT_EQ(array.get(2), 0.5);
    EXPECT_FALSE(array.isPoisoned(2));
  }
}

} // namespace
