"""End-to-end training step of a transformers model, with torch's
LayerNorm and with ln's (ln.nn.replace_layer_norms on a copy).

A GPT-2 built from a config with random weights (nothing is downloaded):
forward with labels, backward, AdamW step, zero_grad. Times are medians
of per-step wall times (each step synchronized) after warm-up; prints
milliseconds per step and ln's ratio to torch, in float32 and under bf16
autocast (--precision picks).

    PYTHONPATH=dist/python python3 python/benchmarks/bench_training_step.py
"""

from __future__ import annotations

import argparse
import copy
import contextlib
import importlib.util
import statistics
import sys
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--layers", type=int, default=6)
    parser.add_argument("--hidden", type=int, default=768)
    parser.add_argument("--heads", type=int, default=12)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--sequence", type=int, default=512)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--precision", nargs="+",
                        default=["float32", "bf16-autocast"],
                        choices=("float32", "bf16-autocast"))
    parser.add_argument("--compile", action="store_true",
                        help="torch.compile each model first")
    args = parser.parse_args()

    import torch
    import transformers

    if not torch.cuda.is_available():
        print("bench_training_step: needs a CUDA GPU", file=sys.stderr)
        return 1
    if importlib.util.find_spec("ln") is None:  # the source tree's
        sys.path.append(str(Path(__file__).resolve().parents[1]))
    import ln

    torch.manual_seed(0)
    config = transformers.GPT2Config(
        vocab_size=50257, n_positions=args.sequence, n_embd=args.hidden,
        n_layer=args.layers, n_head=args.heads)
    base = transformers.GPT2LMHeadModel(config).cuda().train()
    ids = torch.randint(0, config.vocab_size, (args.batch, args.sequence),
                        device="cuda")

    def time_steps(model, autocast) -> float:
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
        forward = torch.compile(model) if args.compile else model

        def step():
            with (torch.autocast("cuda", dtype=torch.bfloat16) if autocast
                  else contextlib.nullcontext()):
                loss = forward(input_ids=ids, labels=ids).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)

        for _ in range(args.warmup):
            step()
        times = []
        for _ in range(args.steps):
            torch.cuda.synchronize()
            start = time.perf_counter()
            step()
            torch.cuda.synchronize()
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    print(f"GPT-2, {args.layers} layers, hidden {args.hidden}, batch "
          f"{args.batch} x {args.sequence} tokens"
          f"{', torch.compile' if args.compile else ''}: ms per step")
    print(f"{'precision':<16}{'torch':>10}{'ln':>10}{'ratio':>8}")
    for precision in args.precision:
        reference = copy.deepcopy(base)
        model, count = ln.nn.replace_layer_norms(copy.deepcopy(base))
        assert count == 2 * args.layers + 1
        autocast = precision == "bf16-autocast"
        torch_time = time_steps(reference, autocast)
        ln_time = time_steps(model, autocast)
        del reference, model
        print(f"{precision:<16}{torch_time * 1e3:>10.2f}"
              f"{ln_time * 1e3:>10.2f}{ln_time / torch_time:>7.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
