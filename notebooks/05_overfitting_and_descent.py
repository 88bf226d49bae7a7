# %% [markdown]
# # 5. Overfitting and L2; momentum; batch, mini-batch and stochastic descent

# %%

from deltaprop import Network
from deltaprop.datasets import load_mnist_sample

(X, y), (X_test, y_test) = load_mnist_sample(1000, 1000, seed=0)

# %% [markdown]
# **Overfitting.** 1,000 training digits, 784-30-10, 60 epochs: the network learns the
# training set almost perfectly while test accuracy stays far lower. L2 regularisation,
# C = C₀ + λ/(2n) Σw², keeps the weights small and narrows the gap (here to less than half).
# It does not by itself raise the test accuracy of this short run: the gap closes mostly
# from above, and λ is a trade to tune on validation data, not a free gain.

# %%
gaps = {}
for lmbda in (0.0, 10.0):
    net = Network.from_sizes([784, 30, 10], "sigmoid", "softmax", seed=0)
    history = net.fit(
        X,
        y,
        epochs=60,
        batch_size=10,
        eta=0.5,
        lmbda=lmbda,
        validation_data=(X_test, y_test),
        seed=0,
        live=lmbda == 0.0,  # the learning curves redraw here after every epoch
    )
    train, test = history.train_accuracy[-1], history.val_accuracy[-1]
    gaps[lmbda] = train - test
    print(f"λ = {lmbda}: training {train:.1%}, test {test:.1%}, gap {train - test:.1%}")
    if lmbda == 0.0:
        unregularised = history
assert unregularised.train_accuracy[-1] > 0.99
assert gaps[10.0] < gaps[0.0] / 2

# %%
unregularised  # the table and curves of the run without L2

# %% [markdown]
# **Momentum.** v ← μv − η∇C, w ← w + v: the velocity keeps going where the gradient keeps
# pointing. With the same small η, after 3 epochs the cost is lower with momentum.

# %%
costs = {}
for optimizer in ("sgd", "momentum"):
    net = Network.from_sizes([784, 30, 10], "sigmoid", "softmax", seed=0)
    history = net.fit(X, y, epochs=3, batch_size=10, optimizer=optimizer, eta=0.05, seed=0)
    costs[optimizer] = history.train_cost[-1]
print({k: round(v, 4) for k, v in costs.items()})
assert costs["momentum"] < costs["sgd"]

# %% [markdown]
# **Batch, mini-batch, stochastic.** The same number of epochs (passes over the data) at
# the same η: batch descent makes one step per epoch, mini-batches of 10 make 100, and
# stochastic descent (batch size 1) makes 1,000. More, noisier steps go further per epoch.

# %%
final = {}
for name, batch_size in (("batch", len(X)), ("mini-batch", 10), ("stochastic", 1)):
    net = Network.from_sizes([784, 30, 10], "sigmoid", "softmax", seed=0)
    history = net.fit(X, y, epochs=5, batch_size=batch_size, eta=0.1, seed=0)
    final[name] = history.train_cost[-1]
print({k: round(v, 4) for k, v in final.items()})
assert final["stochastic"] < final["mini-batch"] < final["batch"]
