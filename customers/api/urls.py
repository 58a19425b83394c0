from .views import CustomerViewSet

# (prefix, viewset, basename) registered by config/api_urls.py
routes = [("customers", CustomerViewSet, "customer")]
