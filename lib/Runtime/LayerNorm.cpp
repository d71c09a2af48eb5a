//===- LayerNorm.cpp - The LayerNorm host logic ---------------------------===//

#include "ln/Runtime/LayerNorm.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

using namespace ln::runtime;

//===----------------------------------------------------------------------===//
// Planning
//===----------------------------------------------------------------------===//

size_t ln::runtime::getElementSize(ln_dtype dtype) {
  return dtype == LN_F32 ? 4 : 2;
}

const char *ln::runtime::getDTypeName(ln_dtype dtype) {
  switch (dtype) {
  case LN_F16:
    return "f16";
  case LN_BF16:
    return "bf16";
  case LN_F32:
    return "f32";
  }
  return "unknown";
}

bool ln::runtime::isAlignedLaunch(ln_dtype dtype,
                                  std::initializer_list<const void *> pointers,
                                  std::initializer_list<int64_t> counts) {
  for (const void *pointer : pointers)
    if (reinterpret_cast<uintptr_t>(pointer) % 16 != 0)
      return false;
  int64_t elementsIn16Bytes = 16 / int64_t(getElementSize(dtype));
  for (int64_t count : counts)
    if (count % elementsIn16Bytes != 0)
      return false;
  return true;
}

/// Whether `kernel` is a specialization of `entry` for `dtype` in the
/// flavour `aligned` asks for. Called on every launch: compares in place and
/// builds no strings.
static bool isSpecialization(const EmbeddedKernel &kernel, const char *entry,
                             ln_dtype dtype, bool aligned) {
  return kernel.dtype == dtype && kernel.aligned == aligned &&
         std::strcmp(kernel.entry, entry) == 0;
}

const EmbeddedKernel *ln::runtime::selectKernel(const EmbeddedKernel *table,
                                                size_t count, const char *entry,
                                                ln_dtype dtype, int64_t columns,
                                                bool aligned, bool allowLoop) {
  const EmbeddedKernel *fitting = nullptr, *largest = nullptr;
  for (size_t i = 0; i < count; ++i) {
    const EmbeddedKernel &kernel = table[i];
    if (!isSpecialization(kernel, entry, dtype, aligned))
      continue;
    if (kernel.blockSize >= columns &&
        (!fitting || kernel.blockSize < fitting->blockSize))
      fitting = &kernel;
    if (!largest || kernel.blockSize > largest->blockSize)
      largest = &kernel;
  }
  return fitting ? fitting : allowLoop ? largest : nullptr;
}

const EmbeddedKernel *
ln::runtime::selectForwardKernel(const EmbeddedKernel *table, size_t count,
                                 ln_dtype dtype, int64_t N, bool aligned) {
  return preferForwardKernel(
      selectKernel(table, count, kForwardKernel, dtype, N, aligned,
                   /*allowLoop=*/true),
      selectKernel(table, count, kPersistentForwardKernel, dtype, N, aligned,
                   /*allowLoop=*/false),
      N);
}

const EmbeddedKernel *
ln::runtime::preferForwardKernel(const EmbeddedKernel *oneRow,
                                 const EmbeddedKernel *persistent, int64_t N) {
  // Where the one-row kernel would walk the row in chunks (two or three
  // passes over X), a persistent block holding it reads X once.
  if (persistent && oneRow &&
      (persistent->blockSize == oneRow->blockSize || oneRow->blockSize < N))
    return persistent;
  return oneRow;
}

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

const EmbeddedKernel *
ln::runtime::selectReductionKernel(const EmbeddedKernel *table, size_t count,
                                   ln_dtype dtype, int64_t N, bool aligned,
                                   int64_t minPrograms) {
  const EmbeddedKernel *widest = nullptr, *narrowest = nullptr;
  for (size_t i = 0; i < count; ++i) {
    const EmbeddedKernel &kernel = table[i];
    if (!isSpecialization(kernel, kBackwardDwDbKernel, dtype, aligned))
      continue;
    if (!narrowest || kernel.blockSize < narrowest->blockSize)
      narrowest = &kernel;
    if (ceilDiv(N, kernel.blockSize) >= minPrograms &&
        (!widest || kernel.blockSize > widest->blockSize))
      widest = &kernel;
  }
  return widest ? widest : narrowest;
}

int64_t ln::runtime::getTutorialGroupSize(int64_t N) {
  if (N <= 1024)
    return 256;
  if (N <= 4096)
    return 128;
  if (N <= 8192)
    return 96;
  return 64;
}

