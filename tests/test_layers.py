"""The app layers of pyproject.toml ([tool.importlinter], checked by `lint-imports` in
`make lint`) agree with INSTALLED_APPS, whose order seed_demo follows."""

import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


def layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [contract] = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    # Listed top first; each layer may hold independent siblings ("a | b").
    return [[name.strip() for name in layer.split("|")] for layer in reversed(contract["layers"])]


def test_every_project_app_is_in_a_layer():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    roots = set(config["tool"]["importlinter"]["root_packages"])
    in_layers = {app for layer in layers() for app in layer}
    ours = {app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()}
    assert ours == roots == in_layers


def test_installed_apps_follow_the_layers():
    position = {app: i for i, app in enumerate(settings.INSTALLED_APPS)}
    order = [position[app] for layer in layers() for app in sorted(layer, key=position.get)]
    assert order == sorted(order)
