"""Uploaded files (core.uploads): type by content, size limits, images re-encoded
without their metadata, generated names."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from core.uploads import HEIC_SUPPORTED, clean_upload

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def image_bytes(fmt="JPEG", size=(40, 20), color=(200, 30, 30), exif=None, mode="RGB"):
    image = Image.new(mode, size, color)
    output = io.BytesIO()
    options = {}
    if exif is not None:
        options["exif"] = exif
    image.save(output, format=fmt, **options)
    return output.getvalue()


def gps_exif(orientation=None):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (40.0, 25.0, 0.0)
    gps[3] = "W"
    gps[4] = (3.0, 42.0, 0.0)
    if orientation:
        exif[ORIENTATION] = orientation
    return exif


def upload(content: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n"
    b"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n110\n%%EOF\n"
)


@pytest.mark.parametrize(
    "fmt,content_type,extension",
    [("JPEG", "image/jpeg", "jpg"), ("PNG", "image/png", "png"), ("WEBP", "image/webp", "webp")],
)
def test_images_are_accepted_and_reencoded(fmt, content_type, extension):
    original = image_bytes(fmt)
    clean = clean_upload(upload(original, name="../../etc/passwd", content_type="text/plain"))
    assert clean.content_type == content_type
    assert clean.name.endswith("." + extension)
    assert "passwd" not in clean.name and "/" not in clean.name
    reread = Image.open(io.BytesIO(clean.content))
    assert reread.format == fmt and reread.size == (40, 20)


def test_generated_names_differ():
    content = image_bytes()
    assert clean_upload(upload(content)).name != clean_upload(upload(content)).name


def test_exif_and_gps_are_stripped():
    original = image_bytes(exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # it was there
    clean = clean_upload(upload(original))
    reread = Image.open(io.BytesIO(clean.content))
    assert not reread.getexif()
    assert "exif" not in reread.info
    assert b"PhoneMaker" not in clean.content


def test_orientation_is_applied_before_stripping():
    # Orientation 6: the camera was turned; a 40x20 picture is shown as 20x40.
    clean = clean_upload(upload(image_bytes(exif=gps_exif(orientation=6))))
    assert Image.open(io.BytesIO(clean.content)).size == (20, 40)


def test_png_text_chunks_are_not_kept():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "secret-location")
    output = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 0, 0, 0)).save(output, format="PNG", pnginfo=info)
    clean = clean_upload(upload(output.getvalue(), name="a.png"))
    assert b"secret-location" not in clean.content


def test_a_png_renamed_pdf_is_a_png():
    clean = clean_upload(
        upload(image_bytes("PNG"), name="invoice.pdf", content_type="application/pdf")
    )
    assert clean.content_type == "image/png"


def test_a_text_file_renamed_jpg_is_refused():
    with pytest.raises(ValidationError) as error:
        clean_upload(upload(b"just some text, not a photo\n" * 10, name="photo.jpg"))
    assert error.value.code == "file_type"


def test_refusal_names_the_accepted_types():
    with translation.override("en"), pytest.raises(ValidationError) as error:
        clean_upload(upload(b"hello", name="photo.jpg"))
    assert error.value.messages == [
        "This type of file is not accepted (accepted: JPEG, PNG, WebP, HEIC, PDF)."
    ]


def test_a_jpeg_header_with_garbage_is_refused():
    with pytest.raises(ValidationError) as error:
        clean_upload(upload(b"\xff\xd8\xff\xe0" + b"\x00garbage" * 50))
    assert error.value.code == "image_damaged"


def test_oversized_file_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    big = image_bytes("BMP", size=(300, 300))  # ~270 kB
    with pytest.raises(ValidationError) as error:
        clean_upload(upload(big))
    assert error.value.code == "file_too_large"
    # The explicit limit wins over the setting.
    assert clean_upload(upload(image_bytes()), max_bytes=10_000).content_type == "image/jpeg"


def test_the_size_is_checked_on_the_bytes_not_on_the_claimed_size():
    class Lying(io.BytesIO):
        size = 10  # claims to be small

    with pytest.raises(ValidationError) as error:
        clean_upload(Lying(b"%PDF-1.4\n" + b"x" * 5000), max_bytes=1000)
    assert error.value.code == "file_too_large"


def test_decompression_bomb_is_refused(settings):
    settings.UPLOAD_MAX_PIXELS = 10_000
    with pytest.raises(ValidationError) as error:
        clean_upload(upload(image_bytes("PNG", size=(200, 200))))
    assert error.value.code == "image_too_big"


def test_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        clean_upload(upload(b""))
    assert error.value.code == "file_empty"


def test_pdf_is_accepted_unchanged():
    clean = clean_upload(upload(MINIMAL_PDF, name="proof.exe", content_type="image/png"))
    assert clean.content_type == "application/pdf"
    assert clean.name.endswith(".pdf")
    assert clean.content == MINIMAL_PDF


def test_pdf_made_by_weasyprint_is_accepted():
    from weasyprint import HTML

    pdf = HTML(string="<p>Delivery note</p>").write_pdf()
    assert clean_upload(upload(pdf, name="note.pdf")).content_type == "application/pdf"


def test_truncated_pdf_is_refused():
    with pytest.raises(ValidationError) as error:
        clean_upload(upload(MINIMAL_PDF[:80], name="x.pdf"))
    assert error.value.code == "pdf_damaged"


@pytest.mark.parametrize("name", [b"/JavaScript", b"/Java#53cript", b"/Launch", b"/EmbeddedFile"])
def test_pdf_with_active_content_is_refused(name):
    content = MINIMAL_PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S " + name)
    with pytest.raises(ValidationError) as error:
        clean_upload(upload(content, name="x.pdf"))
    assert error.value.code == "pdf_active_content"


def test_allowed_kinds_narrow_what_is_accepted():
    with pytest.raises(ValidationError):
        clean_upload(upload(MINIMAL_PDF), allowed=("image",))
    with pytest.raises(ValidationError):
        clean_upload(upload(image_bytes()), allowed=("pdf",))


def test_heic_photo_becomes_a_jpeg_without_metadata():
    import pillow_heif

    assert HEIC_SUPPORTED
    output = io.BytesIO()
    Image.new("RGB", (32, 16), (10, 120, 10)).save(output, format="HEIF", exif=gps_exif())
    content = output.getvalue()
    assert pillow_heif.is_supported(content)
    clean = clean_upload(upload(content, name="IMG_0001.HEIC", content_type="image/heic"))
    assert clean.content_type == "image/jpeg"
    reread = Image.open(io.BytesIO(clean.content))
    assert reread.format == "JPEG" and reread.size == (32, 16)
    assert not reread.getexif()
