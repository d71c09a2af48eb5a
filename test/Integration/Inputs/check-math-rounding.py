"""Checks math_rounding's output (ln-run kernel --out) bit for bit against
numpy's IEEE float32/float64 square root and division, which round
correctly: the values blk's semantics promise (docs/semantics.md)."""

import sys

import numpy as np


def read_arrays(path):
    arrays = []
    for line in open(path):
        if line.startswith("#"):
            dtype = {"f64": np.float64, "f16": np.float16}.get(
                line.split()[3].split("[")[0], np.float32)
            arrays.append(([], dtype))
        elif line.strip():
            arrays[-1][0].append(float(line))
    return [np.array(values, dtype=dtype) for values, dtype in arrays]


x, y, root, quotient, root64, root16 = read_arrays(sys.argv[1])
# numpy's f16 square root is taken in f32 and rounded to f16; f32 carries
# more than 2 * 11 + 2 bits, so that double rounding is the correct one.
x16 = x.astype(np.float16)
failures = 0
for name, got, want in [
    ("sqrt f32", root, np.sqrt(x)),
    ("x / y f32", quotient, x / y),
    ("sqrt f64", root64, np.sqrt(x.astype(np.float64))),
    ("sqrt f16", root16, np.sqrt(x16)),
]:
    bits = np.dtype("u%d" % got.itemsize)
    wrong = np.flatnonzero(got.view(bits) != want.view(bits))
    if len(wrong):
        i = wrong[0]
        print(f"{name}: {len(wrong)} of {len(got)} elements differ; first at "
              f"{i}: got {got[i]!r}, correctly rounded {want[i]!r}")
        failures += 1
    else:
        print(f"{name}: {len(got)} elements correctly rounded")
sys.exit(1 if failures else 0)
