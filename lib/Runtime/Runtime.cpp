//===- Runtime.cpp - ln's CUDA runtime ------------------------------------===//

#include "ln/Runtime/Runtime.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <utility>

using namespace ln::runtime;

//===----------------------------------------------------------------------===//
// Context
//===----------------------------------------------------------------------===//

namespace {

/// Modules loaded per context, keyed by the address of their PTX text, and
/// their functions. Modules are never unloaded: the embedded kernels are
/// few, and a context outlives the library's users.
struct ModuleCache {
  std::mutex mutex;
  std::map<std::pair<CUcontext, const char *>, CUmodule> modules;
  std::map<std::pair<CUmodule, std::string>, CUfunction> functions;
  /// The embedded kernels' functions by context and kernel (the runtime's
  /// grouped copies of the table's entries, findKernel's): what every
  /// LayerNorm launch looks up, without building a string.
  std::map<std::pair<CUcontext, const EmbeddedKernel *>, CUfunction> embedded;
  /// What each loaded function's PTX records for its local blocks, read
  /// once when the function is (getDynamicSharedBytes(CUfunction)).
  std::map<CUfunction, unsigned> functionDynamicShared;
  /// getDynamicSharedBytes() of each embedded kernel.
  std::map<const EmbeddedKernel *, unsigned> dynamicShared;
  /// getResidentPrograms() by context and kernel.
  std::map<std::pair<CUcontext, const EmbeddedKernel *>, int64_t> resident;
  /// getMultiprocessorCount() by context.
  std::map<CUcontext, int> multiprocessors;
};

ModuleCache &getModuleCache() {
  static ModuleCache cache;
  return cache;
}

/// The value `map` holds for `key`, computed by `compute` (outside the
/// cache's lock: it may call the driver, and other lookups) the first time.
template <typename Key, typename Value, typename Compute>
Value lookupOrCompute(std::map<Key, Value> &map, const Key &key,
                      Compute compute) {
  ModuleCache &cache = getModuleCache();
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    auto known = map.find(key);
    if (known != map.end())
      return known->second;
  }
  Value value = compute();
  std::lock_guard<std::mutex> lock(cache.mutex);
  map.emplace(key, value);
  return value;
}

} // namespace

Context Context::get() {
  std::string error;
  const DriverApi *driver = ln::runtime::getDriver(error);
  if (!driver)
    fail(LN_ERROR_NO_GPU, error);
  CUcontext handle = nullptr;
  CUresult result = driver->cuCtxGetCurrent(&handle);
  if (result != CUDA_SUCCESS)
    fail(LN_ERROR_CUDA,
         describeDriverError(*driver, "cuCtxGetCurrent", result));
  if (!handle) {
    CUdevice device;
    if ((result = driver->cuDeviceGet(&device, 0)) != CUDA_SUCCESS)
      fail(LN_ERROR_CUDA, describeDriverError(*driver, "cuDeviceGet", result));
    if ((result = driver->cuDevicePrimaryCtxRetain(&handle, device)) !=
        CUDA_SUCCESS)
      fail(LN_ERROR_CUDA,
           describeDriverError(*driver, "cuDevicePrimaryCtxRetain", result));
    if ((result = driver->cuCtxSetCurrent(handle)) != CUDA_SUCCESS)
      fail(LN_ERROR_CUDA,
           describeDriverError(*driver, "cuCtxSetCurrent", result));
  }
  return Context(driver, handle);
}

void Context::check(CUresult result, const char *call) const {
  if (result != CUDA_SUCCESS)
    fail(LN_ERROR_CUDA, describeDriverError(*driver, call, result));
}

static CUdevice currentDevice(const Context &context) {
  CUdevice device;
  context.check(context.getDriver().cuCtxGetDevice(&device), "cuCtxGetDevice");
  return device;
}

std::string Context::getDeviceName() const {
  char name[256] = {};
  check(driver->cuDeviceGetName(name, sizeof(name), currentDevice(*this)),
        "cuDeviceGetName");
  return name;
}

int Context::getMultiprocessorCount() const {
  // Asked on every backward launch: once per context.
  return lookupOrCompute(getModuleCache().multiprocessors, handle, [&] {
    int count = 0;
    check(driver->cuDeviceGetAttribute(&count,
                                       CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT,
                                       currentDevice(*this)),
          "cuDeviceGetAttribute(MULTIPROCESSOR_COUNT)");
    return count;
  });
}

