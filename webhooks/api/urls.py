from .views import DeliveryViewSet, WebhookViewSet

routes = [
    ("webhooks", WebhookViewSet, "webhook"),
    (r"webhooks/(?P<subscription_id>[0-9]{1,18})/deliveries", DeliveryViewSet, "webhook-delivery"),
]
