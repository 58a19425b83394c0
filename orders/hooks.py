"""What apps above ``orders`` add to an order's answers, without ``orders`` importing
them (``documents`` sits above ``orders``): ``documents`` registers here, in
``DocumentsConfig.ready()``, the serializer of an order's documents and how to fetch
them, and the API order detail asks this hook.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class OrderDocumentsHook:
    #: ``fetch(order) -> list`` of the order's documents.
    fetch: Callable[[Any], list] | None = None
    #: the serializer class of one document in the order detail.
    serializer: type | None = None

    def serialize(self, order, context) -> list:
        if self.fetch is None or self.serializer is None:
            return []
        # A just-placed order knows it has none (``orders.services.place_order``).
        documents = order.__dict__.get("_documents")
        if documents is None:
            documents = self.fetch(order)
        return self.serializer(documents, many=True, context=context).data


order_documents = OrderDocumentsHook()


def register_order_documents(*, fetch: Callable[[Any], list], serializer: type) -> None:
    """Called once by the documents app: the API order detail then lists the documents
    (and the schema describes them with ``serializer``)."""
    from drf_spectacular.utils import extend_schema_field

    from .api.serializers import OrderDetailSerializer

    order_documents.fetch, order_documents.serializer = fetch, serializer
    extend_schema_field(serializer(many=True))(OrderDetailSerializer.get_documents)