static size_t alignTo256(size_t bytes) { return (bytes + 255) / 256 * 256; }

/// Lays out the two f32 partial buffers of `plan.partialRows` x N after
/// `plan.lockBytes` of locks.
static void layOutPartials(BackwardPlan &plan, int64_t N) {
  size_t partialBytes =
      alignTo256(size_t(plan.partialRows) * size_t(N) * sizeof(float));
  plan.lockOffset = 0;
  plan.dwOffset = alignTo256(plan.lockBytes);
  plan.dbOffset = plan.dwOffset + partialBytes;
  plan.workspaceBytes = plan.dbOffset + partialBytes;
}

BackwardPlan ln::runtime::planFusedBackward(int64_t M, int64_t N,
                                            int64_t rowsPerProgram) {
  BackwardPlan plan;
  plan.path = BackwardPath::Fused;
  plan.rowsPerProgram = rowsPerProgram;
  plan.programs = ceilDiv(M, rowsPerProgram);
  plan.partialRows = std::min(getTutorialGroupSize(N), plan.programs);
  plan.lockBytes = 2 * size_t(plan.partialRows) * sizeof(int32_t);
  layOutPartials(plan, N);
  return plan;
}

BackwardPlan ln::runtime::planPersistentBackward(int64_t M, int64_t N,
                                                 int64_t maxPrograms) {
  BackwardPlan plan;
  plan.path = BackwardPath::Persistent;
  plan.programs = std::min(M, maxPrograms);
  plan.partialRows = plan.programs;
  layOutPartials(plan, N);
  return plan;
}

int64_t ln::runtime::getMaxPersistentPrograms(const EmbeddedKernel &kernel) {
  constexpr int64_t threadsPerMultiprocessor = 2048;
  constexpr int64_t sharedBytesPerMultiprocessor = 228 * 1024;
  constexpr int64_t sharedBytesReservedPerCTA = 1024;
  int64_t byThreads = threadsPerMultiprocessor / (32 * kernel.numWarps);
  int64_t byShared =
      sharedBytesPerMultiprocessor /
      (getDynamicSharedBytes(kernel) + sharedBytesReservedPerCTA);
  return std::min(kMaxPersistentPrograms,
                  std::max<int64_t>(1, std::min(byThreads, byShared)) *
                      kMaxMultiprocessors);
}

BackwardPlan ln::runtime::planSplitBackward(int64_t M, int64_t N,
                                            int64_t tileRows,
                                            int64_t tileColumns) {
  BackwardPlan plan;
  plan.path = BackwardPath::Split;
  int64_t tiles = ceilDiv(M, tileRows);
  int64_t slabs =
      std::clamp(ceilDiv(kSplitBackwardPrograms, ceilDiv(N, tileColumns)),
                 int64_t(1), tiles);
  plan.rowsPerSlab = ceilDiv(tiles, slabs) * tileRows;
  plan.partialRows = ceilDiv(M, plan.rowsPerSlab);
  layOutPartials(plan, N);
  return plan;
}

namespace {

/// The embedded specializations of one entry, dtype and flavour: a table
/// of their own, in which a selection scans a handful of kernels.
struct KernelGroup {
  const EmbeddedKernel *table = nullptr;
  size_t count = 0;
};

/// The embedded table split into one group per entry, dtype and flavour,
/// built once. Every launch selects several kernels (a backward call and
/// its workspace size about fifteen times), and each scan of the whole
/// table (hundreds of entries, a string comparison each) cost more of a
/// small call's host time than the launches.
KernelGroup findKernelGroup(const char *entry, ln_dtype dtype, bool aligned) {
  using Key = std::tuple<std::string_view, ln_dtype, bool>;
  // Never destroyed: launches may run during static destruction.
  static const auto *groups = [] {
    auto *byKey = new std::map<Key, std::vector<EmbeddedKernel>>();
    size_t count = 0;
    const EmbeddedKernel *table = embeddedKernels(count);
    for (size_t i = 0; i < count; ++i)
      (*byKey)[{table[i].entry, table[i].dtype, table[i].aligned}].push_back(
          table[i]);
    return byKey;
  }();
  auto found = groups->find(Key{entry, dtype, aligned});
  if (found == groups->end())
    return {};
  return {found->second.data(), found->second.size()};
}

} // namespace

