"""deltaprop studio: watch a network learn, and δ flow backward, in the browser.

``deltaprop studio`` (or :func:`serve`) starts a local web app: a 2-D playground, the
digits with a canvas to draw on, the lab's experiments, the code of what is on the page,
and downloads of the trained model and its history. Needs the ``studio`` extra:
``pip install "deltaprop[studio]"``.
"""

from .app import create_app
from .forms import Caps
from .server import serve

__all__ = ["Caps", "create_app", "serve"]
