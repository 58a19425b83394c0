from .views import ContractPriceViewSet, PriceListViewSet, PriceViewSet

# (prefix, viewset, basename) registered by config/api_urls.py
routes = [
    ("price-lists", PriceListViewSet, "price-list"),
    ("price-lists/(?P<price_list_code>[^/.]+)/prices", PriceViewSet, "price-list-price"),
    ("customers/(?P<customer_pk>[0-9]+)/contract-prices", ContractPriceViewSet, "contract-price"),
]
