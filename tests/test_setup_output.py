"""What a first `make run` shows on the terminal: set-up steps without the known harmless warnings."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from settings import PROJECT_ROOT as ROOT

# As `rasa train` printed them on a fresh clone (2026-12-03): pkg_resources' warning has a second line.
PKG_RESOURCES_WARNING = (
    "/x/site-packages/pkg_resources/__init__.py:2871: DeprecationWarning: Deprecated call to "
    "`pkg_resources.declare_namespace('google')`.\n"
    "Implementing implicit namespace packages (as specified in PEP 420) is preferred to "
    "`pkg_resources.declare_namespace`. See https://setuptools.pypa.io/en/latest/references/keywords.html\n"
    "  declare_namespace(pkg)\n"
)
SQLALCHEMY_WARNING = (
    "/x/rasa/core/tracker_store.py:1044: MovedIn20Warning: Deprecated API features detected! (Background on "
    "SQLAlchemy 2.0 at: https://sqlalche.me/e/b8d9)\n"
    "  Base: DeclarativeMeta = declarative_base()\n"
)


def shown_and_logged(stderr: str, tmp_path: Path):
    log = tmp_path / "setup.log"
    shown = subprocess.run([sys.executable, str(ROOT / "scripts" / "filter-warnings"), str(log)],
                           input=stderr.encode(), capture_output=True, check=True).stderr.decode()
    return shown, log.read_text()


def test_warnings_of_one_or_more_lines_stay_out_of_the_terminal_and_in_the_log(tmp_path):
    stderr = "Training...\n" + PKG_RESOURCES_WARNING + SQLALCHEMY_WARNING + "INFO rasa.cli.train - Started\n"
    shown, logged = shown_and_logged(stderr, tmp_path)
    assert shown == "Training...\nINFO rasa.cli.train - Started\n"
    assert logged == stderr


def test_lines_after_a_warning_without_its_source_line_are_still_shown(tmp_path):
    real_lines = "".join(f"Epochs: step {n}\n" for n in range(6))
    stderr = "/x/y.py:1: DeprecationWarning: no source line follows\n" + real_lines
    shown, _ = shown_and_logged(stderr, tmp_path)
    assert shown == real_lines


def test_a_progress_bar_is_shown_as_it_redraws(tmp_path):
    shown, _ = shown_and_logged("Epochs:  10%\rEpochs:  20%\rEpochs:  30%", tmp_path)
    assert shown == "Epochs:  10%\rEpochs:  20%\rEpochs:  30%"
