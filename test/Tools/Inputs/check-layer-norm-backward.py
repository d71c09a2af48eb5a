"""Checks a LayerNorm backward dx kernel with partial dw/db rows (ln-run
kernel --out, its buffers DX, DY, DW, DB, X, W, Mean, Rstd in that order)
against a float64 reference from the same DY, X, W, Mean and Rstd: dx
within `tolerance` relative to its scale, and dw and db as the sums of the
PARTIALS partial rows, none left unwritten (the run poisons DX, DW and DB
with NaN; partial rows past the last are not read). Usage:
check-layer-norm-backward.py OUT M N STRIDE PARTIALS TOLERANCE"""

import math
import sys

from ln_run_out import read_buffers

path, M, N, stride, partials = sys.argv[1], *map(int, sys.argv[2:6])
tolerance = float(sys.argv[6])

dx, dy, dw, db, x, w, means, rstds = read_buffers(path)

worst = (0.0, "")


def check(name, where, got, want, scale):
    global worst
    error = abs(got - want) / scale if not math.isnan(got) else math.inf
    if error > worst[0]:
        worst = (error, f"{name}{where}: {got} against {want}")


dw_want, db_want = [0.0] * N, [0.0] * N
for row in range(M):
    base = row * stride
    x_hat = [(x[base + c] - means[row]) * rstds[row] for c in range(N)]
    wdy = [w[c] * dy[base + c] for c in range(N)]
    c1 = math.fsum(h * g for h, g in zip(x_hat, wdy)) / N
    c2 = math.fsum(wdy) / N
    for c in range(N):
        want = (wdy[c] - (x_hat[c] * c1 + c2)) * rstds[row]
        check("dx", (row, c), dx[base + c], want, max(1.0, abs(want)))
        dw_want[c] += dy[base + c] * x_hat[c]
        db_want[c] += dy[base + c]
for c in range(N):
    got_dw = sum(dw[p * N + c] for p in range(partials))
    got_db = sum(db[p * N + c] for p in range(partials))
    check("dw", c, got_dw, dw_want[c], max(1.0, abs(dw_want[c])))
    check("db", c, got_db, db_want[c], max(1.0, abs(db_want[c])))
if worst[0] > tolerance:
    sys.exit(f"FAIL: worst relative error {worst[0]:.3g} > {tolerance}: "
             f"{worst[1]}")
print(f"backward: {M} rows of {N}, {partials} partial rows, within "
      f"{tolerance} (worst {worst[0]:.3g})")
