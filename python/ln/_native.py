"""The C++ operator library behind torch.ops.ln (csrc/ln_torch_ops.cpp),
built on first use with torch.utils.cpp_extension and loaded into torch.

torch is not needed to build or install ln, so the library cannot be built
with the package: it is compiled (about half a minute, once) the first time
ln.ops is imported on a machine with torch, a C++ compiler, ninja and the
CUDA runtime's headers, into torch's extension cache, and reused after.
Where that fails, ln.ops defines the same operators in Python, with one
warning (docs/python.md). Environment:

    LN_TORCH_OPS=cpp      the C++ operators, or the Python ones and a
                          warning where the build fails (the default)
    LN_TORCH_OPS=python   the Python operators, no build
    LN_TORCH_OPS=cpp-only the C++ operators, or the build's error
    LN_TORCH_EXTENSION_DIR  the build folder (default: torch's extension
                          cache, $TORCH_EXTENSIONS_DIR or
                          ~/.cache/torch_extensions/<python and CUDA tag>)
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sys
import warnings
from pathlib import Path
from typing import Optional

from . import _runtime

__all__ = ["OPERATORS_ENV", "BUILD_DIRECTORY_ENV", "SOURCE",
           "header_directory", "cuda_include_directories",
           "loaded_cxx_runtime", "load"]

OPERATORS_ENV = "LN_TORCH_OPS"
BUILD_DIRECTORY_ENV = "LN_TORCH_EXTENSION_DIR"

_PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE = _PACKAGE_DIR / "csrc" / "ln_torch_ops.cpp"
_HEADER = Path("ln") / "Runtime" / "ln.h"


def header_directory() -> Path:
    """The include folder holding ln/Runtime/ln.h: the package's copy (the
    install tree's), else the source tree's include/."""
    candidates = [_PACKAGE_DIR / "include",
                  _PACKAGE_DIR.parent.parent / "include"]
    for candidate in candidates:
        if (candidate / _HEADER).is_file():
            return candidate
    raise FileNotFoundError(f"{_HEADER} not found in "
                            + " or ".join(map(str, candidates)))


def cuda_include_directories() -> list[str]:
    """Where cuda_runtime_api.h is (torch's CUDA headers include it): the
    CUDA toolkit torch finds, else the nvidia wheels torch runs on."""
    from torch.utils import cpp_extension

    candidates = []
    if cpp_extension.CUDA_HOME:
        candidates.append(Path(cpp_extension.CUDA_HOME) / "include")
    nvidia = importlib.util.find_spec("nvidia")
    if nvidia is not None and nvidia.submodule_search_locations:
        for location in nvidia.submodule_search_locations:
            candidates.extend(sorted(Path(location).glob("*/include")))
    found = [str(candidate) for candidate in candidates
             if (candidate / "cuda_runtime_api.h").is_file()]
    if not found:
        raise FileNotFoundError(
            "cuda_runtime_api.h not found (set CUDA_HOME to a CUDA toolkit); "
            "looked in " + ", ".join(map(str, candidates)))
    return found[:1]


def _find_ninja() -> None:
    """cpp_extension runs `ninja` from PATH: a virtual environment's ninja
    (pip install ninja) is beside its interpreter, which may have been
    started without activating the environment."""
    if shutil.which("ninja") is None:
        beside = Path(sys.executable).parent
        if (beside / "ninja").is_file():
            os.environ["PATH"] = os.pathsep.join(
                [str(beside), os.environ.get("PATH", "")])


def loaded_cxx_runtime(maps: Optional[str] = None) -> Optional[Path]:
    """The shared libstdc++ this process runs on (torch's: importing torch
    loads it), read from /proc/self/maps (or `maps`, that file's text);
    None where there is none or the file cannot be read."""
    if maps is None:
        try:
            maps = Path("/proc/self/maps").read_text()
        except OSError:
            return None
    for line in maps.splitlines():
        fields = line.split(maxsplit=5)
        if len(fields) == 6 and fields[5].rsplit("/", 1)[-1].startswith(
                "libstdc++.so"):
            return Path(fields[5].strip())
    return None


def _build_and_load() -> None:
    import torch  # noqa: F401  (loads the C++ runtime it runs on)
    from torch.utils import cpp_extension

    # The runtime ctypes uses, loaded first: the operator library links the
    # same file (by its run path), which the loader then shares, so both
    # see one ln_set_backward_algorithm and one set of workspaces.
    runtime = _runtime.library_path()
    # One build per runtime: installs in several places do not rebuild each
    # other's library.
    tag = hashlib.sha256(str(runtime).encode()).hexdigest()[:8]
    build_directory = os.environ.get(BUILD_DIRECTORY_ENV)
    if build_directory:
        Path(build_directory).mkdir(parents=True, exist_ok=True)
    _find_ninja()
    # The library shares torch's C++ runtime: exceptions, streams and
    # locales cross between them. Named ahead of the compiler's own
    # -lstdc++, the shared libstdc++ torch runs on resolves every C++
    # runtime symbol, so a compiler that links libstdc++.a by default (a
    # toolchain that ships no libstdc++.so) adds no private copy. Such a
    # copy crashed formatting the first message that held a number.
    cxx_runtime = loaded_cxx_runtime()
    cpp_extension.load(
        name=f"ln_torch_ops_{tag}",
        sources=[str(SOURCE)],
        extra_cflags=["-O2"],
        extra_include_paths=[str(header_directory()),
                             *cuda_include_directories()],
        extra_ldflags=[*([str(cxx_runtime)] if cxx_runtime else []),
                       f"-L{runtime.parent}", f"-l:{runtime.name}",
                       f"-Wl,-rpath,{runtime.parent}", "-lc10_cuda"],
        build_directory=build_directory or None,
        verbose=False,
        is_python_module=False)


def _summary(error: BaseException, limit: int = 1500) -> str:
    """The end of an error's message, where a compiler's output ends with
    the reason it failed."""
    text = f"{type(error).__name__}: {error}".strip()
    return text if len(text) <= limit else "..." + text[-limit:]


def load() -> bool:
    """Builds (if needed) and loads the C++ operator library, which defines
    torch.ops.ln.layer_norm_fwd and layer_norm_bwd, where LN_TORCH_OPS asks
    for it. Returns False otherwise, or where the build or the load failed
    (one RuntimeWarning says why): the caller then defines them in
    Python."""
    choice = os.environ.get(OPERATORS_ENV, "cpp").strip().lower()
    if choice == "python":
        return False
    if choice not in ("cpp", "cpp-only"):
        raise ValueError(f"{OPERATORS_ENV}={choice!r}: expected 'python', "
                         f"'cpp' or 'cpp-only'")
    try:
        _build_and_load()
    except Exception as error:  # no compiler, no ninja, no headers, ...
        if choice == "cpp-only":
            raise
        warnings.warn(
            f"ln: the C++ operator library could not be built or loaded, so "
            f"torch.ops.ln runs its Python operators (same results, more "
            f"host time a call); set {OPERATORS_ENV}=python to skip the "
            f"build. {_summary(error)}", RuntimeWarning, stacklevel=2)
        return False
    return True
