"""XML schemas loaded from the repository only: an lxml resolver that maps every schema
location (relative path or URL) to a vendored file by its name, and refuses anything
else, so validating never touches the network.

- ``load_schema(directory, entry)``: the compiled ``etree.XMLSchema`` (cached).
- ``schema_errors(schema, element)``: the schema's messages for a document, empty when
  it is valid.
"""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import urlparse

from lxml import etree


class RefusedSchemaLocation(Exception):
    """A schema asked for a file that is not vendored beside it."""


class LocalSchemaResolver(etree.Resolver):
    """Resolve any ``schemaLocation`` to the file of the same name in ``directory``."""

    def __init__(self, directory: Path):
        super().__init__()
        self.directory = Path(directory).resolve()

    def resolve(self, system_url, public_id, context):
        name = Path(urlparse(system_url or "").path).name
        candidate = (self.directory / name).resolve()
        if name and candidate.parent == self.directory and candidate.is_file():
            return self.resolve_filename(str(candidate), context)
        raise RefusedSchemaLocation(f"Refusing to load {system_url!r}: not a vendored schema")


def local_parser(directory: Path) -> etree.XMLParser:
    """A parser that never reads the network nor expands external entities."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(LocalSchemaResolver(directory))
    return parser


@functools.cache
def load_schema(directory: str, entry: str) -> etree.XMLSchema:
    parser = local_parser(Path(directory))
    with open(Path(directory) / entry, "rb") as handle:
        document = etree.parse(handle, parser, base_url=str(Path(directory) / entry))
    return etree.XMLSchema(document)


def schema_errors(schema: etree.XMLSchema, element) -> list[str]:
    """The validation messages of ``element`` (an element or a tree), [] when valid."""
    if schema.validate(element):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


def parse_xml(content: bytes) -> etree._Element:
    """Parse a document with the safe parser (no network, no entities)."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    return etree.fromstring(content, parser)
