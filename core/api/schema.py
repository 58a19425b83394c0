"""OpenAPI generation: every operation documents the error answers it can give
(the shape of ``core.api.exceptions``) and every POST its ``Idempotency-Key`` header.

The schema states what the API accepts, so that a client (or schemathesis) generating
schema-valid data is not refused: decimal strings get a pattern of ASCII digits that
honours the field's sign and bounds (drf-spectacular's allows ``""``, ``"-"`` and any
Unicode digit), required text that is trimmed says it needs a character other than
whitespace, and lists that refuse to be empty say ``minItems: 1``.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import RegexValidator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from .idempotency import HEADER, KEY_PATTERN


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine code, e.g. `validation_error`.")
    detail = serializers.CharField(help_text="Human-readable message.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation errors per field (nested fields joined with dots).",
    )

    class Meta:
        ref_name = "Error"


ERROR_DESCRIPTIONS = {
    "400": "Invalid input (`validation_error`, `parse_error`, `invalid_cursor`, ...).",
    "401": "No API key or an invalid/revoked one (`not_authenticated`, `authentication_failed`).",
    "403": "Not allowed for this client (`permission_denied`).",
    "404": "Not found, or not visible to this client (`not_found`).",
    "409": "Conflict (`idempotency_key_reused`, `idempotency_key_in_progress`, "
    "`already_exists`, domain conflicts).",
    "411": "Body sent without `Content-Length` (chunked), not supported (`length_required`).",
    "413": "Request body too large (`payload_too_large`).",
    "415": "Request body is not JSON (`unsupported_media_type`).",
    "429": "Rate limited (`throttled`); see the `Retry-After` header.",
}


def decimal_pattern(field: serializers.DecimalField) -> str:
    """An ECMA/Python regex for the strings ``field`` accepts (a subset, for the bounds
    it cannot state: ``min_value`` 0 or the smallest step, ``max_value`` a power of ten).
    """
    places = field.decimal_places
    whole = field.max_whole_digits
    fraction = f"(?:\\.[0-9]{{1,{places}}})?" if places else ""
    number = f"[0-9]{{1,{whole}}}{fraction}" if whole else f"0?{fraction}"
    low, high = field.min_value, field.max_value
    if high is not None:
        exponent = Decimal(high).normalize().as_tuple()
        power = len(str(int(high))) - 1
        if Decimal(high) != Decimal(10) ** power or exponent.exponent < 0:
            raise ValueError(f"{field}: max_value must be a power of ten for the schema")
        zeros = f"(?:\\.0{{1,{places}}})?" if places else ""
        below = f"[0-9]{{1,{power}}}{fraction}" if power else f"0{fraction}"
        number = f"(?:1{'0' * power}{zeros}|{below})"
    sign = "-?" if low is None or low < 0 else ""
    if low is not None and low > 0:
        if Decimal(low) != Decimal(1).scaleb(-places):
            raise ValueError(f"{field}: min_value must be 0 or the smallest step for the schema")
        return f"^(?=.*[1-9]){number}$"
    return f"^{sign}{number}$"


#: Text with at least one character that is not whitespace as ``str.strip`` (which DRF
#: trims with) sees it; spelled out because regex engines disagree on ``\s``.
NOT_BLANK_PATTERN = (
    r"[^\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f"
    r"\u205f\u3000]"
)


class ApiAutoSchema(AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if not isinstance(schema, dict):
            return schema
        if isinstance(field, serializers.DecimalField) and schema.get("type") == "string":
            schema["pattern"] = decimal_pattern(field)
        if (
            direction == "request"
            and type(field) is serializers.CharField
            and not field.allow_blank
            and field.trim_whitespace
            and schema.get("type") == "string"
            and "pattern" not in schema
            and not any(isinstance(v, RegexValidator) for v in field.validators)
        ):
            # The field trims whitespace first, so only-spaces is blank, and refused.
            schema["pattern"] = NOT_BLANK_PATTERN
        if isinstance(field, serializers.ListSerializer | serializers.ListField):
            if not getattr(field, "allow_empty", True):
                schema["minItems"] = max(schema.get("minItems", 0), 1)
            if getattr(field, "max_length", None) is not None:
                schema.setdefault("maxItems", field.max_length)
        return schema

    def get_override_parameters(self):
        params = list(super().get_override_parameters())
        if self.method == "POST":
            params.append(
                OpenApiParameter(
                    HEADER,
                    {"type": "string", "pattern": f"^{KEY_PATTERN.pattern}$"},
                    OpenApiParameter.HEADER,
                    required=False,
                    description=(
                        "Makes the POST safe to retry: a repeat with the same key and body "
                        "returns the original answer (kept at least 24 h)."
                    ),
                )
            )
        return params

    def _error_codes(self) -> list[str]:
        codes = ["400", "401", "403", "429"]
        if "{" in self.path or self.method == "DELETE":
            codes.append("404")
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["409", "411", "413", "415"]
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = response
        return responses
