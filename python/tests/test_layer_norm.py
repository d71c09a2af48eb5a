"""ln.layer_norm and ln.nn.LayerNorm on the GPU, against PyTorch and against
a float64 reference computed from the same rounded inputs."""

from __future__ import annotations

import ctypes
import math

import pytest

torch = pytest.importorskip("torch", reason="these tests need PyTorch")
if not torch.cuda.is_available():
    pytest.skip("these tests need a CUDA GPU", allow_module_level=True)

import torch.nn.functional as F  # noqa: E402

import ln  # noqa: E402
from ln import _runtime  # noqa: E402

DTYPES = [torch.float16, torch.bfloat16, torch.float32]
EPS = 1e-5


@pytest.fixture(autouse=True)
def poisoned_allocator():
    """Fills memory torch's caching allocator hands out next with NaNs, so
    that an output element a kernel fails to write shows up as NaN (0xFF..
    bytes are NaN in float16, bfloat16 and float32)."""
    blocks = [torch.empty(1 << 19, dtype=torch.uint8, device="cuda")
              for _ in range(64)]  # the allocator's small-block pool
    blocks.append(torch.empty(1 << 28, dtype=torch.uint8, device="cuda"))
    for block in blocks:
        block.fill_(0xFF)
    del blocks
    yield


def make_inputs(shape, dtype, device="cuda"):
    """The seed's data: x ~ -2.3 + 0.5 N(0, 1), weight and bias ~ U(0, 1),
    dy ~ 0.1 N(0, 1); x, weight and bias require grad."""
    N = shape[-1]
    weight = torch.rand(N, dtype=dtype, device=device, requires_grad=True)
    bias = torch.rand(N, dtype=dtype, device=device, requires_grad=True)
    x = -2.3 + 0.5 * torch.randn(shape, dtype=dtype, device=device)
    dy = 0.1 * torch.randn(shape, dtype=dtype, device=device)
    return x.requires_grad_(True), weight, bias, dy


def reference(x, weight, bias, dy):
    """y, dx, dw and db in float64 from the inputs as given (already
    rounded to their dtype)."""
    x64, w64, b64 = (t.detach().double().requires_grad_(True)
                     for t in (x, weight, bias))
    y = F.layer_norm(x64, (x.shape[-1],), w64, b64, EPS)
    y.backward(dy.double())
    return y.detach(), x64.grad, w64.grad, b64.grad


def run_ln(x, weight, bias, dy):
    """y, dx, dw and db from ln; leaves the inputs' grads empty."""
    y = ln.layer_norm(x, (x.shape[-1],), weight, bias, EPS)
    y.backward(dy)
    grads = [t.grad for t in (x, weight, bias)]
    for t in (x, weight, bias):
        t.grad = None
    return (y.detach(), *grads)


def unit_roundoff(dtype) -> float:
    return torch.finfo(dtype).eps / 2


def assert_close(name, got, expected, dtype, ulps, rows=1):
    """|got - expected| <= tolerance * max|expected|, elementwise, with a
    tolerance of `ulps` units of roundoff of `dtype` (the final rounding
    and float32 arithmetic on a few terms), plus, for sums over `rows`
    rows (dw, db), float32 accumulation error growing like sqrt(rows)."""
    assert got.shape == expected.shape, f"{name}: shape {tuple(got.shape)}"
    assert got.dtype == dtype, f"{name}: dtype {got.dtype}"
    bad = ~torch.isfinite(got)
    assert not bad.any(), (f"{name}: {int(bad.sum())} non-finite elements "
                           f"(unwritten?), first at "
                           f"{tuple(bad.nonzero()[0].tolist())}")
    scale = expected.abs().max().item()
    tolerance = (ulps * unit_roundoff(dtype)
                 + 16 * math.sqrt(rows) * unit_roundoff(torch.float32))
    error = (got.double() - expected).abs()
    worst = error.argmax().item()
    assert error.max().item() <= tolerance * scale, (
        f"{name}: max |error| {error.max().item():.3g} at flat index {worst} "
        f"(got {got.flatten()[worst].item():.6g}, expected "
        f"{expected.flatten()[worst].item():.6g}) exceeds "
        f"{tolerance:.2g} * max|expected| = {tolerance * scale:.3g}")


