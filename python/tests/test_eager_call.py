"""The C++ operator library's eager call (csrc/ln_torch_eager.cpp,
ln.ops.eager_layer_norm): what an eager ln.layer_norm runs, the arguments it
reads itself, those it leaves to torch.ops, and __torch_function__, which
the dispatcher it calls never sees."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch", reason="these tests need PyTorch")
np = pytest.importorskip("numpy", reason="these tests need numpy")
if not torch.cuda.is_available():
    pytest.skip("these tests need a CUDA GPU", allow_module_level=True)

from torch.overrides import TorchFunctionMode  # noqa: E402

import ln  # noqa: E402
import ln.functional  # noqa: E402
import ln.ops  # noqa: E402

native_only = pytest.mark.skipif(
    not ln.ops.native, reason="the C++ operator library is not loaded")


def inputs(shape=(4, 2, 32)):
    x = torch.randn(*shape, dtype=torch.float16, device="cuda")
    weight = torch.rand(shape[-1], dtype=torch.float16, device="cuda")
    bias = torch.rand(shape[-1], dtype=torch.float16, device="cuda")
    return x, weight, bias


def through_torch_ops(x, normalized_shape, weight, bias, eps):
    return torch.ops.ln.layer_norm_fwd(
        x, ln.ops.normalize_shape(normalized_shape), weight, bias,
        float(eps))[0]


@native_only
def test_an_eager_call_is_one_call_of_it(monkeypatch):
    """ln.layer_norm on plain tensors goes to the eager call, once, and not
    through torch.ops (whose Python side is what it saves)."""
    calls = []
    eager = ln.ops.eager_layer_norm

    def counted(*arguments):
        calls.append(arguments)
        return eager(*arguments)

    def refused(*arguments, **keywords):
        raise AssertionError("torch.ops.ln.layer_norm_fwd was called")

    monkeypatch.setattr(ln.ops, "eager_layer_norm", counted)
    monkeypatch.setattr(ln.functional, "_layer_norm_fwd", refused)
    x, weight, bias = inputs()
    y = ln.layer_norm(x, (32,), weight, bias)
    assert len(calls) == 1
    assert torch.equal(y, through_torch_ops(x, (32,), weight, bias, 1e-5))


@native_only
@pytest.mark.parametrize("normalized_shape, eps", [
    (32, 1e-5),
    ((32,), 0),
    ([32], 1e-3),
    (torch.Size([2, 32]), 1e-5),
    (np.int64(32), np.float64(1e-4)),
    ([np.int32(2), np.int64(32)], True),
])
@pytest.mark.parametrize("affine", ["both", "weight", "bias", "neither"])
def test_it_reads_the_arguments_torch_ops_reads(normalized_shape, eps,
                                                affine):
    """ints, numpy integers, lists, tuples and torch.Size as
    normalized_shape, floats and ints as eps, None for weight or bias: the
    y of torch.ops, bit for bit."""
    x, weight, bias = inputs()
    dims = 2 if isinstance(normalized_shape, torch.Size) or (
        isinstance(normalized_shape, list) and len(normalized_shape) == 2) \
        else 1
    if dims == 2:
        weight = torch.rand(2, 32, dtype=torch.float16, device="cuda")
        bias = torch.rand(2, 32, dtype=torch.float16, device="cuda")
    weight = weight if affine in ("both", "weight") else None
    bias = bias if affine in ("both", "bias") else None
    y = ln.ops.eager_layer_norm(x, normalized_shape, weight, bias, eps)
    assert y is not NotImplemented
    assert torch.equal(
        y, through_torch_ops(x, normalized_shape, weight, bias, eps))


def outcome(x, normalized_shape, weight, bias, eps):
    """ln.layer_norm's y, or its error's type and message."""
    try:
        return ln.layer_norm(x, normalized_shape, weight, bias, eps)
    except Exception as error:  # compared below, whatever it is
        return type(error), str(error)


@native_only
@pytest.mark.parametrize("case", [
    "shape as text", "shape as a numpy array", "weight as a list",
    "eps as text", "x as None", "x as a numpy array", "shape too large"])
def test_what_it_does_not_read_goes_through_torch_ops(case, monkeypatch):
    """For arguments it does not read it answers NotImplemented, and
    ln.layer_norm gives what torch.ops gives: the same y, or the same
    error and message."""
    x, weight, bias = inputs((4, 32))
    arguments = {
        "shape as text": (x, "32", weight, bias, 1e-5),
        "shape as a numpy array": (x, np.array([32]), weight, bias, 1e-5),
        "weight as a list": (x, (32,), [1.0] * 32, bias, 1e-5),
        "eps as text": (x, (32,), weight, bias, "0.001"),
        "x as None": (None, (32,), weight, bias, 1e-5),
        "x as a numpy array": (x.cpu().numpy(), (32,), None, None, 1e-5),
        "shape too large": (x, (1 << 64,), weight, bias, 1e-5),
    }[case]
    assert ln.ops.eager_layer_norm(*arguments) is NotImplemented
    fast = outcome(*arguments)
    monkeypatch.setattr(ln.functional, "eager_fast_path", False)
    slow = outcome(*arguments)
    if isinstance(slow, torch.Tensor):
        assert isinstance(fast, torch.Tensor) and torch.equal(fast, slow)
    else:
        assert fast == slow


class Recorded(torch.Tensor):
    """A tensor subclass that records the torch functions called on it."""

    calls: list = []

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        cls.calls.append(str(func))
        return super().__torch_function__(func, types, args, kwargs or {})


class Recording(TorchFunctionMode):
    """A mode that records the torch functions called under it."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.calls.append(str(func))
        return func(*args, **(kwargs or {}))


@pytest.mark.parametrize("where", ["x", "weight", "bias", "mode"])
def test_torch_function_sees_the_operator(where):
    """A __torch_function__ override (of any tensor argument, or a mode)
    sees ln::layer_norm_fwd, as it sees torch's layer_norm: the eager call,
    which goes straight to the dispatcher, steps aside."""
    plain = inputs((4, 32))
    Recorded.calls = []
    if where == "mode":
        with Recording() as mode:
            y = ln.layer_norm(plain[0], (32,), plain[1], plain[2])
        calls = mode.calls
    else:
        x, weight, bias = (
            tensor.as_subclass(Recorded) if name == where else tensor
            for name, tensor in zip(("x", "weight", "bias"), plain))
        y = ln.layer_norm(x, (32,), weight, bias)
        calls = Recorded.calls
    assert any("layer_norm_fwd" in call for call in calls), calls
    assert torch.equal(y.as_subclass(torch.Tensor),
                       through_torch_ops(plain[0], (32,), plain[1], plain[2],
                                         1e-5))
