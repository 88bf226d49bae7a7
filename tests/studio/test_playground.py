import base64

import numpy as np

from deltaprop.studio.forms import Caps, playground
from deltaprop.studio.playground import build, class1_probability, frame, plane, weights


def test_the_plane_is_drawn_row_by_row_from_the_top():
    points = plane(3)
    assert points[0].tolist() == [-1, 1] and points[-1].tolist() == [1, -1]


def test_class_1_probability_for_both_output_kinds():
    for output in ("sigmoid+cross_entropy", "softmax+log_likelihood"):
        net = build(playground({"output": output, "hidden": [3]}, Caps()))
        p = class1_probability(net, plane(5))
        assert p.shape == (25,) and np.all((p >= 0) & (p <= 1))
    softmax = net.predict_proba(plane(5))
    np.testing.assert_allclose(class1_probability(net, plane(5)), softmax[:, 1])


def test_a_frame_has_every_hidden_unit_and_weight_layer():
    net = build(playground({"hidden": [3, 2], "activation": "maxout"}, Caps()))
    f = frame(net, 20)
    assert len(base64.b64decode(f["boundary"])) == 400
    assert [len(layer) for layer in f["units"]] == [3, 2]
    assert [np.array(w).shape for w in weights(net)] == [(2, 3), (3, 2), (2, 1)]
    unit = np.frombuffer(base64.b64decode(f["units"][0][0]), np.uint8)
    assert unit.size == f["unit_grid"] ** 2 and unit.std() > 0  # a unit varies over the plane
