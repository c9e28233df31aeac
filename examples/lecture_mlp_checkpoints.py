# The lecture's MLP (EE-559 "8.1. Looking at parameters") trained on the disc problem,
# saving its state dict at the iterations the lecture's figures show: a checkpoint
# series for Weight Lens's evolution view ("Weight Lens: Show Evolution" on the folder
# runs/disc_mlp). The training points go beside the checkpoints as points.csv, which the
# view draws under the hidden units' lines.
#
#   /usr/bin/python3 examples/lecture_mlp_checkpoints.py [OUT_FOLDER]

import math
import os
import sys

import torch
from torch import nn


def generate_disc_set(nb):
    # Points uniform in [0, 1]², class 1 inside the disc of centre (0.5, 0.5) and
    # radius 1/sqrt(2 pi): that disc has area 1/2, so the classes are balanced.
    input = torch.empty(nb, 2).uniform_(0, 1)
    target = ((input - 0.5).pow(2).sum(1) < 1 / (2 * math.pi)).long()
    return input, target


out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), 'runs', 'disc_mlp')
os.makedirs(out, exist_ok=True)

torch.manual_seed(0)
train_input, train_target = generate_disc_set(1000)

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

# The iterations of the lecture's two figures.
saved = {1, 4, 7, 10, 16, 34, 77, 100, 272, 556, 703, 1407, 2222, 2789, 4999, 9999}

with open(os.path.join(out, 'points.csv'), 'w') as f:
    f.write('x,y,label\n')
    for (x, y), label in zip(train_input.tolist(), train_target.tolist()):
        f.write(f'{x:.4f},{y:.4f},{label}\n')

for iteration in range(1, nb_iterations + 1):
    batch = torch.randint(0, train_input.size(0), (mini_batch_size,))
    loss = criterion(model(train_input[batch]), train_target[batch])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

    if iteration in saved:
        # 0.weight [20, 2] and 0.bias [20]: hidden unit k's line is w_k · x + b_k = 0;
        # 2.weight [2, 20] and 2.bias [2]: the output layer, which gives the decision regions.
        torch.save(model.state_dict(), os.path.join(out, f'iter_{iteration:06d}.pt'))
        print(f'iteration {iteration:5d}  loss {loss.item():.4f}')
