//===- LayerNormCommand.cpp - ln-run layernorm and sweep ------------------===//
//
// Checks the LayerNorm kernels against a float64 reference computed on the
// CPU from the very (rounded) inputs the GPU saw, on fresh random inputs
// with poisoned outputs, and times them with CUDA events.
//
//===----------------------------------------------------------------------===//

#include "LayerNormCommand.h"
#include "HostArray.h"

#include "ln/Runtime/LayerNorm.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

using namespace ln::run;
using namespace ln::runtime;

//===----------------------------------------------------------------------===//
// Timing
//===----------------------------------------------------------------------===//

double ln::run::timeMedian(const Context &context, const TimingOptions &timing,
                           const std::function<void()> &body) {
  // Writing a buffer larger than L2 between runs makes every run read its
  // inputs from memory, as triton.testing.do_bench does.
  static constexpr size_t kFlushBytes = 256 << 20;
  DeviceBuffer flush(context, kFlushBytes);
  const DriverApi &driver = context.getDriver();
  for (int i = 0; i < timing.warmup; ++i)
    body();
  EventTimer timer(context);
  std::vector<double> times;
  for (int i = 0; i < timing.repetitions; ++i) {
    context.check(
        driver.cuMemsetD8Async(flush.get(), uint8_t(i), kFlushBytes, nullptr),
        "cuMemsetD8Async");
    timer.start(nullptr);
    body();
    times.push_back(timer.stop(nullptr));
  }
  std::nth_element(times.begin(), times.begin() + times.size() / 2,
                   times.end());
  return times[times.size() / 2];
}

double ln::run::measureCopyBandwidth(const Context &context) {
  // A 1 GiB copy: 2 GiB read and written.
  return measureSameShapeCopy(context, {3, 10}, size_t(2) << 30);
}

double ln::run::measureSameShapeCopy(const Context &context,
                                     const TimingOptions &timing,
                                     size_t bytes) {
  size_t half = std::max<size_t>(bytes / 2, 1);
  DeviceBuffer source(context, half), destination(context, half);
  const DriverApi &driver = context.getDriver();
  double milliseconds = timeMedian(context, timing, [&] {
    context.check(driver.cuMemcpyDtoDAsync(destination.get(), source.get(),
                                           half, nullptr),
                  "cuMemcpyDtoDAsync");
  });
  return 2.0 * half / (milliseconds * 1e-3);
}

//===----------------------------------------------------------------------===//
// Checking
//===----------------------------------------------------------------------===//

namespace {

/// Relative tolerance of a value rounded to `dtype` (about one unit in the
/// last place), the share of the output's largest magnitude tolerated in
/// absolute terms (for values near zero after cancellation), and the
/// spacing of the dtype's subnormals, below which rounding is absolute (a
/// single-row dw is dy * xhat, often an f16 subnormal).
struct Tolerance {
  double relative, absoluteShare, subnormalSpacing;
};

Tolerance toleranceFor(ln_dtype dtype) {
  switch (dtype) {
  case LN_F32:
    return {1e-5, 1e-5, std::ldexp(1.0, -149)};
  case LN_F16:
    return {1.0 / 1024, 1e-3, std::ldexp(1.0, -24)};
  case LN_BF16:
    return {1.0 / 128, 8e-3, std::ldexp(1.0, -133)};
  }
  return {0, 0, 0};
}

/// The tolerance of a sum rounded to `dtype` once: relative, plus the
/// caller's per-element slack for the summation itself.
Tolerance sumToleranceFor(ln_dtype dtype) {
  Tolerance tolerance = toleranceFor(dtype);
  tolerance.absoluteShare = 0;
  return tolerance;
}

/// Compares `got` with `expected` element by element; remembers the worst.
class Comparison {
public:
  Comparison(LayerNormResult &result) : result(result) {}