const EmbeddedKernel *ln::runtime::findKernel(const char *entry, ln_dtype dtype,
                                              int64_t columns, bool aligned,
                                              bool allowLoop) {
  KernelGroup group = findKernelGroup(entry, dtype, aligned);
  return selectKernel(group.table, group.count, entry, dtype, columns, aligned,
                      allowLoop);
}

namespace {

void requireDType(ln_dtype dtype) {
  if (dtype != LN_F16 && dtype != LN_BF16 && dtype != LN_F32)
    fail(LN_ERROR_INVALID_ARGUMENT, "dtype " + std::to_string(int(dtype)) +
                                        " is not LN_F16, LN_BF16 or LN_F32");
}

void requireShape(int64_t M, int64_t N) {
  if (M < 1 || N < 1)
    fail(LN_ERROR_INVALID_ARGUMENT,
         "M and N must be at least 1, got M=" + std::to_string(M) +
             " N=" + std::to_string(N));
  if (M > INT32_MAX || N > INT32_MAX)
    fail(LN_ERROR_INVALID_ARGUMENT, "M and N must fit in 32 bits");
}

const EmbeddedKernel &requireKernel(const char *entry, ln_dtype dtype,
                                    int64_t N, bool aligned, bool allowLoop) {
  if (const EmbeddedKernel *kernel =
          findKernel(entry, dtype, N, aligned, allowLoop))
    return *kernel;
  size_t count = 0;
  embeddedKernels(count);
  fail(LN_ERROR_UNSUPPORTED,
       std::string("no compiled ") + entry + " kernel for " +
           getDTypeName(dtype) + " with N=" + std::to_string(N) +
           (count == 0 ? " (this build embeds no kernels: it was "
                         "configured with LN_BUILD_COMPILER=OFF)"
                       : ""));
}

} // namespace

BackwardPlan ln::runtime::planBackward(ln_dtype dtype, int64_t M, int64_t N,
                                       ln_backward_algorithm algorithm,
                                       bool aligned) {
  requireDType(dtype);
  requireShape(M, N);
  if (algorithm != LN_BACKWARD_AUTO && algorithm != LN_BACKWARD_PARTIAL_ROWS &&
      algorithm != LN_BACKWARD_LOCKED)
    fail(LN_ERROR_INVALID_ARGUMENT, "backward algorithm " +
                                        std::to_string(int(algorithm)) +
                                        " is not an ln_backward_algorithm");
  // The aligned flavour may hold wider rows than the generic one (it
  // needs fewer registers for addresses).
  const EmbeddedKernel *persistent =
      algorithm == LN_BACKWARD_LOCKED
          ? nullptr
          : findKernel(kPersistentBackwardDxKernel, dtype, N, aligned,
                       /*allowLoop=*/false);
  const EmbeddedKernel *fused =
      algorithm == LN_BACKWARD_PARTIAL_ROWS
          ? nullptr
          : findKernel(kBackwardDxKernel, dtype, N, aligned,
                       /*allowLoop=*/false);
  // Auto prefers the persistent kernel, but not on a block wider than the
  // locked kernel's: where the persistent blocks skip widths (f32 has none
  // from 4608 to 8192), the next one would run mostly empty.
  if (persistent &&
      (!fused || algorithm == LN_BACKWARD_PARTIAL_ROWS ||
       persistent->blockSize <= fused->blockSize))
    return planPersistentBackward(M, N, getMaxPersistentPrograms(*persistent));
  if (fused)
    return planFusedBackward(M, N, fused->rowsPerProgram);
  const EmbeddedKernel &slabs =
      requireKernel(kSplitBackwardDwDbKernel, dtype, N, /*aligned=*/false,
                    /*allowLoop=*/true);
  return planSplitBackward(M, N, slabs.blockSizeM, slabs.blockSize);
}

size_t ln::runtime::getBackwardWorkspaceBytes(ln_dtype dtype, int64_t M,
                                              int64_t N) {
  // LN_BACKWARD_AUTO always plans what one of these two plans.
  size_t bytes = 0;
  for (ln_backward_algorithm algorithm :
       {LN_BACKWARD_PARTIAL_ROWS, LN_BACKWARD_LOCKED})
    for (bool aligned : {false, true})
      bytes = std::max(
          bytes, planBackward(dtype, M, N, algorithm, aligned).workspaceBytes);
  return bytes;
}

//===----------------------------------------------------------------------===//
// Launching
//===----------------------------------------------------------------------===//

