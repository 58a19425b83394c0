"""``return.*`` events reach the ERP's webhook subscriptions, signed, after commit."""

import json

import pytest

from returns import services
from webhooks import services as webhooks
from webhooks.tests.receiver import Receiver


@pytest.mark.django_db
def test_return_events_are_delivered(order, buyer, manager, settings, flush):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    with Receiver() as receiver:
        webhooks.create_subscription(
            actor=None, url=receiver.url, events=["return.created", "return.status_changed"]
        )
        with flush():
            ret = services.request_return(
                actor=buyer,
                order=order,
                lines=[{"sku": "DRILL-18V", "quantity": 1, "reason": "other"}],
                resolution="refund",
            )
        with flush():
            services.authorize_return(ret=ret, actor=manager)
        bodies = [json.loads(request["body"]) for request in receiver.requests]
    assert [body["type"] for body in bodies] == ["return.created", "return.status_changed"]
    assert bodies[0]["data"]["number"] == ret.number
    assert (bodies[1]["data"]["from"], bodies[1]["data"]["to"]) == ("solicitada", "autorizada")
    assert all("webhook-signature" in request["headers"] for request in receiver.requests)
