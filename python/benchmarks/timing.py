"""How bench_layer_norm.py times a call: the same loop for every provider,
the speed of light included, in two modes.

- "eager": the call itself, host code included (Python, autograd, the
  launcher): triton.testing.do_bench's method, reproduced here so that
  every provider and both timers share it.
- "graph": the call captured once into a CUDA graph and each repetition a
  replay of it: the device's time alone, for every provider alike.

Both flush the L2 cache before each repetition (a write of FLUSH_BYTES,
several times the L2 of a Hopper GPU, between the events but outside the
timed interval) and report the median and the 20 % / 80 % quantiles of
CUDA-event times.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

try:
    import torch
except ImportError:  # the report needs no torch
    torch = None

TIMERS = ("graph", "eager")
# Written before each repetition: 256 MB, four to five times a Hopper
# GPU's L2 (50-60 MB), so that no input of the previous repetition is still
# cached.
FLUSH_BYTES = 256 << 20
WARMUP_MS = 25
# do_bench's count of repetitions is rep_ms / (one call's time), at least
# 1; here at least MIN_REPS, for calls of several ms (M = 32768 rows).
MIN_REPS = 10
COPY_BYTES = 1 << 30

TIMER_DESCRIPTIONS = {
    "eager": ("each call timed with CUDA events, host code included, the L2 "
              "flushed before each (triton.testing.do_bench's method)"),
    "graph": ("each call captured once in a CUDA graph, each replay timed "
              "with CUDA events, the L2 flushed before each"),
}


def event_loop(fn: Callable[[], Any], grad_to_none: Sequence[Any],
               rep_ms: float, warmup_ms: float = WARMUP_MS) -> list[float]:
    """[median, 20 % quantile, 80 % quantile] of fn's time in ms: warm-up,
    then CUDA events around each of at least MIN_REPS calls filling
    rep_ms, the L2 flushed before each (the flush is enqueued before the
    start event, so it is not timed)."""
    flush = torch.empty(FLUSH_BYTES, dtype=torch.uint8, device="cuda")
    fn()
    torch.cuda.synchronize()
    start = torch.cuda.Event(enable_timing=True)
    end = torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(5):
        flush.zero_()
        fn()
    end.record()
    torch.cuda.synchronize()
    estimate = max(start.elapsed_time(end) / 5, 1e-3)
    for _ in range(max(1, int(warmup_ms / estimate))):
        fn()
    count = max(MIN_REPS, int(rep_ms / estimate))
    starts = [torch.cuda.Event(enable_timing=True) for _ in range(count)]
    ends = [torch.cuda.Event(enable_timing=True) for _ in range(count)]
    for begin, finish in zip(starts, ends):
        for tensor in grad_to_none:
            tensor.grad = None
        flush.zero_()
        begin.record()
        fn()
        finish.record()
    torch.cuda.synchronize()
    times = torch.tensor([b.elapsed_time(e) for b, e in zip(starts, ends)])
    return times.quantile(torch.tensor([0.5, 0.2, 0.8])).tolist()


def graph_loop(fn: Callable[[], Any], grad_to_none: Sequence[Any],
               rep_ms: float) -> list[float]:
    """As event_loop, with fn captured once into a CUDA graph and each
    repetition a replay of it (the flush stays outside the graph, before
    each replay).

    Runs on the current stream, which must not be the default stream (no
    capture there) and must be the one fn's inputs were made on (a backward
    pass launches on its forward pass's stream)."""
    for _ in range(3):  # lazy initializations happen outside the capture
        fn()
    # Tensors whose grad is None when captured get it from the graph's
    # pool, rewritten by each replay: reset, as in the eager timing.
    for tensor in grad_to_none:
        tensor.grad = None
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph, stream=torch.cuda.current_stream()):
        fn()
    return event_loop(graph.replay, [], rep_ms)


def time_ms(fn: Callable[[], Any], grad_to_none: Sequence[Any],
            rep_ms: float, timer: str) -> list[float]:
    """[median, 20 % quantile, 80 % quantile] of fn's time in ms under
    `timer` (one of TIMERS)."""
    if timer == "graph":
        return graph_loop(fn, grad_to_none, rep_ms)
    if timer == "eager":
        return event_loop(fn, grad_to_none, rep_ms)
    raise ValueError(f"unknown timer {timer!r}")


def copy_bandwidth(rep_ms: float) -> float:
    """GB/s of a 1 GiB device-to-device copy, bytes read plus written
    (eager timer)."""
    source = torch.ones(COPY_BYTES, dtype=torch.uint8, device="cuda")
    target = torch.empty_like(source)
    ms = time_ms(lambda: target.copy_(source), [], rep_ms, "eager")[0]
    return 2 * COPY_BYTES / ms * 1e-6
