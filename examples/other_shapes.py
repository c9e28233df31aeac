# Other nn.Sequential shapes and what Weight Lens makes of them (see README, CodeLens):
# an MLP of another shape gets a lens saying why it cannot be trained; a network with
# other layers (convolutions, dropout...) is not an MLP and gets no lens.

import torch
from torch import nn

nb_hidden = 20

# "cannot train this (input size is 3, needs 2)"
three_inputs = nn.Sequential(nn.Linear(3, nb_hidden), nn.ReLU(), nn.Linear(nb_hidden, 2))

# "cannot train this (has 3 Linear layers, needs 2 for one hidden layer)"
two_hidden_layers = nn.Sequential(
    nn.Linear(2, nb_hidden),
    nn.Tanh(),
    nn.Linear(nb_hidden, nb_hidden),
    nn.Tanh(),
    nn.Linear(nb_hidden, 2),
)

# Trainable: Tanh, written with torch.nn and a literal width.
small_tanh = torch.nn.Sequential(torch.nn.Linear(2, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2))

# No lens: not an MLP.
lenet_features = nn.Sequential(nn.Conv2d(1, 32, kernel_size=5), nn.MaxPool2d(3), nn.ReLU())
