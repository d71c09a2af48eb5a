//===- GpuWorkspaceTest.cpp - The runtime-owned workspace on a GPU --------===//
//
// ln_layer_norm_backward with a NULL workspace (the runtime's own): shared by
// host threads on several streams while another thread releases it,
// refused while a stream is captured into a CUDA graph (a graph captured with
// a workspace of the caller's survives the runtime's workspace growing), and
// flat in device memory over 10^4 calls; dx alone (dw and db NULL) on
// every backward path. Skipped where there is no driver or
// GPU; every other failure is a failure.
//
//===----------------------------------------------------------------------===//

#include "ln/Runtime/EmbeddedKernels.h"
#include "ln/Runtime/Runtime.h"
#include "ln/Runtime/ln.h"

#include <gtest/gtest.h>

#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

namespace {

//===----------------------------------------------------------------------===//
// The driver calls the runtime does not make (streams, graphs, memory info)
//===----------------------------------------------------------------------===//

// cuda.h maps names to their current versions (cuMemGetInfo ->
// cuMemGetInfo_v2): expand before stringifying, as the runtime does.
#define LN_STRINGIFY(x) #x
#define LN_SYMBOL_NAME(x) LN_STRINGIFY(x)

#define LN_TEST_DRIVER_FUNCTIONS(X)                                            \
  X(cuStreamCreate)                                                            \
  X(cuStreamDestroy)                                                           \
  X(cuStreamSynchronize)                                                       \
  X(cuStreamBeginCapture)                                                      \
  X(cuStreamEndCapture)                                                        \
  X(cuGraphInstantiate)                                                        \
  X(cuGraphLaunch)                                                             \
  X(cuGraphExecDestroy)                                                        \
  X(cuGraphDestroy)                                                            \
  X(cuMemGetInfo)                                                              \
  X(cuMemAlloc)                                                                \
  X(cuMemFree)                                                                 \
  X(cuMemsetD8Async)                                                           \
  X(cuCtxSynchronize)                                                          \
  X(cuMemcpyHtoD)                                                              \
  X(cuMemcpyDtoH)

struct TestDriver {
#define LN_DECLARE(name) decltype(&::name) name = nullptr;
  LN_TEST_DRIVER_FUNCTIONS(LN_DECLARE)
#undef LN_DECLARE
  std::string error;
};

/// The functions above, from the library the runtime loaded.
const TestDriver &getTestDriver() {
  static TestDriver driver = [] {
    TestDriver loaded;
    const char *path = std::getenv("LN_CUDA_LIBRARY");
    void *library = dlopen(path && *path ? path : "libcuda.so.1", RTLD_NOW);
    if (!library) {
      loaded.error = "libcuda.so.1 could not be loaded";
      return loaded;
    }
#define LN_RESOLVE(name)                                                       \
  loaded.name = reinterpret_cast<decltype(loaded.name)>(                       \
      dlsym(library, LN_SYMBOL_NAME(name)));                                   \
  if (!loaded.name && loaded.error.empty())                                    \
    loaded.error = "the driver lacks " LN_SYMBOL_NAME(name);
    LN_TEST_DRIVER_FUNCTIONS(LN_RESOLVE)
#undef LN_RESOLVE
    return loaded;
  }();
  return driver;
}

#define ASSERT_CU(call) ASSERT_EQ((call), CUDA_SUCCESS) << #call
#define EXPECT_LN(call) EXPECT_EQ((call), LN_SUCCESS) << ln_last_error()

//===----------------------------------------------------------------------===//
// Problems and their float64 answers
//===----------------------------------------------------------------------===//

/// Device memory freed at the end of the scope.
struct DeviceMemory {
  CUdeviceptr pointer = 0;
  explicit DeviceMemory(size_t bytes) {
    if (getTestDriver().cuMemAlloc(&pointer, bytes) != CUDA_SUCCESS)
      pointer = 0;
  }
  ~DeviceMemory() {
    if (pointer)
      getTestDriver().cuMemFree(pointer);
  }
  DeviceMemory(const DeviceMemory &) = delete;
  DeviceMemory &operator=(const DeviceMemory &) = delete;
  void *get() const { return reinterpret_cast<void *>(pointer); }
};

/// An f32 backward problem on the device, with its expected gradients and
/// how far each may be from them.
struct Problem {
  int64_t M, N;
  std::vector<float> x, w, dy, mean, rstd;
  std::vector<double> dx, dw, db, dxAllowed, dwAllowed, dbAllowed;
  DeviceMemory deviceX, deviceW, deviceDy, deviceMean, deviceRstd;