def check_against_float64(x, weight, bias, dy):
    """ln's y, dx, dw and db match the float64 reference, within a few
    units of roundoff of x's dtype (float32 computes with more terms in
    flight, hence more units)."""
    dtype = x.dtype
    ulps = 64 if dtype == torch.float32 else 4
    rows = x.numel() // x.shape[-1]
    y, dx, dw, db = run_ln(x, weight, bias, dy)
    y_ref, dx_ref, dw_ref, db_ref = reference(x, weight, bias, dy)
    assert_close("y", y, y_ref, dtype, ulps)
    assert_close("dx", dx, dx_ref, dtype, ulps)
    assert_close("dw", dw, dw_ref, dtype, ulps, rows)
    assert_close("db", db, db_ref, dtype, ulps, rows)


#===----------------------------------------------------------------------===#
# The seed's check, and the shape/dtype matrix
#===----------------------------------------------------------------------===#


def test_tutorial_check():
    """The seed's test_layer_norm(1151, 8192, torch.float16): ln against
    torch.nn.functional.layer_norm, forward and backward, atol 1e-2."""
    torch.manual_seed(0)
    M, N, dtype = 1151, 8192, torch.float16
    x, weight, bias, dy = make_inputs((M, N), dtype)
    w_shape = (N,)
    y_ln = ln.layer_norm(x, w_shape, weight, bias, EPS)
    y_ref = F.layer_norm(x, w_shape, weight, bias, EPS).to(dtype)
    y_ln.backward(dy, retain_graph=True)
    dx_ln, dw_ln, db_ln = [t.grad.clone() for t in (x, weight, bias)]
    x.grad, weight.grad, bias.grad = None, None, None
    y_ref.backward(dy, retain_graph=True)
    dx_ref, dw_ref, db_ref = [t.grad.clone() for t in (x, weight, bias)]
    assert torch.allclose(y_ln, y_ref, atol=1e-2, rtol=0)
    assert torch.allclose(dx_ln, dx_ref, atol=1e-2, rtol=0)
    assert torch.allclose(db_ln, db_ref, atol=1e-2, rtol=0)
    assert torch.allclose(dw_ln, dw_ref, atol=1e-2, rtol=0)


SHAPES = [
    (1, 1),  # a single element: y = bias
    (3, 7),  # tiny, odd N
    (1, 4096),  # M = 1
    (37, 1000),  # N no power of two nor multiple of 16, rows 16-byte aligned
    (37, 1001),  # rows not 16-byte aligned: the generic kernels
    (256, 1536),
    (64, 5000),
    (48, 12345),  # unaligned rows on the persistent forward's own block
    (5000, 64),  # many short rows: M not a multiple of the rows per program
    (1151, 8192),
    (1024, 15872),  # the benchmark's widest row
    (4, 8, 768),  # 3-D
    (2, 3, 5, 96),  # 4-D
    (4095,),  # 1-D: a single row
]


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_matches_float64(shape, dtype):
    torch.manual_seed(sum(shape))
    check_against_float64(*make_inputs(shape, dtype))


@pytest.fixture
def backward_algorithm(request):
    """Runs the test under request.param's backward algorithm, then puts
    the process back on the default."""
    _runtime.set_backward_algorithm(request.param)
    yield request.param
    _runtime.set_backward_algorithm(_runtime.BackwardAlgorithm.AUTO)


@pytest.mark.parametrize("backward_algorithm",
                         list(_runtime.BackwardAlgorithm), indirect=True,
                         ids=lambda a: a.name.lower())
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("shape", [(3, 7), (1000, 1024), (5000, 64),
                                   (300, 4096), (200, 5000)], ids=str)
def test_backward_algorithms_match_float64(shape, dtype, backward_algorithm):
    """Each way of summing dw and db (persistent partial rows up to 4096
    features, 5120 for f16 and bf16, the tutorial's locked rows up to 8192)
    against float64."""
    torch.manual_seed(sum(shape))
    check_against_float64(*make_inputs(shape, dtype))


def test_backward_algorithm_out_of_the_enum_is_refused():
    with pytest.raises(ln.LnInvalidArgument, match="backward algorithm 7"):
        _runtime.set_backward_algorithm(7)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("N", [8193, 16384, 40000])
def test_wide_rows(N, dtype):
    """Rows past 8192: f16 and bf16 ones up to 16384 (11264 unaligned, as
    8193 is), f32 ones to 14336 (10240 unaligned), run the persistent
    backward with its dw/db sums in shared memory; the others dx alone,
    then dw/db over slabs of rows, the dx kernel looping over rows past its
    block."""
    check_against_float64(*make_inputs((48, N), dtype))


