"""PyTorch's side of the tests of Weight Lens's safetensors writer and LeNet.

Reads JSON on stdin and prints JSON:
- {"mode": "read", "file"}: parses the safetensors file by hand, as the format's spec
  says (u64 little-endian header length, JSON header, data), checks the layout the
  reference library writes (header padded with spaces to 8 bytes, tensors contiguous in
  header order), and returns {"metadata", "tensors": {name: {"dtype", "shape", "values"}}}.
- {"mode": "lenet", "file", "count", "images" (base64 of count × 784 bytes, pixel × 255),
  "labels" (base64 of count bytes)}: loads the file into the course's LeNet with
  load_state_dict(strict=True) and returns {"logits": [[...10] × count], "grads": {name:
  flat list}}, the gradients of the mean cross-entropy on those digits.
- {"mode": "optimizer", "optimizer" ("adam" or "sgd"), "lr", "weights" (a flat list),
  "gradients" (one flat list per step)}: applies torch.optim's update with those
  gradients, step by step, and returns {"weights": the flat list after the last step}.
"""
import base64
import json
import struct
import sys

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


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    raw = data[8:8 + length]
    assert length % 8 == 0, f"header length {length} is not a multiple of 8"
    stripped = raw.rstrip(b" ")
    assert stripped.endswith(b"}") and len(raw) - len(stripped) < 8, "JSON padded with fewer than 8 spaces"
    header = json.loads(raw.decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    body = data[8 + length:]
    tensors, end = {}, 0
    for name, info in header.items():
        begin, stop = info["data_offsets"]
        assert begin == end, f"{name} starts at {begin}, not where the previous tensor ended ({end})"
        assert info["dtype"] == "F32"
        raw = bytearray(body[begin:stop])
        # frombuffer refuses an empty buffer
        values = torch.frombuffer(raw, dtype=torch.float32) if raw else torch.zeros(0)
        tensors[name] = values.view(info["shape"])
        end = stop
    assert end == len(body), "no bytes after the last tensor"
    return metadata, tensors


def digits(spec):
    pixels = bytearray(base64.b64decode(spec["images"]))
    labels = bytearray(base64.b64decode(spec["labels"]))
    images = torch.frombuffer(pixels, dtype=torch.uint8).float().div(255).view(spec["count"], 1, 28, 28)
    return images, torch.frombuffer(labels, dtype=torch.uint8).long()


def optimize(spec):
    weights = torch.nn.Parameter(torch.tensor(spec["weights"], dtype=torch.float32))
    optimizer = (torch.optim.Adam if spec["optimizer"] == "adam" else torch.optim.SGD)([weights], lr=spec["lr"])
    for gradient in spec["gradients"]:
        weights.grad = torch.tensor(gradient, dtype=torch.float32)
        optimizer.step()
    return {"weights": weights.detach().tolist()}


def main():
    spec = json.load(sys.stdin)
    if spec["mode"] == "optimizer":
        print(json.dumps(optimize(spec)))
        return
    metadata, tensors = read_safetensors(spec["file"])
    if spec["mode"] == "read":
        out = {name: {"dtype": "F32", "shape": list(t.shape), "values": t.flatten().tolist()}
               for name, t in tensors.items()}
        print(json.dumps({"metadata": metadata, "tensors": out}))
        return
    model = LeNet()
    model.load_state_dict(tensors, strict=True)
    x, y = digits(spec)
    logits = model(x)
    F.cross_entropy(logits, y).backward()
    grads = {name: p.grad.flatten().tolist() for name, p in model.named_parameters()}
    print(json.dumps({"logits": logits.tolist(), "grads": grads}))


if __name__ == "__main__":
    main()
