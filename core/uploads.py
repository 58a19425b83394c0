"""Checking and cleaning the files people upload (photos and PDFs as evidence).

``clean_upload(uploaded_file)`` returns a ``CleanFile`` to store, or raises a
``ValidationError`` with a translated message:

* the type is read from the content (magic bytes, then the decoder), never from the
  file's name or the content type the browser claims: JPEG, PNG, WebP, HEIC/HEIF
  photos (HEIC through the maintained ``pillow-heif`` plug-in) and PDF documents;
* the size is limited (``settings.UPLOAD_MAX_BYTES``, default 10 MB) and images by
  their pixel count too (``settings.UPLOAD_MAX_PIXELS``, Pillow's decompression-bomb
  guard made an error);
* images are decoded and re-encoded with Pillow: the orientation is applied and every
  piece of metadata (EXIF with its GPS position, XMP, comments) is left behind; HEIC
  photos become JPEG (browsers do not show HEIC);
* PDFs must have a PDF header, a cross-reference pointer and an end-of-file marker,
  and must not carry JavaScript, launch actions or embedded files;
* the stored name is generated (a random hex name and the type's extension); the
  client's name is never used.
"""

from __future__ import annotations

import io
import re
import uuid
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

try:  # HEIC/HEIF photos (iPhones): only when the plug-in is installed.
    from pillow_heif import register_heif_opener
except ImportError:  # pragma: no cover - the plug-in is a dependency
    HEIC_SUPPORTED = False
else:
    register_heif_opener()
    HEIC_SUPPORTED = True

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000

#: kind -> (content type, extension, Pillow format to save in)
IMAGE_KINDS = {
    "jpeg": ("image/jpeg", "jpg", "JPEG"),
    "png": ("image/png", "png", "PNG"),
    "webp": ("image/webp", "webp", "WEBP"),
    "heic": ("image/jpeg", "jpg", "JPEG"),  # re-encoded as JPEG
}
PDF = ("application/pdf", "pdf")
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
#: Pillow's name of each decoded format, to check the decoder agrees with the magic.
PILLOW_FORMATS = {"jpeg": {"JPEG", "MPO"}, "png": {"PNG"}, "webp": {"WEBP"}, "heic": {"HEIF"}}
#: Active PDF content we do not accept (names also matched in their #xx-escaped forms).
PDF_FORBIDDEN = (b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"RichMedia", b"XFA")


@dataclass(frozen=True)
class CleanFile:
    name: str
    content: bytes
    content_type: str

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def max_upload_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def accepted_types_text(allowed: Iterable[str] = ("image", "pdf")) -> str:
    """The accepted types, for help texts: "JPEG, PNG, WebP, HEIC, PDF"."""
    names = []
    if "image" in allowed:
        names += ["JPEG", "PNG", "WebP"] + (["HEIC"] if HEIC_SUPPORTED else [])
    if "pdf" in allowed:
        names.append("PDF")
    return ", ".join(names)