  Problem(int64_t M, int64_t N, unsigned seed)
      : M(M), N(N), x(M * N), w(N), dy(M * N), mean(M), rstd(M),
        deviceX(4 * M * N), deviceW(4 * N), deviceDy(4 * M * N),
        deviceMean(4 * M), deviceRstd(4 * M) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0, 1);
    for (float &value : x)
      value = normal(rng);
    for (float &value : dy)
      value = normal(rng);
    for (float &value : w)
      value = normal(rng) * 0.5f + 1;
    for (int64_t row = 0; row < M; ++row) {
      double sum = 0, squares = 0;
      for (int64_t col = 0; col < N; ++col)
        sum += x[row * N + col];
      for (int64_t col = 0; col < N; ++col)
        squares += std::pow(x[row * N + col] - sum / N, 2);
      mean[row] = float(sum / N);
      rstd[row] = float(1 / std::sqrt(squares / N + 1e-5));
    }
    computeExpected();
    const TestDriver &driver = getTestDriver();
    for (auto [device, host] :
         {std::pair<CUdeviceptr, const std::vector<float> *>{deviceX.pointer,
                                                             &x},
          {deviceW.pointer, &w},
          {deviceDy.pointer, &dy},
          {deviceMean.pointer, &mean},
          {deviceRstd.pointer, &rstd}})
      if (!device || driver.cuMemcpyHtoD(device, host->data(),
                                         4 * host->size()) != CUDA_SUCCESS)
        ADD_FAILURE() << "uploading a " << M << " x " << N << " problem";
    // Copies from pageable memory may still be in flight when they return,
    // and the tests' streams do not wait for the legacy stream.
    if (driver.cuCtxSynchronize() != CUDA_SUCCESS)
      ADD_FAILURE() << "cuCtxSynchronize after the uploads";
  }

  /// float64 gradients from the f32 inputs; the f32 kernels may round each
  /// sum once per term (about 1e-6 of the sum of magnitudes, taken with a
  /// margin).
  void computeExpected() {
    dx.assign(M * N, 0);
    dxAllowed.assign(M * N, 0);
    dw.assign(N, 0);
    db.assign(N, 0);
    dwAllowed.assign(N, 1e-6);
    dbAllowed.assign(N, 1e-6);
    for (int64_t row = 0; row < M; ++row) {
      double c1 = 0, c2 = 0, magnitude = 0;
      for (int64_t col = 0; col < N; ++col) {
        double xhat = (x[row * N + col] - double(mean[row])) * rstd[row];
        double wdy = double(w[col]) * dy[row * N + col];
        c1 += xhat * wdy;
        c2 += wdy;
        magnitude += std::abs(xhat * wdy) + std::abs(wdy);
      }
      for (int64_t col = 0; col < N; ++col) {
        size_t i = row * N + col;
        double xhat = (x[i] - double(mean[row])) * rstd[row];
        double wdy = double(w[col]) * dy[i];
        dx[i] = (wdy - (xhat * c1 / N + c2 / N)) * rstd[row];
        dxAllowed[i] = 1e-5 * (std::abs(wdy) + std::abs(xhat) * magnitude / N +
                               magnitude / N) *
                           rstd[row] +
                       1e-6;
        dw[col] += dy[i] * xhat;
        db[col] += dy[i];
        dwAllowed[col] += 1e-5 * std::abs(dy[i] * xhat);
        dbAllowed[col] += 1e-5 * std::abs(dy[i]);
      }
    }
  }
};

