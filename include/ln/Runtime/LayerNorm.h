//===- LayerNorm.h - The LayerNorm host logic -------------------*- C++ -*-===//
//
// What the tutorial's LayerNorm.forward/backward do on the host: choose the
// compiled specialization (block size, warps, aligned or not), the number
// of partial dw/db buffers, the workspace layout, and launch. The planning
// functions are pure so that tests can check them without a GPU.
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
constexpr const char *kBackwardDxKernel = "layer_norm_bwd_dx_fused";
constexpr const char *kBackwardDwDbKernel = "layer_norm_bwd_dwdb";

size_t getElementSize(ln_dtype dtype);
const char *getDTypeName(ln_dtype dtype);

/// Whether every pointer is 16-byte aligned and every count a multiple of
/// 16 elements: the promise of the `aligned` specializations.
bool isAlignedLaunch(std::initializer_list<const void *> pointers,
                     std::initializer_list<int64_t> counts);

/// The specialization of `entry` for `dtype` whose block is the smallest
/// holding `columns` (or, if `allowLoop`, the largest when none does), in the
/// aligned flavour if `aligned`. Null if none fits.
const EmbeddedKernel *selectKernel(const EmbeddedKernel *table, size_t count,
                                   const char *entry, ln_dtype dtype,
                                   int64_t columns, bool aligned,
                                   bool allowLoop);

/// The tutorial's number of partial dw/db buffers for N features.
int64_t getTutorialGroupSize(int64_t N);

/// How the backward pass splits M rows: `rowsPerProgram` rows per program
/// (compiled into the dx kernel) and GROUP_SIZE_M partial buffers (the
/// tutorial's count, at most one per program), with the workspace holding
/// locks, counters and the f32 partial buffers, each section 256-byte
/// aligned.
struct BackwardPlan {
  int64_t rowsPerProgram;
  int64_t programs;
  int64_t groupSize;
  size_t lockOffset, dwOffset, dbOffset, workspaceBytes;
};
BackwardPlan planBackward(int64_t M, int64_t N, int64_t rowsPerProgram);

/// The rows per program of the backward dx kernel serving N features of
/// `dtype`; 0 if no compiled kernel does.
int64_t getBackwardRowsPerProgram(ln_dtype dtype, int64_t N);

/// The host API of ln.h, throwing RuntimeError.
void layerNormForward(ln_dtype dtype, CUstream stream, int64_t M, int64_t N,
                      float eps, const void *x, int64_t xRowStride,
                      const void *weight, const void *bias, void *y,
                      int64_t yRowStride, float *mean, float *rstd);
void layerNormBackward(ln_dtype dtype, CUstream stream, int64_t M, int64_t N,
                       const void *dy, int64_t dyRowStride, const void *x,
                       int64_t xRowStride, const void *weight,
                       const float *mean, const float *rstd, void *dx,
                       int64_t dxRowStride, void *dw, void *db,
                       void *workspace);

} // namespace ln::runtime

#endif // LN_RUNTIME_LAYERNORM_H
