/*===- ln.h - C API of the ln runtime ----------------------------*- C -*-===*
 *
 * The C interface of libln_runtime.so: the LayerNorm host API (what the
 * Triton tutorial's LayerNorm.forward/backward do on the host) and a generic
 * launcher for any PTX kernel. Used by ln-run and, through ctypes, by the
 * Python package. The library dlopens libcuda.so.1 on first use, so it loads
 * and reports a clear error on machines without a GPU.
 *
 * Every function returns an ln_status; on failure ln_last_error() returns a
 * thread-local message naming the failing call (for CUDA errors the driver
 * call, the driver's error name and its text, and the JIT log on PTX load
 * failures).
 *
 *===----------------------------------------------------------------------===*/

#ifndef LN_RUNTIME_LN_H
#define LN_RUNTIME_LN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ln_status {
  LN_SUCCESS = 0,
  /* libcuda.so.1 could not be loaded, or no CUDA device is present. */
  LN_ERROR_NO_GPU = 1,
  /* A caller error: bad shape, null pointer, misaligned stride, ... */
  LN_ERROR_INVALID_ARGUMENT = 2,
  /* The CUDA driver reported an error. */
  LN_ERROR_CUDA = 3,
  /* A valid request this build cannot serve (e.g. one built without its
   * kernels, LN_BUILD_COMPILER=OFF). */
  LN_ERROR_UNSUPPORTED = 4,
} ln_status;

typedef enum ln_dtype {
  LN_F16 = 0,
  LN_BF16 = 1,
  LN_F32 = 2,
} ln_dtype;

/* How the backward pass sums dw and db across rows (see
 * ln_layer_norm_backward): */
typedef enum ln_backward_algorithm {
  /* The fastest this build has for the shape. */
  LN_BACKWARD_AUTO = 0,
  /* A persistent dx kernel: each program keeps the sums of its rows in
   * registers and writes them as its own partial row; no locks, and a
   * summation order that does not depend on timing. */
  LN_BACKWARD_PARTIAL_ROWS = 1,
  /* The Triton tutorial's: dx programs add their sums to GROUP_SIZE_M
   * partial rows under spin locks. */
  LN_BACKWARD_LOCKED = 2,
} ln_backward_algorithm;

/* The message of the last failure on this thread ("" if none). */
const char *ln_last_error(void);

/* Loads the driver and initializes it; LN_ERROR_NO_GPU if impossible. */
ln_status ln_init(void);

/* ---------------------------------------------------------------------------
 * LayerNorm over the last dimension of an M x N matrix whose rows are
 * `*_row_stride` elements apart (columns are contiguous). All pointers are
 * device pointers in the current CUDA context (the device's primary context
 * is made current if none is). `stream` is a CUstream (NULL: the legacy
 * default stream). Mean and rstd are float32 vectors of M elements; eps
 * (added to the variance) must be finite and at least 0.
 * ------------------------------------------------------------------------ */

ln_status ln_layer_norm_forward(ln_dtype dtype, void *stream, int64_t M,
                                int64_t N, float eps, const void *x,
                                int64_t x_row_stride, const void *weight,
                                const void *bias, void *y, int64_t y_row_stride,
                                float *mean, float *rstd);

/* Bytes of scratch the backward pass needs for this shape, whatever the
 * algorithm (0 if M or N is below 1 or above INT32_MAX, or dtype is not an
 * ln_dtype). */
size_t ln_layer_norm_backward_workspace_size(ln_dtype dtype, int64_t M,
                                             int64_t N);