/// Outputs for problems of up to `elements` elements and `columns` columns,
/// with the call that fills them.
struct Outputs {
  DeviceMemory dx, dw, db;
  Outputs(int64_t elements, int64_t columns)
      : dx(4 * elements), dw(4 * columns), db(4 * columns) {}

  /// With `sums` false, dx alone (dw and db NULL).
  ln_status run(const Problem &p, CUstream stream, void *workspace,
                bool sums = true) {
    return ln_layer_norm_backward(
        LN_F32, stream, p.M, p.N, p.deviceDy.get(), p.N, p.deviceX.get(), p.N,
        p.deviceW.get(), static_cast<const float *>(p.deviceMean.get()),
        static_cast<const float *>(p.deviceRstd.get()), dx.get(), p.N,
        sums ? dw.get() : nullptr, sums ? db.get() : nullptr, workspace);
  }

  /// Fills the outputs with NaN on `stream`, so that an unwritten one
  /// shows.
  void poison(const Problem &p, CUstream stream) {
    const TestDriver &driver = getTestDriver();
    driver.cuMemsetD8Async(dx.pointer, 0xFF, 4 * p.M * p.N, stream);
    driver.cuMemsetD8Async(dw.pointer, 0xFF, 4 * p.N, stream);
    driver.cuMemsetD8Async(db.pointer, 0xFF, 4 * p.N, stream);
  }

  /// "" if the outputs (the stream done) hold `p`'s gradients (with `sums`
  /// false, dx alone), else the first wrong element.
  std::string compare(const Problem &p, bool sums = true) {
    const TestDriver &driver = getTestDriver();
    std::vector<float> gotDx(p.M * p.N), gotDw(p.N), gotDb(p.N);
    if (driver.cuMemcpyDtoH(gotDx.data(), dx.pointer, 4 * gotDx.size()) ||
        driver.cuMemcpyDtoH(gotDw.data(), dw.pointer, 4 * p.N) ||
        driver.cuMemcpyDtoH(gotDb.data(), db.pointer, 4 * p.N))
      return "cuMemcpyDtoH failed";
    for (auto [name, got, want, allowed] :
         {std::tuple{"dx", &gotDx, &p.dx, &p.dxAllowed},
          std::tuple{"dw", &gotDw, &p.dw, &p.dwAllowed},
          std::tuple{"db", &gotDb, &p.db, &p.dbAllowed}})
      for (size_t i = 0; i < want->size() && (sums || got == &gotDx); ++i)
        if (!(std::abs((*got)[i] - (*want)[i]) <= (*allowed)[i]))
          return std::string(name) + "[" + std::to_string(i) + "] of " +
                 std::to_string(p.M) + " x " + std::to_string(p.N) + " = " +
                 std::to_string((*got)[i]) + ", expected " +
                 std::to_string((*want)[i]);
    return "";
  }
};

/// A stream of its own, destroyed at the end of the scope.
struct Stream {
  CUstream handle = nullptr;
  Stream() { getTestDriver().cuStreamCreate(&handle, CU_STREAM_NON_BLOCKING); }
  ~Stream() {
    if (handle)
      getTestDriver().cuStreamDestroy(handle);
  }
  Stream(const Stream &) = delete;
  Stream &operator=(const Stream &) = delete;
};

class GpuWorkspace : public ::testing::Test {
protected:
  void SetUp() override {
    ln_status status = ln_init();
    if (status == LN_ERROR_NO_GPU)
      GTEST_SKIP() << ln_last_error();
    ASSERT_EQ(status, LN_SUCCESS) << ln_last_error();
    size_t kernels = 0;
    ln::runtime::embeddedKernels(kernels);
    if (kernels == 0)
      GTEST_SKIP() << "built without the LayerNorm kernels";
    ASSERT_EQ(getTestDriver().error, "");
    makeContextCurrent();
  }

