"""What each exercise asks: statement, equation, shapes and a ladder of hints.

The hint ladder climbs from the idea to a skeleton of code: concept → equation → shapes →
skeleton. The skeleton leaves the maths blank; no rung gives the answer away.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass


@dataclass(frozen=True)
class Exercise:
    """One exercise: its fixed name and signature, and the texts a learner reads.

    Examples
    --------
    >>> from deltaprop.exercises import Exercise
    >>> exercise = get("sigmoid_prime")
    >>> exercise.signature, exercise.topic
    ('sigmoid_prime(z)', 'activations')
    >>> print(exercise.stub().splitlines()[0])
    def sigmoid_prime(z):
    """

    name: str
    parameters: tuple[str, ...]
    topic: str
    statement: str
    equation: str
    shapes: str
    hints: tuple[str, str, str, str]
    outputs: tuple[str, ...] = ()
    """Names of the parts of a tuple answer (empty: the answer is one array)."""
    may_modify: tuple[str, ...] = ()
    """Arguments the learner may update in place (the optimiser steps' w and v)."""

    @property
    def signature(self) -> str:
        return f"{self.name}({', '.join(self.parameters)})"

    def stub(self) -> str:
        """The function a learner starts from: signature, statement as docstring, no body."""
        doc = "\n    ".join(textwrap.wrap(self.statement, 84))
        equation = "\n    ".join(textwrap.wrap(self.equation, 84, subsequent_indent="    "))
        shapes = "\n    ".join(textwrap.wrap(f"Shapes: {self.shapes}", 84))
        return (
            f"def {self.signature}:\n"
            f'    """{doc}\n\n    {equation}\n    {shapes}\n    """\n'
            f"    raise NotImplementedError\n"
        )

    def _repr_html_(self) -> str:
        from html import escape

        return (
            f"<b><code>{escape(self.signature)}</code></b> ({escape(self.topic)})"
            f"<p>{escape(self.statement)}</p><p><code>{escape(self.equation)}</code></p>"
            f"<p>Shapes: {escape(self.shapes)}</p>"
        )


_EXERCISES = (
    Exercise(
        "sigmoid_prime",
        ("z",),
        "activations",
        "Return σ′(z), the derivative of the sigmoid, for every entry of z. Leave z as it is.",
        "σ(z) = 1 / (1 + e^(−z)),  σ′(z) = σ(z)(1 − σ(z))",
        "z: any shape; the result has the same shape",
        (
            "σ′ is largest at z = 0 (¼) and vanishes for large |z|: the vanishing gradient.",
            "σ′(z) = σ(z)(1 − σ(z)). Compute σ(z) once, then combine.",
            "Everything is element-wise: no sums, no matrix products; shape in = shape out.",
            "a = <σ of z, written so that z = ±1000 does not overflow>\nreturn <a and 1 − a>",
        ),
    ),
    Exercise(
        "softmax",
        ("z",),
        "activations",
        "Return the softmax of each row of z. It must stay finite for entries up to ±1000. "
        "Leave z as it is.",
        "aⱼ = e^(zⱼ) / Σₖ e^(zₖ)  (each row)",
        "z: (n, k); the result (n, k), every row summing to 1",
        (
            "Softmax turns a row of scores into probabilities; adding a constant to a row "
            "does not change it.",
            "aⱼ = e^(zⱼ − m) / Σₖ e^(zₖ − m) with m = maxₖ zₖ of the row.",
            "Reduce along axis 1 with keepdims=True so (n, 1) broadcasts against (n, k).",
            "shifted = z − <each row's maximum, shape (n, 1)>\ne = <exp>\n"
            "return e / <each row's sum, shape (n, 1)>",
        ),
    ),
    Exercise(
        "quadratic_delta",
        ("z", "y"),
        "output errors",
        "Return the output error δᴸ = ∂C/∂zᴸ of a sigmoid output layer with the quadratic "
        "cost averaged over the n rows of the batch.",
        "C = (1/2n) Σₓ ‖y − a‖²,  a = σ(z),  BP1: δᴸ = (a − y) ⊙ σ′(zᴸ) / n",
        "z, y: (n, k); δᴸ: (n, k)",
        (
            "BP1: δᴸ = ∇ₐC ⊙ σ′(zᴸ). The 1/n of the mean cost belongs here, once.",
            "∂C/∂a = (a − y)/n for the quadratic cost; multiply by σ′(z) entry by entry.",
            "All arrays are (n, k) and n = z.shape[0]; no matrix product.",
            "a = <σ(z)>\nreturn <(a − y), times σ′(z), over n>",
        ),
    ),
    Exercise(
        "cross_entropy_delta",
        ("z", "y"),
        "output errors",
        "Return δᴸ for a sigmoid output layer with the cross-entropy cost averaged over the "
        "n rows.",
        "C = −(1/n) Σₓ Σⱼ [yⱼ ln aⱼ + (1 − yⱼ) ln(1 − aⱼ)],  δᴸ = (a − y) / n",
        "z, y: (n, k); δᴸ: (n, k)",
        (
            "The cross-entropy was chosen so that σ′ cancels: learning does not slow down "
            "when a saturated neuron is wrong.",
            "∂C/∂a = (a − y) / (a(1 − a)) / n and σ′ = a(1 − a): the product is (a − y)/n.",
            "(n, k) in, (n, k) out; n = z.shape[0].",
            "a = <σ(z), stable for |z| up to 1000>\nreturn <(a − y) over n>",
        ),
    ),
    Exercise(
        "log_likelihood_delta",
        ("z", "y"),
        "output errors",
        "Return δᴸ for a softmax output layer with the log-likelihood cost averaged over the "
        "n rows; y is one-hot.",
        "C = −(1/n) Σₓ ln a_y,  a = softmax(z),  δᴸ = (a − y) / n",
        "z, y: (n, k); δᴸ: (n, k)",
        (
            "Softmax with the log-likelihood is the matched pair of a classifier: δᴸ is again "
            "a − y.",
            "δᴸⱼ = (aⱼ − yⱼ)/n with a the softmax of each row of z.",
            "(n, k) in, (n, k) out; the softmax normalises along axis 1.",
            "a = <row-wise softmax of z, shifted by each row's maximum>\nreturn <(a − y) over n>",
        ),
    ),
    Exercise(
        "backprop_delta",
        ("delta_next", "W_next", "z"),
        "backpropagation",
        "Return δˡ of a sigmoid layer from the error of the layer after it (BP2). With one "
        "example a row and z = a W + b, W_next has shape (nˡ, nˡ⁺¹).",
        "BP2: δˡ = (δˡ⁺¹ W_nextᵀ) ⊙ σ′(zˡ)",
        "delta_next: (n, nˡ⁺¹), W_next: (nˡ, nˡ⁺¹), z: (n, nˡ); δˡ: (n, nˡ)",
        (
            "The error of a unit is the errors it caused downstream, weighted by its outgoing "
            "weights, times how sensitive its activation is.",
            "δˡ = (δˡ⁺¹ W_nextᵀ) ⊙ σ′(zˡ). The 1/n is already inside δˡ⁺¹.",
            "(n, nˡ⁺¹) @ (nˡ⁺¹, nˡ) gives (n, nˡ), the shape of z.",
            "back = <delta_next times the transpose of W_next>\nreturn <back, times σ′(z)>",
        ),
    ),
    Exercise(
        "dense_backward",
        ("delta", "a_prev", "W"),
        "backpropagation",
        "Return (dW, db, da_prev) of a dense layer z = a_prev W + b with W of shape "
        "(n_in, n_out), given δ = ∂C/∂z (already averaged over the batch).",
        "BP4: ∂C/∂W = a_prevᵀ δ,  BP3: ∂C/∂b = Σ_rows δ,  ∂C/∂a_prev = δ Wᵀ",
        "delta: (n, n_out), a_prev: (n, n_in), W: (n_in, n_out); dW like W, db (n_out,), "
        "da_prev like a_prev",
        (
            "Each gradient has the shape of what it is the gradient of.",
            "dW = a_prevᵀ δ sums over the batch; db sums δ over the rows; da_prev = δ Wᵀ.",
            "(n_in, n) @ (n, n_out) = (n_in, n_out); sum over axis 0 for db; (n, n_out) @ "
            "(n_out, n_in).",
            "dW = <a_prev transposed, times delta>\ndb = <delta summed over the rows>\n"
            "da_prev = <delta times W transposed>\nreturn dW, db, da_prev",
        ),
        outputs=("dW", "db", "da_prev"),
    ),
    Exercise(
        "numerical_gradient",
        ("f", "theta", "eps"),
        "gradient checking",
        "Return the central-difference estimate of ∂f/∂θ for every entry of θ (an array of "
        "any shape). f takes θ and returns a number. Leave θ as it was.",
        "∂f/∂θᵢ ≈ (f(θ + ε eᵢ) − f(θ − ε eᵢ)) / 2ε",
        "theta: any shape; the result has the same shape",
        (
            "Nudge one entry at a time, both ways; central differences are accurate to O(ε²), "
            "one-sided ones only to O(ε).",
            "gᵢ = (f(θ + ε eᵢ) − f(θ − ε eᵢ)) / (2ε); put θᵢ back afterwards.",
            "np.ndindex(theta.shape) visits every index of an array of any shape.",
            "grad = <zeros shaped like theta>\nfor i in <every index of theta>:\n"
            "    old = theta[i]\n    <f with theta[i] = old + eps, then old − eps>\n"
            "    theta[i] = old\n    grad[i] = <difference over 2 eps>\nreturn grad",
        ),
    ),
    Exercise(
        "sgd_step",
        ("w", "grad", "eta"),
        "optimisers",
        "Return the weights after one step of gradient descent with learning rate η. "
        "Updating w in place and returning it is fine.",
        "w ← w − η ∇C",
        "w, grad: the same shape; the result too",
        (
            "Step downhill: against the gradient, in proportion to η.",
            "w − η ∇C.",
            "Element-wise; shape in = shape out.",
            "return <w, minus eta times grad>",
        ),
        may_modify=("w",),
    ),
    Exercise(
        "momentum_step",
        ("w", "v", "grad", "eta", "mu"),
        "optimisers",
        "Return (w, v) after one step of momentum gradient descent: first the velocity, then "
        "the weights with the new velocity.",
        "v ← μv − η∇C,  w ← w + v",
        "w, v, grad: the same shape; returns (w, v)",
        (
            "The velocity remembers past steps; μ is the friction (μ = 0 is plain SGD).",
            "v_new = μ v − η ∇C, then w_new = w + v_new (the new velocity, not the old one).",
            "Everything element-wise; return a pair in the order (w, v).",
            "v = <mu times v, minus eta times grad>\nw = <w plus the new v>\nreturn w, v",
        ),
        outputs=("w", "v"),
        may_modify=("w", "v"),
    ),
    Exercise(
        "l2_step",
        ("w", "grad", "eta", "lmbda", "n"),
        "optimisers",
        "Return the weights after one gradient step on C = C₀ + (λ/2n) Σ w², where grad is "
        "∇C₀ (the unregularised part) and n the size of the training set.",
        "w ← (1 − ηλ/n) w − η ∇C₀",
        "w, grad: the same shape; the result too",
        (
            "L2 regularisation is weight decay: every step first shrinks the weights a little.",
            "∂/∂w of (λ/2n) Σ w² is (λ/n) w, so the step is w − η(∇C₀ + (λ/n) w).",
            "Element-wise; n is the training-set size, not the batch size.",
            "decay = <1 − eta lmbda / n>\nreturn <decay times w, minus eta times grad>",
        ),
        may_modify=("w",),
    ),
    Exercise(
        "conv2d_forward",
        ("x", "W", "b", "stride"),
        "convolutions",
        "Return the valid convolution (a cross-correlation, as in the notes: the kernel is not "
        "flipped) of a batch of images in NCHW layout, with one bias per filter.",
        "z[n,f,i,j] = Σ_c Σ_p Σ_q W[f,c,p,q] x[n,c,i·s+p, j·s+q] + b[f]",
        "x: (n, c, h, w), W: (f, c, kh, kw), b: (f,); z: (n, f, (h−kh)//s + 1, (w−kw)//s + 1)",
        (
            "A filter is one small set of shared weights slid over the image: the same "
            "feature detected everywhere (translation invariance).",
            "Output (i, j) looks at the window starting at row i·s, column j·s.",
            "The window x[:, :, i·s:i·s+kh, j·s:j·s+kw] is (n, c, kh, kw); contract it with "
            "W over (c, kh, kw).",
            "z = <zeros (n, f, out_rows, out_cols)>\nfor i in <out rows>:\n    for j in <out "
            "cols>:\n        window = <x at i·s, j·s>\n        z[:, :, i, j] = <window against "
            "every filter, plus b>\nreturn z",
        ),
    ),
    Exercise(
        "conv2d_backward",
        ("delta", "x", "W", "stride"),
        "convolutions",
        "Return (dW, db, dx) of conv2d_forward given δ = ∂C/∂z of shape (n, f, out_rows, "
        "out_cols).",
        "dW[f,c,p,q] = Σ_n Σ_ij δ[n,f,i,j] x[n,c,i·s+p, j·s+q],  db[f] = Σ δ[:,f],  "
        "dx: every window adds Σ_f W[f] δ[n,f,i,j]",
        "dW like W, db (f,), dx like x",
        (
            "Each weight was used at every output position: its gradient sums over all of them.",
            "Where windows overlap, the input receives the sum of the contributions.",
            "Loop over output positions; the window of x is (n, c, kh, kw), δ[:, :, i, j] is "
            "(n, f).",
            "dW, dx = <zeros like W and x>\nfor i, j in <output positions>:\n    dW += "
            "<δ at (i, j) against the window>\n    dx[<window>] += <δ at (i, j) against W>\n"
            "db = <δ summed over n, i, j>\nreturn dW, db, dx",
        ),
        outputs=("dW", "db", "dx"),
    ),
    Exercise(
        "maxpool_backward",
        ("delta", "x", "size"),
        "convolutions",
        "Return dx for max-pooling x with size × size windows and stride = size: each "
        "window sends its δ to the position of its maximum, every other position gets 0.",
        "dx[n,c,i·s+p, j·s+q] = δ[n,c,i,j] if x there is the window's maximum, else 0",
        "delta: (n, c, h//size, w//size), x: (n, c, h, w); dx like x",
        (
            "Max-pooling passes on only its winner, so only the winner is to blame.",
            "Within each window, a mask of where x equals the maximum, times that window's δ.",
            "Rows or columns left over when h or w is not a multiple of size get 0.",
            "dx = <zeros like x>\nfor i, j in <windows>:\n    window = <x in window (i, j)>\n"
            "    mask = <window == its maximum>\n    dx[<window>] = <mask times δ[:, :, i, j]>\n"
            "return dx",
        ),
    ),
    Exercise(
        "backprop",
        ("weights", "biases", "x", "y"),
        "capstone",
        "Return (dWs, dbs): two lists in layer order with every ∂C/∂W and ∂C/∂b of a "
        "sigmoid MLP (sigmoid output too, W of shape (n_in, n_out)) with the cross-entropy "
        "cost averaged over the n rows of x.",
        "zˡ = aˡ⁻¹Wˡ + bˡ, aˡ = σ(zˡ);  δᴸ = (aᴸ − y)/n;  δˡ = (δˡ⁺¹Wˡ⁺¹ᵀ) ⊙ σ′(zˡ);  "
        "∂C/∂Wˡ = aˡ⁻¹ᵀδˡ,  ∂C/∂bˡ = Σ_rows δˡ",
        "weights[l]: (n_l, n_l+1), biases[l]: (n_l+1,), x: (n, n_0), y: (n, n_L)",
        (
            "Forward, keeping every z and a; then the four equations backwards.",
            "BP1 at the top, BP2 down the layers, BP3 and BP4 for each layer's gradients.",
            "dWs[l] has the shape of weights[l]: aˡ⁻¹ᵀ (n_l, n) @ δˡ (n, n_l+1).",
            "activations, zs = [x], []\nfor W, b in zip(weights, biases):\n    <z, then a>\n"
            "delta = <BP1 for the cross-entropy>\nfor l in <layers, last first>:\n"
            "    <dW and db of layer l>\n    delta = <BP2 to the layer below>\n"
            "return dWs, dbs",
        ),
        outputs=("dWs", "dbs"),
    ),
)

EXERCISES: dict[str, Exercise] = {e.name: e for e in _EXERCISES}


def exercises() -> list[Exercise]:
    """Every exercise in the order of the course (statement, equation, shapes, hints).

    Examples
    --------
    >>> from deltaprop.exercises import exercises
    >>> [e.name for e in exercises()][:3]
    ['sigmoid_prime', 'softmax', 'quadratic_delta']
    """
    return list(_EXERCISES)


def get(name: str) -> Exercise:
    """The exercise called ``name``; a ValueError lists the names when there is none.

    Parameters
    ----------
    name : str
        An exercise's name.

    Returns
    -------
    Exercise
        Its statement, equation, shapes and hints.

    Examples
    --------
    >>> from deltaprop.exercises import get
    >>> get("softmax").parameters
    ('z',)
    """
    try:
        return EXERCISES[name]
    except KeyError:
        raise ValueError(
            f"no exercise called {name!r}; the exercises are: {', '.join(EXERCISES)}"
        ) from None
