# %% [markdown]
# # 7. Transfer learning
#
# A CNN trained on the digits 0-4 has learned strokes, curves and corners. Those features
# serve for 5-9 too: we keep its layers (frozen, as a feature extractor) and train only a
# new output layer on a few examples of 5-9, and compare with a network trained from
# scratch on the same few examples.

# %%
import numpy as np

from deltaprop import Network
from deltaprop.core.optimizers import Momentum
from deltaprop.core.spec import parse_layers
from deltaprop.datasets import load_mnist_sample

(X, y), (X_test, y_test) = load_mnist_sample(6000, 2000, seed=0)
low, high = y < 5, y >= 5
few = np.flatnonzero(high)[:100]  # only 100 labelled examples of 5-9
X_few, y_few = X[few], y[few] - 5
test_high = y_test >= 5
X_new, y_new = X_test[test_high], y_test[test_high] - 5
SPEC = "conv:8x5x5,pool:2,conv:16x5x5,pool:2,dense:{n}:softmax"


def cnn(n_classes):
    return Network(parse_layers(SPEC.format(n=n_classes), 784, image_shape=(28, 28)), seed=0)


# %% [markdown]
# **Train on 0-4.**

# %%
base = cnn(5)
base.fit(
    X[low],
    y[low],
    epochs=3,
    batch_size=32,
    optimizer=Momentum(0.05, 0.9),
    seed=0,
    monitor_training=False,
)
print(f"accuracy on 0-4: {base.accuracy(X_test[~test_high], y_test[~test_high]):.1%}")
base

# %% [markdown]
# **Reuse it for 5-9.** The layers up to the last pooling become a fixed feature extractor
# (`features`); a new softmax layer learns from 100 examples on top of them.

# %%
last_pool = max(i for i, layer in enumerate(base.layers) if layer.name.endswith("pool2d"))
F_few, F_new = base.features(X_few, last_pool), base.features(X_new, last_pool)
F_few, F_new = F_few.reshape(len(F_few), -1), F_new.reshape(len(F_new), -1)
head = Network.from_sizes([F_few.shape[1], 5], output="softmax", seed=0)
head.fit(F_few, y_few, epochs=30, batch_size=10, optimizer=Momentum(0.05, 0.9), seed=0)
transfer = head.accuracy(F_new, y_new)

# %% [markdown]
# **From scratch** on the same 100 examples, the same architecture, as long.

# %%
scratch = cnn(5)
scratch.fit(X_few, y_few, epochs=30, batch_size=10, optimizer=Momentum(0.05, 0.9), seed=0)
alone = scratch.accuracy(X_new, y_new)
print(f"5-9 from 100 examples: transferred features {transfer:.1%}, from scratch {alone:.1%}")
assert transfer > alone + 0.05
