//===- Driver.cpp - The CUDA driver API, loaded at run time ---------------===//

#include "ln/Runtime/Driver.h"

#include <dlfcn.h>

#include <cstdlib>

using namespace ln::runtime;

// cuda.h maps names to their current versions (cuMemAlloc -> cuMemAlloc_v2);
// expand the macro before stringifying to look up the right symbol.
#define LN_STRINGIFY(x) #x
#define LN_SYMBOL_NAME(x) LN_STRINGIFY(x)

namespace {

struct LoadedDriver {
  DriverApi api;
  std::string error;
  bool ok = false;
};

LoadedDriver load() {
  LoadedDriver driver;
  const char *path = std::getenv("LN_CUDA_LIBRARY");
  if (!path || !*path)
    path = "libcuda.so.1";
  void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char *reason = dlerror();
    driver.error = std::string(path) +
                   " could not be loaded, so there is no usable NVIDIA "
                   "driver on this machine (" +
                   (reason ? reason : "unknown reason") + ")";
    return driver;
  }
#define LN_RESOLVE(name)                                                       \
  driver.api.name = reinterpret_cast<decltype(driver.api.name)>(               \
      dlsym(library, LN_SYMBOL_NAME(name)));                                   \
  if (!driver.api.name) {                                                      \
    driver.error =                                                             \
        std::string(path) + " lacks " LN_SYMBOL_NAME(                          \
                                name) ": the NVIDIA driver is too old for ln"; \
    return driver;                                                             \
  }
  LN_CUDA_DRIVER_FUNCTIONS(LN_RESOLVE)
#undef LN_RESOLVE

  CUresult result = driver.api.cuInit(0);
  if (result != CUDA_SUCCESS) {
    driver.error = describeDriverError(driver.api, "cuInit", result) +
                   (result == CUDA_ERROR_NO_DEVICE
                        ? "; no CUDA device is visible on this machine"
                        : "");
    return driver;
  }
  int count = 0;
  result = driver.api.cuDeviceGetCount(&count);
  if (result != CUDA_SUCCESS || count == 0) {
    driver.error = "no CUDA device is visible on this machine";
    return driver;
  }
  driver.ok = true;
  return driver;
}

} // namespace

const DriverApi *ln::runtime::getDriver(std::string &error) {
  static LoadedDriver driver = load();
  if (!driver.ok) {
    error = driver.error;
    return nullptr;
  }
  return &driver.api;
}

std::string ln::runtime::describeDriverError(const DriverApi &driver,
                                             const char *call,
                                             CUresult result) {
  const char *name = nullptr, *text = nullptr;
  if (driver.cuGetErrorName)
    driver.cuGetErrorName(result, &name);
  if (driver.cuGetErrorString)
    driver.cuGetErrorString(result, &text);
  std::string message = std::string(call) + " failed: ";
  message += name ? name : "CUDA error " + std::to_string(int(result));
  if (text)
    message += std::string(" (") + text + ")";
  return message;
}
