"""Makes the package importable from the source tree (tests run against
python/ln and find the runtime library as the package does)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
