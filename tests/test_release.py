"""Release hygiene: one version, the licence declared and shipped, a changelog."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import deltaprop

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_the_version_has_one_source_and_the_command_says_it():
    assert "version" not in PROJECT and "version" in PROJECT["dynamic"]
    dynamic = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert dynamic["dynamic"]["version"] == {"attr": "deltaprop.__version__"}
    shown = subprocess.run(
        [sys.executable, "-m", "deltaprop", "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == f"deltaprop {deltaprop.__version__}"
    assert re.fullmatch(r"\d+\.\d+\.\d+", deltaprop.__version__)


def test_the_licence_is_declared_as_spdx_and_shipped():
    assert PROJECT["license"] == "MIT" and PROJECT["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert not any(c.startswith("License ::") for c in PROJECT["classifiers"])  # PEP 639


def test_the_changelog_keeps_a_changelog():
    text = (ROOT / "CHANGELOG.md").read_text()
    assert "[Keep a Changelog]" in text and "## [Unreleased]" in text
    sections = re.findall(r"^### (\w+)", text, flags=re.M)
    assert set(sections) <= {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}
    assert "Added" in sections


def test_ci_runs_the_release_check():
    assert "bash .ci/release-check" in (ROOT / ".ci" / "run").read_text()
