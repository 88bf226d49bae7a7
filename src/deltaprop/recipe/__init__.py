"""Training runs as data: :class:`TrainConfig` and :func:`train`, what ``deltaprop train`` is.

The command line builds a config from its flags, a sweep from its grid; :func:`train`
carries it out and writes the run's files. ``deltaprop train --eta 0.5`` and
``train(TrainConfig(eta=0.5))`` are the same run, to the last bit.
"""

from .checks import RUN_FILES, check_args
from .config import TrainConfig, parse_schedule, parse_sizes
from .train import TrainResult, data_record, train

__all__ = [
    "RUN_FILES",
    "TrainConfig",
    "TrainResult",
    "check_args",
    "data_record",
    "parse_schedule",
    "parse_sizes",
    "train",
]