/* dx (M x N, dx_row_stride), dw and db (N) from dy, x, weight and the
 * forward's mean/rstd, for any N. `workspace` must hold
 * ln_layer_norm_backward_workspace_size() bytes, 16-byte aligned; this call
 * initializes on `stream` what it needs initialized, so the workspace may be
 * reused by the next call on the same stream. dw and db are summed in two
 * float32 partial buffers, P x N each, which a last kernel reduces; the
 * algorithm (ln_set_backward_algorithm) decides how, where N allows:
 *  - N <= 4096 (for LN_F16 and LN_BF16: 16384 with 16-byte-aligned rows,
 *    11264 without; for LN_F32 also 8193 to 14336 with 16-byte-aligned
 *    rows, 10240 without), LN_BACKWARD_AUTO or LN_BACKWARD_PARTIAL_ROWS: a
 *    persistent dx kernel of P programs (what the GPU holds at once, at
 *    most 1024), each storing its own partial row; on its blocks past
 *    8192 (7168 unaligned), and the 16-byte-aligned LN_F16 and LN_BF16
 *    blocks of 4608 to 5632, its sums are held in shared memory.
 *    LN_BACKWARD_PARTIAL_ROWS also runs it on f32 rows of 4097 to 8192
 *    (on the 8704 block), which LN_BACKWARD_AUTO leaves to the fused
 *    kernel. Layout: [P x N float32: partial dw] [P x N float32: partial
 *    db], 256-byte aligned.
 *  - N <= 8192 otherwise (fused): the dx kernel adds each program's sums
 *    to one of P = GROUP_SIZE_M partial rows under a spin lock. Layout,
 *    each section 256-byte aligned: [2P int32: locks, then "first store"
 *    counters] [P x N float32: partial dw] [P x N float32: partial db].
 *  - N > 8192 otherwise (split): dx alone, then a kernel sums slabs of
 *    rows into P partial rows, one writer each. Layout as the persistent
 *    one's.
 * dw and db may both be NULL, where the caller wants dx alone: the last
 * kernel then does not run, nor the split pass's slab kernel (the workspace
 * is still needed). One of them NULL without the other is
 * LN_ERROR_INVALID_ARGUMENT.
 * With `workspace` NULL the runtime uses one it owns, allocated per context
 * and stream, grown on demand (growing waits for the stream first) and kept
 * until ln_release_workspaces(); calls from several threads may share it.
 * While the stream is captured into a CUDA graph a NULL workspace is refused
 * (LN_ERROR_INVALID_ARGUMENT): the graph would outlive the memory. */
ln_status ln_layer_norm_backward(ln_dtype dtype, void *stream, int64_t M,
                                 int64_t N, const void *dy,
                                 int64_t dy_row_stride, const void *x,
                                 int64_t x_row_stride, const void *weight,
                                 const float *mean, const float *rstd,
                                 void *dx, int64_t dx_row_stride, void *dw,
                                 void *db, void *workspace);

/* Frees the workspaces the runtime allocated in the current context for
 * backward passes given a NULL workspace, after waiting for all of the
 * context's work (cuCtxSynchronize), so call it while no stream of the
 * context is being captured. Safe while other threads run backward passes:
 * their later calls allocate afresh. Workspaces of streams since destroyed
 * are kept until this call. */
ln_status ln_release_workspaces(void);

/* Sets the backward algorithm of every later ln_layer_norm_backward in the
 * process (LN_BACKWARD_AUTO at start); LN_ERROR_INVALID_ARGUMENT for a value
 * out of the enum. */
ln_status ln_set_backward_algorithm(ln_backward_algorithm algorithm);

/* ---------------------------------------------------------------------------
 * Any kernel: launches `entry` of the NUL-terminated PTX module `ptx` on
 * `stream` (NULL: the legacy default stream) with grid[0..2] CTAs of
 * block[0..2] threads and `dynamic_shared_bytes` of dynamic shared memory,
 * or what the PTX records for the kernel's local blocks where that is more
 * (`.u32 <entry>_dynamic_shared_bytes = N;`: the function is then allowed
 * that much, past 48 KB too). `arguments` is cuLaunchKernel's kernelParams: one pointer
 * per kernel parameter, in order, to the parameter's value (for a pointer
 * parameter, to a variable holding the device address); NULL if the kernel
 * has none. The module is JIT-compiled once per context and PTX text: `ptx`
 * is copied, so the caller may free it after the call.
 * ------------------------------------------------------------------------ */

ln_status ln_launch_ptx(const char *ptx, const char *entry,
                        const unsigned grid[3], const unsigned block[3],
                        unsigned dynamic_shared_bytes, void *stream,
                        void **arguments);

#ifdef __cplusplus
}
#endif

#endif /* LN_RUNTIME_LN_H */
