# -*- Python -*-
# lit configuration of ln's regression tests.

import os
import shutil
import subprocess
import sys

import lit.formats
from lit.llvm import llvm_config

config.name = "LN"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.ln_obj_root, "test")
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py",
                   "lit.site.cfg.py", "Inputs"]

llvm_config.with_system_environment(["HOME", "TMP", "TEMP"])
# FileCheck, not and count come from PATH (LLVM's tools directory below), so
# the GPU integration tests, which need none of them, also run on a machine
# with ln installed but no LLVM.
llvm_config.with_environment("PATH", config.ln_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# Every PTX the suite produces is assembled by ptxas: a machine without it
# must fail the suite, not skip those tests.
ptxas = config.ptxas if os.path.exists(config.ptxas or "") else \
    shutil.which("ptxas")
if not ptxas:
    lit_config.fatal("ptxas not found (looked for CUDA's ptxas at configure "
                     "time and on PATH); install the CUDA toolkit or put "
                     "/usr/local/cuda/bin on PATH")
config.substitutions.append(("%ptxas", ptxas + " -arch=sm_90 -v"))
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%kernel_ptx_dir", config.ln_kernel_ptx_dir))
config.substitutions.append(("%test_ptx_dir", config.ln_test_ptx_dir))
config.substitutions.append(("%kernels", os.path.join(
    os.path.dirname(config.test_source_root), "kernels")))
runtime_dir = os.path.join(config.ln_obj_root, "lib")
config.substitutions.append(("%ln_runtime_library",
                             os.path.join(runtime_dir, "libln_runtime.so")))
config.substitutions.append(("%ln_runtime_dir", runtime_dir))
config.substitutions.append(("%ln_include", os.path.join(
    os.path.dirname(config.test_source_root), "include")))
# The host's compilers, for tests that build programs against the runtime.
host_cc = getattr(config, "host_cc", "")
host_cxx = getattr(config, "host_cxx", "")
if os.path.exists(host_cc) and os.path.exists(host_cxx):
    config.available_features.add("host-compilers")
    config.substitutions.append(("%host_cxx", host_cxx))
    config.substitutions.append(("%host_cc", host_cc))

# GPU tests run only where a GPU is.
def _has_cuda_gpu():
    try:
        out = subprocess.run(["nvidia-smi", "-L"], capture_output=True,
                             text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and "GPU" in out.stdout

if _has_cuda_gpu():
    config.available_features.add("cuda-gpu")
