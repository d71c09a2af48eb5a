"""ln.layer_norm as a PyTorch operator (torch.ops.ln.layer_norm_fwd/bwd):
opcheck, torch.compile, torch.export, CUDA graphs, autocast, and the inputs
torch.nn.functional.layer_norm accepts, on both of ln.layer_norm's paths
(the eager shortcut and the dispatcher)."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch", reason="these tests need PyTorch")
if not torch.cuda.is_available():
    pytest.skip("these tests need a CUDA GPU", allow_module_level=True)

import torch.nn.functional as F  # noqa: E402

import ln  # noqa: E402
import ln.functional  # noqa: E402
import ln.ops  # noqa: E402  (registers torch.ops.ln)

EPS = 1e-5
DTYPES = [torch.float16, torch.bfloat16, torch.float32]
# Units of roundoff of the output dtype allowed against float64 (float32
# computes with more terms in flight, hence more units).
ULPS = {torch.float16: 8, torch.bfloat16: 8, torch.float32: 256}


@pytest.fixture(params=["eager", "dispatcher"])
def path(request, monkeypatch):
    """Runs a test on ln.layer_norm's eager shortcut (with the C++
    operators, their library's eager call; with the Python ones, an
    autograd.Function), then with every call through torch.ops.ln."""
    monkeypatch.setattr(ln.functional, "eager_fast_path",
                        request.param == "eager")
    return request.param


def leaf(tensor, requires_grad=True):
    return tensor.detach().requires_grad_(requires_grad)


def check(x, normalized_shape, weight, bias, eps=EPS, dy=None):
    """ln.layer_norm's y and the gradients of every input that requires
    one match torch's layer_norm in float64 on the same (rounded) inputs,
    within a few units of roundoff of each result's dtype."""
    y = ln.layer_norm(x, normalized_shape, weight, bias, eps)
    inputs = [t for t in (x, weight, bias)
              if t is not None and t.requires_grad]
    doubles = [None if t is None else leaf(t.double(), t.requires_grad)
               for t in (x, weight, bias)]
    shape = (list(normalized_shape) if hasattr(normalized_shape, "__len__")
             else [int(normalized_shape)])
    y_ref = F.layer_norm(doubles[0], [int(n) for n in shape], doubles[1],
                         doubles[2], eps)
    assert y.dtype == x.dtype and y.shape == x.shape
    compare("y", y, y_ref)
    if not inputs:
        return
    dy = torch.randn_like(y) if dy is None else dy
    grads = torch.autograd.grad(y, inputs, dy)
    grads_ref = torch.autograd.grad(
        y_ref, [d for d, t in zip(doubles, (x, weight, bias))
                if t is not None and t.requires_grad], dy.double())
    for tensor, grad, grad_ref in zip(inputs, grads, grads_ref):
        assert grad.dtype == tensor.dtype and grad.shape == tensor.shape
        compare("grad", grad, grad_ref)


def compare(name, got, expected):
    ulps = ULPS[got.dtype]
    scale = expected.abs().max().item() if expected.numel() else 0.0
    # Sums over rows (dw, db) carry float32 accumulation error too.
    tolerance = ulps * torch.finfo(got.dtype).eps * scale + 1e-6 * scale
    error = (got.double() - expected).abs().max().item() if got.numel() else 0
    assert error <= tolerance, (f"{name}: max |error| {error:.3g} > "
                                f"{tolerance:.3g}")


