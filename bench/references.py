"""The implementations the benchmark compares, each behind the same small interface.

A trainer is built once for a case and then asked, repeatedly, to train one epoch over the
given data (``epoch(X, y)``, shuffling as real training does; it returns the seconds the
epoch took) or to predict. deltaprop's epoch time is the one its History records: the
one-time checks of the inputs at the start of ``fit`` are not part of an epoch. Every one works
in float32 with the same architecture, batch size, learning rate and momentum.
"""

from __future__ import annotations

import importlib.util
import itertools
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

import deltaprop
from deltaprop.core.spec import parse_layers

LENET = "conv:20x5x5,pool:2,conv:40x5x5,pool:2,dense:100:relu,dense:10:softmax"


@dataclass(frozen=True)
class Case:
    """One benchmark case: an architecture trained with one batch size and optimiser."""

    name: str
    kind: str  # "mlp" or "cnn"
    sizes: tuple[int, ...] = (784, 100, 10)
    activation: str = "sigmoid"
    batch: int = 32
    momentum: float = 0.0
    eta: float = 0.1
    references: tuple[str, ...] = field(
        default=("torch", "torch.compile", "jax", "sklearn", "numpy", "per-example")
    )

    @property
    def n_params(self) -> int:
        if self.kind == "cnn":
            return 85670
        return sum(a * b + b for a, b in zip(self.sizes[:-1], self.sizes[1:], strict=True))


# -- deltaprop -------------------------------------------------------------------------------


class DeltapropTrainer:
    def __init__(self, case: Case, seed: int = 0) -> None:
        if case.kind == "cnn":
            self.net = deltaprop.Network(parse_layers(LENET, 784, image_shape=(28, 28)), seed=seed)
        else:
            self.net = deltaprop.Network.from_sizes(
                list(case.sizes), case.activation, "softmax", seed=seed
            )
        self.case = case
        self.opt = (
            deltaprop.Momentum(case.eta, case.momentum)
            if case.momentum
            else deltaprop.SGD(case.eta)
        )
        self.seed = seed

    def epoch(self, X: np.ndarray, y: np.ndarray) -> float:
        self.seed += 1
        history = self.net.fit(
            X,
            y,
            epochs=1,
            batch_size=self.case.batch,
            optimizer=self.opt,
            monitor_training=False,
            seed=self.seed,
        )
        return history.time[0]

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.net.predict(X)

    def forward(self, X: np.ndarray, batch: int) -> None:
        self.net.features(X, -1, chunk=batch)


# -- a minimal hand-written vectorised NumPy MLP: the floor of what NumPy can do --------------


