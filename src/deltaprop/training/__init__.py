"""Training: the loop (:func:`fit`), its callbacks, the History and checkpoints.

The loop is short and reads like the notes (gather a batch, backpropagate, check, step);
everything optional hooks in as a :class:`Callback` receiving a :class:`TrainingEvent`:
:class:`Checkpoint`, :class:`ProgressBar`, :class:`EpochLogger`,
:class:`LearningRateScheduler`, :class:`EarlyStopping`, :class:`LivePlot`,
:class:`RisingCostWarning`, or your own. The loop talks to the network only through
:class:`Trainable`.
"""

from .callbacks import (
    EarlyStopping,
    EpochFigures,
    EpochLogger,
    LearningRateScheduler,
    LivePlot,
    ProgressBar,
    RecordHistory,
    RisingCostWarning,
    epoch_line,
)
from .checkpoint import Checkpoint, CheckpointState, load_checkpoint, save_checkpoint
from .events import Callback, LambdaCallback, TrainingEvent
from .history import History
from .loop import DivergenceError, fit, run, watching
from .protocol import Evaluated, StepResult, Trainable

__all__ = [
    "Callback",
    "Checkpoint",
    "CheckpointState",
    "DivergenceError",
    "EarlyStopping",
    "EpochFigures",
    "EpochLogger",
    "Evaluated",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "LivePlot",
    "ProgressBar",
    "RecordHistory",
    "RisingCostWarning",
    "StepResult",
    "Trainable",
    "TrainingEvent",
    "epoch_line",
    "fit",
    "load_checkpoint",
    "run",
    "save_checkpoint",
    "watching",
]