  /// `slack[i]` widens the absolute tolerance of element i (sums).
  void compare(const char *name, const HostArray &got,
               const std::vector<double> &expected, Tolerance tolerance,
               const std::vector<double> *slack = nullptr,
               size_t rowLength = 0) {
    double largest = 0;
    for (double value : expected)
      largest = std::max(largest, std::abs(value));
    for (size_t i = 0; i < expected.size(); ++i) {
      double value = got.get(i);
      double allowed = tolerance.relative * std::abs(expected[i]) +
                       tolerance.absoluteShare * largest +
                       tolerance.subnormalSpacing + (slack ? (*slack)[i] : 0) +
                       1e-30;
      double error = std::abs(value - expected[i]);
      double ratio = std::isnan(value) ? INFINITY : error / allowed;
      if (ratio > result.worstError) {
        result.worstError = ratio;
        if (ratio > 1) {
          std::ostringstream message;
          message << name << "[";
          if (rowLength)
            message << i / rowLength << ", " << i % rowLength;
          else
            message << i;
          message << "] = " << value << ", expected " << expected[i]
                  << " (|error| " << error << " > tolerance " << allowed
                  << (got.isPoisoned(i) ? "; never written" : "") << ")";
          result.passed = false;
          result.failure = message.str();
        }
      }
    }
  }

private:
  LayerNormResult &result;
};

struct Problem {
  int64_t M, N, stride;
  ln_dtype dtype;
};

void fillNormal(HostArray &array, std::mt19937_64 &rng, double mean,
                double deviation) {
  std::normal_distribution<double> normal(mean, deviation);
  for (size_t i = 0; i < array.size(); ++i)
    array.set(i, normal(rng));
}

void fillUniform(HostArray &array, std::mt19937_64 &rng) {
  std::uniform_real_distribution<double> uniform(0, 1);
  for (size_t i = 0; i < array.size(); ++i)
    array.set(i, uniform(rng));
}

DeviceBuffer upload(const Context &context, const HostArray &array) {
  DeviceBuffer buffer(context, array.bytes());
  buffer.upload(array.data(), array.bytes());
  return buffer;
}

void download(const DeviceBuffer &buffer, HostArray &array) {
  buffer.download(array.data(), array.bytes());
}

/// Row statistics in float64 from the inputs as the GPU saw them.
/// Rows of the float64 reference are split into this many chunks whatever
/// the host: sums over rows (dw, db) add the chunks' partial sums in chunk
/// order, so the reference does not depend on the number of cores.
constexpr int64_t kReferenceChunks = 16;

/// Runs body(begin, end, chunk) for `chunks` contiguous ranges of rows of
/// [0, rows), on the host's cores. The bodies must not throw.
void forEachRowChunk(
    int64_t rows, int64_t chunks,
    const std::function<void(int64_t, int64_t, int64_t)> &body) {
  chunks = std::max<int64_t>(1, std::min(chunks, rows));
  std::atomic<int64_t> next{0};
  auto work = [&] {
    for (int64_t chunk; (chunk = next++) < chunks;)
      body(rows * chunk / chunks, rows * (chunk + 1) / chunks, chunk);
  };
  int64_t threads = std::min<int64_t>(
      chunks, std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (int64_t i = 1; i < threads; ++i)
    pool.emplace_back(work);
  work();
  for (std::thread &thread : pool)
    thread.join();
}

void referenceStatistics(const Problem &p, const HostArray &x, double eps,
                         std::vector<double> &mean, std::vector<double> &rstd) {
  mean.assign(p.M, 0);
  rstd.assign(p.M, 0);
  forEachRowChunk(
      p.M, kReferenceChunks, [&](int64_t begin, int64_t end, int64_t) {
        for (int64_t row = begin; row < end; ++row) {
          double sum = 0, squares = 0;
          for (int64_t col = 0; col < p.N; ++col)
            sum += x.get(row * p.stride + col);
          mean[row] = sum / p.N;
          for (int64_t col = 0; col < p.N; ++col) {
            double centered = x.get(row * p.stride + col) - mean[row];
            squares += centered * centered;
          }
          rstd[row] = 1 / std::sqrt(squares / p.N + eps);
        }
      });
}

/// Elements between N and the row stride must keep their poison.
void checkPadding(const char *name, const Problem &p, const HostArray &array,
                  LayerNormResult &result) {
  for (int64_t row = 0; row < p.M && result.passed; ++row)
    for (int64_t col = p.N; col < p.stride; ++col)
      if (!array.isPoisoned(row * p.stride + col)) {
        result.passed = false;
        result.worstError = INFINITY;
        result.failure = std::string(name) + "[" + std::to_string(row) + ", " +
                         std::to_string(col) +
                         "] was written although it lies past N";
        break;
      }
}

std::vector<double> dense(const Problem &p,
                          const std::vector<double> &strided) {
  std::vector<double> values;
  values.reserve(p.M * p.N);
  for (int64_t row = 0; row < p.M; ++row)
    for (int64_t col = 0; col < p.N; ++col)
      values.push_back(strided[row * p.stride + col]);
  return values;
}

HostArray denseArray(const Problem &p, const HostArray &strided) {
  HostArray values(strided.getDType(), p.M * p.N);
  for (int64_t row = 0; row < p.M; ++row)
    for (int64_t col = 0; col < p.N; ++col)
      std::memcpy(static_cast<uint8_t *>(values.data()) +
                      (row * p.N + col) * getElementSize(p.dtype),
                  static_cast<const uint8_t *>(strided.data()) +
                      (row * p.stride + col) * getElementSize(p.dtype),
                  getElementSize(p.dtype));
  return values;
}

//===----------------------------------------------------------------------===//
// Forward and backward
//===----------------------------------------------------------------------===//

LayerNormResult runForward(const Context &context, const Problem &p,
                           const LayerNormOptions &options,
                           std::mt19937_64 &rng) {
  LayerNormResult result;
  HostArray x(p.dtype, p.M * p.stride), w(p.dtype, p.N), b(p.dtype, p.N);
  fillNormal(x, rng, -2.3, 0.5);
  fillUniform(w, rng);
  fillUniform(b, rng);
  HostArray y(p.dtype, p.M * p.stride), mean(LN_F32, p.M), rstd(LN_F32, p.M);
  y.poison();
  mean.poison();
  rstd.poison();
  DeviceBuffer dx = upload(context, x), dw = upload(context, w),
               db = upload(context, b), dy = upload(context, y),
               dmean = upload(context, mean), drstd = upload(context, rstd);
  auto run = [&] {
    layerNormForward(p.dtype, nullptr, p.M, p.N, options.eps, dx.data(),
                     p.stride, dw.data(), db.data(), dy.data(), p.stride,
                     static_cast<float *>(dmean.data()),
                     static_cast<float *>(drstd.data()));
  };

  if (options.check) {
    run();
    context.check(context.getDriver().cuCtxSynchronize(), "cuCtxSynchronize");
    download(dy, y);
    download(dmean, mean);
    download(drstd, rstd);
    std::vector<double> refMean, refRstd, refY(p.M * p.stride);
    referenceStatistics(p, x, options.eps, refMean, refRstd);
    forEachRowChunk(
        p.M, kReferenceChunks, [&](int64_t begin, int64_t end, int64_t) {
          for (int64_t row = begin; row < end; ++row)
            for (int64_t col = 0; col < p.N; ++col) {
              size_t i = row * p.stride + col;
              refY[i] = (x.get(i) - refMean[row]) * refRstd[row] * w.get(col) +
                        b.get(col);
            }
        });
    result.checked = true;
    Comparison comparison(result);
    comparison.compare("y", denseArray(p, y), dense(p, refY),
                       toleranceFor(p.dtype), nullptr, p.N);
    comparison.compare("mean", mean, refMean, {1e-5, 1e-6, 0});
    comparison.compare("rstd", rstd, refRstd, {1e-5, 1e-6, 0});
    checkPadding("y", p, y, result);
  }
  if (options.bench) {
    result.milliseconds = timeMedian(context, options.timing, run);
    result.gigabytesPerSecond =
        2.0 * p.M * p.N * getElementSize(p.dtype) / (result.milliseconds * 1e6);
  }
  return result;
}

LayerNormResult runBackward(const Context &context, const Problem &p,
                            const LayerNormOptions &options,
                            std::mt19937_64 &rng) {
  LayerNormResult result;
  HostArray x(p.dtype, p.M * p.stride), w(p.dtype, p.N),
      dy(p.dtype, p.M * p.stride);
  fillNormal(x, rng, -2.3, 0.5);
  fillUniform(w, rng);
  fillNormal(dy, rng, 0, 0.1);
  // The statistics the forward pass would have saved, rounded to f32.
  std::vector<double> refMean, refRstd;
  referenceStatistics(p, x, options.eps, refMean, refRstd);
  HostArray mean(LN_F32, p.M), rstd(LN_F32, p.M);
  for (int64_t row = 0; row < p.M; ++row) {
    mean.set(row, refMean[row]);
    rstd.set(row, refRstd[row]);
  }
  HostArray dx(p.dtype, p.M * p.stride), dw(p.dtype, p.N), db(p.dtype, p.N);
  dx.poison();
  dw.poison();
  db.poison();
  DeviceBuffer devX = upload(context, x), devW = upload(context, w),
               devDy = upload(context, dy), devMean = upload(context, mean),
               devRstd = upload(context, rstd), devDx = upload(context, dx),
               devDw = upload(context, dw), devDb = upload(context, db);
  std::optional<DeviceBuffer> workspace;
  if (!options.runtimeWorkspace)
    workspace.emplace(context,
                      ln_layer_norm_backward_workspace_size(p.dtype, p.M, p.N));
  void *workspaceArgument = workspace ? workspace->data() : nullptr;
  auto run = [&] {
    layerNormBackward(p.dtype, nullptr, p.M, p.N, devDy.data(), p.stride,
                      devX.data(), p.stride, devW.data(),
                      static_cast<const float *>(devMean.data()),
                      static_cast<const float *>(devRstd.data()), devDx.data(),
                      p.stride, devDw.data(), devDb.data(), workspaceArgument,
                      options.backwardAlgorithm);
  };

  if (options.check) {
    run();
    context.check(context.getDriver().cuCtxSynchronize(), "cuCtxSynchronize");
    download(devDx, dx);
    download(devDw, dw);
    download(devDb, db);
    std::vector<double> refDx(p.M * p.stride), refDw(p.N, 0), refDb(p.N, 0),
        slackDw(p.N, 0), slackDb(p.N, 0);
    // Per chunk of rows: the dw, db, and slack partial sums, 4 x N each.
    int64_t chunks = std::min(kReferenceChunks, p.M);
    std::vector<std::vector<double>> partials(chunks);
    forEachRowChunk(
        p.M, chunks, [&](int64_t begin, int64_t end, int64_t chunk) {
          std::vector<double> &sums = partials[chunk];
          sums.assign(4 * p.N, 0);
          for (int64_t row = begin; row < end; ++row) {
            double m = mean.get(row), r = rstd.get(row), c1 = 0, c2 = 0;
            for (int64_t col = 0; col < p.N; ++col) {
              size_t i = row * p.stride + col;
              double xhat = (x.get(i) - m) * r, wdy = w.get(col) * dy.get(i);
              c1 += xhat * wdy;
              c2 += wdy;
            }
            c1 /= p.N;
            c2 /= p.N;
            for (int64_t col = 0; col < p.N; ++col) {
              size_t i = row * p.stride + col;
              double xhat = (x.get(i) - m) * r, wdy = w.get(col) * dy.get(i);
              refDx[i] = (wdy - (xhat * c1 + c2)) * r;
              sums[col] += dy.get(i) * xhat;
              sums[p.N + col] += dy.get(i);
              sums[2 * p.N + col] += std::abs(dy.get(i) * xhat);
              sums[3 * p.N + col] += std::abs(dy.get(i));
            }
          }
        });
    for (const std::vector<double> &sums : partials)
      for (int64_t col = 0; col < p.N; ++col) {
        refDw[col] += sums[col];
        refDb[col] += sums[p.N + col];
        slackDw[col] += sums[2 * p.N + col];
        slackDb[col] += sums[3 * p.N + col];
      }
    // dw and db sum M f32 terms before rounding to T.
    for (int64_t col = 0; col < p.N; ++col) {
      slackDw[col] *= 1e-5;
      slackDb[col] *= 1e-5;
    }
    result.checked = true;
    Comparison comparison(result);
    comparison.compare("dx", denseArray(p, dx), dense(p, refDx),
                       toleranceFor(p.dtype), nullptr, p.N);
    comparison.compare("dw", dw, refDw, sumToleranceFor(p.dtype), &slackDw);
    comparison.compare("db", db, refDb, sumToleranceFor(p.dtype), &slackDb);
    checkPadding("dx", p, dx, result);
  }
  if (options.bench) {
    result.milliseconds = timeMedian(context, options.timing, run);
    result.gigabytesPerSecond =
        3.0 * p.M * p.N * getElementSize(p.dtype) / (result.milliseconds * 1e6);
  }
  return result;
}

const char *modeName(Mode mode) {
  return mode == Mode::Forward ? "forward" : "backward";
}

} // namespace

LayerNormResult ln::run::runLayerNorm(const Context &context,
                                      const LayerNormPoint &point,
                                      const LayerNormOptions &options) {
  Problem problem{point.M, point.N, options.rowStride.value_or(point.N),
                  point.dtype};
  std::mt19937_64 rng(options.seed ? *options.seed : std::random_device{}());
  return point.mode == Mode::Forward
             ? runForward(context, problem, options, rng)
             : runBackward(context, problem, options, rng);
}

int ln::run::runLayerNormCommand(const LayerNormOptions &options) {
  Context context = Context::get();
  std::string device = context.getDeviceName();
  double copy = options.bench ? measureCopyBandwidth(context) : 0;
  bool allPassed = true;
  for (Mode mode : options.modes)
    for (ln_dtype dtype : options.dtypes)
      for (int64_t M : options.Ms)
        for (int64_t N : options.Ns) {
          LayerNormResult result =
              runLayerNorm(context, {mode, dtype, M, N}, options);
          std::printf("layernorm %s M=%lld N=%lld dtype=%s on %s\n",
                      modeName(mode), (long long)M, (long long)N,
                      getDTypeName(dtype), device.c_str());
          if (result.checked)
            std::printf("  check: %s (worst |error| / tolerance = %.3g)\n",
                        result.passed ? "passed" : "FAILED", result.worstError);
          if (!result.passed)
            std::printf("  worst element: %s\n", result.failure.c_str());
          if (options.bench)
            std::printf("  time: %.4f ms (median of %d)  %.1f GB/s  %.1f%% of "
                        "the copy bandwidth (%.1f GB/s)\n",
                        result.milliseconds, options.timing.repetitions,
                        result.gigabytesPerSecond,
                        100 * result.gigabytesPerSecond * 1e9 / copy,
                        copy / 1e9);
          std::fflush(stdout);
          allPassed &= result.passed;
        }
  return allPassed ? kExitOk : kExitCheckFailed;
}

int ln::run::runSweepCommand(const SweepOptions &options) {
  Context context = Context::get();
  double copy = measureCopyBandwidth(context);
  std::printf("ln sweep: M=%lld dtype=%s on %s, copy bandwidth %.1f GB/s\n",
              (long long)options.M, getDTypeName(options.dtype),
              context.getDeviceName().c_str(), copy / 1e9);
  // "sol": a device-to-device copy moving the pass's bytes, timed alike.
  std::printf("%8s", "N");
  for (Mode mode : options.modes)
    std::printf("  %10s GB/s  %8s  %6s", modeName(mode), "sol GB/s", "of sol");
  std::printf("\n");

  struct Row {
    int64_t N;
    Mode mode;
    LayerNormResult result;
    double solGigabytesPerSecond;
  };
  std::vector<Row> rows;
  bool allPassed = true;
  size_t done = 0, total = options.Ns.size() * options.modes.size();
  for (int64_t N : options.Ns) {
    std::printf("%8lld", (long long)N);
    for (Mode mode : options.modes) {
      std::fprintf(stderr, "[%zu/%zu] %s N=%lld\r", ++done, total,
                   modeName(mode), (long long)N);
      LayerNormOptions settings;
      settings.check = options.check;
      settings.bench = true;
      settings.timing = options.timing;
      settings.backwardAlgorithm = options.backwardAlgorithm;
      LayerNormResult result =
          runLayerNorm(context, {mode, options.dtype, options.M, N}, settings);
      allPassed &= result.passed;
      size_t bytes = size_t(mode == Mode::Forward ? 2 : 3) * options.M * N *
                     getElementSize(options.dtype);
      double sol = measureSameShapeCopy(context, options.timing, bytes) / 1e9;
      std::printf("  %15.1f  %8.1f  %5.1f%%%s", result.gigabytesPerSecond, sol,
                  100 * result.gigabytesPerSecond / sol,
                  result.passed ? "" : " CHECK FAILED");
      std::fflush(stdout);
      if (!result.passed)
        std::fprintf(stderr, "\ncheck failed at %s N=%lld: %s\n",
                     modeName(mode), (long long)N, result.failure.c_str());
      rows.push_back({N, mode, result, sol});
    }
    std::printf("\n");
  }
  std::fprintf(stderr, "\n");

  if (!options.csvPath.empty()) {
    std::ofstream csv(options.csvPath);
    csv << "N,mode,dtype,M,ms,gbps,fraction_of_copy,sol_gbps,fraction_of_sol,"
           "checked,passed\n";
    for (const Row &row : rows)
      csv << row.N << ',' << modeName(row.mode) << ','
          << getDTypeName(options.dtype) << ',' << options.M << ','
          << row.result.milliseconds << ',' << row.result.gigabytesPerSecond
          << ',' << row.result.gigabytesPerSecond * 1e9 / copy << ','
          << row.solGigabytesPerSecond << ','
          << row.result.gigabytesPerSecond / row.solGigabytesPerSecond << ','
          << row.result.checked << ',' << row.result.passed << '\n';
    if (!csv)
      throw UsageError("--csv: cannot write " + options.csvPath);
  }
  if (!options.jsonPath.empty()) {
    std::ofstream json(options.jsonPath);
    json << "{\"device\": \"" << context.getDeviceName()
         << "\", \"copy_gbps\": " << copy / 1e9 << ", \"M\": " << options.M
         << ", \"dtype\": \"" << getDTypeName(options.dtype)
         << "\", \"points\": [";
    for (size_t i = 0; i < rows.size(); ++i)
      json << (i ? ", " : "") << "{\"N\": " << rows[i].N << ", \"mode\": \""
           << modeName(rows[i].mode)
           << "\", \"ms\": " << rows[i].result.milliseconds
           << ", \"gbps\": " << rows[i].result.gigabytesPerSecond
           << ", \"sol_gbps\": " << rows[i].solGigabytesPerSecond
           << ", \"passed\": " << (rows[i].result.passed ? "true" : "false")
           << "}";
    json << "]}\n";
    if (!json)
      throw UsageError("--json: cannot write " + options.jsonPath);
  }
  return allPassed ? kExitOk : kExitCheckFailed;
}
