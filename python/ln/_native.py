"""The C++ operator library behind torch.ops.ln (csrc/ln_torch_ops.cpp),
built on first use with torch.utils.cpp_extension and loaded into torch as
a Python module, whose one function (csrc/ln_torch_eager.cpp) is the call
an eager ln.layer_norm makes.

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

A failed compile is remembered in the build folder (ln-build-failed.txt)
with what it depended on (the source and header, torch, $CXX, the
interpreter): later processes fall back at once instead of failing the
same build again, until one of those changes, the file is removed or
LN_TORCH_OPS=cpp-only asks for a new attempt; a build that succeeds
clears the record.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shlex
import shutil
import sys
import time
import warnings
from pathlib import Path
from types import ModuleType
from typing import Callable, Optional, TypeVar

from . import _runtime

__all__ = ["OPERATORS_ENV", "BUILD_DIRECTORY_ENV", "SOURCE", "SOURCES",
           "LOCAL_HEADERS",
           "header_directory", "cuda_include_directories",
           "loaded_cxx_runtime", "remove_stale_lock", "build_once", "load"]

OPERATORS_ENV = "LN_TORCH_OPS"
BUILD_DIRECTORY_ENV = "LN_TORCH_EXTENSION_DIR"

_PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE = _PACKAGE_DIR / "csrc" / "ln_torch_ops.cpp"
# What the library is compiled from: the operators, and the Python module's
# eager call (both include csrc/ln_torch_ops.h).
SOURCES = (SOURCE, _PACKAGE_DIR / "csrc" / "ln_torch_eager.cpp")
# The headers of csrc/ they include (the package ships them beside them).
LOCAL_HEADERS = (_PACKAGE_DIR / "csrc" / "ln_torch_ops.h",)
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
    loads it), read from /proc/self/maps (or `maps`, that file's text):
    libstdc++.so.6 before any other version, never a file deleted since it
    was mapped. None where there is none or the file cannot be read."""
    if maps is None:
        try:
            maps = Path("/proc/self/maps").read_text()
        except OSError:
            return None
    found = []
    for line in maps.splitlines():
        fields = line.split(maxsplit=5)
        if len(fields) < 6 or fields[5].endswith(" (deleted)"):
            continue
        path = fields[5].strip()
        name = path.rsplit("/", 1)[-1]
        if name.startswith("libstdc++.so"):
            found.append((not name.startswith("libstdc++.so.6"), path))
    return Path(min(found)[1]) if found else None


# A lock of torch's build older than this is left by a build that was
# killed (a build takes about half a minute): torch would wait on it
# forever.
_STALE_LOCK_SECONDS = 600
_FAILURE_RECORD = "ln-build-failed.txt"


def remove_stale_lock(build_directory: Path,
                      max_age: float = _STALE_LOCK_SECONDS) -> bool:
    """Removes torch's build lock in `build_directory` if it is older than
    `max_age` seconds (one RuntimeWarning names it). True if removed."""
    lock = build_directory / "lock"
    try:
        age = time.time() - lock.stat().st_mtime
    except OSError:
        return False
    if age <= max_age:
        return False
    warnings.warn(f"ln: removing {lock}, left {age:.0f} s ago by a build of "
                  f"the C++ operator library that did not finish",
                  RuntimeWarning, stacklevel=3)
    lock.unlink(missing_ok=True)
    return True


Built = TypeVar("Built")


def build_once(build_directory: Path, key: str, retry: bool,
               build: Callable[[], Built]) -> Built:
    """Runs `build` and returns what it returns, unless an earlier one with
    the same `key` (what a build depends on) failed in `build_directory` and
    `retry` is False: then raises RuntimeError with that failure's reason,
    at once. A failure is recorded there (ln-build-failed.txt), a success
    clears the record."""
    record = build_directory / _FAILURE_RECORD
    try:
        recorded_key, reason = record.read_text().split("\n", 1)
    except (OSError, ValueError):
        recorded_key = reason = None
    if recorded_key == key and not retry:
        raise RuntimeError(
            f"an earlier build with this source, torch and compiler "
            f"failed, and is not tried again (remove {record} or set "
            f"{OPERATORS_ENV}=cpp-only to retry): {reason}")
    try:
        built = build()
    except Exception as error:
        try:
            record.write_text(f"{key}\n{_summary(error)}")
        except OSError:
            pass  # nowhere to write: the next process tries again
        raise
    record.unlink(missing_ok=True)
    return built


