//===- LayerNorm.h - The LayerNorm host logic -------------------*- C++ -*-===//
//
// What the tutorial's LayerNorm.forward/backward do on the host: choose the
// compiled specialization (block size, warps, aligned or not), the way the
// backward pass sums dw and db, the workspace layout, and launch. The
// planning functions are pure so that tests can check them without a GPU.
//
//===----------------------------------------------------------------------===//

#ifndef LN_RUNTIME_LAYERNORM_H
#define LN_RUNTIME_LAYERNORM_H

#include "ln/Runtime/EmbeddedKernels.h"
#include "ln/Runtime/Runtime.h"

#include <cstddef>
#include <cstdint>
#include <initializer_list>

namespace ln::runtime {

constexpr const char *kForwardKernel = "layer_norm_fwd_fused";
constexpr const char *kPersistentForwardKernel = "layer_norm_fwd_persistent";
constexpr const char *kBackwardDxKernel = "layer_norm_bwd_dx_fused";
constexpr const char *kPersistentBackwardDxKernel =
    "layer_norm_bwd_dx_persistent";
constexpr const char *kBackwardDwDbKernel = "layer_norm_bwd_dwdb";
constexpr const char *kSplitBackwardDxKernel = "layer_norm_bwd_dx";
constexpr const char *kSplitBackwardDwDbKernel = "layer_norm_bwd_dwdb_rows";

size_t getElementSize(ln_dtype dtype);
const char *getDTypeName(ln_dtype dtype);

/// Whether every pointer is 16-byte aligned and every count (N, a row
/// stride) a multiple of 16 bytes' worth of `dtype` elements (8 for f16 and
/// bf16, 4 for f32), so that every row starts 16-byte aligned: the promise
/// the `aligned` specializations are compiled under (kernels/CMakeLists.txt).
bool isAlignedLaunch(ln_dtype dtype, std::initializer_list<const void *> pointers,
                     std::initializer_list<int64_t> counts);

/// The specialization of `entry` for `dtype` whose block is the smallest
/// holding `columns` (or, if `allowLoop`, the largest when none does), in the
/// aligned flavour if `aligned`. Null if none fits.
const EmbeddedKernel *selectKernel(const EmbeddedKernel *table, size_t count,
                                   const char *entry, ln_dtype dtype,
                                   int64_t columns, bool aligned,
                                   bool allowLoop);

/// selectKernel over the embedded table, which the runtime groups once by
/// entry, dtype and flavour (a launch scans its group, not the table). The
/// result is a copy of the table's entry: the same PTX, another address.
const EmbeddedKernel *findKernel(const char *entry, ln_dtype dtype,
                                 int64_t columns, bool aligned, bool allowLoop);

/// The forward kernel for a row of N features: the persistent one where it
/// is compiled with the block the one-row-per-program kernel would use, or
/// holds a row that kernel would loop over (it is compiled only where that
/// pays: f16 and bf16, 1537 to 32768 features, unaligned ones to 20480;
/// f32, 8193 to 16384), else the one-row
/// kernel (looping over its widest block past it). Null if none.
const EmbeddedKernel *selectForwardKernel(const EmbeddedKernel *table,
                                          size_t count, ln_dtype dtype,
                                          int64_t N, bool aligned);

/// selectForwardKernel's rule, given the one-row kernel (the smallest block
/// holding N, else the largest) and the persistent one (the smallest block
/// holding N, or null) it chooses between.
const EmbeddedKernel *preferForwardKernel(const EmbeddedKernel *oneRow,
                                          const EmbeddedKernel *persistent,
                                          int64_t N);

/// The dw/db reduction kernel for `dtype` (aligned flavour if `aligned`)
/// whose column block is the widest that still makes at least
/// `minPrograms` programs over N columns, else the narrowest. Null if none.
const EmbeddedKernel *selectReductionKernel(const EmbeddedKernel *table,
                                            size_t count, ln_dtype dtype,
                                            int64_t N, bool aligned,
                                            int64_t minPrograms);

/// The tutorial's number of partial dw/db buffers for N features.
int64_t getTutorialGroupSize(int64_t N);

/// How the backward pass sums dw and db into f32 partial rows, which the
/// dw/db kernel then reduces:
///  - Persistent: a persistent dx kernel, one program per CTA the GPU holds
///    at once (at most `programs`), each summing the rows it computes in
///    registers (in shared memory, for the wide kernels) and storing them
///    as its own partial row; no locks. Needs a persistent dx kernel whose
///    block holds the row.
///  - Fused: the dx kernel sums `rowsPerProgram` rows per program in
///    registers and adds them to one of `partialRows` (GROUP_SIZE_M: the
///    tutorial's count, at most one per program) partial rows under a spin
///    lock. Needs a fused dx kernel whose block holds the row.
///  - Split: a dx kernel computes dx alone, then the dw/db-rows kernel sums
///    `rowsPerSlab` rows per partial row, in `partialRows` slabs; no locks.
///    It reads x and dy twice, and serves any N.
enum class BackwardPath { Persistent, Fused, Split };

/// The backward pass's launch geometry and workspace layout: the locks and
/// "first store" counters (fused only) and the two partial buffers, each
/// section 256-byte aligned.
struct BackwardPlan {
  BackwardPath path;
  /// Fused: rows per dx program, and dx programs.
  int64_t rowsPerProgram = 0, programs = 0;
  /// Split: rows summed into one partial row.
  int64_t rowsPerSlab = 0;
  /// Rows of each partial buffer: GROUP_SIZE_M (fused) or slabs (split).
  int64_t partialRows = 0;
  size_t lockOffset = 0, lockBytes = 0, dwOffset = 0, dbOffset = 0,
         workspaceBytes = 0;
};
BackwardPlan planFusedBackward(int64_t M, int64_t N, int64_t rowsPerProgram);
constexpr int64_t kMaxPersistentPrograms = 1024;
/// At most `maxPrograms` programs (and partial rows): the workspace's size
/// must not depend on the GPU, and the launch takes min(M, CTAs the GPU
/// holds, this).
BackwardPlan
planPersistentBackward(int64_t M, int64_t N,
                       int64_t maxPrograms = kMaxPersistentPrograms);
/// The most CTAs of the persistent `kernel` a GPU of up to
/// kMaxMultiprocessors multiprocessors holds at once, from what does not
/// depend on the GPU: 2048 threads and 228 KB of shared memory (its local
/// blocks' and the 1 KB each CTA reserves) a multiprocessor at most; never
/// more than kMaxPersistentPrograms. The partial rows a plan reserves.
int64_t getMaxPersistentPrograms(const EmbeddedKernel &kernel);
constexpr int64_t kMaxMultiprocessors = 256;
/// Slabs are whole (tileRows, tileColumns) tiles of the dw/db-rows kernel,
/// enough of them for about kSplitBackwardPrograms programs.
BackwardPlan planSplitBackward(int64_t M, int64_t N, int64_t tileRows,
                               int64_t tileColumns);
constexpr int64_t kSplitBackwardPrograms = 1024;

/// The plan for this shape with the embedded kernels and `algorithm`:
/// LN_BACKWARD_PARTIAL_ROWS is persistent, LN_BACKWARD_LOCKED fused, where
/// a kernel of that kind and of the launch's flavour (`aligned`: 16-byte
/// vectors) holds N features; LN_BACKWARD_AUTO takes the persistent kernel
/// where one holds N on a block no wider than the fused kernel's (or no
/// fused kernel holds N), else the fused one where it does; every other
/// case is split. Throws
/// LN_ERROR_INVALID_ARGUMENT for a dtype or algorithm out of its enum or M,
/// N outside [1, INT32_MAX], and LN_ERROR_UNSUPPORTED when the kernels it
/// needs are missing.
BackwardPlan planBackward(ln_dtype dtype, int64_t M, int64_t N,
                          ln_backward_algorithm algorithm = LN_BACKWARD_AUTO,
                          bool aligned = false);

/// The bytes of workspace every algorithm's plan fits in.
size_t getBackwardWorkspaceBytes(ln_dtype dtype, int64_t M, int64_t N);

/// The host API of ln.h, throwing RuntimeError.
void releaseOwnedWorkspaces();
void layerNormForward(ln_dtype dtype, CUstream stream, int64_t M, int64_t N,
                      float eps, const void *x, int64_t xRowStride,
                      const void *weight, const void *bias, void *y,
                      int64_t yRowStride, float *mean, float *rstd);
void layerNormBackward(ln_dtype dtype, CUstream stream, int64_t M, int64_t N,
                       const void *dy, int64_t dyRowStride, const void *x,
                       int64_t xRowStride, const void *weight,
                       const float *mean, const float *rstd, void *dx,
                       int64_t dxRowStride, void *dw, void *db, void *workspace,
                       ln_backward_algorithm algorithm = LN_BACKWARD_AUTO);

} // namespace ln::runtime

#endif // LN_RUNTIME_LAYERNORM_H
