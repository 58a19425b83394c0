"""Tax identifiers: Spanish NIF/NIE/CIF, Polish NIP and EU VAT numbers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.fiscal import normalize_vat_number, vat_number_problem

__all__ = ["normalize_vat_number", "validate_tax_id", "validate_vat_number"]

EU_VAT_PREFIXES = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI",
}  # fmt: skip
NIF_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
CIF_CONTROL_LETTERS = "JABCDEFGHI"
NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def normalize_tax_id(value: str) -> str:
    """Upper case without spaces, dots or dashes: ``es b-1234567 4`` -> ``ESB12345674``."""
    return re.sub(r"[\s.\-]", "", value or "").upper()


def _valid_spanish(code: str) -> bool:
    if re.fullmatch(r"\d{8}[A-Z]", code):  # NIF of a person
        return NIF_LETTERS[int(code[:8]) % 23] == code[8]
    if re.fullmatch(r"[XYZ]\d{7}[A-Z]", code):  # NIE
        number = int("XYZ".index(code[0]).__str__() + code[1:8])
        return NIF_LETTERS[number % 23] == code[8]
    if re.fullmatch(r"[ABCDEFGHJNPQRSUVW]\d{7}[0-9A-J]", code):  # CIF of a company
        return code[8] in spanish_cif_controls(code[1:8])
    return False


def spanish_cif_controls(digits: str) -> tuple[str, str]:
    """The control digit and letter that complete a CIF's seven digits."""
    total = sum(int(d) for d in digits[1::2])
    for d in digits[0::2]:
        doubled = int(d) * 2
        total += doubled // 10 + doubled % 10
    control = (10 - total % 10) % 10
    return str(control), CIF_CONTROL_LETTERS[control]


def _valid_nip(code: str) -> bool:
    if not re.fullmatch(r"\d{10}", code):
        return False
    checksum = sum(int(d) * w for d, w in zip(code, NIP_WEIGHTS, strict=False)) % 11
    return checksum != 10 and checksum == int(code[9])


def is_valid_tax_id(value: str) -> bool:
    code = normalize_tax_id(value)
    prefix, rest = code[:2], code[2:]
    if prefix == "ES":
        return _valid_spanish(rest)
    if prefix == "PL":
        return _valid_nip(rest)
    if prefix in EU_VAT_PREFIXES:
        return bool(re.fullmatch(r"[A-Z0-9]{2,13}", rest))
    return _valid_spanish(code) or _valid_nip(code)


def validate_vat_number(value: str) -> None:
    """An EU VAT number with its country prefix, format and checksum checked
    (python-stdnum, through ``core.fiscal``)."""
    if not value:
        return
    problem = vat_number_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_vat_number")


def validate_tax_id(value: str) -> None:
    if not is_valid_tax_id(value):
        raise ValidationError(
            _(
                "Enter a valid tax id: a Spanish NIF/CIF, a Polish NIP or an EU VAT number "
                "with its country prefix."
            ),
            code="invalid_tax_id",
        )
