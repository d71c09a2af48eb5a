//===- OptionsTest.cpp - ln-run's command line ----------------------------===//

#include "Options.h"

#include <gtest/gtest.h>

using namespace ln::run;

namespace {

TEST(Options, LayerNormDefaultsAndFlags) {
  LayerNormOptions o = parseLayerNormOptions({});
  EXPECT_EQ(o.modes, std::vector<Mode>{Mode::Forward});
  EXPECT_EQ(o.dtypes, std::vector<ln_dtype>{LN_F16});
  EXPECT_EQ(o.Ms, std::vector<int64_t>{4096});
  EXPECT_EQ(o.Ns, std::vector<int64_t>{8192});
  EXPECT_TRUE(o.check); // implied when neither --check nor --bench
  EXPECT_FALSE(o.runtimeWorkspace);
  o = parseLayerNormOptions({"--mode", "backward", "--M=3", "--N", "100",
                             "--dtype", "bf16", "--bench", "--row-stride",
                             "128", "--reps", "7", "--runtime-workspace"});
  EXPECT_EQ(o.modes, std::vector<Mode>{Mode::Backward});
  EXPECT_EQ(o.Ms, std::vector<int64_t>{3});
  EXPECT_EQ(o.Ns, std::vector<int64_t>{100});
  EXPECT_EQ(o.dtypes, std::vector<ln_dtype>{LN_BF16});
  EXPECT_TRUE(o.bench);
  EXPECT_FALSE(o.check);
  EXPECT_TRUE(o.runtimeWorkspace);
  EXPECT_EQ(*o.rowStride, 128);
  EXPECT_EQ(o.timing.repetitions, 7);
  EXPECT_EQ(o.backwardAlgorithm, LN_BACKWARD_AUTO);
  EXPECT_EQ(parseLayerNormOptions({"--backward-algorithm", "locked"})
                .backwardAlgorithm,
            LN_BACKWARD_LOCKED);
  EXPECT_EQ(parseSweepOptions({"--backward-algorithm=partial-rows"})
                .backwardAlgorithm,
            LN_BACKWARD_PARTIAL_ROWS);
}

TEST(Options, LayerNormListsMakeAMatrix) {
  LayerNormOptions o = parseLayerNormOptions(
      {"--mode", "forward,backward", "--dtype", "f16,bf16,f32", "--M",
       "1,3,1151", "--N", "1,7,100,1000"});
  EXPECT_EQ(o.modes, (std::vector<Mode>{Mode::Forward, Mode::Backward}));
  EXPECT_EQ(o.dtypes, (std::vector<ln_dtype>{LN_F16, LN_BF16, LN_F32}));
  EXPECT_EQ(o.Ms, (std::vector<int64_t>{1, 3, 1151}));
  EXPECT_EQ(o.Ns, (std::vector<int64_t>{1, 7, 100, 1000}));
}

TEST(Options, ErrorsNameTheFlag) {
  auto message = [](std::vector<std::string> args) -> std::string {
    try {
      parseLayerNormOptions(args);
    } catch (const UsageError &error) {
      return error.what();
    }
    return "accepted";
  };
  EXPECT_EQ(message({"--M", "0"}), "--M: 0 is out of range [1, 2147483647]");
  EXPECT_EQ(message({"--N", "12x"}), "--N: '12x' is not an integer");
  EXPECT_EQ(message({"--dtype", "f64"}),
            "--dtype: unknown dtype 'f64' (expected f16, bf16 or f32)");
  EXPECT_EQ(message({"--mode", "sideways"}),
            "--mode: expected forward or backward, got 'sideways'");
  EXPECT_EQ(message({"--frobnicate"}),
            "unknown argument '--frobnicate' (see ln-run --help)");
  EXPECT_EQ(message({"--N"}), "--N needs a value");
  EXPECT_EQ(message({"--check=1"}), "--check takes no value");
  EXPECT_EQ(message({"--N", "100", "--row-stride", "50"}),
            "--row-stride (50) must be at least --N (100)");
  EXPECT_EQ(message({"--N", "10,200", "--row-stride", "100"}),
            "--row-stride (100) must be at least --N (200)");
  EXPECT_EQ(message({"--M", "4,,8"}), "--M: '' is not an integer");
  EXPECT_EQ(message({"--dtype", "f16,f8"}),
            "--dtype: unknown dtype 'f8' (expected f16, bf16 or f32)");
  // Sizes the host cannot hold are refused before anything is allocated
  // (this aborted with std::bad_alloc).
  std::string huge = message({"--M", "2147483647", "--N", "2147483647"});
  EXPECT_EQ(huge.rfind("--M 2147483647 x --N 2147483647: ", 0), 0u) << huge;
  EXPECT_NE(huge.find("GB of host memory"), std::string::npos) << huge;
  EXPECT_EQ(message({"--M", "2", "--N", "1000000,7"}), "accepted");
  EXPECT_EQ(message({"--eps", "-1e-5"}),
            "--eps must be non-negative and finite, got -1e-5");
  EXPECT_EQ(parseLayerNormOptions({"--eps", "0"}).eps, 0.0f);
  EXPECT_EQ(message({"--backward-algorithm", "spin"}),
            "--backward-algorithm must be auto, partial-rows or locked, got "
            "'spin'");
}

TEST(Options, SweepDefaultsToTheTutorialTable) {
  SweepOptions o = parseSweepOptions({});
  ASSERT_EQ(o.Ns.size(), 30u);
  EXPECT_EQ(o.Ns.front(), 1024);
  EXPECT_EQ(o.Ns.back(), 15872);
  EXPECT_EQ(o.modes.size(), 2u);
  o = parseSweepOptions({"--N", "1024,4096", "--mode", "forward", "--no-check",
                         "--csv", "out.csv"});
  EXPECT_EQ(o.Ns, (std::vector<int64_t>{1024, 4096}));
  EXPECT_FALSE(o.check);
  EXPECT_EQ(o.csvPath, "out.csv");
}

TEST(Options, KernelArguments) {
  KernelArgument buffer = parseKernelArgument("f16*:4096=randn");
  EXPECT_TRUE(buffer.isBuffer);
  EXPECT_EQ(buffer.type, "f16");
  EXPECT_EQ(buffer.count, 4096);
  EXPECT_EQ(buffer.fill, "randn");
  EXPECT_EQ(parseKernelArgument("f32*:8").fill, "zeros");
  EXPECT_EQ(parseKernelArgument("f32*:8=2.5").fill, "2.5");
  KernelArgument scalar = parseKernelArgument("i32=4096");
  EXPECT_FALSE(scalar.isBuffer);
  EXPECT_EQ(scalar.value, "4096");
  EXPECT_THROW(parseKernelArgument("u8=1"), UsageError);
  EXPECT_THROW(parseKernelArgument("i32"), UsageError);
  EXPECT_THROW(parseKernelArgument("f32*=rand"), UsageError);
  EXPECT_THROW(parseKernelArgument("f32*:8=bogus"), UsageError);

  KernelOptions o = parseKernelOptions({"add.ptx", "--name", "add", "--grid",
                                        "16,2", "--block", "256", "--arg",
                                        "f32*:4096=rand", "--arg", "i32=4096"});
  EXPECT_EQ(o.file, "add.ptx");
  EXPECT_EQ(o.grid[0], 16u);
  EXPECT_EQ(o.grid[1], 2u);
  EXPECT_EQ(o.grid[2], 1u);
  EXPECT_EQ(o.arguments.size(), 2u);
  EXPECT_FALSE(o.cpu);
  EXPECT_TRUE(parseKernelOptions({"add.mlir", "--name", "add", "--cpu"}).cpu);
  EXPECT_THROW(parseKernelOptions({"add.mlir", "--name", "add", "--cpu=1"}),
               UsageError); // a switch
  EXPECT_THROW(parseKernelOptions({"add.ptx"}), UsageError); // no --name
  EXPECT_THROW(
      parseKernelOptions({"add.ptx", "--name", "k", "--block", "2048"}),
      UsageError);
}

} // namespace
