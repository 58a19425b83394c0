from .views import (
    CategoryViewSet,
    ProductViewSet,
    StockMovementViewSet,
    StockViewSet,
    WarehouseViewSet,
)

# (prefix, viewset, basename) registered by config/api_urls.py
routes = [
    ("categories", CategoryViewSet, "category"),
    ("products", ProductViewSet, "product"),
    ("warehouses", WarehouseViewSet, "warehouse"),
    ("stock/movements", StockMovementViewSet, "stock-movement"),
    ("stock", StockViewSet, "stock"),
]
