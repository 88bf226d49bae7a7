"""What the wheel must carry, and must not: ``python .ci/wheel_contents.py WHEEL``."""

import sys
import zipfile

names = zipfile.ZipFile(sys.argv[1]).namelist()
needed = [
    "deltaprop/py.typed",
    "deltaprop/datasets/data/mnist-10k.npz",
    "deltaprop/studio/static/index.html",
    "deltaprop/studio/static/vendor/uplot/uPlot.esm.js",
    "deltaprop/studio/static/vendor/uplot/LICENSE",
    "deltaprop/exercises/wrong/__init__.py",
]
missing = [n for n in needed if n not in names]
licence = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
stray = [n for n in names if n.startswith(("tests/", "bench/", "notebooks/", "docs/"))]
if missing or stray or not licence:
    sys.exit(f"wheel contents: missing {missing}, stray {stray[:5]}, licence {licence}")
print(
    f"wheel contents: {len(names)} files, the bundled digits, the studio, its vendored "
    "chart library with its licence, the package's LICENSE; no tests or bench"
)
