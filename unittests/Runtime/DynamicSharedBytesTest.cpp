//===- DynamicSharedBytesTest.cpp - The PTX's dynamic shared memory -------===//
//
// getDynamicSharedBytes reads what ln's lowering records for a kernel with
// local blocks (`.u32 <entry>_dynamic_shared_bytes = <bytes>;`), for that
// entry alone, and refuses a record it cannot read.
//
//===----------------------------------------------------------------------===//

#include "ln/Runtime/EmbeddedKernels.h"
#include "ln/Runtime/LayerNorm.h"
#include "ln/Runtime/Runtime.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

using namespace ln::runtime;

namespace {

constexpr const char *kPTX = R"(.version 8.0
.target sm_90
.address_size 64

.visible .global .align 4 .u32 wide_dynamic_shared_bytes = 114688;
.visible .global .align 4 .u32 other_wide_dynamic_shared_bytes = 4096;
.extern .shared .align 16 .b8 wide_local[];

.visible .entry wide(
)";

TEST(DynamicSharedBytes, ReadsTheEntrysRecord) {
  EXPECT_EQ(getDynamicSharedBytes(kPTX, "wide"), 114688u);
  EXPECT_EQ(getDynamicSharedBytes(kPTX, "other_wide"), 4096u);
  // `wide` is a suffix of `other_wide`; neither `_wide` nor `de` has one.
  EXPECT_EQ(getDynamicSharedBytes(kPTX, "_wide"), 0u);
  EXPECT_EQ(getDynamicSharedBytes(kPTX, "de"), 0u);
  EXPECT_EQ(getDynamicSharedBytes("", "wide"), 0u);
}

TEST(DynamicSharedBytes, ReadsWhatTheRecordSaysWhereverItIsWritten) {
  // Tabs, no spaces, CRLF line ends; comments are not records.
  EXPECT_EQ(
      getDynamicSharedBytes(
          "// k_dynamic_shared_bytes = 5;\r\n"
          ".visible .global .align 4 .u32\tk_dynamic_shared_bytes=64;\r\n",
          "k"),
      64u);
  EXPECT_EQ(getDynamicSharedBytes("\tld.global.u32 %r1, [%rd1]; // "
                                  "k_dynamic_shared_bytes = 7;\n",
                                  "k"),
            0u);
  // A use of the symbol is not its declaration.
  EXPECT_EQ(getDynamicSharedBytes("\tmov.u64 %rd1, k_dynamic_shared_bytes;\n"
                                  ".global .u32 k_dynamic_shared_bytes = 9;\n",
                                  "k"),
            9u);
  EXPECT_EQ(getDynamicSharedBytes(
                ".visible .global .align 4 .u32 k_dynamic_shared_bytes = "
                "2147483647;\n",
                "k"),
            2147483647u);
}

TEST(DynamicSharedBytes, RefusesAMalformedRecord) {
  for (const char *ptx :
       {".visible .global .align 4 .u32 k_dynamic_shared_bytes = ;\n",
        ".visible .global .align 4 .u32 k_dynamic_shared_bytes = 12\n",
        ".visible .global .align 4 .u32 k_dynamic_shared_bytes = "
        "99999999999;\n",
        ".visible .global .align 4 .u32 k_dynamic_shared_bytes = "
        "2147483648;\n",
        ".visible .global .align 4 .u32 k_dynamic_shared_bytes = 1x;\n",
        ".visible .global .align 4 .u64 k_dynamic_shared_bytes = 12;\n"}) {
    try {
      getDynamicSharedBytes(ptx, "k");
      ADD_FAILURE() << "accepted: " << ptx;
    } catch (const RuntimeError &error) {
      EXPECT_EQ(error.getStatus(), LN_ERROR_INVALID_ARGUMENT);
      EXPECT_NE(std::string(error.what()).find("'k'"), std::string::npos)
          << error.what();
    }
  }
}

// The embedded kernels that keep blocks in shared memory hold two f32 sums
// of a block with no copies, 8 bytes a feature: the persistent backward dx
// kernels from 8704 features aligned and 7680 generic, and the aligned f16
// and bf16 ones of 4608 to 5632 (two CTAs a multiprocessor; with x_hat, 12
// bytes, past 14336 aligned and 9728 generic; f32 from 8704, with x_hat
// past 10240 aligned and throughout generic), and the split dx kernels
// where the sums in registers spilled (generic f16 and bf16, aligned f32);
// the persistent forward kernels past 16384 features, and the aligned f16
// and bf16 ones of 10240 and 11264, hold each row, 2 bytes a feature. No
// other kernel asks for dynamic shared memory.
TEST(DynamicSharedBytes, EmbeddedKernelsRecordTheirLocalBlocks) {
  size_t count = 0;
  const EmbeddedKernel *table = embeddedKernels(count);
  if (!table || count == 0)
    GTEST_SKIP() << "built without kernels (LN_BUILD_COMPILER=OFF)";
  int withLocals = 0;
  for (size_t i = 0; i < count; ++i) {
    const EmbeddedKernel &kernel = table[i];
    bool twoCtas = kernel.dtype != LN_F32 && kernel.aligned &&
                   kernel.blockSize > 4096 && kernel.blockSize <= 5632;
    bool wide = std::strcmp(kernel.entry, kPersistentBackwardDxKernel) == 0 &&
                (kernel.blockSize > (kernel.aligned ? 8192 : 7168) || twoCtas);
    int64_t xHatFrom = kernel.dtype == LN_F32 ? (kernel.aligned ? 10240 : 8192)
                                              : (kernel.aligned ? 14336 : 9728);
    bool xHat = wide && kernel.blockSize > xHatFrom;
    bool splitSums = std::strcmp(kernel.entry, kSplitBackwardDxKernel) == 0 &&
                     (kernel.dtype == LN_F32) == kernel.aligned;
    bool rowHeld = std::strcmp(kernel.entry, kPersistentForwardKernel) == 0 &&
                   (kernel.blockSize > 16384 ||
                    (kernel.dtype != LN_F32 && kernel.aligned &&
                     (kernel.blockSize == 10240 || kernel.blockSize == 11264)));
    unsigned expected = xHat                ? 12 * kernel.blockSize
                        : wide || splitSums ? 8 * kernel.blockSize
                        : rowHeld           ? 2 * kernel.blockSize
                                            : 0;
    EXPECT_EQ(getDynamicSharedBytes(kernel.ptx, kernel.entry), expected)
        << kernel.entry << " " << kernel.blockSize << " on " << kernel.numWarps
        << " warps, dtype " << kernel.dtype
        << (kernel.aligned ? " aligned" : " generic");
    withLocals += expected != 0;
  }
  EXPECT_EQ(withLocals, 117);
}

} // namespace