class NumpyTrainer:
    def __init__(self, case: Case, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        s = case.sizes
        self.W = [
            (rng.standard_normal((a, b)) * np.sqrt(1 / a)).astype(np.float32)
            for a, b in itertools.pairwise(s)
        ]
        self.b = [np.zeros(b, np.float32) for b in s[1:]]
        self.vW = [np.zeros_like(w) for w in self.W]
        self.vb = [np.zeros_like(b) for b in self.b]
        self.case, self.rng = case, rng

    def _hidden(self, z: np.ndarray) -> np.ndarray:
        if self.case.activation == "relu":
            return np.maximum(z, 0, out=z)
        np.tanh(z * 0.5, out=z)
        z *= 0.5
        z += 0.5
        return z

    def _forward(self, x: np.ndarray) -> list[np.ndarray]:
        acts = [x]
        for W, b in zip(self.W[:-1], self.b[:-1], strict=True):
            z = acts[-1] @ W
            z += b
            acts.append(self._hidden(z))
        z = acts[-1] @ self.W[-1]
        z += self.b[-1]
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        acts.append(z)
        return acts

    def epoch(self, X: np.ndarray, y: np.ndarray) -> float:
        start = time.perf_counter()
        order = self.rng.permutation(len(X))
        Xs, ys = X[order], y[order]
        bs, eta, mu = self.case.batch, np.float32(self.case.eta), np.float32(self.case.momentum)
        for lo in range(0, len(X), bs):
            x, t = Xs[lo : lo + bs], ys[lo : lo + bs]
            acts = self._forward(x)
            delta = acts[-1]
            delta[np.arange(len(t)), t] -= 1
            delta /= np.float32(len(t))
            for i in range(len(self.W) - 1, -1, -1):
                gW = acts[i].T @ delta
                gb = delta.sum(axis=0)
                if i:
                    delta = delta @ self.W[i].T
                    a = acts[i]
                    delta *= (a > 0) if self.case.activation == "relu" else a * (1 - a)
                if mu:
                    self.vW[i] *= mu
                    self.vW[i] -= eta * gW
                    self.vb[i] *= mu
                    self.vb[i] -= eta * gb
                    self.W[i] += self.vW[i]
                    self.b[i] += self.vb[i]
                else:
                    self.W[i] -= eta * gW
                    self.b[i] -= eta * gb
        return time.perf_counter() - start

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self._forward(X)[-1].argmax(axis=1)

    def forward(self, X: np.ndarray, batch: int) -> None:
        for lo in range(0, len(X), batch):
            self._forward(X[lo : lo + batch])


# -- the course's per-example loop: column vectors, one example at a time ---------------------


class PerExampleTrainer:
    """Nielsen-style: W (n_out, n_in), a column vector per example, gradients summed per batch."""

    def __init__(self, case: Case, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        s = case.sizes
        self.W = [
            (rng.standard_normal((b, a)) / np.sqrt(a)).astype(np.float32)
            for a, b in itertools.pairwise(s)
        ]
        self.b = [np.zeros((b, 1), np.float32) for b in s[1:]]
        self.case, self.rng = case, rng

    def epoch(self, X: np.ndarray, y: np.ndarray) -> float:
        start = time.perf_counter()
        order = self.rng.permutation(len(X))
        bs, eta = self.case.batch, self.case.eta
        for lo in range(0, len(X), bs):
            idx = order[lo : lo + bs]
            nW = [np.zeros_like(w) for w in self.W]
            nb = [np.zeros_like(b) for b in self.b]
            for i in idx:
                a = X[i].reshape(-1, 1)
                acts = [a]
                for W, b in zip(self.W[:-1], self.b[:-1], strict=True):
                    a = 1 / (1 + np.exp(-(W @ a + b)))
                    acts.append(a)
                z = self.W[-1] @ a + self.b[-1]
                e = np.exp(z - z.max())
                delta = e / e.sum()
                delta[y[i]] -= 1
                for k in range(len(self.W) - 1, -1, -1):
                    nW[k] += delta @ acts[k].T
                    nb[k] += delta
                    if k:
                        delta = (self.W[k].T @ delta) * acts[k] * (1 - acts[k])
            for k in range(len(self.W)):
                self.W[k] -= (eta / len(idx)) * nW[k]
                self.b[k] -= (eta / len(idx)) * nb[k]
        return time.perf_counter() - start


# -- PyTorch (CPU, eager) ------------------------------------------------------------------------


class TorchTrainer:
    def __init__(self, case: Case, seed: int = 0) -> None:
        import torch

        torch.manual_seed(seed)
        nn = torch.nn
        if case.kind == "cnn":
            self.model = nn.Sequential(
                nn.Unflatten(1, (1, 28, 28)),
                nn.Conv2d(1, 20, 5),
                nn.ReLU(),
                nn.MaxPool2d(2),
                nn.Conv2d(20, 40, 5),
                nn.ReLU(),
                nn.MaxPool2d(2),
                nn.Flatten(),
                nn.Linear(640, 100),
                nn.ReLU(),
                nn.Linear(100, 10),
            )
        else:
            act = nn.ReLU if case.activation == "relu" else nn.Sigmoid
            layers: list[nn.Module] = []
            s = case.sizes
            for a, b in itertools.pairwise(s[:-1]):
                layers += [nn.Linear(a, b), act()]
            layers.append(nn.Linear(s[-2], s[-1]))
            self.model = nn.Sequential(*layers)
        # torch's momentum v ← μv + g, w ← w − ηv is the classical form scaled by η
        self.opt = torch.optim.SGD(self.model.parameters(), lr=case.eta, momentum=case.momentum)
        self.loss = nn.CrossEntropyLoss()  # log-softmax + negative log-likelihood, fused
        self.case, self.torch = case, torch
        self.gen = torch.Generator().manual_seed(seed)

    def epoch(self, X: np.ndarray, y: np.ndarray) -> float:
        start = time.perf_counter()
        torch = self.torch
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))
        order = torch.randperm(len(X), generator=self.gen)
        Xs, ys = Xt[order], yt[order]
        bs = self.case.batch
        for lo in range(0, len(X), bs):
            self.opt.zero_grad()
            self.loss(self.model(Xs[lo : lo + bs]), ys[lo : lo + bs]).backward()
            self.opt.step()
        return time.perf_counter() - start

    def predict(self, X: np.ndarray) -> np.ndarray:
        with self.torch.no_grad():
            return self.model(self.torch.from_numpy(X)).argmax(1).numpy()

    def forward(self, X: np.ndarray, batch: int) -> None:
        with self.torch.no_grad():
            Xt = self.torch.from_numpy(X)
            for lo in range(0, len(X), batch):
                self.model(Xt[lo : lo + batch])


