# %% [markdown]
# # 6. Convolutions
#
# A kernel slides over the image; each position gives one value of the feature map. The
# same few weights are used at every position (parameter sharing), so what a filter
# detects, it detects anywhere.

# %%
import numpy as np
from matplotlib.figure import Figure

from deltaprop import Network
from deltaprop.core.diagnostics import trace
from deltaprop.core.layers import Conv2D
from deltaprop.core.optimizers import Momentum
from deltaprop.core.spec import parse_layers
from deltaprop.datasets import Augment, load_mnist_sample, shift
from deltaprop.utils.jupyter import figure_png

(X, y), (X_test, y_test) = load_mnist_sample(3000, 1000, seed=0)
digit = X_test[0].reshape(1, 1, 28, 28)


def show(images, titles, cmap="gray"):
    """A row of images, as a picture in the notebook."""
    fig = Figure(figsize=(1.6 * len(images), 1.9))
    for k, (image, title) in enumerate(zip(images, titles, strict=True)):
        ax = fig.add_subplot(1, len(images), k + 1)
        ax.imshow(image, cmap=cmap)
        ax.set_title(title, fontsize=8)
        ax.axis("off")
    return figure_png(fig)


# %% [markdown]
# **A hand-made edge filter.** The 3x3 kernel [[1, 0, −1]] × 3 responds to a bright-to-dark
# change from left to right: vertical edges. Its response to a vertical bar is strong; to a
# horizontal bar it is zero.

# %%
edge = Conv2D(1, 1, 3)
edge.forward(digit)  # builds the layer from its first input
edge.params["W"][...] = np.array([[1, 0, -1]] * 3, dtype=np.float32)
edge.params["b"][...] = 0
vertical, horizontal = np.zeros((1, 1, 28, 28)), np.zeros((1, 1, 28, 28))
vertical[..., :, 12:16] = 1  # full height: only vertical edges
horizontal[..., 12:16, :] = 1  # full width: only horizontal edges
response = {
    name: float(np.abs(edge.forward(img)).max())
    for name, img in (("vertical", vertical), ("horizontal", horizontal))
}
print(response)
assert response["vertical"] == 3.0 and response["horizontal"] == 0.0
show([digit[0, 0], edge.forward(digit)[0, 0]], ["digit", "vertical edges"], cmap="RdBu")

# %% [markdown]
# **Stride.** Moving the kernel 2 pixels at a time: (28 − 3)/2 + 1 = 13 positions a side.

# %%
strided = Conv2D(1, 1, 3, stride=2)
assert strided.forward(digit).shape == (1, 1, 13, 13)

# %% [markdown]
# **Parameter sharing.** 20 filters of 5x5 over a 28x28 image: 20·25 + 20 = 520
# parameters give 20 feature maps of 24x24. A dense layer with as many outputs would need
# 784 · 11,520 weights.

# %%
conv = Conv2D(1, 20, 5)
conv.forward(digit)
dense_weights = 784 * 20 * 24 * 24 + 20 * 24 * 24
print(f"conv: {conv.n_params:,} parameters; dense with the same outputs: {dense_weights:,}")
assert conv.n_params == 520

# %% [markdown]
# **Learned filters, and the feature maps after each layer.** A small CNN trained for two
# epochs; its first layer's filters, and what each layer makes of one digit.

# %%
cnn = Network(parse_layers("conv:8x5x5,pool:2,dense:10:softmax", 784, image_shape=(28, 28)), seed=0)
cnn.fit(
    X, y, epochs=2, batch_size=32, optimizer=Momentum(0.05, 0.9), seed=0, monitor_training=False
)
accuracy = cnn.accuracy(X_test, y_test)
print(f"test accuracy {accuracy:.1%}")
assert accuracy > 0.9
filters = cnn.layers[1].params["W"][:, 0]
show(list(filters), [f"filter {k}" for k in range(8)], cmap="RdBu")

# %%
maps = trace(cnn, X_test[:1]).activations
show(list(maps[2][0]), [f"ReLU map {k}" for k in range(8)])

# %% [markdown]
# **Moved digits.** The test digits moved 2 pixels up and 2 left: a dense network trained on
# centred digits loses much of its accuracy; the CNN (shared filters, then pooling) loses
# less; the dense network trained on randomly shifted copies (augmentation) recovers too.

# %%
moved = shift(X_test.reshape(-1, 28, 28), -2, -2).reshape(len(X_test), -1)
results = {}
for name, net, augment, epochs in [
    ("dense", Network.from_sizes([784, 100, 10], "relu", seed=0), None, 6),
    ("dense + augmentation", Network.from_sizes([784, 100, 10], "relu", seed=0), Augment(2), 6),
    (
        "CNN",
        Network(
            parse_layers("conv:8x5x5,pool:2,dense:10:softmax", 784, image_shape=(28, 28)), seed=0
        ),
        None,
        3,
    ),
]:
    net.fit(
        X,
        y,
        epochs=epochs,
        batch_size=32,
        optimizer=Momentum(0.05, 0.9),
        augment=augment,
        seed=0,
        monitor_training=False,
    )
    results[name] = (net.accuracy(X_test, y_test), net.accuracy(moved, y_test))
    print(f"{name}: centred {results[name][0]:.1%}, moved {results[name][1]:.1%}")
assert results["CNN"][1] > results["dense"][1] + 0.1
assert results["dense + augmentation"][1] > results["dense"][1] + 0.1
