"""The reference for `npm run bench`: LeNet on the same MNIST digits in PyTorch.

Reads {"config", "train", "test", "threads"} as JSON on stdin: the config of Weight Lens's
run (epochs, batchSize, optimizer, learningRate, seed), the threads PyTorch may use (null:
its default) and the very digits it trains and tests
on ({"count", "images": base64 of count × 784 bytes (pixel × 255), "labels": base64 of
count bytes}). Trains the course's LeNet with the same optimizer, batch size and
epoch-wise shuffled mini-batches (its own seeded initialisation and order), and prints
{"epochSeconds": [...], "testAccuracy", "threads", "version"} as JSON. Only the training
loops are timed.
"""
import json
import os
import sys
import time

import torch
from torch.nn import functional as F

# The same LeNet and digit decoding as the tests' PyTorch side.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "support"))
from lenet_torch import LeNet, digits  # noqa: E402


def main():
    spec = json.load(sys.stdin)
    config = spec["config"]
    if spec.get("threads"):
        torch.set_num_threads(spec["threads"])
    torch.manual_seed(config["seed"])
    x, y = digits(spec["train"])
    x_test, y_test = digits(spec["test"])
    model = LeNet()
    if config["optimizer"] == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=config["learningRate"])
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=config["learningRate"])
    batch = config["batchSize"]
    epoch_seconds = []
    for _ in range(config["epochs"]):
        order = torch.randperm(len(x))
        start = time.perf_counter()
        for first in range(0, len(x), batch):
            index = order[first:first + batch]
            loss = F.cross_entropy(model(x[index]), y[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        epoch_seconds.append(time.perf_counter() - start)
    with torch.no_grad():
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
    print(json.dumps({"epochSeconds": epoch_seconds, "testAccuracy": accuracy,
                      "threads": torch.get_num_threads(), "version": torch.__version__}))


if __name__ == "__main__":
    main()
