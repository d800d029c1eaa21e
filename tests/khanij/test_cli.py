"""The command line as an operator uses it: help, a real run in a subprocess with no ERROR in its log, eval."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from khanij.cli import build_parser
from tests.conftest import GOLD, SAMPLES


def test_help_explains_every_option(capsys):
    for command, options in (("run", ["--source", "--warehouse", "--batch-size", "--max-file-bytes"]), ("eval", ["--gold", "--warehouse", "--show-misses"])):
        with pytest.raises(SystemExit):
            build_parser().parse_args([command, "--help"])
        text = capsys.readouterr().out
        for option in options:
            assert option in text


def test_run_then_eval_from_the_command_line(tmp_path):
    source, warehouse = tmp_path / "incoming", tmp_path / "warehouse"
    shutil.copytree(SAMPLES, source)
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    env.pop("PREFECT_API_URL", None)
    run = subprocess.run([sys.executable, "-m", "khanij.cli", "run", "--source", str(source), "--warehouse", str(warehouse)],
                         capture_output=True, text=True, env=env, timeout=600)
    log = run.stdout + run.stderr
    assert run.returncode == 0, log
    assert "articles 2 |" in run.stdout and "quarantined 0" in run.stdout
    assert " ERROR " not in log and "Traceback" not in log, log
    scored = subprocess.run([sys.executable, "-m", "khanij.cli", "eval", "--gold", str(GOLD), "--warehouse", str(warehouse)],
                            capture_output=True, text=True, env=env, timeout=300)
    assert scored.returncode == 0, scored.stderr
    assert "Documents scored: 2" in scored.stdout and "| EVENTS |" in scored.stdout


def test_bad_parameters_are_refused_with_a_readable_message(capsys):
    from khanij.cli import main

    assert main(["run", "--batch-size", "0"]) == 2
    assert "batch_size" in capsys.readouterr().err