def sniff(head: bytes) -> str | None:
    """The kind of file ``head`` (its first bytes) starts: jpeg, png, webp, heic, pdf."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "heic"
    if head.startswith(b"%PDF-"):
        return "pdf"
    return None


def _read(uploaded_file, limit: int) -> bytes:
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    if hasattr(uploaded_file, "chunks"):
        parts, total = [], 0
        for chunk in uploaded_file.chunks():
            parts.append(chunk)
            total += len(chunk)
            if total > limit:
                break
        return b"".join(parts)
    return uploaded_file.read(limit + 1)


def _too_large(limit: int) -> ValidationError:
    return ValidationError(
        _("The file is too large: at most %(max)s.") % {"max": filesizeformat(limit)},
        code="file_too_large",
    )


def _wrong_type(allowed) -> ValidationError:
    return ValidationError(
        _("This type of file is not accepted (accepted: %(types)s).")
        % {"types": accepted_types_text(allowed)},
        code="file_type",
    )


def clean_upload(
    uploaded_file, *, allowed: Iterable[str] = ("image", "pdf"), max_bytes: int | None = None
) -> CleanFile:
    """Check ``uploaded_file`` (a Django ``UploadedFile`` or any binary file object)
    and return what may be stored; a ``ValidationError`` otherwise."""
    allowed = tuple(allowed)
    limit = max_bytes if max_bytes is not None else max_upload_bytes()
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise _too_large(limit)
    content = _read(uploaded_file, limit)
    if len(content) > limit:
        raise _too_large(limit)
    if not content:
        raise ValidationError(_("The file is empty."), code="file_empty")
    kind = sniff(content[:32])
    if kind == "heic" and not HEIC_SUPPORTED:
        kind = None
    if kind is None or ("pdf" if kind == "pdf" else "image") not in allowed:
        raise _wrong_type(allowed)
    if kind == "pdf":
        _check_pdf(content)
        return CleanFile(f"{uuid.uuid4().hex}.{PDF[1]}", content, PDF[0])
    return _clean_image(content, kind)


def _check_pdf(content: bytes) -> None:
    damaged = ValidationError(_("The PDF is damaged or is not a PDF."), code="pdf_damaged")
    if not re.match(rb"%PDF-[12]\.\d", content[:8]):
        raise damaged
    tail = content[-2048:]
    if b"%%EOF" not in tail or b"startxref" not in content[-4096:]:
        raise damaged
    if b" obj" not in content and b"\nobj" not in content and b"\robj" not in content:
        raise damaged
    names = re.findall(rb"/([A-Za-z0-9#]+)", content)
    for raw in names:
        name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
        if name in PDF_FORBIDDEN:
            raise ValidationError(
                _("PDFs with scripts, actions or embedded files are not accepted."),
                code="pdf_active_content",
            )


def _clean_image(content: bytes, kind: str) -> CleanFile:
    content_type, extension, save_format = IMAGE_KINDS[kind]
    max_pixels = int(getattr(settings, "UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS))
    unreadable = ValidationError(
        _("The image could not be read: it is damaged or is not an image."),
        code="image_damaged",
    )
    too_big = ValidationError(
        _("The image has too many pixels (at most %(max)s megapixels).")
        % {"max": max_pixels // 1_000_000},
        code="image_too_big",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content))
            if image.format not in PILLOW_FORMATS[kind]:
                raise unreadable
            width, height = image.size
            if width * height > max_pixels:
                raise too_big
            image.load()
            image = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_big from None
    except Exception:  # Pillow raises many kinds of errors on bad data
        raise unreadable from None
    image = _saveable(image, save_format)
    output = io.BytesIO()
    options = {"optimize": True}
    if save_format == "JPEG":
        options.update(quality=88)
    elif save_format == "WEBP":
        options = {"quality": 88}
    # Pillow writes some of ``info`` back (XMP, EXIF on some formats): empty it, so the
    # copy carries the pixels and the colour profile only.
    icc = image.info.get("icc_profile")
    image.info = {}
    if icc:
        options["icc_profile"] = icc
    image.save(output, format=save_format, **options)
    return CleanFile(f"{uuid.uuid4().hex}.{extension}", output.getvalue(), content_type)


def _saveable(image: Image.Image, save_format: str) -> Image.Image:
    """``image`` in a mode its format can save (JPEG has no transparency)."""
    if save_format == "JPEG":
        if image.mode in ("RGBA", "LA", "P", "PA"):
            rgba = image.convert("RGBA")
            background = Image.new("RGB", rgba.size, (255, 255, 255))
            background.paste(rgba, mask=rgba.getchannel("A"))
            return background
        if image.mode not in ("RGB", "L", "CMYK"):
            return image.convert("RGB")
        return image
    if save_format == "PNG" and image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I"):
        return image.convert("RGBA")
    if save_format == "WEBP" and image.mode not in ("RGB", "RGBA"):
        return image.convert("RGBA" if "A" in image.mode else "RGB")
    return image


def save_upload(attachment, clean: CleanFile, *, actor) -> None:
    """Store ``clean`` (a checked upload) as ``attachment``'s file and save the row.

    ``attachment`` is an unsaved model instance with the upload columns (``file``,
    ``original_name``, ``content_type``, ``size``, ``uploaded_by``,
    ``uploaded_by_label``); they are filled here. If the row cannot be saved, the file
    just written is deleted again, so no orphan file is left behind.
    """
    from django.core.files.base import ContentFile

    from .actors import actor_label, user_of

    attachment.original_name = clean.name[:255]
    attachment.content_type = clean.content_type
    attachment.size = len(clean.content)
    attachment.uploaded_by = user_of(actor)
    attachment.uploaded_by_label = actor_label(actor)[:200]
    attachment.file.save(clean.name, ContentFile(clean.content), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
