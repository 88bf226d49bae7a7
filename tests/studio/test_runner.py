import threading

import numpy as np

from deltaprop import Network
from deltaprop.studio.runner import Controls, Stopped, Worker
from deltaprop.training import LambdaCallback

X, Y = np.random.default_rng(0).random((40, 2)), np.arange(40) % 2


def training(controls, epochs_seen, epochs=1000):
    watcher = LambdaCallback(on_epoch_end=lambda event: epochs_seen.append(event.epoch))
    net = Network.from_sizes([2, 3, 1], output="sigmoid", seed=0)
    return lambda: net.fit(X, Y, epochs=epochs, batch_size=4, callbacks=[controls, watcher])


def test_a_run_waits_until_stepped_and_each_step_is_one_epoch():
    controls, seen, ended = Controls(), [], threading.Event()
    worker = Worker(training(controls, seen), lambda error: ended.set()).start()
    for expected in (1, 2, 3):
        controls.step()
        deadline = threading.Event()
        while len(seen) < expected and not deadline.wait(0.01):
            pass
        assert seen == list(range(1, expected + 1))
    assert not controls.playing
    controls.stop()
    assert ended.wait(5) and not worker.alive
    assert seen == [1, 2, 3]


def test_play_runs_on_until_pause_and_stop_ends_a_waiting_run():
    controls, seen, errors = Controls(), [], []
    worker = Worker(training(controls, seen), errors.append).start()
    controls.play()
    while len(seen) < 5:
        pass
    controls.pause()
    worker.join(0.2)
    paused_at = len(seen)
    worker.join(0.2)
    assert len(seen) == paused_at  # nothing moves while paused
    controls.stop()
    worker.join()
    assert not worker.alive and errors == [None]


def test_errors_in_a_run_are_reported_not_raised():
    errors = []

    def job():
        raise ValueError("bad thing")

    worker = Worker(job, errors.append).start()
    worker.join()
    assert errors == ["ValueError: bad thing"]
    stopped = Worker(lambda: (_ for _ in ()).throw(Stopped()), errors.append).start()
    stopped.join()
    assert errors[-1] is None