#===----------------------------------------------------------------------===#
# The operators
#===----------------------------------------------------------------------===#


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("shape, normalized, affine", [
    ((4, 256), (256,), "both"),
    ((3, 5, 1000), (1000,), "weight"),
    ((2, 3, 8, 48), (8, 48), "bias"),
    ((64, 4096), (4096,), "none"),
], ids=str)
def test_opcheck(shape, normalized, affine, dtype):
    """torch.library.opcheck: schema, fake implementation, autograd
    registration, and aot_autograd with static and dynamic shapes."""
    torch.manual_seed(0)
    x = torch.randn(shape, dtype=dtype, device="cuda", requires_grad=True)
    weight = (torch.rand(normalized, dtype=dtype, device="cuda",
                         requires_grad=True)
              if affine in ("both", "weight") else None)
    bias = (torch.rand(normalized, dtype=dtype, device="cuda",
                       requires_grad=True)
            if affine in ("both", "bias") else None)
    torch.library.opcheck(torch.ops.ln.layer_norm_fwd.default,
                          (x, list(normalized), weight, bias, EPS))
    _, mean, rstd = torch.ops.ln.layer_norm_fwd(x, list(normalized), weight,
                                                bias, EPS)
    dy = torch.randn_like(x)
    for mask in ([True, True, True], [True, False, False],
                 [False, True, True]):
        torch.library.opcheck(
            torch.ops.ln.layer_norm_bwd.default,
            (dy, x.detach(), list(normalized), mean.detach(), rstd.detach(),
             None if weight is None else weight.detach(),
             None if bias is None else bias.detach(), mask))


def test_opcheck_mixed_dtypes():
    x = torch.randn(32, 512, dtype=torch.bfloat16, device="cuda",
                    requires_grad=True)
    weight = torch.rand(512, device="cuda", requires_grad=True)
    bias = torch.rand(512, device="cuda", requires_grad=True)
    torch.library.opcheck(torch.ops.ln.layer_norm_fwd.default,
                          (x, [512], weight, bias, EPS))


def test_backward_computes_what_is_asked():
    x = torch.randn(16, 384, device="cuda")
    weight = torch.rand(384, device="cuda")
    y, mean, rstd = torch.ops.ln.layer_norm_fwd(x, [384], weight, None, EPS)
    dx, dw, db = torch.ops.ln.layer_norm_bwd(
        torch.randn_like(y), x, [384], mean, rstd, weight, None,
        [False, True, True])
    assert dx.numel() == 0 and db.numel() == 0  # no bias: no db
    assert dw.shape == weight.shape


def test_the_backward_operator_checks_dy_and_the_statistics():
    """Whichever library defines it, and its fake alike: dy must be x's
    shape, dtype and device, mean and rstd M contiguous float32 values
    (the kernels read them as such)."""
    x = torch.randn(4, 8, device="cuda")
    weight = torch.ones(8, device="cuda")
    _, mean, rstd = torch.ops.ln.layer_norm_fwd(x, [8], weight, None, EPS)
    backward = torch.ops.ln.layer_norm_bwd
    mask = [True, True, False]
    dy_message = (r"dy must match x \(\[4, 8\], torch.float32, cuda:0\), "
                  r"got \[4, 8\], torch.float16, cuda:0")
    stats_message = "mean and rstd must be 4 contiguous float32 values"
    with pytest.raises(ValueError, match=dy_message):
        backward(x.half(), x, [8], mean, rstd, weight, None, mask)
    with pytest.raises(ValueError, match="dy must match x"):
        backward(x[:3], x, [8], mean, rstd, weight, None, mask)
    with pytest.raises(ValueError, match=stats_message):
        backward(x, x, [8], mean[:3], rstd, weight, None, mask)
    with pytest.raises(ValueError, match=stats_message):
        backward(x, x, [8], mean, rstd.double(), weight, None, mask)
    with pytest.raises(ValueError, match=stats_message):
        backward(x, x, [8], mean, torch.ones(8, device="cuda")[::2], weight,
                 None, mask)
    from torch._subclasses.fake_tensor import FakeTensorMode

    with FakeTensorMode() as mode:
        fakes = [mode.from_tensor(t) for t in (x, mean, rstd, weight)]
        with pytest.raises(ValueError, match=dy_message):
            backward(fakes[0].half(), fakes[0], [8], fakes[1], fakes[2],
                     fakes[3], None, mask)


