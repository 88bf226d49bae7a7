"""deltaprop's scikit-learn estimators: scikit-learn's own checks, and the ecosystem's tools."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")

from sklearn.base import clone  # noqa: E402
from sklearn.datasets import make_classification, make_regression  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from deltaprop import Network  # noqa: E402
from deltaprop.sklearn import DeltapropClassifier, DeltapropRegressor  # noqa: E402

EXPECTED_FAILURES: dict = {}  # none: every check that runs here passes (two skip, see below)


@parametrize_with_checks(
    [DeltapropClassifier(epochs=50, random_state=0), DeltapropRegressor(epochs=50, random_state=0)],
    expected_failed_checks=lambda estimator: EXPECTED_FAILURES,
)
def test_scikit_learn_estimator_checks(estimator, check):
    # check_array_api_input and check_*_data_not_an_array skip themselves unless
    # array-api-compat and pandas are installed (they are not dependencies)
    check(estimator)


X, y = make_classification(300, 8, n_informative=5, n_classes=3, random_state=0)
Xr, yr = make_regression(200, 5, noise=5.0, random_state=0)


def test_classifier_learns_and_exposes_fitted_attributes():
    model = DeltapropClassifier(hidden_sizes=(20,), epochs=60, eta=0.01, random_state=0).fit(X, y)
    assert model.score(X, y) > 0.9
    assert list(model.classes_) == [0, 1, 2] and model.n_features_in_ == 8
    assert model.n_iter_ == 60 and len(model.loss_curve_) == 60
    assert model.loss_curve_[-1] < model.loss_curve_[0]
    assert isinstance(model.network_, Network)
    proba = model.predict_proba(X)
    assert proba.shape == (300, 3) and np.allclose(proba.sum(axis=1), 1)
    labels = DeltapropClassifier(epochs=30, random_state=0).fit(X, np.array(["a", "b", "c"])[y])
    assert set(labels.predict(X)) <= {"a", "b", "c"}


def test_early_stopping_records_validation_scores_and_stops():
    model = DeltapropClassifier(epochs=500, early_stopping=True, patience=3, random_state=0)
    model.fit(X, y)
    assert model.n_iter_ < 500 and len(model.validation_scores_) == model.n_iter_
    assert 0.5 < max(model.validation_scores_) <= 1


def test_regressor_learns_one_or_several_targets():
    model = DeltapropRegressor(hidden_sizes=(30,), epochs=100, eta=0.01, random_state=0)
    pipe = make_pipeline(StandardScaler(), model)
    ys = (yr - yr.mean()) / yr.std()
    assert pipe.fit(Xr, ys).score(Xr, ys) > 0.9
    assert pipe.predict(Xr).shape == (200,)
    two = DeltapropRegressor(epochs=20, random_state=0).fit(Xr, np.column_stack([ys, -ys]))
    assert two.predict(Xr).shape == (200, 2)


def test_partial_fit_goes_on_from_where_it_was():
    model = DeltapropClassifier(random_state=0)
    with pytest.raises(ValueError, match="at least 2 classes"):
        model.partial_fit(X[:5], np.zeros(5))
    model = DeltapropClassifier(random_state=0)
    for _ in range(5):
        model.partial_fit(X, y, classes=[0, 1, 2, 3])
    assert model.n_iter_ == 5 and len(model.loss_curve_) == 5
    assert model.loss_curve_[-1] < model.loss_curve_[0]
    with pytest.raises(ValueError, match=r"labels \[7\] not among classes_"):
        model.partial_fit(X[:3], [0, 1, 7])


def test_grid_search_cross_validation_clone_and_pickle():
    grid = GridSearchCV(
        DeltapropClassifier(epochs=20, random_state=0),
        {"eta": [0.0001, 0.01], "hidden_sizes": [(5,), (30,)]},
        cv=3,
    ).fit(X, y)
    assert grid.best_params_["eta"] == 0.01
    scores = cross_val_score(DeltapropClassifier(epochs=20, random_state=0), X, y, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.7
    model = grid.best_estimator_
    twin = clone(model)
    assert twin.get_params() == model.get_params() and not hasattr(twin, "network_")
    again = pickle.loads(pickle.dumps(model))
    assert np.array_equal(again.predict_proba(X), model.predict_proba(X))


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ((np.full((4, 8), np.nan), [0, 1, 0, 1]), "NaN"),
        ((np.ones((4, 3)), [0, 1, 0, 1]), "3 features"),
    ],
)
def test_bad_input_gets_scikit_learns_errors(data, match):
    model = DeltapropClassifier(epochs=2, random_state=0).fit(X, y)
    if match == "NaN":
        with pytest.raises(ValueError, match=match):
            DeltapropClassifier().fit(*data)
        with pytest.raises(ValueError, match=match):
            model.predict(data[0])
    else:
        with pytest.raises(ValueError, match=match):
            model.predict(data[0])


def test_same_seed_same_model():
    a = DeltapropClassifier(epochs=5, random_state=3).fit(X, y).predict_proba(X)
    b = DeltapropClassifier(epochs=5, random_state=3).fit(X, y).predict_proba(X)
    assert np.array_equal(a, b)
