//===- Runtime.h - ln's CUDA runtime, C++ interface -------------*- C++ -*-===//
//
// Contexts, PTX modules, launches, device memory and events over the
// dynamically loaded driver. Failures throw RuntimeError carrying an
// ln_status and a message that names the driver call and error; the C API
// (ln.h) turns them into status codes.
//
//===----------------------------------------------------------------------===//

#ifndef LN_RUNTIME_RUNTIME_H
#define LN_RUNTIME_RUNTIME_H

#include "ln/Runtime/Driver.h"
#include "ln/Runtime/EmbeddedKernels.h"
#include "ln/Runtime/ln.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ln::runtime {

class RuntimeError : public std::runtime_error {
public:
  RuntimeError(ln_status status, const std::string &message)
      : std::runtime_error(message), status(status) {}
  ln_status getStatus() const { return status; }

private:
  ln_status status;
};

[[noreturn]] inline void fail(ln_status status, const std::string &message) {
  throw RuntimeError(status, message);
}

using Dim3 = std::array<unsigned, 3>;

/// The calling thread's CUDA context: the current one if there is one (as
/// PyTorch sets), else device 0's primary context, made current.
class Context {
public:
  /// Throws LN_ERROR_NO_GPU when there is no driver or device.
  static Context get();

  const DriverApi &getDriver() const { return *driver; }
  CUcontext getHandle() const { return handle; }

  /// Throws LN_ERROR_CUDA naming `call` unless `result` is success.
  void check(CUresult result, const char *call) const;

  std::string getDeviceName() const;
  int getMultiprocessorCount() const;
  /// CTAs of `kernel` the whole device runs at once (multiprocessors times
  /// the CTAs of its block size one multiprocessor holds), at least 1: the
  /// grid of a persistent kernel. Computed once per context and kernel.
  int64_t getResidentPrograms(const EmbeddedKernel &kernel) const;

  /// The function of an embedded kernel, its module loaded once per context.
  CUfunction getFunction(const EmbeddedKernel &kernel) const;
  /// Loads the NUL-terminated `ptx` once per context (keyed by its address,
  /// which must stay valid) and returns its function `entry`, allowed the
  /// dynamic shared memory the PTX records for it
  /// (getDynamicSharedBytes).
  CUfunction getFunction(const char *ptx, const char *entry) const;
  /// Like getFunction, for PTX of any lifetime: a copy of the text is kept,
  /// and the module is loaded once per context and distinct text.
  CUfunction getFunctionOfText(const std::string &ptx, const char *entry) const;

  /// What the PTX of `function` (one getFunction returned) records for its
  /// local blocks: the dynamic shared memory its launches need.
  unsigned getDynamicSharedBytes(CUfunction function) const;

  void launch(CUfunction function, Dim3 grid, Dim3 block, void **arguments,
              CUstream stream, unsigned dynamicSharedBytes = 0) const;
  /// Launches an embedded kernel on its CTA of 32 * numWarps threads, with
  /// the dynamic shared memory its PTX records.
  void launch(const EmbeddedKernel &kernel, Dim3 grid, void **arguments,
              CUstream stream) const;

private:
  Context(const DriverApi *driver, CUcontext handle)
      : driver(driver), handle(handle) {}

  const DriverApi *driver;
  CUcontext handle;
};

/// Bytes of dynamic shared memory that kernel `entry` of `ptx` needs at
/// launch (its local blocks): what ln's compiler records in the PTX as
/// `.u32 <entry>_dynamic_shared_bytes = <bytes>;`, 0 where nothing is
/// recorded. Throws LN_ERROR_INVALID_ARGUMENT on a malformed record.
unsigned getDynamicSharedBytes(std::string_view ptx, std::string_view entry);
/// getDynamicSharedBytes of an embedded kernel, read once per process.
unsigned getDynamicSharedBytes(const EmbeddedKernel &kernel);

/// Device memory owned by the caller (RAII).
class DeviceBuffer {
public:
  DeviceBuffer(const Context &context, size_t bytes);
  ~DeviceBuffer();
  DeviceBuffer(DeviceBuffer &&other) noexcept;
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(DeviceBuffer &&) = delete;

  CUdeviceptr get() const { return pointer; }
  void *data() const { return reinterpret_cast<void *>(pointer); }
  size_t size() const { return bytes; }
  void upload(const void *host, size_t count) const;
  void download(void *host, size_t count) const;

private:
  const Context *context;
  CUdeviceptr pointer = 0;
  size_t bytes = 0;
};

/// Times work enqueued on a stream with CUDA events.
class EventTimer {
public:
  explicit EventTimer(const Context &context);
  ~EventTimer();
  EventTimer(const EventTimer &) = delete;
  EventTimer &operator=(const EventTimer &) = delete;

  void start(CUstream stream);
  /// Milliseconds since start(), once the stream reaches this point.
  float stop(CUstream stream);

private:
  const Context &context;
  CUevent begin = nullptr, end = nullptr;
};

} // namespace ln::runtime

#endif // LN_RUNTIME_RUNTIME_H
