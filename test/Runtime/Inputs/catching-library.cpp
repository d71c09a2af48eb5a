// Stands in for libtorch's autograd engine: calls a function and catches
// what it throws, with the system's C++ runtime.
#include <cstdio>
#include <exception>
#include <string>

extern "C" int callAndCatch(void (*function)()) {
  try {
    std::string frame(64, 'c');
    function();
    return 0;
  } catch (const std::exception &error) {
    std::printf("caught: %s\n", error.what());
    return 1;
  }
}
