"""CLI fixtures: a small decks folder, and the real command line in a subprocess."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

VISION = """
deck: vision
title: Computer Vision
source: notes/vision.md
cards:
  - id: nms
    term: Non-maximum suppression
    aliases: [NMS]
    definition: Keeps the highest scoring box and drops the boxes that overlap it too much.
    source: {note: notes/vision.md, heading: Detection}
  - id: max-pooling
    term: Max pooling
    definition: Keeps the largest activation of each window of a feature map.
  - id: mean-pooling
    term: Mean pooling
    definition: Averages every activation of each window of a feature map.
  - id: min-pooling
    term: Min pooling
    definition: Keeps the smallest activation of each window of a feature map.
"""


@pytest.fixture
def decks_dir(tmp_path: Path) -> Path:
    """``tmp_path / "decks"`` holding one clean deck, ``vision.yaml``."""
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "vision.yaml").write_text(textwrap.dedent(VISION).lstrip("\n"), encoding="utf-8")
    return folder


@pytest.fixture
def quizbot() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``quizbot(*args, cwd=...)``: run ``python -m bot`` for real and capture its output."""

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, capture_output=True,
                              text=True, timeout=60, check=False)

    return run
