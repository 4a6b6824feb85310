"""``quizbot decks import``: where decks go, no silent overwrite, merge report, bad input exits 2."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.deck.load import load_deck_file
from bot.deck.notes.write import leading_comments
from tests.process import quizbot

ROOT = Path(__file__).resolve().parents[3]
REAL_NOTES = ("dl-basics.html", "dl-flashcards.md", "dl-techniques.md", "understanding-dl-language.md")


def _import(*args: str | Path) -> int:
    return main(["decks", "import", *map(str, args)])


def test_real_cli_imports_every_note_into_decks_that_each_lint_clean(notes_dir: Path, tmp_path: Path) -> None:
    notes = [str(notes_dir / name) for name in REAL_NOTES]
    out = tmp_path / "decks"
    done = subprocess.run([sys.executable, "-m", "bot", "decks", "import", *notes, "-o", str(out)],
                          check=False, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "dl-basics.yaml", "dl-flashcards.yaml", "dl-techniques.yaml", "understanding-dl-language.yaml"]
    assert "skipped (no text): Focal loss" in done.stdout
    for deck_file in sorted(out.iterdir()):
        lint = subprocess.run([sys.executable, "-m", "bot", "decks", "lint", str(deck_file)],
                              check=False, capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert lint.returncode == 0, lint.stdout
    # Together, the raw drafts still need a curator: two notes explain the same concepts.
    together = subprocess.run([sys.executable, "-m", "bot", "decks", "lint", str(out)],
                              check=False, capture_output=True, text=True, cwd=ROOT, timeout=60)
    clashes = [line for line in together.stdout.splitlines() if line.startswith("error:")]
    assert together.returncode == 1 and len(clashes) == 2
    assert all("/define could not tell them apart" in line for line in clashes)
    basics, _ = load_deck_file(out / "dl-basics.yaml")
    assert {"Transfer Learning", "Batch Normalization", "Focal Loss"} <= {c.term for c in basics.cards}
    assert basics.source == "notes/dl-basics.html"  # absolute FILE, recorded relative to the working directory


def test_single_file_without_output_prints_the_deck(notes_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _import(notes_dir / "dl-basics.html") == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("deck: dl-basics\ntitle: Basics\n")
    assert "5 card(s)" in captured.err


def test_output_into_an_existing_directory_uses_the_deck_id(notes_dir: Path, tmp_path: Path) -> None:
    assert _import(notes_dir / "dl-techniques.md", "-o", tmp_path) == 0
    assert load_deck_file(tmp_path / "dl-techniques.yaml")[0].id == "dl-techniques"


def test_existing_output_is_not_overwritten_without_merge(
        notes_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "deck.yaml"
    target.write_text("hand edited\n", encoding="utf-8")
    assert _import(notes_dir / "dl-basics.html", "-o", target) == 2
    assert target.read_text(encoding="utf-8") == "hand edited\n"
    err = capsys.readouterr().err
    assert "already exists; use --merge" in err and err.count("\n") == 1


def test_merge_keeps_hand_edits_and_reports_every_card(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    note, target = tmp_path / "pooling.md", tmp_path / "pooling.yaml"
    note.write_text("## Max Pooling - MAC\n\nMax of each region.\n\n## Mean pooling\n\nAverage of each region.\n",
                    encoding="utf-8")
    assert _import(note, "-o", target) == 0
    edited = target.read_text(encoding="utf-8").replace(
        "  - MAC\n", "  - MAC\n  - max pool\n  tags:\n  - pooling\n  questions:\n  - ask: Which pooling keeps the "
        "strongest activation?\n    accept:\n    - max pooling\n")
    target.write_text(edited, encoding="utf-8")
    note.write_text("## Max Pooling - MAC\n\nMax of each region: invariant to scale.\n\n## GeM\n\n"
                    "Generalised mean with a learnt exponent.\n", encoding="utf-8")
    capsys.readouterr()
    assert _import(note, "-o", target, "--merge") == 0
    report = capsys.readouterr().out
    assert "1 added, 1 updated, 0 unchanged, 1 orphaned (kept)" in report
    assert "orphaned (no longer in the note, kept): mean-pooling" in report
    deck, _ = load_deck_file(target)
    max_pooling = deck.card("max-pooling")
    assert max_pooling is not None
    assert max_pooling.definition == "Max of each region: invariant to scale."
    assert max_pooling.aliases == ("MAC", "max pool") and max_pooling.tags == ("pooling",)
    assert [q.ask for q in max_pooling.questions] == ["Which pooling keeps the strongest activation?"]
    assert [c.id for c in deck.cards] == ["max-pooling", "mean-pooling", "gem"]


def _bad_inputs(tmp_path: Path) -> dict[str, Path]:
    files = {
        "binary": ("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00"),
        "empty": ("empty.md", b""),
        "undecodable": ("latin1.md", b"## Caf\xe9\n\nLatin-1 text.\n"),
        "unknown format": ("notes.dat", b"plain words and nothing else\n"),
        "no cards": ("prose.md", b"Just a paragraph of prose, no heading, no bold term.\n"),
        "missing": ("missing.md", None),
    }
    paths = {}
    for case, (name, data) in files.items():
        path = tmp_path / name
        if data is not None:
            path.write_bytes(data)
        paths[case] = path
    return paths


@pytest.mark.parametrize(("case", "message"), [
    ("binary", "binary file"), ("empty", "the file is empty"), ("undecodable", "not UTF-8 text"),
    ("unknown format", "cannot tell the format"), ("no cards", "no cards found"), ("missing", "cannot read"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, message: str) -> None:
    path = _bad_inputs(tmp_path)[case]
    out = tmp_path / "out"
    assert _import(path, "-o", out / "deck.yaml") == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"quizbot decks import: error: {path}: ")
    assert message in captured.err and captured.err.count("\n") == 1
    assert captured.out == "" and not out.exists()


def test_one_bad_file_among_several_writes_nothing(notes_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "empty.md"
    bad.write_bytes(b"")
    out = tmp_path / "decks"
    assert _import(notes_dir / "dl-basics.html", bad, "-o", out) == 2
    assert not out.exists()


def test_several_files_need_an_output_directory(notes_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _import(notes_dir / "dl-basics.html", notes_dir / "dl-techniques.md") == 2
    assert "several files need -o DIR" in capsys.readouterr().err


def test_merge_needs_an_output(notes_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _import(notes_dir / "dl-basics.html", "--merge") == 2
    assert "--merge needs -o OUT" in capsys.readouterr().err


def test_merge_into_an_invalid_deck_is_refused(
        notes_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "broken.yaml"
    target.write_text("deck: Not A Slug\ntitle: x\ncards: []\n", encoding="utf-8")
    assert _import(notes_dir / "dl-basics.html", "-o", target, "--merge") == 2
    assert "cannot merge into" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8").startswith("deck: Not A Slug")


def test_help_documents_where_decks_go(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["decks", "import", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "one FILE, no -o" in text and "several FILEs" in text and "--merge" in text


def test_lint_and_list_still_work(tmp_path: Path, notes_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _import(notes_dir / "understanding-dl-language.md", "-o", tmp_path) == 0
    assert main(["decks", "lint", str(tmp_path)]) == 0
    assert main(["decks", "list", str(tmp_path)]) == 0
    assert "understanding-dl-language" in capsys.readouterr().out


def test_merging_the_unchanged_notes_into_the_shipped_decks_only_records_fingerprints(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    decks = tmp_path / "decks"
    shutil.copytree(ROOT / "decks", decks)
    notes = [Path("notes") / name for name in REAL_NOTES]
    capsys.readouterr()
    assert _import(*notes, "-o", decks, "--merge") == 0
    report = capsys.readouterr().out
    assert report.count(": merged: 0 added, 0 updated, ") == 4 and " 0 orphaned (kept)" in report
    assert "review" not in report
    for path in sorted(decks.glob("*.yaml")):
        shipped_text = (ROOT / "decks" / path.name).read_text(encoding="utf-8")
        merged_text = path.read_text(encoding="utf-8")
        assert merged_text.startswith(leading_comments(shipped_text)) and leading_comments(shipped_text)
        shipped, merged = load_deck_file(ROOT / "decks" / path.name)[0], load_deck_file(path)[0]
        assert [(c.id, c.term, c.aliases, c.definition) for c in merged.cards] == [
            (c.id, c.term, c.aliases, c.definition) for c in shipped.cards]
    lint = subprocess.run([sys.executable, "-m", "bot", "decks", "lint", str(decks)],
                          check=False, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert lint.returncode == 0 and "0 error(s), 0 warning(s)" in lint.stdout, lint.stdout
    assert _import(*notes, "-o", decks, "--merge") == 0
    again = capsys.readouterr().out
    assert "fingerprinted" not in again and again.count(": merged: 0 added, 0 updated, ") == 4


def test_import_warns_about_names_another_deck_in_the_folder_claims(notes_dir: Path, tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    first = quizbot("decks", "import", notes_dir / "dl-basics.html", "-o", decks / "dl-basics.yaml", cwd=ROOT)
    assert first.returncode == 0 and "warning" not in first.stdout
    done = quizbot("decks", "import", notes_dir / "dl-techniques.md", "-o", decks / "dl-techniques.yaml", cwd=ROOT)
    assert done.returncode == 0, done.stderr
    (warning,) = [line for line in done.stdout.splitlines() if "warning:" in line]
    assert "card focal-loss of deck 'dl-techniques'" in warning
    assert "'Focal Loss' is already the term or an alias of card 'focal-loss' in deck 'dl-basics'" in warning
    assert "To resolve: rename the term, drop the alias from one deck, or keep only one of the two cards" in warning
    alone = quizbot("decks", "lint", decks / "dl-techniques.yaml", cwd=ROOT)
    assert alone.returncode == 0, alone.stdout  # the written deck is clean on its own


def test_one_run_of_several_notes_warns_about_clashes_between_them(notes_dir: Path, tmp_path: Path) -> None:
    notes = [notes_dir / name for name in REAL_NOTES]
    done = quizbot("decks", "import", *notes, "-o", tmp_path / "decks", cwd=ROOT)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stdout.splitlines() if "warning:" in line]
    assert len(warnings) == 2  # the same two clashes `quizbot decks lint` reports for the folder
    assert any("deck 'dl-flashcards'" in w and "in deck 'dl-basics'" in w for w in warnings)


def test_report_names_placeholders_and_merges(tmp_path: Path) -> None:
    note = tmp_path / "g.md"
    note.write_text("**Epoch**\nOne full pass over the training set.\n\n**Curriculum learning**\nTODO\n\n"
                    "**Epoch**\nProgress is often reported per epoch.\n", encoding="utf-8")
    done = quizbot("decks", "import", note, "-o", tmp_path / "g.yaml", cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "  skipped (placeholder definition): Curriculum learning ('TODO')" in done.stdout
    assert "  merged: 'Epoch' repeats the name of card 'epoch': its text was added to that card's definition" \
        in done.stdout


def test_an_output_that_cannot_be_written_exits_2_with_one_line(
        notes_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    target = tmp_path / "a-file" / "deck.yaml"
    assert _import(notes_dir / "dl-basics.html", "-o", target) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"quizbot decks import: error: cannot write {target}: ")
    assert captured.err.count("\n") == 1 and captured.out == ""
