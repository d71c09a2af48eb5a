"""ln.layer_norm against PyTorch and a float64 reference, on the GPU."""

import pytest

torch = pytest.importorskip("torch", reason="these tests need PyTorch")
if not torch.cuda.is_available():
    pytest.skip("these tests need a CUDA GPU", allow_module_level=True)

import ln  # noqa: E402

# Tolerances relative to the largest magnitude of the reference: about a few
# units in the last place of each dtype, so a wrong element cannot pass.
TOLERANCE = {torch.float16: 4e-3, torch.bfloat16: 3e-2, torch.float32: 1e-5}


def make_inputs(shape, dtype, device="cuda"):
    N = shape[-1]
    weight = torch.rand(N, dtype=dtype, device=device, requires_grad=True)
    bias = torch.rand(N, dtype=dtype, device=device, requires_grad=True)
    x = (-2.3 + 0.5 * torch.randn(shape, dtype=dtype, device=device))
    dy = 0.1 * torch.randn(shape, dtype=dtype, device=device)
    return x.requires_grad_(True), weight, bias, dy


def reference(x, weight, bias, dy, eps):
    """Forward and gradients in float64 from the same rounded inputs."""
    x64 = x.detach().double().requires_grad_(True)
    w64 = weight.detach().double().requires_grad_(True)
    b64 = bias.detach().double().requires_grad_(True)
    y = torch.nn.functional.layer_norm(x64, (x.shape[-1],), w64, b64, eps)
    y.backward(dy.double())
    return y.detach(), x64.grad, w64.grad, b64.grad


def assert_close(name, got, expected, dtype, scale=1.0):
    assert not torch.isnan(got).any(), f"{name} has NaNs (unwritten?)"
    error = (got.double() - expected).abs().max().item()
    allowed = TOLERANCE[dtype] * scale * max(expected.abs().max().item(), 1e-6)
    assert error <= allowed, f"{name}: max |error| {error:.3g} > {allowed:.3g}"


def run_ln(x, weight, bias, dy, eps):
    y = ln.layer_norm(x, (x.shape[-1],), weight, bias, eps)
    y.backward(dy)
    grads = [t.grad.clone() for t in (x, weight, bias)]
    for t in (x, weight, bias):
        t.grad = None
    return y.detach(), grads


def test_tutorial_check():
    """The seed's test_layer_norm(1151, 8192, torch.float16)."""
    torch.manual_seed(0)
    M, N, dtype, eps = 1151, 8192, torch.float16, 1e-5
    x, weight, bias, dy = make_inputs((M, N), dtype)
    y_ln, (dx_ln, dw_ln, db_ln) = run_ln(x, weight, bias, dy, eps)
    y_ref = torch.nn.functional.layer_norm(x, (N,), weight, bias, eps)
    y_ref.backward(dy)
    dx_ref, dw_ref, db_ref = [t.grad.clone() for t in (x, weight, bias)]
    assert torch.allclose(y_ln, y_ref, atol=1e-2, rtol=0)
    assert torch.allclose(dx_ln, dx_ref, atol=1e-2, rtol=0)
    assert torch.allclose(db_ln, db_ref, atol=1e-2, rtol=0)
    assert torch.allclose(dw_ln, dw_ref, atol=1e-2, rtol=0)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16,
                                   torch.float32])
@pytest.mark.parametrize("shape", [(1, 1), (3, 7), (1, 4096), (37, 1000),
                                   (256, 1536), (64, 5000), (4, 8, 768),
                                   (2, 3, 5, 96), (1024, 15872)])
def test_matches_float64(shape, dtype):
    x, weight, bias, dy = make_inputs(shape, dtype)
    y, (dx, dw, db) = run_ln(x, weight, bias, dy, 1e-5)
    y_ref, dx_ref, dw_ref, db_ref = reference(x, weight, bias, dy, 1e-5)
    rows = x.numel() // x.shape[-1]
    assert y.shape == x.shape and dx.shape == x.shape
    assert_close("y", y, y_ref, dtype)
    assert_close("dx", dx, dx_ref, dtype)
    # dw and db sum `rows` terms: allow the f32 accumulation to grow.
    assert_close("dw", dw, dw_ref, dtype, scale=1 + rows * 1e-4)
    assert_close("db", db, db_ref, dtype, scale=1 + rows * 1e-4)


@pytest.mark.parametrize("dtype", [torch.float16, torch.float32])
def test_strided_rows(dtype):
    """Rows of a wider tensor: no copy, and the padding is left alone."""
    wide = torch.randn(300, 1100, dtype=dtype, device="cuda")
    x = wide[:, :1000].detach().requires_grad_(True)
    weight = torch.rand(1000, dtype=dtype, device="cuda", requires_grad=True)
    bias = torch.rand(1000, dtype=dtype, device="cuda", requires_grad=True)
    dy = 0.1 * torch.randn(300, 1000, dtype=dtype, device="cuda")
    y, (dx, dw, db) = run_ln(x, weight, bias, dy, 1e-5)
    y_ref, dx_ref, dw_ref, db_ref = reference(x, weight, bias, dy, 1e-5)
    assert_close("y", y, y_ref, dtype)
    assert_close("dx", dx, dx_ref, dtype)
    assert_close("dw", dw, dw_ref, dtype, scale=1.03)


def test_module_matches_torch():
    torch.manual_seed(1)
    module = ln.nn.LayerNorm(2048, device="cuda", dtype=torch.float32)
    reference_module = torch.nn.LayerNorm(2048, device="cuda",
                                          dtype=torch.float32)
    with torch.no_grad():
        module.weight.uniform_()
        module.bias.uniform_()
        reference_module.weight.copy_(module.weight)
        reference_module.bias.copy_(module.bias)
    x = torch.randn(16, 33, 2048, device="cuda")
    torch.testing.assert_close(module(x), reference_module(x), atol=1e-5,
                               rtol=1e-5)
    module(x).sum().backward()
    reference_module(x).sum().backward()
    torch.testing.assert_close(module.weight.grad, reference_module.weight.grad,
                               atol=1e-3, rtol=1e-4)


def test_runs_on_the_current_stream():
    x, weight, bias, _ = make_inputs((512, 4096), torch.float16)
    stream = torch.cuda.Stream()
    with torch.cuda.stream(stream):
        y = ln.layer_norm(x.detach(), (4096,), weight.detach(), bias.detach())
    stream.synchronize()
    expected = torch.nn.functional.layer_norm(x.detach(), (4096,),
                                              weight.detach(), bias.detach())
    assert torch.allclose(y, expected, atol=1e-2, rtol=0)


def test_errors_name_the_problem():
    x = torch.randn(4, 8, device="cuda")
    w = torch.ones(8, device="cuda")
    with pytest.raises(ValueError, match="CUDA"):
        ln.layer_norm(x.cpu(), (8,), w.cpu(), w.cpu())
    with pytest.raises(TypeError, match="float64"):
        ln.layer_norm(x.double(), (8,), w.double(), w.double())
    with pytest.raises(ValueError, match="last dimension"):
        ln.layer_norm(x, (4, 8), w, w)
    with pytest.raises(ValueError, match="weight must have shape"):
        ln.layer_norm(x, (8,), torch.ones(7, device="cuda"), w)
    with pytest.raises(TypeError, match="bias is torch.float16"):
        ln.layer_norm(x, (8,), w, w.half())
    with pytest.raises(ln.LnUnsupported, match="64 KB"):
        big = torch.randn(2, 20000, device="cuda", requires_grad=True)
        ones = torch.ones(20000, device="cuda", requires_grad=True)
        ln.layer_norm(big, (20000,), ones, ones).sum().backward()
