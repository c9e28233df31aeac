"""Writes the large files `npm run bench` opens: about 1 GB of convolution layers, once as
safetensors (written per the format's spec: u64 header length, JSON header, raw data)
and once with torch.save (PyTorch zip). Then times torch.load of the PyTorch file.

usage: make_big_weights.py OUT_DIR            writes big.safetensors and big.pt if missing
       make_big_weights.py --time-load FILE   prints {"seconds": ...} for torch.load(FILE)
"""
import json
import os
import struct
import sys
import time

import torch

LAYERS = 215
SHAPE = (512, 256, 3, 3)  # 4.7 MB of float32 each: 215 of them make 1.01 GB


def layers():
    generator = torch.Generator().manual_seed(0)
    for i in range(LAYERS):
        yield f"features.{i}.weight", torch.randn(SHAPE, generator=generator) * 0.05


def write_safetensors(path):
    header, offset, tensors = {}, 0, []
    for name, tensor in layers():
        size = tensor.numel() * 4
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + size]}
        offset += size
        tensors.append(tensor)
    header["__metadata__"] = {"format": "pt"}
    encoded = json.dumps(header).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(path + ".part", "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for tensor in tensors:
            f.write(tensor.numpy().tobytes())
    os.replace(path + ".part", path)


def write_pytorch(path):
    torch.save(dict(layers()), path + ".part")
    os.replace(path + ".part", path)


def main():
    if sys.argv[1] == "--time-load":
        start = time.perf_counter()
        state = torch.load(sys.argv[2])
        seconds = time.perf_counter() - start
        print(json.dumps({"seconds": seconds, "tensors": len(state)}))
        return
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, write in (("big.safetensors", write_safetensors), ("big.pt", write_pytorch)):
        path = os.path.join(out, name)
        if not os.path.exists(path):
            write(path)
        print(path, os.path.getsize(path))


if __name__ == "__main__":
    main()
