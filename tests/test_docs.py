"""The documentation ships with the repository: README.md and docs/*.md link only to
files inside it (never to ../shared or any file a clone does not have), and their
links to headings point at headings that exist."""

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")
# [text](target) and [text](target "title"); images too.
INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
# [label]: target
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
EXTERNAL = ("http://", "https://", "mailto:")


def prose(path: Path) -> str:
    """The Markdown without code blocks and code spans (their text is not links)."""
    return CODE_SPAN.sub("", FENCE.sub("", path.read_text(encoding="utf-8")))


def links(path: Path) -> list[str]:
    text = prose(path)
    return INLINE_LINK.findall(text) + REFERENCE_LINK.findall(text)


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes."""
    heading = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", heading).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    return {slug(heading) for heading in HEADING.findall(prose(path))}


def test_the_documentation_files_exist():
    names = {path.relative_to(ROOT).as_posix() for path in DOCS}
    assert {"README.md", "docs/api.md", "docs/architecture.md", "docs/operations.md"} <= names


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_reference_to_files_outside_the_repository(path):
    text = path.read_text(encoding="utf-8")
    assert "../shared" not in text, f"{path.name} refers to ../shared"


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_point_at_files_and_headings_that_exist(path):
    broken = []
    for target in links(path):
        if target.startswith(EXTERNAL):
            continue
        file_part, _hash, fragment = target.partition("#")
        file_part = file_part.split("?", 1)[0]
        linked = (path.parent / file_part).resolve() if file_part else path
        if ROOT not in (linked, *linked.parents):
            broken.append(f"{target}: outside the repository")
        elif not linked.exists():
            broken.append(f"{target}: no such file")
        elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
            broken.append(f"{target}: no such heading in {linked.name}")
    assert broken == [], f"{path.relative_to(ROOT)}: " + "; ".join(broken)


def test_the_readme_lists_the_three_guides():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Documentation", 1)[1].split("\n## ", 1)[0]
    for guide in ("docs/api.md", "docs/architecture.md", "docs/operations.md"):
        assert f"]({guide})" in section


def test_the_link_checker_catches_broken_links(tmp_path, monkeypatch):
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\n[ok](#title) [gone](missing.md) [up](../../etc/passwd) "
        "[bad anchor](#nope)\n\n```\n[in code](also-missing.md)\n```\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    with pytest.raises(AssertionError) as failure:
        test_relative_links_point_at_files_and_headings_that_exist(page)
    message = str(failure.value)
    assert "missing.md: no such file" in message
    assert "outside the repository" in message
    assert "#nope: no such heading" in message
    assert "also-missing.md" not in message and "#title" not in message
