"""The command line's quick exit (claimgraph.cli.console): what a command printed all arrives, and
the status is the one sys.exit would have given."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _ending_with(code: str, printed: int = 0) -> subprocess.CompletedProcess:
    program = ("import sys\nfrom claimgraph.cli import _exit_now\n"
               f"sys.stdout.write('x' * {printed})\nsys.stderr.write('said\\n')\n_exit_now({code})\n")
    return subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("code, status", [("None", 0), ("0", 0), ("3", 3), ("'a message'", 1)])
def test_the_status_is_sys_exits(code, status):
    ended = _ending_with(code, printed=3_000_000)  # more than any stream buffer holds
    assert ended.returncode == status
    assert ended.stdout == "x" * 3_000_000
    assert ended.stderr.startswith("said\n")
    assert ended.stderr.endswith("a message\n") == (status == 1)


def test_a_stream_that_cannot_be_flushed_ends_with_pythons_status():
    """A closed pipe (`| head`) fails the last flush: status 120, as Python's own exit gives."""
    program = ("import io, sys\nfrom claimgraph.cli import _exit_now\n"
               "class Closed(io.StringIO):\n    def flush(self):\n        raise BrokenPipeError(32, 'Broken pipe')\n"
               "sys.stdout = Closed()\n_exit_now({})\n")
    for code, status in (("0", 120), ("4", 4)):
        ended = subprocess.run([sys.executable, "-c", program.format(code)], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert ended.returncode == status, ended.stderr


def test_the_installed_command_and_python_m_exit_alike(tmp_path):
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]["claimgraph"] == "claimgraph.cli:console"
    usage = subprocess.run([sys.executable, "-m", "claimgraph.cli", "query"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert usage.returncode == 2 and "Missing argument" in usage.stderr
    missing = subprocess.run([sys.executable, "-m", "claimgraph.cli", "query", "claims", "-g", str(tmp_path / "none.trig")],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1 and "error" in missing.stderr