namespace {

void requireStride(const char *name, int64_t stride, int64_t N) {
  if (stride < N)
    fail(LN_ERROR_INVALID_ARGUMENT,
         std::string(name) + " (" + std::to_string(stride) +
             ") must be at least N (" + std::to_string(N) +
             "): rows may not overlap");
}

/// Checked before launch: a misaligned element access kills the kernel with
/// an error that leaves the whole CUDA context unusable.
void requirePointer(const char *name, const void *pointer, size_t elementBytes,
                    const char *elementName) {
  if (!pointer)
    fail(LN_ERROR_INVALID_ARGUMENT, std::string(name) + " is null");
  uintptr_t address = reinterpret_cast<uintptr_t>(pointer);
  if (address % elementBytes != 0) {
    char hex[32];
    std::snprintf(hex, sizeof(hex), "%#llx", (unsigned long long)address);
    fail(LN_ERROR_INVALID_ARGUMENT, std::string(name) + " (" + hex +
                                        ") is not aligned to its " +
                                        std::to_string(elementBytes) +
                                        "-byte " + elementName + " elements");
  }
}

/// The backward workspaces the runtime owns for callers that pass none: one
/// per context and stream, so that work on different streams never shares
/// one, grown on demand and kept for the next call.
class OwnedWorkspaces {
public:
  static OwnedWorkspaces &get() {
    static OwnedWorkspaces workspaces;
    return workspaces;
  }

  /// A workspace of at least `bytes` for `stream`, and the lock that keeps
  /// it from being freed or grown by another call: hold it until the work
  /// using the workspace is enqueued. Growing waits for the stream, so no
  /// enqueued work still uses the memory it frees.
  std::pair<CUdeviceptr, std::unique_lock<std::mutex>>
  lease(const Context &context, CUstream stream, size_t bytes) {
    const DriverApi &driver = context.getDriver();
    // A graph captured now would keep the pointer past any later growth or
    // release, which free it.
    CUstreamCaptureStatus capture = CU_STREAM_CAPTURE_STATUS_NONE;
    context.check(driver.cuStreamIsCapturing(stream, &capture),
                  "cuStreamIsCapturing");
    if (capture != CU_STREAM_CAPTURE_STATUS_NONE)
      fail(LN_ERROR_INVALID_ARGUMENT,
           "workspace is NULL while the stream is captured into a CUDA "
           "graph: pass a workspace of your own "
           "(ln_layer_norm_backward_workspace_size bytes) that lives as long "
           "as the graph");
    std::unique_lock<std::mutex> lock(mutex);
    Workspace &workspace = workspaces[{context.getHandle(), stream}];
    if (workspace.bytes < bytes) {
      if (workspace.pointer) {
        context.check(driver.cuStreamSynchronize(stream),
                      "cuStreamSynchronize");
        context.check(driver.cuMemFree(workspace.pointer), "cuMemFree");
        workspace = {};
      }
      context.check(driver.cuMemAlloc(&workspace.pointer, bytes), "cuMemAlloc");
      workspace.bytes = bytes;
    }
    return {workspace.pointer, std::move(lock)};
  }

  /// Frees the current context's workspaces once its work is done.
  void release(const Context &context) {
    std::lock_guard<std::mutex> lock(mutex);
    const DriverApi &driver = context.getDriver();
    context.check(driver.cuCtxSynchronize(), "cuCtxSynchronize");
    for (auto it = workspaces.begin(); it != workspaces.end();) {
      if (it->first.first != context.getHandle()) {
        ++it;
        continue;
      }
      context.check(driver.cuMemFree(it->second.pointer), "cuMemFree");
      it = workspaces.erase(it);
    }
  }

private:
  struct Workspace {
    CUdeviceptr pointer = 0;
    size_t bytes = 0;
  };
  std::mutex mutex;
  std::map<std::pair<CUcontext, CUstream>, Workspace> workspaces;
};

} // namespace

void ln::runtime::releaseOwnedWorkspaces() {
  OwnedWorkspaces::get().release(Context::get());
}

