"""The backward pass's runtime-owned workspace (a NULL workspace through the
C API): shared safely by threads, refused under CUDA-graph capture, released
on request, and flat in device memory over many calls."""

from __future__ import annotations

import threading

import pytest

torch = pytest.importorskip("torch", reason="these tests need PyTorch")
if not torch.cuda.is_available():
    pytest.skip("these tests need a CUDA GPU", allow_module_level=True)

import ln  # noqa: E402
from ln import _runtime  # noqa: E402

EPS = 1e-5


def make_problem(M, N, seed):
    generator = torch.Generator(device="cuda").manual_seed(seed)
    x = torch.randn(M, N, device="cuda", generator=generator)
    weight = torch.rand(N, device="cuda", generator=generator)
    dy = torch.randn(M, N, device="cuda", generator=generator)
    mean = x.mean(dim=1)
    rstd = (x.var(dim=1, unbiased=False) + EPS).rsqrt()
    return x, weight, dy, mean, rstd


def backward_with_owned_workspace(x, weight, dy, mean, rstd, stream):
    """dx, dw, db from ln_layer_norm_backward with workspace NULL."""
    M, N = x.shape
    dx = torch.full_like(x, float("nan"))
    dw = torch.full_like(weight, float("nan"))
    db = torch.full_like(weight, float("nan"))
    _runtime.layer_norm_backward(
        _runtime.DType.F32, stream.cuda_stream, M, N, dy.data_ptr(), N,
        x.data_ptr(), N, weight.data_ptr(), mean.data_ptr(), rstd.data_ptr(),
        dx.data_ptr(), N, dw.data_ptr(), db.data_ptr(), None)
    return dx, dw, db


def reference(x, weight, dy, mean, rstd):
    x64, w64, dy64 = x.double(), weight.double(), dy.double()
    x_hat = (x64 - mean.double()[:, None]) * rstd.double()[:, None]
    wdy = w64 * dy64
    c1 = (x_hat * wdy).mean(dim=1, keepdim=True)
    c2 = wdy.mean(dim=1, keepdim=True)
    dx = (wdy - (x_hat * c1 + c2)) * rstd.double()[:, None]
    return dx, (dy64 * x_hat).sum(dim=0), dy64.sum(dim=0)


def test_threads_share_the_owned_workspace():
    """Threads on one stream and on several, with shapes that make the
    workspace grow while others use it: every result right."""
    streams = [torch.cuda.Stream(), torch.cuda.Stream()]
    shapes = [(64, 100), (4096, 1024), (300, 4096), (2000, 6000), (37, 20000)]
    problems = [make_problem(M, N, seed) for seed, (M, N) in enumerate(shapes)]
    failures = []

    def work(index):
        stream = streams[index % 2]
        try:
            for round_ in range(5):
                problem = problems[(index + round_) % len(problems)]
                with torch.cuda.stream(stream):
                    dx, dw, db = backward_with_owned_workspace(*problem,
                                                               stream)
                stream.synchronize()
                expected = reference(*problem)
                for name, got, want in zip(("dx", "dw", "db"), (dx, dw, db),
                                           expected):
                    if not torch.allclose(got.double(), want, rtol=1e-4,
                                          atol=1e-3):
                        failures.append(f"thread {index} round {round_} "
                                        f"{name}: max error "
                                        f"{(got.double() - want).abs().max()}")
        except Exception as error:  # reported below, not lost in a thread
            failures.append(f"thread {index}: {error!r}")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, "\n".join(failures)


def test_owned_workspace_is_refused_under_capture():
    x, weight, dy, mean, rstd = make_problem(256, 1024, 7)
    stream = torch.cuda.Stream()
    # Warm up on the side stream, as CUDA-graph capture requires.
    with torch.cuda.stream(stream):
        backward_with_owned_workspace(x, weight, dy, mean, rstd, stream)
    stream.synchronize()
    graph = torch.cuda.CUDAGraph()
    with pytest.raises(ln.LnInvalidArgument,
                       match="captured into a CUDA graph: pass a workspace"):
        with torch.cuda.graph(graph, stream=stream):
            backward_with_owned_workspace(x, weight, dy, mean, rstd, stream)
    # The process and its context stay usable.
    dx, dw, db = backward_with_owned_workspace(
        x, weight, dy, mean, rstd, torch.cuda.current_stream())
    torch.cuda.synchronize()
    assert torch.allclose(dx.double(), reference(x, weight, dy, mean, rstd)[0],
                          rtol=1e-4, atol=1e-3)


def test_workspaces_are_released_and_memory_stays_flat():
    """10^4 calls, then a release: the device memory in use comes back to
    where it started."""
    stream = torch.cuda.current_stream()
    problem = make_problem(64, 1024, 3)
    _runtime.release_workspaces()
    torch.cuda.synchronize()
    free_before, _ = torch.cuda.mem_get_info()
    for _ in range(10_000):
        backward_with_owned_workspace(*problem, stream)
    torch.cuda.synchronize()
    free_during, _ = torch.cuda.mem_get_info()
    _runtime.release_workspaces()
    free_after, _ = torch.cuda.mem_get_info()
    # One workspace at most while running (a few MB), none after; torch's
    # caching allocator keeps the outputs' blocks, which it had before.
    assert free_before - free_during < 64 << 20
    assert abs(free_before - free_after) < 8 << 20


def test_release_gives_the_workspace_back():
    """A workspace large enough to see (16 MB at 2048 x 4096 f32: a partial
    row of 4096 features for each CTA 256 multiprocessors hold, twice): the
    release returns at least its size to the device."""
    stream = torch.cuda.current_stream()
    problem = make_problem(2048, 4096, 5)
    _runtime.release_workspaces()
    backward_with_owned_workspace(*problem, stream)
    torch.cuda.synchronize()
    free_grown, _ = torch.cuda.mem_get_info()
    _runtime.release_workspaces()
    free_released, _ = torch.cuda.mem_get_info()
    size = _runtime.layer_norm_backward_workspace_size(_runtime.DType.F32,
                                                       2048, 4096)
    assert size >= 16 << 20
    assert free_released - free_grown >= size
