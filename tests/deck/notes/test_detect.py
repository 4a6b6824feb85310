"""Format detection and decoding (bot.deck.notes): the suffix first, then the content; bad bytes refused."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from bot.deck.notes import NoteError, decode, detect_format, import_note


@pytest.mark.parametrize(("name", "expected"), [
    ("a.md", "markdown"), ("a.MARKDOWN", "markdown"), ("a.html", "html"), ("a.htm", "html"),
    ("a.csv", "csv"), ("a.tsv", "csv"), ("a.yaml", "red-trivia"), ("a.yml", "red-trivia"),
])
def test_suffix_decides_the_format(name: str, expected: str) -> None:
    assert detect_format(name, b"anything at all") == expected


@pytest.mark.parametrize(("data", "expected"), [
    (b"<!DOCTYPE html>\n<html><body><h2>X</h2><p>y</p></body></html>", "html"),
    (b"Capital of France?:\n- Paris\nAUTHOR: me\n", "red-trivia"),
    (b"Latency\tdelay before a transfer\nEpoch\tone pass over the data\n", "csv"),
    (b"# Notes\n\n## Term\n\nSome text.\n", "markdown"),
])
def test_content_decides_when_the_suffix_does_not(data: bytes, expected: str) -> None:
    assert detect_format("export", data) == expected


def test_txt_with_tabs_is_a_table_and_with_headings_markdown() -> None:
    assert detect_format("quizlet.txt", b"Dropout\trandomly zero units\nMixup\tblend two images\n") == "csv"
    assert detect_format("notes.txt", b"## Dropout\n\nrandomly zero units\n") == "markdown"


def test_real_notes_are_detected(notes_dir: Path) -> None:
    names = ("dl-basics.html", "dl-flashcards.md", "dl-techniques.md", "understanding-dl-language.md")
    found = {name: detect_format(name, (notes_dir / name).read_bytes()) for name in names}
    assert found == {"dl-basics.html": "html", "dl-flashcards.md": "markdown", "dl-techniques.md": "markdown",
                     "understanding-dl-language.md": "markdown"}


def test_unknown_format_is_an_error() -> None:
    with pytest.raises(NoteError, match="cannot tell the format"):
        detect_format("notes.bin", b"just some words without any structure\n")


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"  \n\t\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"## Caf\xe9\n\ntext in latin-1\n", "not UTF-8"),
])
def test_bad_bytes_are_refused_with_a_one_line_reason(data: bytes, message: str) -> None:
    with pytest.raises(NoteError, match=message) as caught:
        decode(data)
    assert "\n" not in str(caught.value)


def test_utf8_bom_and_utf16_notes_are_read() -> None:
    assert decode(codecs.BOM_UTF8 + b"## A\r\n") == "## A\n"
    assert decode("## Réseau\n".encode("utf-16")) == "## Réseau\n"


def test_explicit_format_overrides_the_suffix() -> None:
    imported = import_note("cards.txt", b"SSD;single shot detector\nYOLO;you only look once\n", "csv")
    assert [c.term for c in imported.deck.cards] == ["SSD", "YOLO"]
    assert imported.deck.id == "cards" and imported.deck.source == "cards.txt"
