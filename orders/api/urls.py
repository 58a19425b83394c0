from .views import OrderViewSet

# (prefix, viewset, basename) registered by config/api_urls.py
routes = [("orders", OrderViewSet, "order")]
