"""Base classes of every API view: client scoping, body checks and idempotency.

Subclass ``ApiGenericViewSet`` (with DRF's mixins) or ``ApiViewSet``. Configure:

- ``company_field``: the lookup that ties a row to a customer company (``"pk"`` for
  companies, ``"customer"`` for orders...). Company keys only ever see rows where it
  equals their company; ``None`` means company keys see nothing of this resource.
- ``company_key_actions``: the actions company keys may run (default: read).
- ``staff_write_roles``: staff roles needed for unsafe methods (default: any staff).
- ``error_field_map``: model field names -> API field names in validation errors.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _
from rest_framework import mixins, viewsets
from rest_framework.permissions import SAFE_METHODS

from core.transactions import atomic_with_retries

from . import idempotency
from .exceptions import ApiError
from .parsers import bad_text, check_content_length
from .permissions import client_of

logger = logging.getLogger(__name__)


class _Replay(Exception):
    def __init__(self, record):
        self.record = record


class ApiViewMixin:
    company_field: str | None = None
    company_key_actions: tuple[str, ...] = ("list", "retrieve")
    staff_write_roles: tuple[str, ...] = ()
    error_field_map: dict[str, str] = {}

    _idempotency_record = None

    # --- who ------------------------------------------------------------------------
    @property
    def client(self):
        return client_of(self.request)

    @property
    def actor(self):
        """The staff user for services' ``actor``; None for API keys."""
        client = self.client
        return client.user if client is not None else None

    # --- tenancy --------------------------------------------------------------------
    def scope_queryset(self, queryset):
        client = self.client
        if client is None or client.is_seller:
            return queryset
        if self.company_field is None:
            return queryset.none()
        return queryset.filter(**{self.company_field: client.company_id})

    def get_queryset(self):
        return self.scope_queryset(super().get_queryset())

    # --- request checks and idempotency ---------------------------------------------
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._check_text(request, kwargs)
        check_content_length(request._request)
        if request.method == "POST":
            self._begin_idempotency(request)

    def _check_text(self, request, kwargs):
        values = [str(v) for v in kwargs.values()]
        for name, items in request.query_params.lists():
            values.append(name)
            values.extend(items)
        if any(bad_text(value) for value in values):
            raise ApiError(
                _("The URL contains NUL characters or invalid text."), code="invalid_characters"
            )

    def _begin_idempotency(self, request):
        key = idempotency.clean_key(request.headers.get(idempotency.HEADER))
        client = self.client
        if key is None or client is None:
            return
        request_hash = idempotency.fingerprint(
            request.method, request.get_full_path(), request._request.body
        )
        outcome = idempotency.begin(client=client.ident, key=key, request_hash=request_hash)
        if outcome.replay is not None:
            raise _Replay(outcome.replay)
        self._idempotency_record = outcome.record

    # --- one transaction per write ------------------------------------------------------
    def dispatch(self, request, *args, **kwargs):
        """DRF's dispatch, except that an unsafe method's handler runs in one transaction
        with the storing of its idempotent response: the effect and the answer a replay
        gets commit together or not at all. A handler that fails after its service did
        its work (building the response, say) rolls the work back, so a retry with the
        same key runs again instead of meeting a committed effect it never heard of."""
        self.args = args
        self.kwargs = kwargs
        request = self.initialize_request(request, *args, **kwargs)
        self.request = request
        self.headers = self.default_response_headers
        try:
            self.initial(request, *args, **kwargs)
            method = request.method.lower()
            if method in self.http_method_names:
                handler = getattr(self, method, self.http_method_not_allowed)
            else:
                handler = self.http_method_not_allowed
            if request.method in SAFE_METHODS:
                response = handler(request, *args, **kwargs)
            else:
                response = self._handle_write(handler, request, *args, **kwargs)
        except Exception as exc:
            response = self.handle_exception(exc)
        self.response = self.finalize_response(request, response, *args, **kwargs)
        return self.response

    def _handle_write(self, handler, request, *args, **kwargs):
        """The handler and the storing of its answer in one transaction, redone from the
        start when the database aborts it for a deadlock or a serialization failure
        (services may then skip their own savepoints: ``savepoint=False``)."""

        def write():
            response = handler(request, *args, **kwargs)
            record = self._idempotency_record
            if record is not None and response.status_code < 500:
                # Stored in the same transaction as the effect.
                idempotency.complete(record, response)
                self._idempotency_record = None
            return response

        return atomic_with_retries(write, label=request.path)

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return self._replay_response(exc.record)
        try:
            return super().handle_exception(exc)
        except BaseException:
            if self._idempotency_record is not None:
                idempotency.release(self._idempotency_record)
                self._idempotency_record = None
            raise

    def _replay_response(self, record):
        from rest_framework.response import Response

        headers = dict(record.response_headers or {})
        headers[idempotency.REPLAYED_HEADER] = "true"
        return Response(record.response_body, status=record.response_status, headers=headers)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record, self._idempotency_record = self._idempotency_record, None
        if record is not None:
            if response.status_code < 500:
                idempotency.complete(record, response)
            else:
                try:
                    idempotency.release(record)
                except (OperationalError, InterfaceError) as exc:
                    # The database is down (the very reason for this 503): the key is
                    # taken over after IDEMPOTENCY_LOCK_TIMEOUT.
                    logger.warning("Idempotency key not released: %s", exc)
        return response


class ApiGenericViewSet(ApiViewMixin, viewsets.GenericViewSet):
    pass


class ApiViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, retrieve, create and PATCH (PUT is switched off: the API only PATCHes)."""

    http_method_names = ["get", "post", "patch", "head", "options"]


def add_action_endpoints(viewset, registry, *, detail_serializer, not_allowed=None) -> None:
    """``POST /<resource>/{key}/<api_path>/`` on ``viewset`` for every action ``registry``
    declares for the API: permission first when ``not_allowed`` is given (a 403, before
    the body's validation could answer 400), then the action's serializer, then the
    registry performs it and the viewset's ``_detail`` answers with the object read again,
    or the action's ``api_response_function`` builds the answer (its
    ``response_serializer`` documents it)."""
    from drf_spectacular.utils import extend_schema
    from rest_framework.decorators import action

    def endpoint_for(declared):
        respond = getattr(declared, "api_response_function", None)

        def endpoint(self, request, number=None):
            obj = self.get_object()
            if not_allowed is not None and not registry.permits(
                self.actor_or_key, declared.name, obj
            ):
                raise not_allowed()
            data = self._input(declared.serializer_class)
            result = registry.perform(declared.name, obj, self.actor_or_key, **data)
            if respond is not None:
                return respond(self, obj, result)
            return self._detail(obj, declared.api_status)

        endpoint.__name__ = endpoint.__qualname__ = declared.api_path
        endpoint.__doc__ = str(declared.label)
        endpoint = action(detail=True, methods=["post"], url_path=declared.api_path)(endpoint)
        response = getattr(respond, "response_serializer", None) or detail_serializer
        return extend_schema(
            request=declared.serializer_class,
            responses={declared.api_status: response},
        )(endpoint)

    for declared in registry.api_actions():
        setattr(viewset, declared.api_path, endpoint_for(declared))
