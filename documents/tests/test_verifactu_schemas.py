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


def test_an_unknown_verifactu_mode_stops_the_start(tmp_path):
    import os
    import subprocess
    import sys

    environment = {**os.environ, "VERIFACTU_MODE": "staging"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=DOCUMENTS.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "VERIFACTU_MODE must be 'test' or 'production'." in result.stderr
