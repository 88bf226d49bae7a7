"""A ``jax.jit`` training step: the compiled-peer reference for the MLP and the LeNet-style CNN.

Same architecture, float32, batch size, learning rate and classical momentum as the other
trainers; each epoch shuffles, and the step (forward, cross-entropy of log-softmax, gradient,
update) is one compiled XLA function. JAX is optional in the benchmark environment.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from bench.references import Case


class JaxTrainer:
    def __init__(self, case: Case, seed: int = 0) -> None:
        import jax
        import jax.numpy as jnp

        self.jax, self.jnp, self.case = jax, jnp, case
        rng = np.random.default_rng(seed)
        self.params = [jnp.asarray(p) for p in _init(case, rng)]
        self.velocity = [jnp.zeros_like(p) for p in self.params]
        self.rng = rng
        eta, mu = np.float32(case.eta), np.float32(case.momentum)
        forward = self._forward

        def loss(params: list[Any], x: Any, y: Any) -> Any:
            logp = jax.nn.log_softmax(forward(params, x))
            return -jnp.take_along_axis(logp, y[:, None], axis=1).mean()

        def step(params: list[Any], velocity: list[Any], x: Any, y: Any) -> Any:
            grads = jax.grad(loss)(params, x, y)
            velocity = [mu * v - eta * g for v, g in zip(velocity, grads, strict=True)]
            return [p + v for p, v in zip(params, velocity, strict=True)], velocity

        self.step = jax.jit(step)
        self.predict_fn = jax.jit(forward)

    def _forward(self, params: list[Any], x: Any) -> Any:
        jax, jnp = self.jax, self.jnp
        if self.case.kind == "cnn":
            W1, b1, W2, b2, W3, b3, W4, b4 = params
            a = x.reshape(-1, 1, 28, 28)
            for W, b in ((W1, b1), (W2, b2)):
                a = jax.lax.conv_general_dilated(
                    a, W, (1, 1), "VALID", dimension_numbers=("NCHW", "OIHW", "NCHW")
                )
                a = jax.nn.relu(a + b[None, :, None, None])
                a = jax.lax.reduce_window(
                    a, -jnp.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID"
                )
            a = jax.nn.relu(a.reshape(a.shape[0], -1) @ W3 + b3)
            return a @ W4 + b4
        hidden = jax.nn.relu if self.case.activation == "relu" else jax.nn.sigmoid
        a = x
        for W, b in zip(params[:-2:2], params[1:-2:2], strict=True):
            a = hidden(a @ W + b)
        return a @ params[-2] + params[-1]

    def epoch(self, X: np.ndarray, y: np.ndarray) -> float:
        start = time.perf_counter()
        order = self.rng.permutation(len(X))
        Xs, ys = X[order], y[order].astype(np.int32)
        bs = self.case.batch
        params, velocity = self.params, self.velocity
        for lo in range(0, len(X), bs):
            params, velocity = self.step(params, velocity, Xs[lo : lo + bs], ys[lo : lo + bs])
        self.jax.block_until_ready(params)
        self.params, self.velocity = params, velocity
        return time.perf_counter() - start

    def forward(self, X: np.ndarray, batch: int) -> None:
        out = None
        for lo in range(0, len(X), batch):
            out = self.predict_fn(self.params, X[lo : lo + batch])
        self.jax.block_until_ready(out)


def _init(case: Case, rng: np.random.Generator) -> list[np.ndarray]:
    """Parameters with the fan-in scaling of the other references, float32."""
    if case.kind == "cnn":
        shapes = [((20, 1, 5, 5), 25), ((40, 20, 5, 5), 500), ((640, 100), 640), ((100, 10), 100)]
    else:
        shapes = [((a, b), a) for a, b in zip(case.sizes[:-1], case.sizes[1:], strict=True)]
    params = []
    for shape, fan_in in shapes:
        W = rng.standard_normal(shape) * np.sqrt(1 / fan_in)
        bias = shape[0] if len(shape) == 4 else shape[1]
        params += [W.astype(np.float32), np.zeros(bias, np.float32)]
    return params
