"""Writes the checkpoint series `npm run bench` scrubs: 1,000 LeNet checkpoints (conv1 and
conv2, weights and biases, float32, torch.save), moving from a random initialization
towards the trained LeNet of the fixtures along a training-like curve (fast at first,
then slower) with noise on the way, so that every frame differs from the one before.

usage: make_evolution.py FIXTURE OUT_DIR    writes OUT_DIR/step_000000.pt ... if missing
"""
import math
import os
import sys

import torch

COUNT = 1000
STEP = 10


def main(fixture, out):
    names = [f"step_{i * STEP:06d}.pt" for i in range(COUNT)]
    if os.path.isdir(out) and all(os.path.exists(os.path.join(out, n)) for n in names):
        return
    os.makedirs(out, exist_ok=True)
    trained = {k: v.float() for k, v in torch.load(fixture).items() if k.startswith(("conv1.", "conv2."))}
    generator = torch.Generator().manual_seed(0)
    start = {k: torch.empty_like(v).uniform_(-1, 1, generator=generator) * v.abs().max() for k, v in trained.items()}
    for i, name in enumerate(names):
        progress = 1 - math.exp(-i / 150)
        state = {
            k: start[k] + (trained[k] - start[k]) * progress
            + torch.randn(v.shape, generator=generator) * v.std() * 0.05 * (1 - progress)
            for k, v in trained.items()
        }
        torch.save(state, os.path.join(out, name))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
