//===- Driver.h - The CUDA driver API, loaded at run time -------*- C++ -*-===//
//
// libln_runtime does not link libcuda: it dlopens libcuda.so.1 on first use,
// so it loads (and its tests run) on machines without a GPU, and it says so
// clearly there. cuda.h provides the types only.
//
//===----------------------------------------------------------------------===//

#ifndef LN_RUNTIME_DRIVER_H
#define LN_RUNTIME_DRIVER_H

#include <cuda.h>

#include <string>

namespace ln::runtime {

/// The driver entry points ln uses: X(name) for each.
#define LN_CUDA_DRIVER_FUNCTIONS(X)                                            \
  X(cuInit)                                                                    \
  X(cuGetErrorName)                                                            \
  X(cuGetErrorString)                                                          \
  X(cuDeviceGet)                                                               \
  X(cuDeviceGetCount)                                                          \
  X(cuDeviceGetName)                                                           \
  X(cuDeviceGetAttribute)                                                      \
  X(cuDevicePrimaryCtxRetain)                                                  \
  X(cuCtxGetCurrent)                                                           \
  X(cuCtxSetCurrent)                                                           \
  X(cuCtxGetDevice)                                                            \
  X(cuCtxSynchronize)                                                          \
  X(cuModuleLoadDataEx)                                                        \
  X(cuModuleGetFunction)                                                       \
  X(cuFuncSetAttribute)                                                        \
  X(cuModuleUnload)                                                            \
  X(cuLaunchKernel)                                                            \
  X(cuOccupancyMaxActiveBlocksPerMultiprocessor)                              \
  X(cuMemAlloc)                                                                \
  X(cuMemFree)                                                                 \
  X(cuMemcpyHtoD)                                                              \
  X(cuMemcpyDtoH)                                                              \
  X(cuMemcpyDtoDAsync)                                                         \
  X(cuMemsetD8Async)                                                           \
  X(cuMemsetD32Async)                                                          \
  X(cuStreamSynchronize)                                                       \
  X(cuStreamIsCapturing)                                                       \
  X(cuEventCreate)                                                             \
  X(cuEventDestroy)                                                            \
  X(cuEventRecord)                                                             \
  X(cuEventSynchronize)                                                        \
  X(cuEventElapsedTime)

/// Pointers to the driver's functions, resolved once.
struct DriverApi {
#define LN_DECLARE_DRIVER_FUNCTION(name) decltype(&::name) name = nullptr;
  LN_CUDA_DRIVER_FUNCTIONS(LN_DECLARE_DRIVER_FUNCTION)
#undef LN_DECLARE_DRIVER_FUNCTION
};

/// The driver, loaded and initialized (cuInit) on first call; null if that
/// failed, with the reason in `error` ("libcuda.so.1 not found: ...").
/// LN_CUDA_LIBRARY overrides the library path (tests use it to simulate a
/// machine without a driver).
const DriverApi *getDriver(std::string &error);

/// "cuLaunchKernel failed: CUDA_ERROR_INVALID_VALUE (invalid argument)".
std::string describeDriverError(const DriverApi &driver, const char *call,
                                CUresult result);

} // namespace ln::runtime

#endif // LN_RUNTIME_DRIVER_H
