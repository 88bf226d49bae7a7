import numpy as np
import pytest

from deltaprop import Network
from deltaprop.datasets.images import read_image
from deltaprop.studio.digits import check_digit_model, decode_drawing, image
from deltaprop.studio.forms import FormError

from .conftest import digit_png, png


def test_a_drawing_is_prepared_exactly_as_deltaprop_predict_prepares_an_image(tmp_path):
    data = digit_png(5, size=280)
    (tmp_path / "five.png").write_bytes(data)
    np.testing.assert_array_equal(decode_drawing(data), read_image(tmp_path / "five.png"))


def test_dark_ink_on_paper_is_turned_into_mnist_style_too():
    ink = np.ones((100, 100))
    ink[20:80, 45:55] = 0  # a dark vertical stroke: a "1"
    x = decode_drawing(png(ink))
    assert x.shape == (28, 28) and x.max() > 0.9 and x[0].max() == 0


def test_images_map_zero_to_the_middle_of_a_signed_colour_map():
    flat = image(np.zeros((3, 3)), signed=True)
    assert flat["lo"] == -1 and flat["hi"] == 1
    assert set(np.frombuffer(__import__("base64").b64decode(flat["data"]), np.uint8)) == {128}


def test_only_digit_models_are_accepted():
    check_digit_model(Network.from_sizes([784, 10]))
    with pytest.raises(FormError, match="needs 784 inputs"):
        check_digit_model(Network.from_sizes([784, 2]))