def _build_key() -> str:
    """What a build's outcome depends on: the sources and headers, torch,
    the compiler and the interpreter."""
    import torch

    digest = hashlib.sha256()
    for part in (*(path.read_bytes() for path in SOURCES + LOCAL_HEADERS),
                 (header_directory() / _HEADER).read_bytes(),
                 torch.__version__.encode(), str(torch.version.cuda).encode(),
                 os.environ.get("CXX", "c++").encode(),
                 sys.executable.encode()):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _build_directory(name: str) -> Path:
    from torch.utils import cpp_extension

    chosen = os.environ.get(BUILD_DIRECTORY_ENV)
    if chosen:
        directory = Path(chosen)
    else:
        # torch's own choice (TORCH_EXTENSIONS_DIR, or its cache folder
        # tagged with the Python and CUDA versions), a private function
        # stable for years; its public root where it is gone.
        torch_choice = getattr(cpp_extension, "_get_build_directory", None)
        directory = Path(torch_choice(name, False)) if torch_choice else (
            Path(cpp_extension.get_default_build_root()) / name)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _build_and_load(name: str, build_directory: Path,
                    retry: bool) -> ModuleType:
    import torch
    from torch.utils import cpp_extension

    if torch.version.cuda is None:
        raise RuntimeError(f"torch {torch.__version__} is built without "
                           f"CUDA: ln's operators run on CUDA tensors")
    # The runtime ctypes uses, loaded first: the operator library links the
    # same file (by its run path), which the loader then shares, so both
    # see one ln_set_backward_algorithm and one set of workspaces.
    runtime = _runtime.library_path()
    _find_ninja()
    # The library shares torch's C++ runtime: exceptions, streams and
    # locales cross between them. Named ahead of the compiler's own
    # -lstdc++, the shared libstdc++ torch runs on resolves every C++
    # runtime symbol, so a compiler that links libstdc++.a by default (a
    # toolchain that ships no libstdc++.so) adds no private copy. Such a
    # copy crashed formatting the first message that held a number.
    cxx_runtime = loaded_cxx_runtime()
    linked = [str(cxx_runtime)] if cxx_runtime and cxx_runtime.is_file() \
        else []
    include_paths = [str(header_directory()), *cuda_include_directories()]
    remove_stale_lock(build_directory)
    # torch writes the flags into a ninja file whose commands a shell runs:
    # paths are quoted. Only the compile and load are remembered when they
    # fail; the checks above are quick and run every time.
    def build() -> ModuleType:
        return cpp_extension.load(
            name=name,
            sources=[str(source) for source in SOURCES],
            extra_cflags=["-O2"],
            extra_include_paths=include_paths,
            extra_ldflags=[shlex.quote(flag) for flag in (
                *linked, f"-L{runtime.parent}", f"-l:{runtime.name}",
                f"-Wl,-rpath,{runtime.parent}")] + ["-lc10_cuda"],
            build_directory=str(build_directory),
            verbose=False,
            is_python_module=True)

    return build_once(build_directory, _build_key(), retry, build)


def _summary(error: BaseException, head: int = 500,
             tail: int = 1500) -> str:
    """An error's message, shortened in the middle where it is long: its
    start says what failed (and, for a build remembered as failed, how to
    retry), its end holds the reason a compiler's output ends with."""
    text = f"{type(error).__name__}: {error}".strip()
    if len(text) <= head + tail:
        return text
    return f"{text[:head]} ... {text[-tail:]}"


def load() -> Optional[ModuleType]:
    """Builds (if needed) and loads the C++ operator library, which defines
    torch.ops.ln.layer_norm_fwd and layer_norm_bwd, where LN_TORCH_OPS asks
    for it, and returns its Python module (its `layer_norm` is the eager
    call). Returns None otherwise, or where the build or the load failed
    (one RuntimeWarning says why): the caller then defines the operators in
    Python."""
    choice = os.environ.get(OPERATORS_ENV, "cpp").strip().lower()
    if choice == "python":
        return None
    if choice not in ("cpp", "cpp-only"):
        raise ValueError(f"{OPERATORS_ENV}={choice!r}: expected 'python', "
                         f"'cpp' or 'cpp-only'")
    import torch  # noqa: F401  (loads the C++ runtime it runs on)

    try:
        # One build per runtime: installs in several places do not rebuild
        # each other's library.
        tag = hashlib.sha256(
            str(_runtime.library_path()).encode()).hexdigest()[:8]
        name = f"ln_torch_ops_{tag}"
        return _build_and_load(name, _build_directory(name),
                               retry=choice == "cpp-only")
    except Exception as error:  # no compiler, no ninja, no headers, ...
        if choice == "cpp-only":
            raise
        warnings.warn(
            f"ln: the C++ operator library could not be built or loaded, so "
            f"torch.ops.ln runs its Python operators (same results, more "
            f"host time a call); set {OPERATORS_ENV}=python to skip the "
            f"build. {_summary(error)}", RuntimeWarning, stacklevel=2)
        return None
