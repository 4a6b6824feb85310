"""The Makefile's bootstrap: a half-made .venv is rebuilt, a missing venv module is named."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def project_with_our_makefile(tmp_path: Path) -> Path:
    """A folder with a copy of our Makefile and nothing else."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    return tmp_path


def make(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "--no-print-directory", *args], cwd=project, capture_output=True, text=True,
                          timeout=120, check=False)


def test_a_half_made_venv_is_rebuilt_instead_of_failing(tmp_path: Path) -> None:
    project = project_with_our_makefile(tmp_path)
    (project / ".venv").mkdir()  # what `python3 -m venv` leaves when ensurepip is missing
    result = make(project, "venv", f"PYTHON={sys.executable}")
    assert result.returncode == 0, result.stderr
    assert subprocess.run([project / ".venv/bin/python", "-m", "pip", "--version"], capture_output=True,
                          check=False).returncode == 0


def test_a_python_without_venv_names_the_package_to_install_and_leaves_no_venv(tmp_path: Path) -> None:
    project = project_with_our_makefile(tmp_path)
    broken = tmp_path / "python-without-venv"
    broken.write_text("#!/bin/sh\nmkdir -p .venv/bin\necho 'ensurepip is not available' >&2\nexit 1\n")
    broken.chmod(0o755)
    result = make(project, "venv", f"PYTHON={broken}")
    assert result.returncode != 0
    assert "python3-venv" in result.stderr
    assert not (project / ".venv").exists()
