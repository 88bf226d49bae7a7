"""``deltaprop export MODEL OUT.onnx``: a model file as ONNX (needs the ``onnx`` extra)."""

from __future__ import annotations

import argparse
from typing import Any

from ..files.serialization import load
from .common import with_extra


def add_parser(sub: Any) -> None:
    """Register the command."""
    export = sub.add_parser("export", help="write a model as ONNX, for ONNX Runtime and others")
    export.add_argument("model")
    export.add_argument("out", help="the ONNX file to write, e.g. model.onnx")
    export.add_argument("--classes", help="class names, comma-separated, for the metadata")
    export.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Export the model and say where it went."""
    network = load(args.model)
    onnx_module = with_extra("onnx", "onnx", "ONNX export")
    classes = args.classes.split(",") if args.classes else None
    onnx_module.export(network, args.out, classes=classes)
    print(f"wrote {args.out} (opset {onnx_module.OPSET}, input 'input', output 'output')")
    return 0
