// Stands in for a PyTorch C++ extension over ln's C API: linked against
// libln_runtime.so before libstdc++, it calls the C API, and an exception
// thrown below it (by the system's C++ runtime) unwinds through a frame of
// its own with a destructor on the way up.
#include "ln/Runtime/ln.h"

#include <string>

[[noreturn]] void failCheck(const char *message);

extern "C" const char *lastError() { return ln_last_error(); }

extern "C" void refuse() {
  std::string frame(64, 'e');
  failCheck("refused");
}
