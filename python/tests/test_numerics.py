"""f32 accuracy of ln's backward pass against torch's, both measured against
a float64 reference from the same rounded inputs (docs/kernel.md,
"Summation order").

For each shape, data set and backward algorithm: the error of dx, dw and db
is max |got - float64| / max |float64|; ln's must be no worse than
torch.nn.functional.layer_norm's f32 error on the same inputs (with a
slack: both are maxima of sums of independent roundings, taken in
different orders), and within an absolute bound.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch", reason="these tests need PyTorch")
if not torch.cuda.is_available():
    pytest.skip("these tests need a CUDA GPU", allow_module_level=True)

import torch.nn.functional as F  # noqa: E402

import ln  # noqa: E402
from ln import _runtime  # noqa: E402

EPS = 1e-5
U32 = torch.finfo(torch.float32).eps / 2

# ln's error may exceed torch's by a quarter (the roundings of the
# backward sums, taken in other orders, are of the same size as torch's
# and can be a little larger on one draw), plus 2 units of f32 roundoff for
# a draw where torch's own error is near zero.
SLACK = 1.25
FLOOR = 2 * U32

# Absolute bounds, relative to max |float64|. With x = 1e4 + N(0, 1) the
# f32 mean is off by up to half its ulp (2^-11 at 1e4, against a spread
# of 1) however it is summed, and x_hat, hence dw, inherits the shift: the
# bound on dw is that half ulp (ln, shifted, reaches about 0.6 of it;
# torch's Welford mean and an unshifted f32 sum reach or pass it). dx
# sees the shift through its small c1 term only. The tutorial's data has a
# mean near its spread: every error is a few f32 roundings.
BOUNDS = {
    "large_mean": {"dx": 1e-4, "dw": 2.0 ** -11, "db": 1e-5},
    "tutorial": {"dx": 16 * U32, "dw": 32 * U32, "db": 1e-5},
}


def make(shape, data, generator):
    M, N = shape
    if data == "large_mean":
        x = 1e4 + torch.randn(shape, dtype=torch.float64, device="cuda",
                              generator=generator)
    else:
        x = -2.3 + 0.5 * torch.randn(shape, dtype=torch.float64,
                                     device="cuda", generator=generator)
    weight = torch.rand(N, dtype=torch.float64, device="cuda",
                        generator=generator)
    bias = torch.rand(N, dtype=torch.float64, device="cuda",
                      generator=generator)
    dy = 0.1 * torch.randn(shape, dtype=torch.float64, device="cuda",
                           generator=generator)
    return [t.float() for t in (x, weight, bias, dy)]


def gradients(layer_norm, x, weight, bias, dy):
    leaves = [t.detach().clone().requires_grad_(True) for t in (x, weight,
                                                             bias)]
    y = layer_norm(leaves[0], (x.shape[-1],), leaves[1], leaves[2], EPS)
    y.backward(dy.to(y.dtype))
    return [t.grad for t in leaves]


def relative_error(got, expected):
    return ((got.double() - expected).abs().max()
            / expected.abs().max()).item()


@pytest.fixture
def backward_algorithm(request):
    _runtime.set_backward_algorithm(request.param)
    yield request.param
    _runtime.set_backward_algorithm(_runtime.BackwardAlgorithm.AUTO)


@pytest.mark.parametrize("backward_algorithm",
                         [_runtime.BackwardAlgorithm.PARTIAL_ROWS,
                          _runtime.BackwardAlgorithm.LOCKED],
                         indirect=True, ids=lambda a: a.name.lower())
@pytest.mark.parametrize("data", ["large_mean", "tutorial"])
@pytest.mark.parametrize("shape", [(4096, 1024), (4096, 4096), (4096, 8192),
                                   (4096, 15872), (32768, 1024)], ids=str)
def test_f32_backward_no_worse_than_torch(shape, data, backward_algorithm):
    generator = torch.Generator(device="cuda").manual_seed(sum(shape))
    x, weight, bias, dy = make(shape, data, generator)
    reference = gradients(F.layer_norm, *(t.double() for t in (x, weight,
                                                              bias, dy)))
    ours = gradients(ln.layer_norm, x, weight, bias, dy)
    theirs = gradients(F.layer_norm, x, weight, bias, dy)
    report = []
    for name, got, torch_got, expected in zip(("dx", "dw", "db"), ours,
                                              theirs, reference):
        error = relative_error(got, expected)
        torch_error = relative_error(torch_got, expected)
        report.append(f"{name}: ln {error:.3g}, torch {torch_error:.3g}")
        assert error <= SLACK * torch_error + FLOOR, "; ".join(report)
        assert error <= BOUNDS[data][name], "; ".join(report)
