"""ONNX export and import (needs the ``onnx`` extra: ``pip install "deltaprop[onnx]"``).

``deltaprop.onnx.export(net, "model.onnx")`` writes a model that ONNX Runtime runs;
``deltaprop.onnx.load("model.onnx")`` reads deltaprop's own exports (bit-equal parameters)
and models from other tools (PyTorch's exporter) made of the operators deltaprop has.
"""

from .export import OPSET, export, to_model
from .importer import ONNXImportError, load

__all__ = ["OPSET", "ONNXImportError", "export", "load", "to_model"]
