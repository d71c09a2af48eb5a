"""Checks cluster_row_sums's output (ln-run kernel --out): X is iota, so row
r's sum is the sum of 1024 r .. 1024 r + 1023; each of the 8 programs of
its cluster must have written it. Usage: check-cluster-row-sums.py OUT"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "Tools", "Inputs"))
from ln_run_out import read_buffers  # noqa: E402

out = read_buffers(sys.argv[1], int)[1]
wrong = []
for index, got in enumerate(out):
    row = index // 8
    want = sum(range(1024 * row, 1024 * row + 1024))
    want = (want + 2**31) % 2**32 - 2**31  # i32 wraps
    if got != want:
        wrong.append((index, got, want))
if wrong:
    index, got, want = wrong[0]
    sys.exit(f"{len(wrong)} of {len(out)} sums wrong; first: Out[{index}] = "
             f"{got}, expected {want}")
print(f"cluster row sums: {len(out)} of {len(out)} right")
