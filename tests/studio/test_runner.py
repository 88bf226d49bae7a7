import os
import threading
import time

import numpy as np

from deltaprop import Network
from deltaprop.studio.runner import TURNS, Controls, Stopped, Turns, Worker
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


def test_turns_let_only_as_many_threads_compute_as_there_are_cores():
    turns, lock = Turns(cores=2), threading.Lock()
    computing, most = [0], [0]

    def compute():
        for _ in range(20):
            turns.take()
            with lock:
                computing[0] += 1
                most[0] = max(most[0], computing[0])
            time.sleep(0.001)
            with lock:
                computing[0] -= 1
            turns.pause() if _ % 2 else turns.give()
        turns.give()

    threads = [threading.Thread(target=compute) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert most[0] == 2  # never more than two, and two did run at once
    turns.take(), turns.take()  # every turn came back (a thread's second take is a no-op)
    turns.give()


def test_a_training_thread_gives_its_turn_back_however_it_ends():
    failing = Worker(lambda: (TURNS.take(), 1 / 0), lambda error: None).start()
    failing.join()
    cores, got, holding = os.cpu_count() or 1, [], threading.Barrier((os.cpu_count() or 1) + 1)

    def one_turn():
        got.append(TURNS.take(timeout=2))
        holding.wait(5)  # every thread holds its turn at once
        TURNS.give()

    threads = [threading.Thread(target=one_turn) for _ in range(cores)]
    for thread in threads:
        thread.start()
    holding.wait(5)
    for thread in threads:
        thread.join(5)
    assert got == [True] * cores  # every turn was free again
