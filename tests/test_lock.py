"""The lock files: every dependency pinned to one version with hashes, so every install is the same."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in (ROOT / "requirements" / lock).read_text().splitlines():
        if match := PIN.match(line):
            found[canonical(match[1])] = match[2]
    return found


def requirement_names(requirements: list[str]) -> set[str]:
    return {canonical(re.split(r"[\s<>=~!\[;]", req, maxsplit=1)[0]) for req in requirements}


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_runtime_lock_pins_every_runtime_dependency() -> None:
    assert requirement_names(project()["dependencies"]) <= set(pins("runtime.lock"))


def test_dev_lock_pins_every_runtime_and_dev_dependency_and_the_build_backend() -> None:
    wanted = requirement_names(project()["dependencies"] + project()["optional-dependencies"]["dev"])
    assert wanted | {"setuptools", "wheel"} <= set(pins("dev.lock"))


def test_both_locks_agree_on_every_version_they_share() -> None:
    runtime, dev = pins("runtime.lock"), pins("dev.lock")
    assert {name: dev[name] for name in runtime} == runtime


def test_every_pinned_line_carries_a_hash() -> None:
    for lock in ("runtime.lock", "dev.lock"):
        text = (ROOT / "requirements" / lock).read_text()
        entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 1)[1])
        pinned = [entry for entry in entries if PIN.match(entry)]
        assert pinned and all("--hash=sha256:" in entry for entry in pinned), lock


def test_make_installs_from_the_dev_lock_with_hashes_checked() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "LOCK := requirements/dev.lock" in makefile
    assert "--require-hashes --no-deps -r $(LOCK)" in makefile


RELEASE_PARTS = {"python": 3, "postgres": 2}
"""How many numbers name one release of each image we pull (Python 3.11.13, PostgreSQL 15.13)."""


def pinned(image: str) -> bool:
    """An image named by digest, or by one full release and its Debian base
    (``python:3.11.13-slim-bookworm``, ``postgres:15.13-bookworm``): never a tag that moves
    (``python:3.11-slim``, ``postgres:15``, ``latest``)."""
    if re.search(r"@sha256:[0-9a-f]{64}$", image):
        return True
    name, _, tag = image.partition(":")
    version, _, base = tag.partition("-")
    parts = version.split(".")
    return bool(base) and all(p.isdigit() for p in parts) and len(parts) == RELEASE_PARTS.get(name, 0)


def test_the_image_is_built_on_a_pinned_python_image() -> None:
    froms = [line.split()[1] for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("FROM ")]
    assert froms and all(pinned(image) for image in froms), froms


def test_every_image_compose_pulls_is_pinned() -> None:
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    pulled = [spec["image"] for spec in services.values() if "image" in spec and "build" not in spec]
    assert pulled and all(pinned(image) for image in pulled), pulled


def test_a_moving_tag_is_not_taken_for_a_pinned_one() -> None:
    assert [pinned(i) for i in ("python:3.11-slim", "postgres:15", "postgres:latest",
                                                "postgres:15.13-bookworm", "python:3.11.13-slim-bookworm")] == \
        [False, False, False, True, True]
