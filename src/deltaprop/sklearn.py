"""deltaprop as scikit-learn estimators: ``DeltapropClassifier`` and ``DeltapropRegressor``.

They follow scikit-learn's estimator contract (``fit``, ``partial_fit``, ``predict``,
``score``, fitted attributes ending in ``_``, ``clone``, pickling), so a deltaprop network
works in a ``Pipeline``, ``GridSearchCV`` or ``cross_val_score``. Pickling is
scikit-learn's contract for estimators; deltaprop's own model files (``network_`` through
:func:`deltaprop.save`) stay pickle-free. Needs the ``sklearn`` extra.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets, unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data

from .core import optimizers
from .core.network import Network
from .training import Callback, EarlyStopping, History, TrainingEvent

__all__ = [
    "DeltapropClassifier",
    "DeltapropRegressor",
]


class _Scores(Callback):
    """Records a validation score after every epoch (accuracy, or R² for regression)."""

    def __init__(self, score: Any, X: np.ndarray, y: np.ndarray) -> None:
        self.score, self.X, self.y = score, X, y
        self.values: list[float] = []

    def on_epoch_end(self, event: TrainingEvent) -> None:
        self.values.append(float(self.score(event.network, self.X, self.y)))


class _DeltapropEstimator(BaseEstimator):
    """What both estimators share: the network, its training, and the fitted attributes."""

    _output: str
    _cost: str

    def __init__(
        self,
        hidden_sizes: Sequence[int] = (100,),
        activation: str = "relu",
        init: str | None = None,
        optimizer: str = "adam",
        eta: float = 0.001,
        batch_size: int = 32,
        epochs: int = 200,
        lmbda: float = 0.0,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        patience: int = 10,
        random_state: int | np.random.RandomState | None = None,
        verbose: bool = False,
    ) -> None:
        self.hidden_sizes = hidden_sizes
        self.activation = activation
        self.init = init
        self.optimizer = optimizer
        self.eta = eta
        self.batch_size = batch_size
        self.epochs = epochs
        self.lmbda = lmbda
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.random_state = random_state
        self.verbose = verbose

    # -- what the subclasses decide ----------------------------------------------------

    def _targets(self, y: np.ndarray, first: bool) -> np.ndarray:
        raise NotImplementedError

    def _n_out(self) -> int:
        raise NotImplementedError

    def _validation_score(self, network: Network, X: np.ndarray, y: np.ndarray) -> float:
        raise NotImplementedError

    # -- training ------------------------------------------------------------------------

    def _start(self, X: np.ndarray) -> None:
        seed = int(check_random_state(self.random_state).randint(2**31 - 1))
        sizes = [X.shape[1], *self.hidden_sizes, self._n_out()]
        self.network_ = Network.from_sizes(
            sizes,
            self.activation,
            self._output,
            self._cost,
            init=self.init,
            seed=seed,
            dtype="float64",
        )
        self._optimizer = optimizers.get(self.optimizer, self.eta)
        self._seed = seed
        self.n_iter_ = 0
        self.loss_curve_: list[float] = []
        self.validation_scores_: list[float] = []

    def _train(self, X: np.ndarray, t: np.ndarray, epochs: int, validate: bool) -> None:
        callbacks: list[Callback] = []
        validation = None
        if validate:
            stratify = t if isinstance(self, ClassifierMixin) else None
            X, Xv, t, tv = train_test_split(
                X,
                t,
                test_size=self.validation_fraction,
                random_state=self._seed,
                stratify=stratify,
            )
            validation = (Xv, tv)
            scores = _Scores(self._validation_score, Xv, tv)
            callbacks = [scores, EarlyStopping("val_cost", self.patience, restore_best=True)]
        history: History = self.network_.fit(
            X,
            t,
            epochs=epochs,
            batch_size=min(self.batch_size, len(X)),
            optimizer=self._optimizer,
            lmbda=self.lmbda,
            validation_data=validation,
            seed=self._seed + self.n_iter_,
            callbacks=callbacks,
            verbose=self.verbose,
        )
        self.n_iter_ += len(history)
        self.loss_curve_ += [float(c) for c in history.train_cost if c is not None]
        if validate:
            self.validation_scores_ += scores.values

    def _check(self, X: Any, y: Any, reset: bool) -> tuple[np.ndarray, np.ndarray]:
        """scikit-learn's input checks; X as float64 (integer features are usual here)."""
        return validate_data(  # type: ignore[no-any-return]
            self,
            X,
            y,
            reset=reset,
            dtype=np.float64,
            y_numeric=not isinstance(self, ClassifierMixin),
            multi_output=isinstance(self, RegressorMixin),
        )

    def fit(self, X: Any, y: Any) -> Any:
        """Train a new network on (X, y) for ``epochs`` epochs (fewer with early stopping)."""
        X, y = self._check(X, y, reset=True)
        t = self._targets(y, first=True)
        self._start(X)
        self._train(X, t, self.epochs, validate=self.early_stopping)
        return self

    def partial_fit(self, X: Any, y: Any, **kwargs: Any) -> Any:
        """One epoch on (X, y), continuing from the current network (a new one at first)."""
        first = not hasattr(self, "network_")
        X, y = self._check(X, y, reset=first)
        t = self._targets(y, first, **kwargs)
        if first:
            self._start(X)
        self._train(X, t, 1, validate=False)
        return self

    def _outputs(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "network_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return self.network_.predict_proba(X)


class DeltapropClassifier(ClassifierMixin, _DeltapropEstimator):
    """A deltaprop network as a scikit-learn classifier: softmax output, log-likelihood cost.

    Parameters mirror deltaprop's choices: ``hidden_sizes`` (widths of the hidden layers),
    ``activation`` (sigmoid, tanh, relu, leaky_relu, maxout), ``init`` (an initialiser
    name; None chooses He or Xavier), ``optimizer`` (sgd, momentum, nesterov,
    average_momentum, adam) and its ``eta``, ``batch_size``, ``epochs``, ``lmbda`` (L2),
    ``early_stopping`` on a held-out ``validation_fraction`` with ``patience`` epochs,
    ``random_state``, ``verbose``.

    Fitted attributes: ``classes_``, ``n_features_in_``, ``n_iter_`` (epochs trained),
    ``loss_curve_`` (training cost per epoch), ``validation_scores_`` (validation accuracy
    per epoch, with early stopping), ``network_`` (the :class:`deltaprop.Network`).

    Examples
    --------
    >>> from deltaprop.sklearn import DeltapropClassifier
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> X, y = load_iris(return_X_y=True)
    >>> model = make_pipeline(StandardScaler(), DeltapropClassifier(epochs=30, random_state=0))
    >>> bool(cross_val_score(model, X, y, cv=3).mean() > 0.8)
    True
    """

    _output, _cost = "softmax", "log_likelihood"

    def _targets(self, y: np.ndarray, first: bool, classes: Any = None) -> np.ndarray:
        check_classification_targets(y)
        if first:
            self.classes_ = unique_labels(y) if classes is None else np.asarray(classes)
            if len(self.classes_) < 2:
                raise ValueError(
                    f"a classifier needs at least 2 classes in y, got 1 class: {self.classes_}"
                )
        unseen = np.setdiff1d(y, self.classes_)
        if len(unseen):
            raise ValueError(f"y has labels {unseen.tolist()} not among classes_ {self.classes_}")
        return np.searchsorted(self.classes_, y)

    def _n_out(self) -> int:
        return len(self.classes_)

    def _validation_score(self, network: Network, X: np.ndarray, y: np.ndarray) -> float:
        return network.accuracy(X, y)

    def predict_proba(self, X: Any) -> np.ndarray:
        """The probability of each class in ``classes_``, one row per example."""
        return self._outputs(X)

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """The log of :meth:`predict_proba`."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each example."""
        proba = self.predict_proba(X)  # first: it checks that the estimator is fitted
        return self.classes_[proba.argmax(axis=1)]


class DeltapropRegressor(RegressorMixin, _DeltapropEstimator):
    """A deltaprop network as a scikit-learn regressor: identity output, quadratic cost.

    The parameters and fitted attributes are those of :class:`DeltapropClassifier`
    (without ``classes_``; ``validation_scores_`` holds R² on the validation set).

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.sklearn import DeltapropRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((200, 2))
    >>> y = X[:, 0] - 2 * X[:, 1]
    >>> model = DeltapropRegressor(hidden_sizes=(16,), epochs=100, eta=0.01, random_state=0)
    >>> bool(model.fit(X, y).score(X, y) > 0.9)  # R²
    True
    """

    _output, _cost = "identity", "quadratic"

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True  # one output unit per target
        return tags

    def _targets(self, y: np.ndarray, first: bool) -> np.ndarray:
        y = np.asarray(y, dtype=np.float64)
        if first:
            self._one_target = y.ndim == 1
            self.n_outputs_ = 1 if y.ndim == 1 else y.shape[1]
        elif (1 if y.ndim == 1 else y.shape[1]) != self.n_outputs_:
            raise ValueError(
                f"y has {y.shape[1:]} targets; the network was fitted with {self.n_outputs_}"
            )
        return y.reshape(len(y), -1)

    def _n_out(self) -> int:
        return self.n_outputs_

    def _validation_score(self, network: Network, X: np.ndarray, y: np.ndarray) -> float:
        return float(r2_score(y, network.predict_proba(X)))

    def predict(self, X: Any) -> np.ndarray:
        """The network's outputs (one column per target; flat for a single target)."""
        out = self._outputs(X)
        return out[:, 0] if self._one_target else out