  /// The runtime's context (the device's primary one) current on the
  /// calling thread, for the test's own driver calls.
  static void makeContextCurrent() { ln::runtime::Context::get(); }
};

//===----------------------------------------------------------------------===//
// Tests
//===----------------------------------------------------------------------===//

TEST_F(GpuWorkspace, ThreadsOnSeveralStreamsShareItWhileItIsReleased) {
  // Persistent (N <= 4096), locked (<= 8192) and split passes, small and
  // large workspaces, so that it grows while other threads use it.
  std::vector<std::unique_ptr<Problem>> problems;
  int64_t elements = 0, columns = 0;
  for (auto [M, N] : {std::pair<int64_t, int64_t>{64, 100},
                     {4096, 1024},
                     {300, 4096},
                     {2000, 6000},
                     {37, 20000}}) {
    problems.push_back(std::make_unique<Problem>(M, N, unsigned(M + N)));
    elements = std::max(elements, M * N);
    columns = std::max(columns, N);
  }
  std::vector<Stream> streams(3);
  std::mutex mutex;
  std::vector<std::string> failures;
  auto fail = [&](std::string failure) {
    std::lock_guard<std::mutex> lock(mutex);
    failures.push_back(std::move(failure));
  };
  std::atomic<bool> done{false};

  auto work = [&](int index) {
    makeContextCurrent();
    const TestDriver &driver = getTestDriver();
    // Two threads a stream: they share a workspace as well as the lock.
    CUstream stream = streams[index % streams.size()].handle;
    Outputs outputs(elements, columns);
    for (int round = 0; round < 8; ++round) {
      const Problem &p = *problems[(index + round) % problems.size()];
      outputs.poison(p, stream);
      if (outputs.run(p, stream, nullptr) != LN_SUCCESS) {
        fail("thread " + std::to_string(index) + ": " + ln_last_error());
        return;
      }
      if (driver.cuStreamSynchronize(stream) != CUDA_SUCCESS) {
        fail("thread " + std::to_string(index) + ": cuStreamSynchronize");
        return;
      }
      std::string wrong = outputs.compare(p);
      if (!wrong.empty())
        fail("thread " + std::to_string(index) + " round " +
             std::to_string(round) + ": " + wrong);
    }
  };
  std::thread releaser([&] {
    makeContextCurrent();
    while (!done) {
      if (ln_release_workspaces() != LN_SUCCESS)
        fail(std::string("ln_release_workspaces: ") + ln_last_error());
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  std::vector<std::thread> workers;
  for (int index = 0; index < 6; ++index)
    workers.emplace_back(work, index);
  for (std::thread &worker : workers)
    worker.join();
  done = true;
  releaser.join();
  for (const std::string &failure : failures)
    ADD_FAILURE() << failure;
}

TEST_F(GpuWorkspace, CaptureRefusesItAndAGraphOutlivesItsGrowth) {
  const TestDriver &driver = getTestDriver();
  Problem small(256, 1024, 1), large(4096, 8192, 2);
  Stream stream;
  Outputs eager(large.M * large.N, large.N), replayed(small.M * small.N, small.N);
  // The runtime's workspace for this stream, sized for the small problem.
  EXPECT_LN(eager.run(small, stream.handle, nullptr));
  ASSERT_CU(driver.cuStreamSynchronize(stream.handle));

  DeviceMemory workspace(
      ln_layer_norm_backward_workspace_size(LN_F32, small.M, small.N));
  ASSERT_CU(driver.cuStreamBeginCapture(stream.handle,
                                        CU_STREAM_CAPTURE_MODE_THREAD_LOCAL));
  EXPECT_EQ(replayed.run(small, stream.handle, nullptr),
            LN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(ln_last_error()).find(
                "captured into a CUDA graph: pass a workspace"),
            std::string::npos)
      << ln_last_error();
  // The refusal left the capture intact: a workspace of the caller's is
  // captured.
  EXPECT_LN(replayed.run(small, stream.handle, workspace.get()));
  CUgraph graph = nullptr;
  ASSERT_CU(driver.cuStreamEndCapture(stream.handle, &graph));
  CUgraphExec exec = nullptr;
  ASSERT_CU(driver.cuGraphInstantiate(&exec, graph, 0));

  // Growing the runtime's workspace frees the one it had; the graph never
  // held it.
  EXPECT_LN(eager.run(large, stream.handle, nullptr));
  ASSERT_CU(driver.cuStreamSynchronize(stream.handle));
  EXPECT_EQ(eager.compare(large), "");
  for (int replay = 0; replay < 2; ++replay) {
    replayed.poison(small, stream.handle);
    ASSERT_CU(driver.cuGraphLaunch(exec, stream.handle));
    ASSERT_CU(driver.cuStreamSynchronize(stream.handle));
    EXPECT_EQ(replayed.compare(small), "") << "replay " << replay;
    EXPECT_LN(ln_release_workspaces());
  }
  driver.cuGraphExecDestroy(exec);
  driver.cuGraphDestroy(graph);
}

TEST_F(GpuWorkspace, DxAloneWithoutParameterGradients) {
  // dw and db NULL: on every path (persistent, locked, split) dx is still
  // written in full (poisoned first), and a call with the sums after it on
  // the same workspace still gets them right.
  const TestDriver &driver = getTestDriver();
  Stream stream;
  for (auto [M, N] : {std::pair<int64_t, int64_t>{300, 1024},
                     {200, 6000},
                     {37, 20000}}) {
    Problem p(M, N, unsigned(7 * M + N));
    Outputs outputs(M * N, N);
    DeviceMemory workspace(
        ln_layer_norm_backward_workspace_size(LN_F32, M, N));
    outputs.poison(p, stream.handle);
    EXPECT_LN(outputs.run(p, stream.handle, workspace.get(), /*sums=*/false));
    ASSERT_CU(driver.cuStreamSynchronize(stream.handle));
    EXPECT_EQ(outputs.compare(p, /*sums=*/false), "");
    outputs.poison(p, stream.handle);
    EXPECT_LN(outputs.run(p, stream.handle, workspace.get()));
    ASSERT_CU(driver.cuStreamSynchronize(stream.handle));
    EXPECT_EQ(outputs.compare(p), "");
  }
}

TEST_F(GpuWorkspace, TenThousandCallsKeepDeviceMemoryFlat) {
  const TestDriver &driver = getTestDriver();
  Problem p(64, 1024, 3);
  Stream stream;
  Outputs outputs(p.M * p.N, p.N);
  EXPECT_LN(ln_release_workspaces());
  // The first call loads the modules and allocates the workspace.
  EXPECT_LN(outputs.run(p, stream.handle, nullptr));
  ASSERT_CU(driver.cuStreamSynchronize(stream.handle));
  size_t freeBefore = 0, freeAfter = 0, total = 0;
  ASSERT_CU(driver.cuMemGetInfo(&freeBefore, &total));
  for (int call = 0; call < 10000; ++call)
    ASSERT_EQ(outputs.run(p, stream.handle, nullptr), LN_SUCCESS)
        << "call " << call << ": " << ln_last_error();
  ASSERT_CU(driver.cuStreamSynchronize(stream.handle));
  ASSERT_CU(driver.cuMemGetInfo(&freeAfter, &total));
  EXPECT_EQ(outputs.compare(p), "");
  // Flat: not a byte more in use, beyond the driver's own bookkeeping.
  EXPECT_LE(int64_t(freeBefore) - int64_t(freeAfter), int64_t(2) << 20)
      << freeBefore << " bytes free before, " << freeAfter << " after";
  EXPECT_LN(ln_release_workspaces());
}

} // namespace
