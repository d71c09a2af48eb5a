//===- EmbedPTXTest.cpp - cmake/EmbedPTX.cmake's generated table ----------===//
//
// The table generated from Inputs/*.ptx (see CMakeLists.txt) holds each
// file's text byte for byte and the metadata of its record.
//
//===----------------------------------------------------------------------===//

#include "ln/Runtime/EmbeddedKernels.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

using namespace ln::runtime;

namespace {

std::string readInput(const std::string &name) {
  std::ifstream file(std::string(LN_EMBED_PTX_INPUTS) + "/" + name,
                     std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST(EmbedPTX, RecordsBecomeTableEntries) {
  size_t count = 0;
  const EmbeddedKernel *table = embeddedKernels(count);
  ASSERT_EQ(count, 2u);

  EXPECT_STREQ(table[0].entry, "first_entry");
  EXPECT_EQ(table[0].dtype, LN_F16);
  EXPECT_EQ(table[0].blockSize, 1024);
  EXPECT_EQ(table[0].blockSizeM, 0);
  EXPECT_EQ(table[0].numWarps, 4);
  EXPECT_EQ(table[0].rowsPerProgram, 16);
  EXPECT_TRUE(table[0].aligned);

  EXPECT_STREQ(table[1].entry, "second_entry");
  EXPECT_EQ(table[1].dtype, LN_BF16);
  EXPECT_EQ(table[1].blockSize, 128);
  EXPECT_EQ(table[1].blockSizeM, 32);
  EXPECT_EQ(table[1].numWarps, 8);
  EXPECT_EQ(table[1].rowsPerProgram, 0);
  EXPECT_FALSE(table[1].aligned);
}

TEST(EmbedPTX, TextIsKeptByteForByte) {
  size_t count = 0;
  const EmbeddedKernel *table = embeddedKernels(count);
  ASSERT_EQ(count, 2u);
  EXPECT_EQ(table[0].ptx, readInput("first.ptx"));
  EXPECT_EQ(table[1].ptx, readInput("second.ptx"));
}

} // namespace