class CompiledTorchTrainer(TorchTrainer):
    """The same model through ``torch.compile`` (Inductor's C++ kernels on CPU).

    ``dynamic=False``: the last, smaller batch of an epoch gets its own compiled graph
    (compiled during the warm-up) instead of one graph for every shape.
    """

    def __init__(self, case: Case, seed: int = 0) -> None:
        super().__init__(case, seed)
        # Each case compiles the same Sequential code again: start from an empty cache, or
        # after a few cases Dynamo reaches its recompile limit and silently runs eager.
        self.torch._dynamo.reset()
        self.model = self.torch.compile(self.model, dynamic=False)


# -- deltaprop held to one thread, next to itself on more ----------------------------------


class OneThreadDeltapropTrainer(DeltapropTrainer):
    """deltaprop with BLAS, and so deltaprop itself, held to one thread (the scaling reference)."""

    def epoch(self, X: np.ndarray, y: np.ndarray) -> float:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):
            return super().epoch(X, y)

    def forward(self, X: np.ndarray, batch: int) -> None:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):
            super().forward(X, batch)


# -- scikit-learn ------------------------------------------------------------------------------


class SklearnTrainer:
    def __init__(self, case: Case, seed: int = 0) -> None:
        from sklearn.neural_network import MLPClassifier

        act = "relu" if case.activation == "relu" else "logistic"
        self.model = MLPClassifier(
            hidden_layer_sizes=case.sizes[1:-1],
            activation=act,
            solver="sgd",
            alpha=0.0,
            batch_size=case.batch,
            learning_rate_init=case.eta,
            momentum=case.momentum,
            nesterovs_momentum=False,
            max_iter=1,
            shuffle=True,
            tol=0.0,
            random_state=seed,
            warm_start=True,
        )
        self.classes = np.arange(case.sizes[-1])

    def epoch(self, X: np.ndarray, y: np.ndarray) -> float:
        from sklearn.exceptions import ConvergenceWarning

        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.model.fit(X, y)  # max_iter=1 with warm_start: one more epoch
        return time.perf_counter() - start

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.model.predict(X)


TRAINERS = {
    "deltaprop": DeltapropTrainer,
    "deltaprop, 1 thread": OneThreadDeltapropTrainer,
    "torch.compile": CompiledTorchTrainer,
    "numpy": NumpyTrainer,
    "per-example": PerExampleTrainer,
    "torch": TorchTrainer,
    "sklearn": SklearnTrainer,
}


def available(name: str) -> bool:
    """Whether a reference's library is installed (without importing it)."""
    module = {"torch": "torch", "torch.compile": "torch", "sklearn": "sklearn", "jax": "jax"}
    return module.get(name) is None or importlib.util.find_spec(module[name]) is not None
