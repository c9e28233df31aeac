"""The reference for `npm run bench`: LeNet on the same MNIST digits in PyTorch.

Reads {"config", "train", "test"} as JSON on stdin: the config of Weight Lens's run
(epochs, batchSize, optimizer, learningRate, seed) and the very digits it trains and tests
on ({"count", "images": base64 of count × 784 bytes (pixel × 255), "labels": base64 of
count bytes}). Trains the course's LeNet with the same optimizer, batch size and
epoch-wise shuffled mini-batches (its own seeded initialisation and order), and prints
{"epochSeconds": [...], "testAccuracy", "threads", "version"} as JSON. Only the training
loops are timed.
"""
import base64
import json
import sys
import time

import torch
from torch import nn
from torch.nn import functional as F


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, kernel_size=5)
        self.conv2 = nn.Conv2d(32, 64, kernel_size=5)
        self.fc1 = nn.Linear(256, 200)
        self.fc2 = nn.Linear(200, 10)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), kernel_size=3, stride=3))
        x = F.relu(F.max_pool2d(self.conv2(x), kernel_size=2, stride=2))
        x = F.relu(self.fc1(x.view(-1, 256)))
        return self.fc2(x)


def digits(spec):
    pixels = bytearray(base64.b64decode(spec["images"]))
    labels = bytearray(base64.b64decode(spec["labels"]))
    images = torch.frombuffer(pixels, dtype=torch.uint8).float().div(255).view(spec["count"], 1, 28, 28)
    return images, torch.frombuffer(labels, dtype=torch.uint8).long()


def main():
    spec = json.load(sys.stdin)
    config = spec["config"]
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