#===----------------------------------------------------------------------===#
# Layouts
#===----------------------------------------------------------------------===#


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("width, start", [
    (1100, 0),  # rows 1100 elements apart: unaligned row stride
    (1024 + 64, 0),  # rows 16-element aligned
    (1100, 3),  # a misaligned first element
])
def test_strided_rows_are_read_in_place(dtype, width, start):
    """x and dy as slices of wider tensors: the kernels read them with their
    row stride, without a copy."""
    torch.manual_seed(width + start)
    N = 1000
    x_wide, weight, bias, dy_wide = make_inputs((300, width), dtype)
    x = x_wide.detach()[:, start:start + N].requires_grad_(True)
    dy = dy_wide[:, start:start + N]
    weight, bias = (t.detach()[:N].requires_grad_(True) for t in (weight, bias))
    with torch.profiler.profile(
            activities=[torch.profiler.ProfilerActivity.CPU]) as profile:
        y = ln.layer_norm(x, (N,), weight, bias, EPS)
        torch.autograd.grad(y, (x, weight, bias), dy)
    copies = [event.name for event in profile.events()
              if event.name == "aten::copy_"]
    assert not copies, "x or dy was copied"
    check_against_float64(x, weight, bias, dy)


@pytest.mark.parametrize("base_shape, make_x", [
    ((64, 300), lambda t: t.t()),  # last dimension not contiguous
    ((6, 50, 64), lambda t: t[:, :25]),  # leading dimensions that do not
                                         # collapse into one stride
    ((1, 64), lambda t: t.expand(300, 64)),  # overlapping rows (stride 0)
], ids=["transposed", "uncollapsible", "expanded"])
def test_other_layouts_are_copied(base_shape, make_x):
    torch.manual_seed(2)
    source = -2.3 + 0.5 * torch.randn(base_shape, device="cuda")
    x = make_x(source).requires_grad_(True)
    N = x.shape[-1]
    weight = torch.rand(N, device="cuda", requires_grad=True)
    bias = torch.rand(N, device="cuda", requires_grad=True)
    dy = 0.1 * torch.randn(x.shape, device="cuda")
    check_against_float64(x, weight, bias, dy)


def test_expanded_gradient():
    """y.sum().backward() hands the backward pass a stride-0 dy."""
    torch.manual_seed(3)
    x, weight, bias, _ = make_inputs((64, 512), torch.float32)
    ln.layer_norm(x, (512,), weight, bias, EPS).sum().backward()
    dy = torch.ones(64, 512, device="cuda")
    dx, dw, db = x.grad, weight.grad, bias.grad
    _, dx_ref, dw_ref, db_ref = reference(x, weight, bias, dy)
    assert_close("dx", dx, dx_ref, torch.float32, 64)
    assert_close("dw", dw, dw_ref, torch.float32, 64, rows=64)
    assert_close("db", db, db_ref, torch.float32, 64, rows=64)


def test_output_can_be_modified_in_place():
    """A residual added in place to the output (x = norm(x); x += r)."""
    torch.manual_seed(8)
    x, weight, bias, dy = make_inputs((64, 768), torch.float32)
    residual = torch.randn(64, 768, device="cuda")
    y = ln.layer_norm(x, (768,), weight, bias, EPS)
    y += residual
    y.backward(dy)
    y_ref, dx_ref, dw_ref, db_ref = reference(x, weight, bias, dy)
    assert_close("y", y.detach() - residual, y_ref, torch.float32, 64)
    assert_close("dx", x.grad, dx_ref, torch.float32, 64)
    assert_close("dw", weight.grad, dw_ref, torch.float32, 64, rows=64)


def test_empty_input():
    x = torch.empty(0, 3, 256, device="cuda", requires_grad=True)
    weight = torch.rand(256, device="cuda", requires_grad=True)
    bias = torch.rand(256, device="cuda", requires_grad=True)
    y = ln.layer_norm(x, 256, weight, bias)
    assert y.shape == x.shape
    y.backward(torch.empty_like(y))
    assert x.grad.shape == x.shape
    assert torch.equal(weight.grad, torch.zeros_like(weight))
    assert torch.equal(bias.grad, torch.zeros_like(bias))


def test_without_weight_and_bias():
    torch.manual_seed(4)
    x = (-2.3 + 0.5 * torch.randn(128, 3000, device="cuda")).requires_grad_()
    dy = 0.1 * torch.randn_like(x)
    y = ln.layer_norm(x, (3000,))
    y.backward(dy)
    x64 = x.detach().double().requires_grad_(True)
    y_ref = F.layer_norm(x64, (3000,), eps=EPS)
    y_ref.backward(dy.double())
    assert_close("y", y.detach(), y_ref.detach(), torch.float32, 64)
    assert_close("dx", x.grad, x64.grad, torch.float32, 64)