CUfunction Context::getFunction(const char *ptx, const char *entry) const {
  ModuleCache &cache = getModuleCache();
  std::lock_guard<std::mutex> lock(cache.mutex);
  CUmodule module;
  auto it = cache.modules.find({handle, ptx});
  if (it != cache.modules.end()) {
    module = it->second;
  } else {
    // The JIT's error log says which PTX line it rejected.
    char log[8192] = {};
    CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER,
                              CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
    void *values[] = {log, reinterpret_cast<void *>(sizeof(log))};
    CUresult result =
        driver->cuModuleLoadDataEx(&module, ptx, 2, options, values);
    if (result != CUDA_SUCCESS)
      fail(LN_ERROR_CUDA,
           describeDriverError(*driver, "cuModuleLoadDataEx", result) +
               " loading the module of '" + entry +
               "'; JIT log: " + (log[0] ? log : "(empty)"));
    cache.modules.emplace(std::make_pair(handle, ptx), module);
  }
  auto known = cache.functions.find({module, entry});
  if (known != cache.functions.end())
    return known->second;
  CUfunction function;
  CUresult result = driver->cuModuleGetFunction(&function, module, entry);
  if (result != CUDA_SUCCESS)
    fail(LN_ERROR_CUDA,
         describeDriverError(*driver, "cuModuleGetFunction", result) +
             " for entry '" + entry + "'");
  // Past 48 KB, dynamic shared memory must be allowed before a launch asks
  // for it.
  unsigned bytes = ln::runtime::getDynamicSharedBytes(ptx, entry);
  if (bytes) {
    result = driver->cuFuncSetAttribute(
        function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, int(bytes));
    if (result != CUDA_SUCCESS)
      fail(LN_ERROR_CUDA,
           describeDriverError(*driver,
                               "cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_"
                               "BYTES)",
                               result) +
               " for entry '" + entry + "', which needs " +
               std::to_string(bytes) + " bytes of dynamic shared memory");
  }
  cache.functions.emplace(std::make_pair(module, std::string(entry)), function);
  cache.functionDynamicShared.emplace(function, bytes);
  return function;
}

/// `text` without the spaces and tabs at its ends.
static std::string_view trimBlanks(std::string_view text) {
  size_t first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos)
    return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

unsigned ln::runtime::getDynamicSharedBytes(std::string_view ptx,
                                            std::string_view entry) {
  const std::string name = std::string(entry) + "_dynamic_shared_bytes";
  auto isIdentifier = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
  };
  auto malformed = [&] {
    fail(LN_ERROR_INVALID_ARGUMENT,
         "malformed dynamic shared memory record for entry '" +
             std::string(entry) + "' in the PTX: expected '.global .u32 " +
             name + " = <bytes>;' with bytes below 2^31");
  };
  for (size_t lineStart = 0; lineStart < ptx.size();) {
    size_t lineEnd = std::min(ptx.find('\n', lineStart), ptx.size());
    std::string_view line = ptx.substr(lineStart, lineEnd - lineStart);
    lineStart = lineEnd + 1;
    // PTX comments run to the end of the line.
    line = line.substr(0, line.find("//"));
    for (size_t at = line.find(name); at != std::string_view::npos;
         at = line.find(name, at + 1)) {
      size_t after = at + name.size();
      if ((at > 0 && isIdentifier(line[at - 1])) ||
          (after < line.size() && isIdentifier(line[after])))
        continue; // another symbol that contains the name
      std::string_view declaration = trimBlanks(line.substr(0, at));
      if (declaration.find(".global") == std::string_view::npos)
        continue; // a use of the symbol, not its declaration
      std::string_view value = trimBlanks(line.substr(after));
      if (declaration.size() < 4 ||
          declaration.substr(declaration.size() - 4) != ".u32" ||
          value.empty() || value.front() != '=' || value.back() != ';')
        malformed();
      std::string_view digits = trimBlanks(value.substr(1, value.size() - 2));
      if (digits.empty() || digits.size() > 10)
        malformed();
      uint64_t bytes = 0;
      for (char c : digits) {
        if (c < '0' || c > '9')
          malformed();
        bytes = bytes * 10 + (c - '0');
      }
      if (bytes > uint64_t(INT32_MAX))
        malformed();
      return unsigned(bytes);
    }
  }
  return 0;
}

CUfunction Context::getFunction(const EmbeddedKernel &kernel) const {
  return lookupOrCompute(getModuleCache().embedded, {handle, &kernel},
                         [&] { return getFunction(kernel.ptx, kernel.entry); });
}

