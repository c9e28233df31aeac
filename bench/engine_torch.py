"""The reference for `npm run bench`'s model-engine rows: the same networks in PyTorch.

Reads {"threads", "out", "repeats"} as JSON on stdin. Builds, with fixed random weights,
the course's LeNet (weights from test/fixtures/engine/lenet.pt) and torchvision's
resnet18 (eval mode), writes resnet18's ONNX export at 224×224 into "out" for Weight Lens
to run, and times on the CPU: LeNet forward + input gradient of one class score for 1 and
64 digits, resnet18 forward of one image, and forward + input gradient. Prints
{"milliseconds": {row: median}, "threads", "version"} as JSON.
"""
import json
import os
import statistics
import sys
import time

import torch
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "fixtures", "engine"))
from lenet_net import LeNet  # noqa: E402


def median_ms(f, repeats):
    f()  # warm-up: allocations, thread pool
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        f()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def forward_and_gradient(model, x):
    def run():
        xx = x.clone().requires_grad_(True)
        model(xx)[0, 0].backward()
    return run


def main():
    spec = json.load(sys.stdin)
    if spec.get("threads"):
        torch.set_num_threads(spec["threads"])
    repeats = spec["repeats"]
    torch.manual_seed(0)
    lenet = LeNet()
    lenet.load_state_dict(torch.load(os.path.join(HERE, "..", "test", "fixtures", "engine", "lenet.pt")))
    lenet.eval()
    resnet = torchvision.models.resnet18().eval()
    image = torch.randn(1, 3, 224, 224)
    if spec.get("out"):
        torch.onnx.export(resnet, image, os.path.join(spec["out"], "resnet18_224.onnx"), opset_version=17)
    ms = {
        "lenet 1": median_ms(forward_and_gradient(lenet, torch.randn(1, 1, 28, 28)), repeats),
        "lenet 64": median_ms(forward_and_gradient(lenet, torch.randn(64, 1, 28, 28)), repeats),
    }
    with torch.no_grad():
        ms["resnet18 forward"] = median_ms(lambda: resnet(image), repeats)
    ms["resnet18 gradient"] = median_ms(forward_and_gradient(resnet, image), repeats)
    print(json.dumps({"milliseconds": ms, "threads": torch.get_num_threads(), "version": torch.__version__}))


if __name__ == "__main__":
    main()