#===----------------------------------------------------------------------===#
# Streams and devices
#===----------------------------------------------------------------------===#


def test_runs_on_the_current_stream():
    """Work queued on a side stream behind a long sleep must precede ln's
    kernels on that stream, forward and backward; kernels on any other
    stream would race with it and see stale inputs."""
    torch.manual_seed(5)
    x_source, weight, bias, dy_source = make_inputs((512, 4096),
                                                    torch.float16)
    x = torch.zeros_like(x_source).requires_grad_(True)
    dy = torch.zeros_like(dy_source)
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        torch.cuda._sleep(100_000_000)  # about 50 ms
        with torch.no_grad():
            x.copy_(x_source)
        y = ln.layer_norm(x, (4096,), weight, bias, EPS)
        torch.cuda._sleep(100_000_000)
        dy.copy_(dy_source)
        y.backward(dy)
    torch.cuda.current_stream().wait_stream(stream)
    y_ref, dx_ref, dw_ref, db_ref = reference(x_source, weight, bias,
                                              dy_source)
    assert_close("y", y.detach(), y_ref, torch.float16, 4)
    assert_close("dx", x.grad, dx_ref, torch.float16, 4)
    assert_close("dw", weight.grad, dw_ref, torch.float16, 4, rows=512)


# Persistent backward (12288: its sums in dynamic shared memory) and split.
@pytest.mark.parametrize("N", [4096, 12288, 20000])
def test_cuda_graph_capture_and_replay(N):
    """Forward and backward captured in one CUDA graph, then replayed on
    new inputs copied into the captured tensors: every launch (and the
    workspace, from torch's graph pool) must be capturable, and the replay
    must compute from the new values."""
    torch.manual_seed(7)
    M, dtype = 256, torch.float16
    x, weight, bias, dy = make_inputs((M, N), dtype)
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):  # warm up: modules load outside capture
        ln.layer_norm(x, (N,), weight, bias, EPS).backward(dy)
    torch.cuda.current_stream().wait_stream(side)
    for tensor in (x, weight, bias):
        tensor.grad = None
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        y = ln.layer_norm(x, (N,), weight, bias, EPS)
        dx, dw, db = torch.autograd.grad(y, (x, weight, bias), dy)
    fresh = make_inputs((M, N), dtype)
    with torch.no_grad():
        for static, new in zip((x, weight, bias, dy), fresh):
            static.copy_(new)
    graph.replay()
    torch.cuda.synchronize()
    y_ref, dx_ref, dw_ref, db_ref = reference(*fresh)
    assert_close("y", y.detach(), y_ref, dtype, 4)
    assert_close("dx", dx, dx_ref, dtype, 4)
    assert_close("dw", dw, dw_ref, dtype, 4, rows=M)
    assert_close("db", db, db_ref, dtype, 4, rows=M)


@pytest.mark.skipif(torch.cuda.device_count() < 2, reason="needs 2 GPUs")
def test_runs_on_the_tensors_device():
    """With device 0 current, tensors on device 1 are computed there."""
    torch.manual_seed(6)
    with torch.cuda.device(0):
        check_against_float64(*make_inputs((256, 2048), torch.float16,
                                           device="cuda:1"))


#===----------------------------------------------------------------------===#
# The module
#===----------------------------------------------------------------------===#


@pytest.mark.parametrize("elementwise_affine, bias", [
    (True, True), (True, False), (False, False)])
def test_module_matches_torch(elementwise_affine, bias):
    torch.manual_seed(7)
    options = dict(elementwise_affine=elementwise_affine, bias=bias,
                   device="cuda", dtype=torch.float32)
    module = ln.nn.LayerNorm(2048, **options)
    expected = torch.nn.LayerNorm(2048, **options)
    with torch.no_grad():
        for ours, theirs in zip(module.parameters(), expected.parameters()):
            ours.uniform_()
            theirs.copy_(ours)
    assert module.state_dict().keys() == expected.state_dict().keys()
    x = torch.randn(16, 33, 2048, device="cuda", requires_grad=True)
    x_ref = x.detach().clone().requires_grad_(True)
    torch.testing.assert_close(module(x), expected(x_ref), atol=1e-5,
                               rtol=1e-5)
    module(x).square().sum().backward()
    expected(x_ref).square().sum().backward()
    torch.testing.assert_close(x.grad, x_ref.grad, atol=1e-4, rtol=1e-4)
    for ours, theirs in zip(module.parameters(), expected.parameters()):
        torch.testing.assert_close(ours.grad, theirs.grad, atol=1e-3,
                                   rtol=1e-4)


