# The network of EE-559 "8.1. Looking at parameters" (François Fleuret): a one-hidden-layer
# MLP R² → R² trained on the disc problem, whose hidden units' lines {x : w·x + b = 0}
# organize during training until they partition the plane.
#
# In VS Code with Weight Lens, the CodeLens "Train & show hyperplanes" above the
# nn.Sequential below trains this very architecture and draws those lines live.

import math

import torch
from torch import nn


def generate_disc_set(nb):
    # Points uniform in [0, 1]², class 1 inside the disc of centre (0.5, 0.5) and
    # radius 1/sqrt(2 pi): that disc has area 1/2, so the classes are balanced.
    input = torch.empty(nb, 2).uniform_(0, 1)
    target = ((input - 0.5).pow(2).sum(1) < 1 / (2 * math.pi)).long()
    return input, target


torch.manual_seed(0)
train_input, train_target = generate_disc_set(1000)
test_input, test_target = generate_disc_set(1000)

nb_hidden = 20
model = nn.Sequential(
    nn.Linear(2, nb_hidden),
    nn.ReLU(),
    nn.Linear(nb_hidden, 2)
)

criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=1e-1)
mini_batch_size = 100
nb_iterations = 10000

# The iterations the lecture's figures show.
shown = {1, 4, 7, 10, 16, 34, 77, 100, 703, 1407, 2789, 9999}

for iteration in range(1, nb_iterations + 1):
    batch = torch.randint(0, train_input.size(0), (mini_batch_size,))
    loss = criterion(model(train_input[batch]), train_target[batch])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

    if iteration in shown:
        print(f'Iteration {iteration}  loss {loss.item():.4f}')
        # The parameters (w, b) of each hidden unit: its line is w · x + b = 0.
        for k in range(model[0].weight.size(0)):
            w = model[0].weight[k]
            b = model[0].bias[k]
            print(f'  unit {k:2d}  w = ({w[0].item():+.3f}, {w[1].item():+.3f})  b = {b.item():+.3f}')


def error_rate(input, target):
    with torch.no_grad():
        return (model(input).argmax(1) != target).float().mean().item()


print(f'train error {100 * error_rate(train_input, train_target):.1f}%  '
      f'test error {100 * error_rate(test_input, test_target):.1f}%')