def test_compile_fullgraph():
    """torch.compile traces ln.layer_norm and ln.nn.LayerNorm without a
    graph break, and the compiled forward and backward match eager."""
    torch.manual_seed(1)
    norm = ln.nn.LayerNorm(768, device="cuda")
    with torch.no_grad():
        norm.weight.uniform_()
        norm.bias.uniform_()

    def f(x):
        return torch.relu(norm(x) * 2.0) + ln.layer_norm(x, 768, eps=1e-6)

    explanation = torch._dynamo.explain(f)(torch.randn(8, 768,
                                                       device="cuda"))
    assert explanation.graph_break_count == 0, explanation.break_reasons
    compiled = torch.compile(f, fullgraph=True, dynamic=True)
    for rows in (8, 37):  # a second shape reuses the dynamic graph
        x = torch.randn(rows, 768, device="cuda", requires_grad=True)
        x_ref = leaf(x)
        y = compiled(x)
        y_ref = f(x_ref)
        torch.testing.assert_close(y, y_ref, atol=1e-5, rtol=1e-5)
        dy = torch.randn_like(y)
        y.backward(dy)
        x_grad, weight_grad = x.grad, norm.weight.grad.clone()
        norm.weight.grad = None
        y_ref.backward(dy)
        torch.testing.assert_close(x_grad, x_ref.grad, atol=1e-4, rtol=1e-4)
        torch.testing.assert_close(weight_grad, norm.weight.grad, atol=1e-4,
                                   rtol=1e-4)
        norm.zero_grad(set_to_none=True)


def test_export_shows_one_ln_operator():
    torch.manual_seed(2)

    class Block(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(256, 256)
            self.norm = ln.nn.LayerNorm(256)

        def forward(self, x):
            return self.norm(self.linear(x)).relu()

    block = Block().cuda()
    x = torch.randn(4, 10, 256, device="cuda")
    program = torch.export.export(block, (x,))
    targets = [node.target for node in program.graph.nodes
               if node.op == "call_function"
               and isinstance(node.target, torch._ops.OpOverload)
               and node.target.namespace == "ln"]
    assert targets == [torch.ops.ln.layer_norm_fwd.default], program.graph
    torch.testing.assert_close(program.module()(x), block(x))


# Persistent backward (12288: its sums in dynamic shared memory) and split.
@pytest.mark.parametrize("N", [4096, 12288, 20000])
def test_cuda_graph_through_the_dispatcher(N, monkeypatch):
    """The operators (every allocation from torch's allocator, on the
    current stream) captured into a CUDA graph and replayed on new
    inputs; test_layer_norm covers the eager shortcut."""
    monkeypatch.setattr(ln.functional, "eager_fast_path", False)
    torch.manual_seed(3)
    M, dtype = 256, torch.bfloat16
    x = torch.randn(M, N, dtype=dtype, device="cuda", requires_grad=True)
    weight = torch.rand(N, device="cuda", requires_grad=True)  # mixed
    dy = torch.randn(M, N, dtype=dtype, device="cuda")

    def step():
        y = ln.layer_norm(x, (N,), weight, None, EPS)
        return (y, *torch.autograd.grad(y, (x, weight), dy))

    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):  # warm up: modules load outside capture
        step()
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        outputs = step()
    with torch.no_grad():
        x.copy_(torch.randn_like(x))
        weight.copy_(torch.rand_like(weight))
        dy.copy_(torch.randn_like(dy))
    graph.replay()
    torch.cuda.synchronize()
    expected = step()
    for got, want in zip(outputs, expected):
        torch.testing.assert_close(got, want, atol=0, rtol=0)


#===----------------------------------------------------------------------===#
# Autocast
#===----------------------------------------------------------------------===#


@pytest.mark.parametrize("autocast_dtype", [torch.float16, torch.bfloat16],
                         ids=str)
@pytest.mark.parametrize("x_dtype", [torch.float16, torch.bfloat16,
                                     torch.float32], ids=str)
