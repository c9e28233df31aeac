"""The reference for `npm run bench`: the default 2-D experiment in PyTorch.

Reads {"config", "train", "test", "schedule"} as JSON on stdin (the very points and
snapshot schedule Weight Lens uses), trains nn.Sequential(Linear(2, H), act, Linear(H, 2))
with the same optimizer, batch size and epoch-wise shuffled mini-batches, keeps a
snapshot (weights, train loss, train/test accuracy) at each scheduled iteration, and
prints {"seconds", "trainAccuracy", "loss"} as JSON. Only the training loop is timed.
"""
import json
import sys
import time

import torch


def main():
    spec = json.load(sys.stdin)
    config = spec["config"]
    torch.manual_seed(config["seed"])
    train = torch.tensor(spec["train"], dtype=torch.float32)
    test = torch.tensor(spec["test"], dtype=torch.float32)
    x, y = train[:, :2].contiguous(), train[:, 2].long()
    x_test, y_test = test[:, :2].contiguous(), test[:, 2].long()
    activation = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}[config["activation"]]
    hidden = config["hidden"]
    model = torch.nn.Sequential(torch.nn.Linear(2, hidden), activation(), torch.nn.Linear(hidden, 2))
    optimizer_class = torch.optim.Adam if config["optimizer"] == "adam" else torch.optim.SGD
    optimizer = optimizer_class(model.parameters(), lr=config["learningRate"])
    criterion = torch.nn.CrossEntropyLoss()
    schedule = set(spec["schedule"])
    batch = config["batchSize"]
    snapshots = []

    start = time.perf_counter()
    order, position = torch.randperm(len(x)), 0
    for iteration in range(1, config["iterations"] + 1):
        if position + batch > len(x):
            order, position = torch.randperm(len(x)), 0
        index = order[position:position + batch]
        position += batch
        loss = criterion(model(x[index]), y[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if iteration in schedule:
            with torch.no_grad():
                logits = model(x)
                snapshots.append({
                    "iteration": iteration,
                    "w": model[0].weight.tolist(),
                    "b": model[0].bias.tolist(),
                    "loss": criterion(logits, y).item(),
                    "trainAccuracy": (logits.argmax(1) == y).float().mean().item(),
                    "testAccuracy": (model(x_test).argmax(1) == y_test).float().mean().item(),
                })
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "threads": torch.get_num_threads(), "version": torch.__version__,
                      "trainAccuracy": snapshots[-1]["trainAccuracy"], "loss": snapshots[-1]["loss"]}))


if __name__ == "__main__":
    main()
