"""WeasyPrint set up once per process: fonts, stylesheets and a local-only fetcher.

What makes a render fast (see ``bench/README.md``):

- one ``FontConfiguration`` shared by every render; the ``@font-face`` rules are parsed
  into ``weasyprint.CSS`` objects once (per language: the page footer is translated)
  and reused, so fonts are registered with fontconfig once per process;
- a lean font set: one family (DejaVu Sans cut down to Latin, Latin-1 and Latin
  Extended-A: Spanish and Polish letters, 45 KB a weight), regular and bold, vendored
  in ``static/fonts/``: fontconfig has little to look up and subsetting it is cheap;
- ``table-layout: fixed`` with explicit column widths (``print.css``);
- no network: ``local_url_fetcher`` serves ``file://`` URLs under the static and media
  directories and ``data:`` URLs, and refuses everything else;
- one image cache shared by renders (the logo is parsed once).
"""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

PRINT_CSS = Path(__file__).resolve().parent / "templates" / "documents" / "pdf" / "print.css"

_lock = threading.RLock()
_font_config = None
_stylesheets: dict[str, list] = {}
_image_cache: dict = {}


class RefusedURL(ValueError):
    """Rendering tried to load something that is not a local static or media file."""


def static_root() -> Path:
    """The directory holding ``fonts/`` and ``img/`` (the source tree, or STATIC_ROOT)."""
    found = finders.find("fonts/DejaVuSans-LatinExt.ttf")
    if found:
        return Path(found).resolve().parent.parent
    return Path(settings.STATIC_ROOT).resolve()


def _allowed_roots() -> list[Path]:
    return [
        static_root(),
        Path(settings.STATIC_ROOT).resolve(),
        Path(settings.MEDIA_ROOT).resolve(),
    ]


def local_url_fetcher(url: str, *args, **kwargs):
    """WeasyPrint's fetcher for ``data:`` and local files under static/media only."""
    from weasyprint import default_url_fetcher

    if url.startswith("data:"):
        return default_url_fetcher(url, *args, **kwargs)
    parsed = urlparse(url)
    if parsed.scheme == "file" and not parsed.netloc:
        path = Path(unquote(parsed.path)).resolve()
        if any(path.is_relative_to(root) for root in _allowed_roots()) and path.is_file():
            return default_url_fetcher(path.as_uri(), *args, **kwargs)
    raise RefusedURL(f"Refused to fetch {url!r} while rendering a PDF")


def font_config():
    global _font_config
    if _font_config is None:
        with _lock:
            if _font_config is None:
                from weasyprint.text.fonts import FontConfiguration

                _font_config = FontConfiguration()
    return _font_config


def _footer_css() -> str:
    page = _("Page").replace('"', "")
    of = _("of").replace('"', "")
    return (
        f'@page {{ @bottom-right {{ content: "{page} " counter(page) " {of} " counter(pages); }} }}'
    )


def stylesheets() -> list:
    """The parsed print stylesheets for the active language (parsed once each)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    cached = _stylesheets.get(language)
    if cached is None:
        from weasyprint import CSS

        with _lock:
            cached = _stylesheets.get(language)
            if cached is None:
                base_url = static_root().as_uri() + "/"
                config = font_config()
                cached = [
                    CSS(
                        string=PRINT_CSS.read_text(encoding="utf-8"),
                        base_url=base_url,
                        url_fetcher=local_url_fetcher,
                        font_config=config,
                    ),
                    CSS(string=_footer_css(), font_config=config),
                ]
                _stylesheets[language] = cached
    return cached


def render_pdf(template_name: str, context: dict, *, language: str) -> bytes:
    """Render a template of ``documents/pdf/`` to PDF bytes in ``language``."""
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(template_name, context)
        sheets = stylesheets()
    document = HTML(
        string=html, base_url=static_root().as_uri() + "/", url_fetcher=local_url_fetcher
    )
    return document.write_pdf(
        stylesheets=sheets,
        font_config=font_config(),
        cache=_image_cache,
    )
