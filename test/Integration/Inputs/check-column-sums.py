"""Checks column_sums's output (ln-run kernel --out): row p of S must be
the float32 sum, in row order, of rows p, p + P, ... of X, bit for bit
(each column is a chain of f32 additions, the same on any machine).
Usage: check-column-sums.py OUT PROGRAMS"""

import array
import sys

N = 16384


def f32(values):
    """The values rounded to float32, as Python floats."""
    return array.array("f", values).tolist()


arrays = []
for line in open(sys.argv[1]):
    if line.startswith("#"):
        arrays.append([])
    elif line.strip():
        arrays[-1].append(float(line))
x, s = f32(arrays[0]), f32(arrays[1])
programs = int(sys.argv[2])
expected = [[0.0] * N for _ in range(programs)]
for row in range(len(x) // N):
    sums = expected[row % programs]
    sums[:] = f32(a + b for a, b in zip(sums, x[row * N:(row + 1) * N]))
wrong = [i for i, (got, want) in enumerate(
    zip(s, (v for sums in expected for v in sums))) if not got == want]
if wrong:
    first = wrong[0]
    print("%d of %d sums differ; first at program %d, column %d: %r, "
          "expected %r" % (len(wrong), len(s), first // N, first % N,
                           s[first], expected[first // N][first % N]))
    sys.exit(1)
print("column sums: %d programs x %d columns exact" % (programs, N))
