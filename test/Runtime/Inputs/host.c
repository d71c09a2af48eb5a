/* Stands in for python3: a C program, no C++ runtime in its global scope,
   loading the libraries with dlopen as extension modules are. */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv) {
  if (argc != 4)
    return 2;
  void *thrower = dlopen(argv[1], RTLD_NOW);
  void *catcher = dlopen(argv[2], RTLD_NOW);
  void *extension = dlopen(argv[3], RTLD_NOW);
  if (!thrower || !catcher || !extension) {
    printf("dlopen: %s\n", dlerror());
    return 2;
  }
  int (*callAndCatch)(void (*)(void)) =
      (int (*)(void (*)(void)))dlsym(catcher, "callAndCatch");
  void (*refuse)(void) = (void (*)(void))dlsym(extension, "refuse");
  fflush(stdout);
  return callAndCatch(refuse) == 1 ? 0 : 1;
}
