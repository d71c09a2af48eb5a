// Stands in for libc10: throws with the system's C++ runtime.
#include <stdexcept>

[[noreturn]] void failCheck(const char *message) {
  throw std::runtime_error(message);
}
