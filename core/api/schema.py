"""OpenAPI generation: every operation documents the error answers it can give
(the shape of ``core.api.exceptions``) and every POST its ``Idempotency-Key`` header."""

from __future__ import annotations

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
    "413": "Request body too large (`payload_too_large`).",
    "415": "Request body is not JSON (`unsupported_media_type`).",
    "429": "Rate limited (`throttled`); see the `Retry-After` header.",
}


class ApiAutoSchema(AutoSchema):
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
            codes += ["409", "413", "415"]
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = response
        return responses
