"""The README's commands and example are the ones that work."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def bash_blocks():
    return re.findall(r"```bash\n(.*?)```", README, flags=re.S)


def test_two_setup_commands_and_ci_runs_the_test_command():
    blocks = [b.strip() for b in bash_blocks()[:2]]
    assert blocks[0] == 'pip install ".[cli]" && deltaprop train'
    ci = (ROOT / ".ci" / "run").read_text()
    assert blocks[1] in ci.splitlines()


def test_python_example_runs(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the example saves a model file
    example = re.findall(r"```python\n(.*?)```", README, flags=re.S)[0]
    exec(compile(example, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "passed" in out  # the gradient check at the end of the example
