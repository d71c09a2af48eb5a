"""Checks a LayerNorm forward kernel's output (ln-run kernel --out, its
buffers X, Y, W, B, Mean, Rstd in that order) against a float64 reference
computed from the same X, W and B: y, mean and rstd within `tolerance`
relative to their scale, and no output left unwritten (the run poisons
them with NaN). Usage: check-layer-norm-forward.py OUT M N STRIDE_X
STRIDE_Y TOLERANCE"""

import math
import sys

from ln_run_out import read_buffers

path, M, N, stride_x, stride_y = sys.argv[1], *map(int, sys.argv[2:6])
tolerance = float(sys.argv[6])
eps = 1e-5

x, y, w, b, means, rstds = read_buffers(path)

worst = (0.0, "")
for row in range(M):
    values = x[row * stride_x:row * stride_x + N]
    mean = math.fsum(values) / N
    var = math.fsum((v - mean) ** 2 for v in values) / N
    rstd = 1 / math.sqrt(var + eps)
    checks = [("mean", row, means[row], mean, max(1.0, abs(mean))),
              ("rstd", row, rstds[row], rstd, rstd)]
    for col in range(N):
        want = (values[col] - mean) * rstd * w[col] + b[col]
        checks.append(("y", (row, col), y[row * stride_y + col], want,
                       max(1.0, abs(want))))
    for name, where, got, want, scale in checks:
        error = abs(got - want) / scale if not math.isnan(got) else math.inf
        if error > worst[0]:
            worst = (error, f"{name}{where}: {got} against {want}")
if worst[0] > tolerance:
    sys.exit(f"FAIL: worst relative error {worst[0]:.3g} > {tolerance}: "
             f"{worst[1]}")
print(f"forward: {M} rows of {N} within {tolerance} "
      f"(worst {worst[0]:.3g})")
