//===- CApi.cpp - The C API of libln_runtime (ln.h) -----------------------===//
//
// Every entry point catches the C++ runtime's errors and turns them into an
// ln_status plus a thread-local message.
//
//===----------------------------------------------------------------------===//

#include "ln/Runtime/LayerNorm.h"
#include "ln/Runtime/ln.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <new>
#include <string>
#include <utility>

using namespace ln::runtime;

namespace {

thread_local std::string lastError;

template <typename Body> ln_status guarded(Body body) {
  try {
    body();
    lastError.clear();
    return LN_SUCCESS;
  } catch (const RuntimeError &error) {
    lastError = error.what();
    return error.getStatus();
  } catch (const std::bad_alloc &) {
    lastError = "out of host memory";
    return LN_ERROR_CUDA;
  } catch (const std::exception &error) {
    // No C++ exception may cross the C boundary: whatever the runtime's
    // dependencies throw becomes an error with its message.
    lastError = std::string("internal error: ") + error.what();
    return LN_ERROR_CUDA;
  } catch (...) {
    lastError = "internal error: an unknown exception";
    return LN_ERROR_CUDA;
  }
}

} // namespace

extern "C" {

const char *ln_last_error(void) { return lastError.c_str(); }

ln_status ln_init(void) {
  return guarded([] { Context::get(); });
}

ln_status ln_layer_norm_forward(ln_dtype dtype, void *stream, int64_t M,
                                int64_t N, float eps, const void *x,
                                int64_t x_row_stride, const void *weight,
                                const void *bias, void *y, int64_t y_row_stride,
                                float *mean, float *rstd) {
  return guarded([&] {
    layerNormForward(dtype, static_cast<CUstream>(stream), M, N, eps, x,
                     x_row_stride, weight, bias, y, y_row_stride, mean, rstd);
  });
}

/// ln_set_backward_algorithm's choice, for every thread.
static std::atomic<ln_backward_algorithm> backwardAlgorithm{LN_BACKWARD_AUTO};

size_t ln_layer_norm_backward_workspace_size(ln_dtype dtype, int64_t M,
                                             int64_t N) {
  try {
    return getBackwardWorkspaceBytes(dtype, M, N);
  } catch (const RuntimeError &) { // a bad argument, or no kernel for it
    return 0;
  }
}

ln_status ln_layer_norm_backward(ln_dtype dtype, void *stream, int64_t M,
                                 int64_t N, const void *dy,
                                 int64_t dy_row_stride, const void *x,
                                 int64_t x_row_stride, const void *weight,
                                 const float *mean, const float *rstd, void *dx,
                                 int64_t dx_row_stride, void *dw, void *db,
                                 void *workspace) {
  return guarded([&] {
    layerNormBackward(dtype, static_cast<CUstream>(stream), M, N, dy,
                      dy_row_stride, x, x_row_stride, weight, mean, rstd, dx,
                      dx_row_stride, dw, db, workspace,
                      backwardAlgorithm.load(std::memory_order_relaxed));
  });
}

ln_status ln_release_workspaces(void) {
  return guarded([] { releaseOwnedWorkspaces(); });
}

ln_status ln_set_backward_algorithm(ln_backward_algorithm algorithm) {
  return guarded([&] {
    if (algorithm != LN_BACKWARD_AUTO &&
        algorithm != LN_BACKWARD_PARTIAL_ROWS &&
        algorithm != LN_BACKWARD_LOCKED)
      fail(LN_ERROR_INVALID_ARGUMENT,
           "backward algorithm " + std::to_string(int(algorithm)) +
               " is not LN_BACKWARD_AUTO, LN_BACKWARD_PARTIAL_ROWS or "
               "LN_BACKWARD_LOCKED");
    backwardAlgorithm.store(algorithm, std::memory_order_relaxed);
  });
}

ln_status ln_launch_ptx(const char *ptx, const char *entry,
                        const unsigned grid[3], const unsigned block[3],
                        unsigned dynamic_shared_bytes, void *stream,
                        void **arguments) {
  return guarded([&] {
    for (auto [name, pointer] :
         {std::pair<const char *, const void *>{"ptx", ptx},
          {"entry", entry},
          {"grid", grid},
          {"block", block}})
      if (!pointer)
        fail(LN_ERROR_INVALID_ARGUMENT,
             std::string("ln_launch_ptx: ") + name + " is null");
    for (int axis = 0; axis < 3; ++axis)
      if (grid[axis] == 0 || block[axis] == 0)
        fail(LN_ERROR_INVALID_ARGUMENT,
             "ln_launch_ptx: grid and block dimensions must be at least 1, "
             "got grid (" +
                 std::to_string(grid[0]) + ", " + std::to_string(grid[1]) +
                 ", " + std::to_string(grid[2]) + ") block (" +
                 std::to_string(block[0]) + ", " + std::to_string(block[1]) +
                 ", " + std::to_string(block[2]) + ")");
    Context context = Context::get();
    CUfunction function = context.getFunctionOfText(ptx, entry);
    // At least what the kernel's local blocks take, which the PTX records.
    unsigned sharedBytes =
        std::max(dynamic_shared_bytes, context.getDynamicSharedBytes(function));
    context.launch(function, {grid[0], grid[1], grid[2]},
                   {block[0], block[1], block[2]}, arguments,
                   static_cast<CUstream>(stream), sharedBytes);
  });
}

} // extern "C"