def test_autocast_matches_torch(path, x_dtype, autocast_dtype):
    """Under torch.autocast("cuda") layer_norm runs in float32 (torch's
    fp32 list): float32 output whatever the input's dtype, and gradients
    in each input's own dtype."""
    torch.manual_seed(4)
    x = torch.randn(64, 1024, dtype=x_dtype, device="cuda",
                    requires_grad=True)
    weight = torch.rand(1024, device="cuda", requires_grad=True)
    bias = torch.rand(1024, device="cuda", requires_grad=True)
    with torch.autocast("cuda", dtype=autocast_dtype):
        y = ln.layer_norm(x, (1024,), weight, bias, EPS)
        y_ref = F.layer_norm(x, (1024,), weight, bias, EPS)
    assert y.dtype == y_ref.dtype == torch.float32
    torch.testing.assert_close(y, y_ref, atol=1e-5, rtol=1e-5)
    dy = torch.randn_like(y)
    grads = torch.autograd.grad(y, (x, weight, bias), dy)
    grads_ref = torch.autograd.grad(y_ref, (x, weight, bias), dy)
    for grad, grad_ref in zip(grads, grads_ref):
        assert grad.dtype == grad_ref.dtype
        # float32 sums in another order; a 16-bit x.grad may round the
        # other way (torch's default tolerances allow one unit).
        tolerances = ({"atol": 1e-3, "rtol": 1e-3}
                      if grad.dtype == torch.float32 else {})
        torch.testing.assert_close(grad, grad_ref, **tolerances)


#===----------------------------------------------------------------------===#
# What torch.nn.functional.layer_norm accepts
#===----------------------------------------------------------------------===#


@pytest.mark.parametrize("x_dtype, parameter_dtype", [
    (torch.bfloat16, torch.float32), (torch.float16, torch.float32),
    (torch.float32, torch.bfloat16)], ids=str)
def test_parameters_of_another_dtype(path, x_dtype, parameter_dtype):
    """Output in x's dtype (torch's rule where it mixes dtypes; its CUDA
    kernel refuses them): the kernels read weight and bias cast to x's
    dtype, and their gradients come back in their own."""
    torch.manual_seed(5)
    x = leaf(torch.randn(128, 768, dtype=x_dtype, device="cuda"))
    weight = leaf(torch.rand(768, dtype=parameter_dtype, device="cuda"))
    bias = leaf(torch.rand(768, dtype=parameter_dtype, device="cuda"))
    y = ln.layer_norm(x, 768, weight, bias)
    assert y.dtype == x_dtype
    y.backward(torch.randn_like(y))
    assert weight.grad.dtype == bias.grad.dtype == parameter_dtype
    # Against the same computation with the parameters rounded to x's
    # dtype first, where ln's precision is that of x's dtype.
    check(x, 768, leaf(weight.to(x_dtype)), leaf(bias.to(x_dtype)))


@pytest.mark.parametrize("shape, normalized", [
    ((4, 6, 8, 32), (8, 32)),
    ((5, 3, 4, 100), (3, 4, 100)),
    ((2, 7, 3), (2, 7, 3)),  # everything: a single row
], ids=str)
def test_several_normalized_dimensions(path, shape, normalized):
    torch.manual_seed(6)
    x = leaf(torch.randn(shape, device="cuda"))
    check(x, normalized, leaf(torch.rand(normalized, device="cuda")),
          leaf(torch.rand(normalized, device="cuda")))


def test_normalized_dimensions_of_a_strided_tensor(path):
    """Trailing dimensions that do not collapse into contiguous rows are
    copied; rows a stride apart are read in place."""
    torch.manual_seed(7)
    base = torch.randn(6, 10, 12, 16, device="cuda")
    check(leaf(base[:, :, 2:10, :]), (8, 16), None, None)
    check(leaf(base.transpose(1, 2)), (10, 16), None, None)
    check(leaf(base[:, 3:7]), (12, 16), None, None)


def test_eps_zero(path):
    torch.manual_seed(8)
    x = leaf(torch.randn(64, 1000, device="cuda"))
    check(x, (1000,), leaf(torch.rand(1000, device="cuda")),
          leaf(torch.rand(1000, device="cuda")), eps=0.0)


def test_numpy_integers_in_shapes(path):
    np = pytest.importorskip("numpy")
    x = leaf(torch.randn(4, 8, 32, device="cuda"))
    check(x, np.int64(32), None, None)
    check(x, (np.int64(8), np.int32(32)), None, None)
    check(x, np.array([8, 32]), None, None)


@pytest.mark.parametrize("with_weight, with_bias", [
    (True, False), (False, True), (False, False)])
