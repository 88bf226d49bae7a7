"""Sphinx configuration of deltaprop's documentation site.

Build it with ``python -m sphinx -W --keep-going -b html docs docs/_build/html`` (extra
``docs``). The build never reaches the network: intersphinx reads inventories from disk
where Debian's ``python3-doc`` and ``python-sklearn-doc`` put them, MathJax is served from
the built site, and the notebooks are rendered from their executed copies, not run again.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import deltaprop  # noqa: E402

project = "deltaprop"
author = "the deltaprop authors"
copyright = "2026, the deltaprop authors"
release = deltaprop.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",
    "numpydoc",
    "myst_nb",
    "sphinxarg.ext",
    "deltaprop_docs",
]

exclude_patterns = ["_build", "_templates", "_ext", "**/figures.py"]
templates_path = ["_templates"]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"

# NumPy publishes no inventory on disk; its names stay plain text.
nitpick_ignore_regex = [
    (r"py:.*", r"(numpy|np)(\..*)?"),
    # third-party types in signatures, whose projects publish no inventory on disk
    (r"py:.*", r"(onnx|starlette)\..*"),
    (r"py:class", r"deltaprop\..*\.T"),  # type variables
    # Sphinx splits a dataclass field's nested annotation (dict[str, dict[str, Any]])
    (r"py:class", r"dict\[str"),
]

autosummary_generate = True
autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
nb_execution_mode = "off"  # rendered from the executed copies in docs/notebooks/
nb_merge_streams = True

_INVENTORIES = {
    "python": ("https://docs.python.org/3", "/usr/share/doc/python3.11/html/objects.inv"),
    "sklearn": (
        "https://scikit-learn.org/stable",
        "/usr/share/doc/python-sklearn-doc/html/objects.inv",
    ),
}
intersphinx_mapping = {
    name: (url, path) for name, (url, path) in _INVENTORIES.items() if Path(path).exists()
}
intersphinx_timeout = 1

# Every warning is an error in CI (-W), broken references included. Without the inventories
# on disk the names of Python's and scikit-learn's types cannot be resolved, so unresolved
# references are then checked only where .ci/run installs them (and requires them).
_missing = sorted(set(_INVENTORIES) - set(intersphinx_mapping))
if _missing and os.environ.get("DELTAPROP_REQUIRE_INVENTORIES"):
    raise RuntimeError(
        f"no inventory on disk for {', '.join(_missing)}: apt-get install "
        "python3-doc python-sklearn-doc"
    )
nitpicky = not _missing

html_theme = "pydata_sphinx_theme"
html_title = f"deltaprop {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_static_path: list[str] = []
html_show_sourcelink = False