void ln::runtime::layerNormForward(ln_dtype dtype, CUstream stream, int64_t M,
                                   int64_t N, float eps, const void *x,
                                   int64_t xRowStride, const void *weight,
                                   const void *bias, void *y,
                                   int64_t yRowStride, float *mean,
                                   float *rstd) {
  requireDType(dtype);
  requireShape(M, N);
  requireStride("x_row_stride", xRowStride, N);
  requireStride("y_row_stride", yRowStride, N);
  size_t elementBytes = getElementSize(dtype);
  const char *elementName = getDTypeName(dtype);
  for (auto [name, pointer] : {std::pair<const char *, const void *>{"x", x},
                               {"weight", weight},
                               {"bias", bias},
                               {"y", y}})
    requirePointer(name, pointer, elementBytes, elementName);
  requirePointer("mean", mean, sizeof(float), "f32");
  requirePointer("rstd", rstd, sizeof(float), "f32");
  // eps = 0 is torch's to accept too: a constant row then gets rstd = inf.
  if (!(eps >= 0) || !std::isfinite(eps))
    fail(LN_ERROR_INVALID_ARGUMENT, "eps must be non-negative and finite");

  bool aligned =
      isAlignedLaunch(dtype, {x, weight, bias, y}, {N, xRowStride, yRowStride});
  const EmbeddedKernel *selected = preferForwardKernel(
      findKernel(kForwardKernel, dtype, N, aligned, /*allowLoop=*/true),
      findKernel(kPersistentForwardKernel, dtype, N, aligned,
                 /*allowLoop=*/false),
      N);
  const EmbeddedKernel &kernel =
      selected ? *selected
               : requireKernel(kForwardKernel, dtype, N, aligned,
                               /*allowLoop=*/true);
  Context context = Context::get();
  int32_t n = int32_t(N);
  if (std::strcmp(kernel.entry, kPersistentForwardKernel) == 0) {
    // One program per CTA the GPU holds at once, each over every
    // programs-th row; never more programs than rows.
    int32_t m = int32_t(M);
    int64_t programs =
        std::min<int64_t>(M, context.getResidentPrograms(kernel));
    void *arguments[] = {&x,          &y,          &weight, &bias, &mean, &rstd,
                         &xRowStride, &yRowStride, &m,      &n,    &eps};
    context.launch(kernel, {unsigned(programs), 1, 1}, arguments, stream);
    return;
  }
  void *arguments[] = {&x,    &y,          &weight,     &bias, &mean,
                       &rstd, &xRowStride, &yRowStride, &n,    &eps};
  context.launch(kernel, {unsigned(M), 1, 1}, arguments, stream);
}

