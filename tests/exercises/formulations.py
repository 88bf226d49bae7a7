"""Correct answers written the ways learners write them: loops, einsum, other formulas.

Each must pass: the checker judges values, not the way they were computed.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _stable_sigmoid(z):
    return np.exp(-np.logaddexp(0, -z))


def _sigmoid_loop(z):
    out = np.empty_like(z)
    for i in np.ndindex(z.shape):
        v = z[i]
        out[i] = 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))
    return out


def sigmoid_prime_loops(z):
    a = _sigmoid_loop(z)
    return a * (1 - a)


def sigmoid_prime_logaddexp(z):
    return np.exp(-np.logaddexp(0, -z) - np.logaddexp(0, z))


def sigmoid_prime_naive(z):  # overflows inside for z << 0, but the values come out right
    a = 1 / (1 + np.exp(-z))
    return a * (1 - a)


def softmax_loops(z):
    out = np.empty_like(z)
    for i, row in enumerate(z):
        e = np.exp(row - row.max())
        out[i] = e / e.sum()
    return out


def softmax_logsumexp(z):
    return np.exp(z - np.logaddexp.reduce(z, axis=1, keepdims=True))


def softmax_in_place_on_a_copy(z):
    e = z - z.max(axis=1, keepdims=True)
    np.exp(e, out=e)
    e /= e.sum(axis=1, keepdims=True)
    return e


def quadratic_delta_chain_rule(z, y):
    a = _stable_sigmoid(z)
    return np.multiply(a - y, a * (1 - a)) / len(z)


def quadratic_delta_loops(z, y):
    out = np.empty_like(z)
    for i in range(z.shape[0]):
        a = _sigmoid_loop(z[i])
        out[i] = (a - y[i]) * a * (1 - a)
    return out / z.shape[0]


def quadratic_delta_tanh(z, y):
    a = 0.5 * (1 + np.tanh(z / 2))
    return (a - y) * (0.25 / np.cosh(z / 2) ** 2) / z.shape[0]  # σ′ = ¼ sech²(z/2)


def cross_entropy_delta_stable(z, y):
    return (_stable_sigmoid(z) - y) / z.shape[0]


def cross_entropy_delta_loops(z, y):
    n = z.shape[0]
    return np.array([(_sigmoid_loop(row) - t) / n for row, t in zip(z, y, strict=False)])


def cross_entropy_delta_mean(z, y):
    return np.divide(0.5 * (1 + np.tanh(z / 2)) - y, z.shape[0])


def log_likelihood_delta_logsumexp(z, y):
    return (softmax_logsumexp(z) - y) / len(z)


def log_likelihood_delta_loops(z, y):
    return (softmax_loops(z) - y) / z.shape[0]


def log_likelihood_delta_einsum(z, y):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return (e / np.einsum("nk->n", e)[:, None] - y) / z.shape[0]


def backprop_delta_einsum(delta_next, W_next, z):
    return np.einsum("nk,mk->nm", delta_next, W_next) * sigmoid_prime_logaddexp(z)


def backprop_delta_transposed_product(delta_next, W_next, z):
    a = _stable_sigmoid(z)
    return (W_next @ delta_next.T).T * a * (1 - a)


def backprop_delta_loops(delta_next, W_next, z):
    out = np.zeros_like(z)
    for n in range(z.shape[0]):
        for j in range(z.shape[1]):
            out[n, j] = sum(delta_next[n, k] * W_next[j, k] for k in range(W_next.shape[1]))
    return out * sigmoid_prime_loops(z)


def dense_backward_einsum(delta, a_prev, W):
    return (
        np.einsum("ni,no->io", a_prev, delta),
        np.einsum("no->o", delta),
        np.einsum("no,io->ni", delta, W),
    )


def dense_backward_loops(delta, a_prev, W):
    dW = np.zeros_like(W)
    for x, d in zip(a_prev, delta, strict=False):
        dW += np.outer(x, d)
    return dW, np.sum(delta, axis=0), np.dot(delta, W.T)


def dense_backward_list(delta, a_prev, W):
    return [a_prev.T.dot(delta), delta.sum(0), (W @ delta.T).T]


def numerical_gradient_flat_view(f, theta, eps):
    flat = theta.reshape(-1)  # a view: nudges theta itself, and restores it
    grad = np.zeros(flat.size)
    for i in range(flat.size):
        flat[i] += eps
        up = f(theta)
        flat[i] -= 2 * eps
        down = f(theta)
        flat[i] += eps
        grad[i] = (up - down) / (2 * eps)
    return grad.reshape(theta.shape)


def numerical_gradient_copies(f, theta, eps):
    grad = np.empty(theta.shape)
    for i in np.ndindex(*theta.shape):
        step = np.zeros(theta.shape)
        step[i] = eps
        grad[i] = (f(theta + step) - f(theta - step)) / (2 * eps)
    return grad


def numerical_gradient_nditer(f, theta, eps):
    grad = np.zeros_like(theta)
    it = np.nditer(theta, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = theta[i].copy()
        theta[i] = old + eps
        up = f(theta)
        theta[i] = old - eps
        down = f(theta)
        theta[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


def sgd_step_in_place(w, grad, eta):
    w -= eta * grad
    return w


def sgd_step_subtract(w, grad, eta):
    return np.subtract(w, np.multiply(eta, grad))


def sgd_step_loops(w, grad, eta):
    out = w.copy()
    for i in np.ndindex(w.shape):
        out[i] = w[i] - eta * grad[i]
    return out


def momentum_step_in_place(w, v, grad, eta, mu):
    v *= mu
    v -= eta * grad
    w += v
    return w, v


def momentum_step_list(w, v, grad, eta, mu):
    v_new = mu * v - eta * grad
    return [w + v_new, v_new]


def momentum_step_expanded(w, v, grad, eta, mu):
    return w + mu * v - eta * grad, mu * v - eta * grad


def l2_step_gradient_form(w, grad, eta, lmbda, n):
    return w - eta * (grad + lmbda / n * w)


def l2_step_in_place(w, grad, eta, lmbda, n):
    w *= 1 - eta * lmbda / n
    w -= eta * grad
    return w


def l2_step_decay_first(w, grad, eta, lmbda, n):
    decay = 1.0 - (eta * lmbda) / n
    return decay * w - eta * grad


def conv2d_forward_loops(x, W, b, stride):
    n, _c, h, w = x.shape
    f, _, kh, kw = W.shape
    oh, ow = (h - kh) // stride + 1, (w - kw) // stride + 1
    z = np.zeros((n, f, oh, ow))
    for i in range(oh):
        for j in range(ow):
            window = x[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw]
            for k in range(f):
                z[:, k, i, j] = (window * W[k]).sum(axis=(1, 2, 3)) + b[k]
    return z


def conv2d_forward_sliding(x, W, b, stride):
    kh, kw = W.shape[2:]
    win = sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    return (
        np.tensordot(win, W, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2)
        + b[None, :, None, None]
    )


def conv2d_forward_im2col(x, W, b, stride):
    n, c, h, w = x.shape
    f, _, kh, kw = W.shape
    oh, ow = (h - kh) // stride + 1, (w - kw) // stride + 1
    cols = np.empty((n, oh * ow, c * kh * kw))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw]
            cols[:, i * ow + j] = patch.reshape(n, -1)
    z = cols @ W.reshape(f, -1).T + b
    return z.transpose(0, 2, 1).reshape(n, f, oh, ow)


def conv2d_backward_loops(delta, x, W, stride):
    kh, kw = W.shape[2:]
    dW, dx = np.zeros_like(W), np.zeros_like(x)
    for i in range(delta.shape[2]):
        for j in range(delta.shape[3]):
            rows, cols = slice(i * stride, i * stride + kh), slice(j * stride, j * stride + kw)
            for n in range(x.shape[0]):
                for f in range(W.shape[0]):
                    dW[f] += delta[n, f, i, j] * x[n, :, rows, cols]
                    dx[n, :, rows, cols] += delta[n, f, i, j] * W[f]
    return dW, delta.sum(axis=(0, 2, 3)), dx


def conv2d_backward_sliding(delta, x, W, stride):
    kh, kw = W.shape[2:]
    win = sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    win = win[:, :, : delta.shape[2], : delta.shape[3]]
    dW = np.einsum("ncijpq,nfij->fcpq", win, delta)
    dx = np.zeros_like(x)
    for i in range(delta.shape[2]):
        for j in range(delta.shape[3]):
            dx[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw] += np.einsum(
                "fcpq,nf->ncpq", W, delta[:, :, i, j]
            )
    return dW, np.einsum("nfij->f", delta), dx


def conv2d_backward_dilated(delta, x, W, stride):
    # dx as a full convolution of the dilated δ with the flipped kernel
    n, f, oh, ow = delta.shape
    kh, kw = W.shape[2:]
    dil = np.zeros((n, f, (oh - 1) * stride + 1, (ow - 1) * stride + 1))
    dil[:, :, ::stride, ::stride] = delta
    padded = np.pad(dil, ((0, 0), (0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)))
    flipped = W[:, :, ::-1, ::-1]
    full = np.zeros((n, x.shape[1], padded.shape[2] - kh + 1, padded.shape[3] - kw + 1))
    for p in range(kh):
        for q in range(kw):
            full += np.einsum(
                "nfij,fc->ncij",
                padded[:, :, p : p + full.shape[2], q : q + full.shape[3]],
                flipped[:, :, p, q],
            )
    dx = np.zeros_like(x)
    dx[:, :, : full.shape[2], : full.shape[3]] = full
    dW = conv2d_backward_loops(delta, x, W, stride)[0]
    return dW, delta.sum(axis=(0, 2, 3)), dx


def maxpool_backward_mask(delta, x, size):
    dx = np.zeros_like(x)
    for i in range(delta.shape[2]):
        for j in range(delta.shape[3]):
            cell = x[:, :, i * size : (i + 1) * size, j * size : (j + 1) * size]
            mask = cell == cell.max(axis=(2, 3), keepdims=True)
            dx[:, :, i * size : (i + 1) * size, j * size : (j + 1) * size] = (
                mask * delta[:, :, i, j][:, :, None, None]
            )
    return dx


def maxpool_backward_unravel(delta, x, size):
    dx = np.zeros(x.shape)
    for n, c, i, j in np.ndindex(*delta.shape):
        cell = x[n, c, i * size : (i + 1) * size, j * size : (j + 1) * size]
        p, q = np.unravel_index(cell.argmax(), cell.shape)
        dx[n, c, i * size + p, j * size + q] = delta[n, c, i, j]
    return dx


def maxpool_backward_repeat(delta, x, size):
    h, w = delta.shape[2] * size, delta.shape[3] * size
    core = x[:, :, :h, :w]
    pooled = core.reshape(*core.shape[:2], delta.shape[2], size, delta.shape[3], size).max(
        axis=(3, 5)
    )
    up = pooled.repeat(size, axis=2).repeat(size, axis=3)
    dx = np.zeros_like(x)
    dx[:, :, :h, :w] = (core == up) * delta.repeat(size, axis=2).repeat(size, axis=3)
    return dx


def _forward(weights, biases, x):
    acts, zs = [x], []
    for W, b in zip(weights, biases, strict=False):
        zs.append(acts[-1] @ W + b)
        acts.append(_stable_sigmoid(zs[-1]))
    return acts, zs


def backprop_reversed_lists(weights, biases, x, y):
    acts, _zs = _forward(weights, biases, x)
    delta = (acts[-1] - y) / len(x)
    dWs, dbs = [], []
    for layer in reversed(range(len(weights))):
        dWs.append(acts[layer].T @ delta)
        dbs.append(delta.sum(axis=0))
        delta = delta @ weights[layer].T * acts[layer] * (1 - acts[layer])
    return dWs[::-1], dbs[::-1]


def backprop_per_example(weights, biases, x, y):
    dWs = [np.zeros_like(W) for W in weights]
    dbs = [np.zeros_like(b) for b in biases]
    for row, target in zip(x, y, strict=False):
        acts, _ = _forward(weights, biases, row[None])
        delta = acts[-1] - target
        for layer in range(len(weights) - 1, -1, -1):
            dWs[layer] += acts[layer].T @ delta / len(x)
            dbs[layer] += delta[0] / len(x)
            delta = delta @ weights[layer].T * acts[layer] * (1 - acts[layer])
    return dWs, dbs


def backprop_recursive(weights, biases, x, y):
    def down(layer, a):
        z = a @ weights[layer] + biases[layer]
        out = _stable_sigmoid(z)
        if layer == len(weights) - 1:
            delta = (out - y) / len(x)
            return delta @ weights[layer].T, [a.T @ delta], [delta.sum(0)]
        back, dWs, dbs = down(layer + 1, out)
        delta = back * out * (1 - out)
        return delta @ weights[layer].T, [a.T @ delta, *dWs], [delta.sum(0), *dbs]

    _, dWs, dbs = down(0, x)
    return dWs, dbs


NAMES = (
    "sigmoid_prime",
    "softmax",
    "quadratic_delta",
    "cross_entropy_delta",
    "log_likelihood_delta",
    "backprop_delta",
    "dense_backward",
    "numerical_gradient",
    "sgd_step",
    "momentum_step",
    "l2_step",
    "conv2d_forward",
    "conv2d_backward",
    "maxpool_backward",
    "backprop",
)


def _owner(function_name: str) -> str:
    """The exercise a formulation answers: the longest exercise name it starts with."""
    return max((n for n in NAMES if function_name.startswith(n + "_")), key=len, default="")


FORMULATIONS = {
    name: [fn for key, fn in sorted(globals().items()) if callable(fn) and _owner(key) == name]
    for name in NAMES
}
