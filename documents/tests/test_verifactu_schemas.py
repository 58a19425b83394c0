"""The vendored schemas are the files their provenance lists (sha256 of each)."""

import hashlib
import re
from pathlib import Path

import pytest

DOCUMENTS = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("folder", ["verifactu/schemas", "ksef/schemas"])
def test_every_vendored_file_matches_its_provenance(folder):
    directory = DOCUMENTS / folder
    listed = dict(
        re.findall(
            r"^\| `([^`]+)`[^|]*\| `([0-9a-f]{64})` \|$",
            (directory / "PROVENANCE.md").read_text(),
            re.M,
        )
    )
    files = {p.name for p in directory.iterdir() if p.name != "PROVENANCE.md"}
    assert set(listed) == files
    for name, digest in listed.items():
        assert hashlib.sha256((directory / name).read_bytes()).hexdigest() == digest, name
