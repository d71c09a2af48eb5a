"""Test setup: which `ln` the tests run against, and the runtime library.

An `ln` already importable (PYTHONPATH=dist/python, or an installed
package) is the one tested; otherwise the source tree's python/ln, which
finds the runtime library as the package does (build/lib in this checkout).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

if importlib.util.find_spec("ln") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ln import _runtime  # noqa: E402


def _skip_or_fail(reason: str) -> None:
    """Skips, unless LN_REQUIRE_RUNTIME=1 (CI, after building the runtime
    with its kernels): then fails."""
    if os.environ.get("LN_REQUIRE_RUNTIME") == "1":
        pytest.fail(f"LN_REQUIRE_RUNTIME=1, but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def runtime_library():
    """The loaded runtime library (skip or failure where it is not built)."""
    try:
        return _runtime.library()
    except _runtime.LnLibraryError as error:
        _skip_or_fail(f"the runtime library is not usable: {error}")


@pytest.fixture(scope="session")
def kernels_embedded(runtime_library):
    """The runtime library, built with the LayerNorm kernels (not with
    LN_BUILD_COMPILER=OFF, which embeds none)."""
    if _runtime.layer_norm_backward_workspace_size(
            _runtime.DType.F16, 4096, 1024) == 0:
        _skip_or_fail(f"{_runtime.library_path()} embeds no kernels "
                      f"(built with LN_BUILD_COMPILER=OFF)")
    return runtime_library


def _run_python(code: str, cwd: Path, timeout: float = 600,
                **environment: str) -> subprocess.CompletedProcess:
    """Runs `code` (dedented) in a fresh interpreter, in `cwd`, that
    imports the `ln` under test (its package first on PYTHONPATH), with
    `environment` added; LN_TORCH_OPS only where `environment` gives it,
    so that each child chooses its operators explicitly."""
    import ln

    env = {key: value for key, value in os.environ.items()
           if key != "LN_TORCH_OPS"}
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(ln.__file__).resolve().parents[1])]
        + [path for path in [os.environ.get("PYTHONPATH")] if path])
    env.update(environment)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)],
                          capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=timeout)


@pytest.fixture
def run_python():
    """_run_python: a child interpreter on the `ln` under test."""
    return _run_python