int64_t Context::getResidentPrograms(const EmbeddedKernel &kernel) const {
  return lookupOrCompute(getModuleCache().resident, {handle, &kernel}, [&] {
    int perMultiprocessor = 0;
    check(driver->cuOccupancyMaxActiveBlocksPerMultiprocessor(
              &perMultiprocessor, getFunction(kernel), 32 * kernel.numWarps,
              ln::runtime::getDynamicSharedBytes(kernel)),
          "cuOccupancyMaxActiveBlocksPerMultiprocessor");
    return std::max<int64_t>(1, int64_t(perMultiprocessor) *
                                    getMultiprocessorCount());
  });
}

CUfunction Context::getFunctionOfText(const std::string &ptx,
                                      const char *entry) const {
  // Interned copies give each distinct text one stable address, the module
  // cache's key; like the modules, they live as long as the process.
  static std::mutex mutex;
  static std::set<std::string> texts;
  const char *interned;
  {
    std::lock_guard<std::mutex> lock(mutex);
    interned = texts.insert(ptx).first->c_str();
  }
  return getFunction(interned, entry);
}

unsigned Context::getDynamicSharedBytes(CUfunction function) const {
  ModuleCache &cache = getModuleCache();
  std::lock_guard<std::mutex> lock(cache.mutex);
  auto known = cache.functionDynamicShared.find(function);
  return known == cache.functionDynamicShared.end() ? 0 : known->second;
}

unsigned ln::runtime::getDynamicSharedBytes(const EmbeddedKernel &kernel) {
  return lookupOrCompute(getModuleCache().dynamicShared, &kernel, [&] {
    return getDynamicSharedBytes(kernel.ptx, kernel.entry);
  });
}

void Context::launch(const EmbeddedKernel &kernel, Dim3 grid, void **arguments,
                     CUstream stream) const {
  launch(getFunction(kernel), grid, {unsigned(32 * kernel.numWarps), 1, 1},
         arguments, stream, ln::runtime::getDynamicSharedBytes(kernel));
}

void Context::launch(CUfunction function, Dim3 grid, Dim3 block,
                     void **arguments, CUstream stream,
                     unsigned dynamicSharedBytes) const {
  check(driver->cuLaunchKernel(function, grid[0], grid[1], grid[2], block[0],
                               block[1], block[2], dynamicSharedBytes, stream,
                               arguments, /*extra=*/nullptr),
        "cuLaunchKernel");
}

//===----------------------------------------------------------------------===//
// DeviceBuffer
//===----------------------------------------------------------------------===//

DeviceBuffer::DeviceBuffer(const Context &context, size_t bytes)
    : context(&context), bytes(bytes) {
  context.check(context.getDriver().cuMemAlloc(&pointer, bytes ? bytes : 1),
                "cuMemAlloc");
}

DeviceBuffer::~DeviceBuffer() {
  if (pointer)
    context->getDriver().cuMemFree(pointer);
}

DeviceBuffer::DeviceBuffer(DeviceBuffer &&other) noexcept
    : context(other.context), pointer(std::exchange(other.pointer, 0)),
      bytes(other.bytes) {}

void DeviceBuffer::upload(const void *host, size_t count) const {
  context->check(context->getDriver().cuMemcpyHtoD(pointer, host, count),
                 "cuMemcpyHtoD");
}

void DeviceBuffer::download(void *host, size_t count) const {
  context->check(context->getDriver().cuMemcpyDtoH(host, pointer, count),
                 "cuMemcpyDtoH");
}

//===----------------------------------------------------------------------===//
// EventTimer
//===----------------------------------------------------------------------===//

EventTimer::EventTimer(const Context &context) : context(context) {
  context.check(context.getDriver().cuEventCreate(&begin, CU_EVENT_DEFAULT),
                "cuEventCreate");
  context.check(context.getDriver().cuEventCreate(&end, CU_EVENT_DEFAULT),
                "cuEventCreate");
}

EventTimer::~EventTimer() {
  context.getDriver().cuEventDestroy(begin);
  context.getDriver().cuEventDestroy(end);
}

void EventTimer::start(CUstream stream) {
  context.check(context.getDriver().cuEventRecord(begin, stream),
                "cuEventRecord");
}

float EventTimer::stop(CUstream stream) {
  const DriverApi &driver = context.getDriver();
  context.check(driver.cuEventRecord(end, stream), "cuEventRecord");
  context.check(driver.cuEventSynchronize(end), "cuEventSynchronize");
  float milliseconds = 0;
  context.check(driver.cuEventElapsedTime(&milliseconds, begin, end),
                "cuEventElapsedTime");
  return milliseconds;
}