void ln::runtime::layerNormBackward(
    ln_dtype dtype, CUstream stream, int64_t M, int64_t N, const void *dy,
    int64_t dyRowStride, const void *x, int64_t xRowStride, const void *weight,
    const float *mean, const float *rstd, void *dx, int64_t dxRowStride,
    void *dw, void *db, void *workspace, ln_backward_algorithm algorithm) {
  // Validates dtype and shape first: they say more than any pointer check.
  bool aligned = isAlignedLaunch(dtype, {dx, dy, x, weight},
                                 {N, dxRowStride, dyRowStride, xRowStride});
  BackwardPlan plan = planBackward(dtype, M, N, algorithm, aligned);
  requireStride("dy_row_stride", dyRowStride, N);
  requireStride("x_row_stride", xRowStride, N);
  requireStride("dx_row_stride", dxRowStride, N);
  size_t elementBytes = getElementSize(dtype);
  const char *elementName = getDTypeName(dtype);
  // dw and db come from one reduction: both are wanted, or neither (then
  // it does not run, nor the split pass's slab kernel that feeds it).
  if ((dw == nullptr) != (db == nullptr))
    fail(LN_ERROR_INVALID_ARGUMENT,
         std::string(dw ? "db" : "dw") + " is null but " + (dw ? "dw" : "db") +
             " is not: dw and db are computed together, so pass both or "
             "neither");
  bool wantSums = dw != nullptr;
  for (auto [name, pointer] : {std::pair<const char *, const void *>{"dy", dy},
                               {"x", x},
                               {"weight", weight},
                               {"dx", dx}})
    requirePointer(name, pointer, elementBytes, elementName);
  if (wantSums) {
    requirePointer("dw", dw, elementBytes, elementName);
    requirePointer("db", db, elementBytes, elementName);
  }
  requirePointer("mean", mean, sizeof(float), "f32");
  requirePointer("rstd", rstd, sizeof(float), "f32");
  if (reinterpret_cast<uintptr_t>(workspace) % 16 != 0)
    fail(LN_ERROR_INVALID_ARGUMENT, "workspace must be 16-byte aligned");

  Context context = Context::get();
  const EmbeddedKernel *dwdbKernel = nullptr;
  if (wantSums) {
    bool alignedSums = isAlignedLaunch(dtype, {dw, db}, {N});
    KernelGroup reductions =
        findKernelGroup(kBackwardDwDbKernel, dtype, alignedSums);
    dwdbKernel = selectReductionKernel(
        reductions.table, reductions.count, dtype, N, alignedSums,
        /*minPrograms=*/2 * context.getMultiprocessorCount());
    if (!dwdbKernel) // Throws: this build embeds no such dw/db kernel.
      requireKernel(kBackwardDwDbKernel, dtype, N, alignedSums,
                    /*allowLoop=*/true);
  }
  // An owned workspace stays leased (locked) until every launch below is
  // enqueued.
  std::unique_lock<std::mutex> workspaceLease;
  CUdeviceptr base = reinterpret_cast<CUdeviceptr>(workspace);
  if (!workspace)
    std::tie(base, workspaceLease) = OwnedWorkspaces::get().lease(
        context, stream, getBackwardWorkspaceBytes(dtype, M, N));
  void *partialDw = reinterpret_cast<void *>(base + plan.dwOffset);
  void *partialDb = reinterpret_cast<void *>(base + plan.dbOffset);
  int32_t m = int32_t(M), n = int32_t(N);
  int32_t partialRows = int32_t(plan.partialRows);

  if (plan.path == BackwardPath::Persistent) {
    const EmbeddedKernel &dxKernel = requireKernel(
        kPersistentBackwardDxKernel, dtype, N, aligned, /*allowLoop=*/false);
    // As many programs as the GPU holds at once: the fewer partial rows,
    // the less the dw/db kernel reads.
    int64_t programs =
        std::min(plan.programs, context.getResidentPrograms(dxKernel));
    partialRows = int32_t(programs);
    void *arguments[] = {
        &dx,   &dy,          &partialDw,   &partialDb,  &x, &weight, &mean,
        &rstd, &dxRowStride, &dyRowStride, &xRowStride, &m, &n};
    context.launch(dxKernel, {unsigned(programs), 1, 1}, arguments, stream);
  } else if (plan.path == BackwardPath::Fused) {
    const EmbeddedKernel &dxKernel = requireKernel(
        kBackwardDxKernel, dtype, N, aligned, /*allowLoop=*/false);
    // Locks and "first store" counters start at zero; the partial buffers
    // need no initialization.
    void *locks = reinterpret_cast<void *>(base + plan.lockOffset);
    context.check(context.getDriver().cuMemsetD32Async(
                      base + plan.lockOffset, 0, 2 * plan.partialRows, stream),
                  "cuMemsetD32Async");
    void *arguments[] = {&dx,    &dy,          &partialDw,   &partialDb,
                         &x,     &weight,      &mean,        &rstd,
                         &locks, &dxRowStride, &dyRowStride, &xRowStride,
                         &m,     &n,           &partialRows};
    context.launch(dxKernel, {unsigned(plan.programs), 1, 1}, arguments,
                   stream);
  } else {
    const EmbeddedKernel &dxKernel = requireKernel(
        kSplitBackwardDxKernel, dtype, N, aligned, /*allowLoop=*/true);
    void *dxArguments[] = {&dx,         &dy,   &x,           &weight,
                           &mean,       &rstd, &dxRowStride, &dyRowStride,
                           &xRowStride, &n};
    context.launch(dxKernel, {unsigned(M), 1, 1}, dxArguments, stream);
    if (!wantSums)
      return;
    const EmbeddedKernel &slabKernel =
        requireKernel(kSplitBackwardDwDbKernel, dtype, N,
                      isAlignedLaunch(dtype, {dy, x}, {N, dyRowStride, xRowStride}),
                      /*allowLoop=*/true);
    int32_t rowsPerSlab = int32_t(plan.rowsPerSlab);
    void *slabArguments[] = {&dy,        &x,         &mean,        &rstd,
                             &partialDw, &partialDb, &dyRowStride, &xRowStride,
                             &m,         &n,         &rowsPerSlab};
    unsigned columnBlocks = unsigned(ceilDiv(N, slabKernel.blockSize));
    context.launch(slabKernel, {columnBlocks, unsigned(plan.partialRows), 1},
                   slabArguments, stream);
  }

  if (!wantSums)
    return;
  void *dwdbArguments[] = {&partialDw, &partialDb, &dw, &db, &partialRows, &n};
  unsigned columnBlocks = unsigned(ceilDiv(N, dwdbKernel->blockSize));
  context.launch(*dwdbKernel, {columnBlocks, 1, 1}, dwdbArguments, stream);
}