#===----------------------------------------------------------------------===#
# Errors
#===----------------------------------------------------------------------===#


def test_errors_name_the_problem():
    x = torch.randn(4, 8, device="cuda")
    w = torch.ones(8, device="cuda")
    with pytest.raises(TypeError, match="x must be a torch.Tensor"):
        ln.layer_norm([[1.0] * 8], (8,))
    with pytest.raises(ValueError, match="runs on CUDA tensors, but x is on "
                                         "cpu"):
        ln.layer_norm(x.cpu(), (8,), w.cpu(), w.cpu())
    with pytest.raises(TypeError, match="x is torch.float64"):
        ln.layer_norm(x.double(), (8,), w.double(), w.double())
    with pytest.raises(ValueError, match=r"normalized_shape \[2, 8\] must "
                                         r"equal the last dimensions of x"):
        ln.layer_norm(x, (2, 8), w, w)
    with pytest.raises(ValueError, match=r"normalized_shape \[7\] must"):
        ln.layer_norm(x, 7, w, w)
    with pytest.raises(ValueError, match=r"weight must have shape \[8\]"):
        ln.layer_norm(x, (8,), torch.ones(7, device="cuda"), w)
    with pytest.raises(ValueError, match=r"bias must have shape \[8\]"):
        ln.layer_norm(x, (8,), w, torch.ones(1, 8, device="cuda"))
    with pytest.raises(ValueError, match="weight is on cpu but x is on cuda"):
        ln.layer_norm(x, (8,), w.cpu(), w)
    with pytest.raises(TypeError, match="bias must be a floating-point "
                                        "tensor, got torch.int32"):
        ln.layer_norm(x, (8,), w, w.int())
    with pytest.raises(ValueError, match="at least one dimension"):
        ln.layer_norm(torch.tensor(1.0, device="cuda"), ())
    with pytest.raises(ln.LnInvalidArgument, match="eps must be"):
        ln.layer_norm(x, (8,), w, w, eps=-1.0)


#===----------------------------------------------------------------------===#
# The generic launcher
#===----------------------------------------------------------------------===#

ADD_ONE_PTX = """
.version 8.0
.target sm_90
.address_size 64

.visible .entry add_one(.param .u64 data, .param .u32 count)
{
  .reg .pred %p<2>;
  .reg .b32 %r<6>;
  .reg .b64 %rd<5>;
  .reg .f32 %f<3>;
  ld.param.u64 %rd1, [data];
  ld.param.u32 %r1, [count];
  mov.u32 %r2, %ctaid.x;
  mov.u32 %r3, %ntid.x;
  mov.u32 %r4, %tid.x;
  mad.lo.s32 %r5, %r2, %r3, %r4;
  setp.ge.u32 %p1, %r5, %r1;
  @%p1 bra DONE;
  cvta.to.global.u64 %rd2, %rd1;
  mul.wide.u32 %rd3, %r5, 4;
  add.s64 %rd4, %rd2, %rd3;
  ld.global.f32 %f1, [%rd4];
  add.f32 %f2, %f1, 0f3F800000;
  st.global.f32 [%rd4], %f2;
DONE:
  ret;
}
"""


@pytest.mark.skipif(torch.cuda.get_device_capability() < (9, 0),
                    reason="the PTX targets sm_90")
def test_launch_ptx_on_torch_tensors():
    from ln import _runtime

    data = torch.arange(1000, dtype=torch.float32, device="cuda")
    for _ in range(2):  # the second launch reuses the loaded module
        _runtime.launch_ptx(
            ADD_ONE_PTX, "add_one", grid=(4,), block=(256,),
            arguments=[ctypes.c_void_p(data.data_ptr()), ctypes.c_uint32(1000)],
            stream=torch.cuda.current_stream().cuda_stream)
    torch.testing.assert_close(
        data, torch.arange(1000, dtype=torch.float32, device="cuda") + 2)
    with pytest.raises(ln.LnCudaError, match="missing_entry"):
        _runtime.launch_ptx(ADD_ONE_PTX, "missing_entry", grid=(1,),
                            block=(1,))
