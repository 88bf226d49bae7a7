"""deltaprop studio: watch a network learn, and δ flow backward, in the browser.

``deltaprop studio`` (or :func:`serve`) starts a local web app: a 2-D playground, the
digits with a canvas to draw on, the lab's experiments, the code of what is on the page,
and downloads of the trained model and its history. It asks for a token (or a password)
and checks every request's Host and Origin (``deltaprop.studio.guard``). Needs the
``studio`` extra: ``pip install "deltaprop[studio]"``.
"""

from . import digits as digits  # the command line checks models and hosts with these
from . import guard as guard
from .app import create_app
from .forms import Caps
from .guard import Access, hash_password
from .server import Serving, StudioConfigError, serve

__all__ = [
    "Access",
    "Caps",
    "Serving",
    "StudioConfigError",
    "create_app",
    "hash_password",
    "serve",
]
