"""The command line's quick exit (claimgraph.cli.console): after a command that succeeded, what it
printed all arrives; a failed command, or a run under a profiler, ends as Python ends it."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUFFERED = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}  # stdio as a user's


def _python(program: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args, "-c", program], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=BUFFERED)


def test_what_a_command_printed_arrives():
    # short and unterminated: it waits in the streams' buffers until they are flushed
    ended = _python("import sys\nfrom claimgraph.cli import _exit_now\nsys.stdout.write('out')\nsys.stderr.write('err')\n_exit_now()\n")
    assert (ended.returncode, ended.stdout, ended.stderr) == (0, "out", "err")


def test_a_stream_that_cannot_be_flushed_ends_with_pythons_status():
    """A closed pipe (`| head`) fails the last flush: status 120, as Python's own exit gives it."""
    program = ("import io, sys\nfrom claimgraph.cli import _exit_now\n"
               "class Closed(io.StringIO):\n    def flush(self):\n        raise BrokenPipeError(32, 'Broken pipe')\n"
               "sys.stdout = Closed()\n{}\n")
    assert _python(program.format("_exit_now()")).returncode == 120
    assert _python(program.format("sys.exit(0)")).returncode == 120  # Python's own


def test_the_command_exits_quickly_only_when_it_succeeded():
    console = "import sys\nsys.argv = ['claimgraph', *sys.argv[1:]]\nfrom claimgraph.cli import console\n" \
              "import atexit\natexit.register(lambda: print('torn down', file=sys.stderr))\nconsole()\n"
    help_ = subprocess.run([sys.executable, "-c", console, "--help"], cwd=ROOT, capture_output=True, text=True,
                           timeout=120, env=BUFFERED)
    assert help_.returncode == 0 and "Usage" in help_.stdout
    assert "torn down" not in help_.stderr  # the quick exit skips the interpreter's teardown
    failed = subprocess.run([sys.executable, "-c", console, "query", "claims", "-g", str(ROOT / "no-such" / "graph.trig")],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, env=BUFFERED)
    assert failed.returncode == 1 and "error" in failed.stderr
    assert "torn down" in failed.stderr  # a failed command is torn down as Python does: what it left open closes


def test_a_profiled_run_writes_its_profile(tmp_path):
    profile = tmp_path / "help.prof"
    run = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "claimgraph.cli", "--help"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120, env=BUFFERED)
    assert run.returncode == 0 and "Usage" in run.stdout
    assert profile.stat().st_size > 1000


def test_the_installed_command_is_the_quick_one():
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]["claimgraph"] == "claimgraph.cli:console"
