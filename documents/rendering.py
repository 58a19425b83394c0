"""WeasyPrint set up once per process: fonts, stylesheets and a local-only fetcher.

What makes a render fast (see ``bench/README.md``):

- one ``FontConfiguration`` shared by every render; the ``@font-face`` rules are parsed
  into ``weasyprint.CSS`` objects once (per language: the page footer is translated)
  and reused, so fonts are registered with fontconfig once per process;
- a lean font set: one family (DejaVu Sans cut down to Latin, Latin-1 and Latin
  Extended-A: Spanish and Polish letters, 45 KB a weight), regular and bold, vendored
  in ``static/fonts/``: fontconfig has little to look up and subsetting it is cheap;
- ``table-layout: fixed`` with explicit column widths (``print.css``), and each
  document parsed with only its own rules (``invoice.css``, ...);
- no network: ``local_url_fetcher()`` serves ``file://`` URLs under the static and media
  directories and ``data:`` URLs, and refuses everything else;
- one image cache shared by renders (the logo is parsed once);
- the templates' own user-agent sheet (``ua.css``: WeasyPrint's HTML5 defaults for the
  elements they use) instead of the full HTML5 one, which every element was matched
  against (about a tenth of a render).
"""

from __future__ import annotations

import atexit
import functools
import shutil
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

PDF_TEMPLATES = Path(__file__).resolve().parent / "templates" / "documents" / "pdf"
PRINT_CSS = PDF_TEMPLATES / "print.css"
UA_CSS = PDF_TEMPLATES / "ua.css"

_lock = threading.RLock()
_stylesheets: dict[tuple[str, str], list] = {}
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


def _once(build):
    """``build()`` run once per process, under the module lock; every call returns its
    result. (The parsed stylesheets must use the very ``FontConfiguration`` renders use.)"""
    built = []

    @functools.wraps(build)
    def get():
        if not built:
            with _lock:
                if not built:
                    built.append(build())
        return built[0]

    get.built = built
    return get


@_once
def local_url_fetcher():
    """The process's fetcher: ``data:`` URLs and local files under static/media only
    (WeasyPrint is imported on first use)."""
    from weasyprint.urls import URLFetcher

    class LocalURLFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parsed = urlparse(url)
            if parsed.scheme == "file" and not parsed.netloc:
                path = Path(unquote(parsed.path)).resolve()
                if any(path.is_relative_to(root) for root in _allowed_roots()) and path.is_file():
                    return super().fetch(path.as_uri(), headers)
            raise RefusedURL(f"Refused to fetch {url!r} while rendering a PDF")

    return LocalURLFetcher()


@_once
def html_class():
    """WeasyPrint's ``HTML`` with the PDF templates' own user-agent sheet (``ua.css``).

    WeasyPrint has no public option for the user-agent stylesheet; ``_ua_stylesheets``
    is the method its cascade asks for it (``weasyprint.css.get_all_computed_styles``).
    Tests check that renders still go through it and lay out exactly as with the full
    sheet.
    """
    from weasyprint import CSS, HTML

    sheet = CSS(string=UA_CSS.read_text(encoding="utf-8"))

    class DocumentHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            return [sheet]

    return DocumentHTML


@_once
def font_config():
    """The ``FontConfiguration`` every render and stylesheet of the process shares."""
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    atexit.register(_remove_font_folder, config)
    return config


def _remove_font_folder(config) -> None:
    """Delete the temporary folder a ``FontConfiguration`` copies fonts into.

    Its own ``__del__`` would run only at interpreter shutdown, when ``rmtree`` is
    already gone: it failed ("Exception ignored ... __del__") and left the folder.
    """
    folder = getattr(config, "_folder", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        config._folder = None


def _footer_css() -> str:
    page = _("Page").replace('"', "")
    of = _("of").replace('"', "")
    return (
        f'@page {{ @bottom-right {{ content: "{page} " counter(page) " {of} " counter(pages); }} }}'
    )


def stylesheets(template_name: str) -> list:
    """The parsed print stylesheet of a PDF template in the active language.

    Parsed once per template and language: ``print.css``, the template's own sheet
    (``invoice.css`` beside ``invoice.html``) and the translated page footer, as one
    ``CSS`` object (WeasyPrint matches every element against every sheet).
    """
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = (language, template_name)
    cached = _stylesheets.get(key)
    if cached is None:
        from weasyprint import CSS

        with _lock:
            cached = _stylesheets.get(key)
            if cached is None:
                own = PDF_TEMPLATES / (Path(template_name).stem + ".css")
                parts = [PRINT_CSS.read_text(encoding="utf-8")]
                if own.is_file():
                    parts.append(own.read_text(encoding="utf-8"))
                parts.append(_footer_css())
                cached = [
                    CSS(
                        string="\n".join(parts),
                        base_url=static_root().as_uri() + "/",
                        url_fetcher=local_url_fetcher(),
                        font_config=font_config(),
                    )
                ]
                _stylesheets[key] = cached
    return cached


def warm_up() -> None:
    """Load the fonts, the fetcher and every language's stylesheet (a worker's start)."""
    font_config()
    local_url_fetcher()
    html_class()
    templates = sorted(PDF_TEMPLATES.glob("[!_]*.html"))
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for template in templates:
                if template.name != "base.html":
                    stylesheets(f"documents/pdf/{template.name}")


def render_pdf(template_name: str, context: dict, *, language: str) -> bytes:
    """Render a template of ``documents/pdf/`` to PDF bytes in ``language``."""
    with translation.override(language):
        html = render_to_string(template_name, context)
        sheets = stylesheets(template_name)
    document = html_class()(
        string=html, base_url=static_root().as_uri() + "/", url_fetcher=local_url_fetcher()
    )
    return document.write_pdf(
        stylesheets=sheets,
        font_config=font_config(),
        cache=_image_cache,
    )
