import pytest

from deltaprop.studio.forms import Caps, FormError, digits, experiment, label, playground

CAPS = Caps(points=600, hidden_layers=3, width=8, digits=500)


def test_defaults_come_back_when_nothing_is_sent():
    config = playground({}, CAPS)
    assert config.dataset == "xor" and config.hidden == (4, 4) and config.eta == 0.3


def test_page_spellings_are_accepted_and_made_canonical():
    config = playground(
        {"dataset": "Two Spirals", "hidden": "3, 5", "optimizer": "Adam", "init": "He Normal"},
        CAPS,
    )
    assert (config.dataset, config.hidden, config.optimizer, config.init) == (
        "spirals",
        (3, 5),
        "adam",
        "he_normal",
    )
    assert playground({"hidden": ""}, CAPS).hidden == ()  # no hidden layer: a linear model


@pytest.mark.parametrize(
    ("form", "field", "words"),
    [
        ({"eta": 0}, "eta", "η (learning rate) must be > 0"),
        ({"eta": -1}, "eta", "must be > 0"),
        ({"eta": "fast"}, "eta", "must be a number"),
        ({"eta": float("nan")}, "eta", "must be > 0"),
        ({"hidden": [4, 0]}, "hidden", "from 1 to 8 units, got 0"),
        ({"hidden": [9]}, "hidden", "from 1 to 8 units, got 9"),
        ({"hidden": "4, x"}, "hidden", "got 'x'"),
        ({"hidden": [2, 2, 2, 2]}, "hidden", "At most 3 hidden layers"),
        ({"hidden": {"a": 1}}, "hidden", "list of layer widths"),
        ({"points": 601}, "points", "<= 600"),
        ({"points": 100, "batch_size": 101}, "batch_size", "<= 100"),
        ({"batch_size": 2.5}, "batch_size", "whole number"),
        ({"activation": "swish"}, "activation", "unknown 'swish'"),
        ({"output": "softmax+quadratic"}, "output", "unknown"),
        ({"optimizer": "rmsprop"}, "optimizer", "unknown optimiser 'rmsprop'"),
        ({"dataset": "moons"}, "dataset", "unknown toy data set 'moons'"),
        ({"init": 3}, "init", "must be a name"),
        ({"lmbda": -0.1}, "lmbda", "λ (L2 regularisation) must be >= 0"),
        ({"noise": 2}, "noise", "Noise must be"),
    ],
)
def test_bad_values_name_their_field(form, field, words):
    with pytest.raises(FormError) as caught:
        playground(form, CAPS)
    assert caught.value.field == field
    assert words in caught.value.message


def test_digits_form_caps_the_data_and_epochs():
    assert digits({"preset": "cnn", "n_train": 500}, CAPS).preset == "cnn"
    with pytest.raises(FormError, match="<= 500"):
        digits({"n_train": 501}, CAPS)
    with pytest.raises(FormError, match="Epochs must be"):
        digits({"epochs": 0}, CAPS)
    with pytest.raises(FormError, match="unknown 'lenet'"):
        digits({"preset": "lenet"}, CAPS)


def test_lab_and_label_forms():
    assert experiment({"name": "cost-pairs"}) == ("cost-pairs", True)
    assert experiment({"name": "cost-pairs", "quick": False}) == ("cost-pairs", False)
    with pytest.raises(FormError, match="unknown 'nope'"):
        experiment({"name": "nope"})
    with pytest.raises(FormError, match="true or false"):
        experiment({"name": "cost-pairs", "quick": "yes"})
    assert label({}) is None and label({"label": 7}) == 7
    with pytest.raises(FormError, match="<= 9"):
        label({"label": 10})
