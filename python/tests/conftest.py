"""Test setup: which `ln` the tests run against, and the runtime library.

An `ln` already importable (PYTHONPATH=dist/python, or an installed
package) is the one tested; otherwise the source tree's python/ln, which
finds the runtime library as the package does (build/lib in this checkout).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

if importlib.util.find_spec("ln") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ln import _runtime  # noqa: E402


@pytest.fixture(scope="session")
def runtime_library():
    """The loaded runtime library. Skips the test where it is not built,
    unless LN_REQUIRE_RUNTIME=1 (CI, after building it): then it fails."""
    try:
        return _runtime.library()
    except _runtime.LnLibraryError as error:
        if os.environ.get("LN_REQUIRE_RUNTIME") == "1":
            pytest.fail(f"LN_REQUIRE_RUNTIME=1 but the runtime library is "
                        f"unusable: {error}", pytrace=False)
        pytest.skip(f"runtime library not built: {error}")
