"""The messages the server sends a tab over its WebSocket, by ``type``, and its close codes.

The page's handlers (``static/js/main.js``) answer exactly these types; a test checks both
ends against this list.
"""

HELLO = "hello"  # the session's id: the page may now call the API
ERROR = "error"  # no session could be opened (before a BUSY close)
CLOSED = "closed"  # the server closed the session (unused too long); an IDLE close follows
PLAYGROUND = "playground"  # a new playground: data, network, first frame
EPOCH = "epoch"  # one playground epoch: its record and frame
STOPPED = "stopped"  # a part's training thread ended (with the error, if any)
DIGITS = "digits"  # a digits network to show (trained here or loaded)
DIGITS_PROGRESS = "digits-progress"  # batches of a digits epoch
DIGITS_EPOCH = "digits-epoch"  # a digits epoch's test figures
LAB_STARTED = "lab-started"
LAB_PROGRESS = "lab-progress"
LAB_DONE = "lab-done"
LAB_FAILED = "lab-failed"

ALL = (
    HELLO,
    ERROR,
    CLOSED,
    PLAYGROUND,
    EPOCH,
    STOPPED,
    DIGITS,
    DIGITS_PROGRESS,
    DIGITS_EPOCH,
    LAB_STARTED,
    LAB_PROGRESS,
    LAB_DONE,
    LAB_FAILED,
)

BUSY = 1013  # WebSocket "try again later": the studio serves as many tabs as it may
IDLE = 4000  # the session was closed for lack of use