def test_weight_and_bias_are_optional(path, with_weight, with_bias):
    torch.manual_seed(9)
    x = leaf(torch.randn(96, 1536, dtype=torch.float16, device="cuda"))
    weight = leaf(torch.rand(1536, dtype=torch.float16, device="cuda"))
    bias = leaf(torch.rand(1536, dtype=torch.float16, device="cuda"))
    check(x, (1536,), weight if with_weight else None,
          bias if with_bias else None)


@pytest.mark.parametrize("requires_grad", [
    (True, False, False), (False, True, False), (False, False, True),
    (False, True, True), (True, True, False), (False, False, False)],
    ids=str)
def test_any_subset_of_inputs_requires_grad(path, requires_grad):
    torch.manual_seed(10)
    x, weight, bias = (
        leaf(tensor, flag) for tensor, flag in zip(
            (torch.randn(48, 2048, device="cuda"),
             torch.rand(2048, device="cuda"),
             torch.rand(2048, device="cuda")), requires_grad))
    check(x, (2048,), weight, bias)


@pytest.mark.parametrize("N", [1024, 6000, 20000])
def test_dx_alone_with_frozen_parameters(path, N):
    """weight and bias given but frozen, so that the operators pass no dw
    and db and the runtime skips their sums: dx stays right on the
    persistent, the locked and the split backward. (That NULL reaches the
    runtime is the GPU test DxAloneWithoutParameterGradients's and the
    no-GPU tests' to show; this one checks the numbers.)"""
    torch.manual_seed(11)
    x = leaf(torch.randn(40, N, device="cuda"))
    weight = torch.rand(N, device="cuda")
    bias = torch.rand(N, device="cuda")
    check(x, (N,), weight, bias)


@pytest.mark.parametrize("shape, normalized", [
    ((0, 256), (256,)), ((3, 0, 64), (64,)), ((4, 0), (0,)),
    ((2, 3, 0), (3, 0))], ids=str)
def test_zero_size(path, shape, normalized):
    """Empty outputs without a launch, as torch returns; the sums over no
    rows are zeros."""
    x = leaf(torch.randn(shape, device="cuda"))
    weight = leaf(torch.rand(normalized, device="cuda"))
    bias = leaf(torch.rand(normalized, device="cuda"))
    y = ln.layer_norm(x, normalized, weight, bias)
    assert y.shape == x.shape
    dx, dw, db = torch.autograd.grad(y, (x, weight, bias), torch.ones_like(y))
    assert dx.shape == x.shape
    assert torch.equal(dw, torch.zeros_like(weight))
    assert torch.equal(db, torch.zeros_like(bias))


def test_double_backward_is_refused(path, tmp_path, run_python):
    x = leaf(torch.randn(8, 64, device="cuda"))
    weight = leaf(torch.rand(64, device="cuda"))
    y = ln.layer_norm(x, (64,), weight)
    match = "ln.layer_norm is differentiable once"
    if path == "eager" and not ln.ops.native:
        # The eager node refuses to build a graph of its gradients at once:
        # dx would otherwise come back without one, and a second
        # derivative through it would be silently zero.
        with pytest.raises(RuntimeError, match=match):
            torch.autograd.grad(y, x, torch.randn_like(y), create_graph=True)
        return
    if ln.ops.native:
        # In a child process: a failure there must not end this one, and
        # the refusal is its first C++ exception (as it was when it aborted).
        result = run_python("""
            import torch, ln, ln.ops
            assert ln.ops.native
            x = torch.randn(8, 64, device="cuda", requires_grad=True)
            y = ln.layer_norm(x, (64,), torch.rand(64, device="cuda"))
            (dx,) = torch.autograd.grad(y, x, torch.randn_like(y),
                                        create_graph=True)
            try:
                dx.sum().backward()
            except RuntimeError as error:
                print(error, flush=True)  # a later abort loses no output
        """, tmp_path, LN_TORCH_OPS="cpp-only")
        assert result.returncode == 0, (f"exit status {result.returncode} "
                                         f"(-6: SIGABRT)\n"
                                         + result.stderr[-2000:])
        assert match in result.stdout
        return
    (dx,) = torch.autograd.grad(y, x, torch.randn_like(y), create_graph=True)
    with pytest.raises(RuntimeError, match=match):
        dx.sum().backward()
