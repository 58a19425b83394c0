"""The shape of ``/api/v1/kpis/`` (rendered from ``dashboard.kpis``' dictionaries).

Counts are integers; rates are decimal strings with 4 places between ``"0.0000"`` and
``"1.0000"``, null when there is nothing to divide by; durations are hours with one
decimal; money is per currency, never added across currencies."""

from django.utils.translation import gettext_lazy as _

from core.api import serializers


def _rate(help_text):
    return serializers.DecimalField(
        max_digits=5, decimal_places=4, allow_null=True, help_text=help_text
    )


def _hours(help_text):
    return serializers.DecimalField(
        max_digits=12, decimal_places=1, allow_null=True, help_text=help_text
    )


def _money(help_text):
    return serializers.DecimalField(max_digits=14, decimal_places=2, help_text=help_text)


class PeriodSerializer(serializers.Serializer):
    time_zone = serializers.CharField(help_text=_("The seller's time zone the days are in."))
    customer = serializers.IntegerField(allow_null=True, help_text=_("The company scoped to."))

    class Meta:
        ref_name = "KpiPeriod"

    def get_fields(self):
        # ``from`` is a Python keyword: the fields named as the query parameters.
        return {
            "from": serializers.DateField(
                source="date_from", help_text=_("First day (inclusive).")
            ),
            "to": serializers.DateField(source="date_to", help_text=_("Last day (inclusive).")),
            **super().get_fields(),
        }


class AgeingSerializer(serializers.Serializer):
    status = serializers.CharField()
    count = serializers.IntegerField()
    average_hours = _hours(_("Average time in this status."))
    oldest_hours = _hours(_("Longest time in this status."))
    threshold_hours = serializers.IntegerField(help_text=_("Stuck beyond this."))
    stuck = serializers.IntegerField()

    class Meta:
        ref_name = "KpiAgeing"


class OrdersSerializer(serializers.Serializer):
    placed = serializers.IntegerField(help_text=_("Orders placed in the range."))
    by_status = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("Those orders by their status today.")
    )
    ageing = AgeingSerializer(many=True, help_text=_("Open orders now, per status."))
    held = serializers.IntegerField(help_text=_("Orders on hold now."))
    held_by_reason = serializers.DictField(child=serializers.IntegerField())
    to_prepare = serializers.IntegerField()
    due_to_ship_today = serializers.IntegerField()
    late = serializers.IntegerField()

    class Meta:
        ref_name = "KpiOrders"


def _days(help_text):
    return serializers.DecimalField(
        max_digits=7, decimal_places=1, allow_null=True, help_text=help_text
    )


class ContractFieldsMixin(serializers.Serializer):
    """Delivery against the carrier's contracted transit days (business days)."""

    with_transit = serializers.IntegerField(
        help_text=_("Delivered with a carrier and a measured transit.")
    )
    within_contract = serializers.IntegerField(
        help_text=_("Transit at most the carrier's contracted business days for the service.")
    )
    late_contract = serializers.IntegerField(
        help_text=_("Transit over the carrier's contracted business days.")
    )
    within_contract_rate = _rate(_("Within contract ÷ delivered with a measured transit."))
    average_transit_days = _days(
        _("Average business days from shipment to delivery (seller's calendar).")
    )


class CarrierDeliverySerializer(ContractFieldsMixin):
    carrier = serializers.CharField(allow_null=True)
    carrier_name = serializers.CharField(allow_null=True)
    service = serializers.CharField()
    delivered = serializers.IntegerField()
    on_time = serializers.IntegerField()
    on_time_rate = _rate(_("On time ÷ delivered with a promised date."))
    contracted_days = serializers.IntegerField(
        allow_null=True, help_text=_("The carrier's contracted business days for the service.")
    )

    class Meta:
        ref_name = "KpiCarrierDelivery"


class DeliverySerializer(ContractFieldsMixin):
    delivered = serializers.IntegerField(help_text=_("Orders delivered in the range."))
    on_time = serializers.IntegerField(help_text=_("Delivered on or before the promised date."))
    late = serializers.IntegerField()
    on_time_rate = _rate(_("On time ÷ delivered with a promised date."))
    contracted_days = _days(_("Average contracted business days of the measured deliveries."))
    by_carrier = CarrierDeliverySerializer(many=True)

    class Meta:
        ref_name = "KpiDelivery"


class ReturnValueSerializer(serializers.Serializer):
    currency = serializers.CharField()
    credited = _money(_("Refunded on the returns counted."))
    net_sales = _money(_("Net sales of the orders delivered in the range."))
    rate_value = _rate(_("Credited ÷ net sales."))

    class Meta:
        ref_name = "KpiReturnValue"


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()
    name = serializers.CharField()
    units = serializers.IntegerField()
    share = _rate(_("Share of the units returned."))
    cumulative = _rate(_("Cumulative share (Pareto)."))

    class Meta:
        ref_name = "KpiReturnReason"


class DurationSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    median_hours = _hours(_("Median."))
    p90_hours = _hours(_("90th percentile."))

    class Meta:
        ref_name = "KpiDuration"


class ReturnedProductSerializer(serializers.Serializer):
    sku = serializers.CharField()
    name = serializers.CharField()
    units = serializers.IntegerField(help_text=_("Units on the returns counted."))
    returns = serializers.IntegerField(help_text=_("Distinct returns with this SKU."))

    class Meta:
        ref_name = "KpiReturnedProduct"


class ReturnTrendSerializer(serializers.Serializer):
    start = serializers.DateField(help_text=_("First day of the day or week."))
    units_returned = serializers.IntegerField()
    units_delivered = serializers.IntegerField()
    rate_units = _rate(_("Units returned ÷ units delivered."))

    class Meta:
        ref_name = "KpiReturnTrend"


class ReturnsSerializer(serializers.Serializer):
    units_returned = serializers.IntegerField()
    units_delivered = serializers.IntegerField()
    rate_units = _rate(_("Units returned ÷ units delivered."))
    orders_with_returns = serializers.IntegerField()
    orders_delivered = serializers.IntegerField()
    rate_orders = _rate(_("Orders with returns ÷ orders delivered."))
    by_currency = ReturnValueSerializer(many=True)
    reasons = ReasonSerializer(many=True)
    request_to_credit_note = DurationSerializer()
    refunds_overdue = serializers.IntegerField(
        help_text=_("Now: inspected, not resolved, past the refund due date.")
    )
    refunded_with_due = serializers.IntegerField(
        help_text=_("Credit notes issued in the range for returns with a refund due date.")
    )
    refunded_late = serializers.IntegerField(
        help_text=_("Of those, issued after the refund due date.")
    )
    refunded_late_rate = _rate(_("Refunded late ÷ refunded with a due date."))
    top_products = ReturnedProductSerializer(many=True)
    trend_unit = serializers.ChoiceField(
        choices=["day", "week"], help_text=_("Buckets of the trend: days, or weeks from Monday.")
    )
    trend = ReturnTrendSerializer(many=True)
    abuse_flagged = serializers.IntegerField(
        help_text=_("Now: customers flagged by the returns abuse watch.")
    )

    class Meta:
        ref_name = "KpiReturns"


class ComplaintsSerializer(serializers.Serializer):
    opened = serializers.IntegerField(help_text=_("Complaints filed in the range."))
    resolved = serializers.IntegerField()
    open = serializers.IntegerField(help_text=_("Open now."))
    open_by_status = serializers.DictField(child=serializers.IntegerField())
    overdue = serializers.IntegerField(help_text=_("Open now and past a deadline."))
    first_response_median_hours = _hours(_("Filing to first reply."))
    first_response_p90_hours = _hours(_("Filing to first reply."))
    resolution_median_hours = _hours(_("Filing to resolution."))
    resolution_p90_hours = _hours(_("Filing to resolution."))
    first_response_within_sla_rate = _rate(_("Answered by the due time ÷ settled."))
    resolved_within_sla_rate = _rate(_("Resolved by the due time ÷ settled."))
    breaches = serializers.IntegerField()
    first_response_business_median_hours = _hours(_("Filing to first reply, business hours."))
    first_response_business_p90_hours = _hours(_("Filing to first reply, business hours."))
    resolution_business_median_hours = _hours(
        _("Filing to resolution, business hours, pauses left out.")
    )
    resolution_business_p90_hours = _hours(
        _("Filing to resolution, business hours, pauses left out.")
    )
    first_contact_resolved = serializers.IntegerField(
        help_text=_("Resolved, never reopened, no customer message after filing.")
    )
    first_contact_resolution_rate = _rate(_("Resolved at first contact ÷ resolved."))
    by_responsible_party = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("Complaints per responsible party.")
    )
    responsible_party_not_recorded = serializers.IntegerField()
    by_category = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("Complaints per category.")
    )

    class Meta:
        ref_name = "KpiComplaints"


class RatingKindSerializer(serializers.Serializer):
    responses = serializers.IntegerField()
    average = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    satisfied_rate = _rate(_("Scores of 4 or 5 ÷ responses."))
    response_rate = _rate(_("Ratings ÷ ratings asked for."))

    class Meta:
        ref_name = "KpiRatingKind"


class CsatSerializer(serializers.Serializer):
    responses = serializers.IntegerField()
    average = serializers.DecimalField(
        max_digits=3, decimal_places=2, allow_null=True, help_text=_("Average score, 1 to 5.")
    )
    satisfied_rate = _rate(_("Scores of 4 or 5 ÷ responses."))
    delivery = RatingKindSerializer()
    complaints = RatingKindSerializer()

    class Meta:
        ref_name = "KpiCsat"


class RevenueSerializer(serializers.Serializer):
    currency = serializers.CharField()
    orders = serializers.IntegerField()
    revenue = _money(_("Order totals, VAT and shipping included."))
    average_order_value = _money(_("Revenue ÷ orders."))

    class Meta:
        ref_name = "KpiRevenue"


class KpisSerializer(serializers.Serializer):
    period = PeriodSerializer()
    orders = OrdersSerializer()
    delivery = DeliverySerializer()
    returns = ReturnsSerializer()
    complaints = ComplaintsSerializer()
    csat = CsatSerializer()
    low_stock = serializers.IntegerField(help_text=_("Stock items at or under reorder point."))
    revenue = RevenueSerializer(many=True)

    class Meta:
        ref_name = "Kpis"


def payload(figures: dict, period: dict) -> dict:
    """``dashboard.kpis.all_figures`` in the API's shape."""
    returns = figures["returns"]
    return {
        "period": period,
        "orders": {
            **figures["orders"],
            "ageing": figures["ageing"],
            "held": figures["holds"]["total"],
            "held_by_reason": figures["holds"]["by_reason"],
            "to_prepare": figures["shipping"]["to_prepare"],
            "due_to_ship_today": figures["shipping"]["due_today"],
            "late": figures["shipping"]["late"],
        },
        "delivery": {**figures["delivery"], "by_carrier": figures["delivery_by_carrier"]},
        "returns": {
            **returns,
            "by_currency": [
                {"currency": currency, **values}
                for currency, values in returns["by_currency"].items()
            ],
            "reasons": figures["return_reasons"],
            "request_to_credit_note": figures["refund_time"],
            "refunds_overdue": figures["returns_watch"]["refunds_overdue"],
            "refunded_with_due": figures["refund_time"]["with_due"],
            "refunded_late": figures["refund_time"]["late"],
            "refunded_late_rate": figures["refund_time"]["late_rate"],
            "top_products": figures["top_returned_products"],
            "trend_unit": figures["trend_unit"],
            "trend": figures["returns_trend"],
            "abuse_flagged": figures["returns_watch"]["abuse_flagged"],
        },
        "complaints": {
            **figures["complaints"],
            "open": figures["complaints_open"]["total"],
            "open_by_status": figures["complaints_open"]["by_status"],
            "overdue": figures["complaints_open"]["overdue"],
        },
        "csat": figures["csat"],
        "low_stock": figures["low_stock"],
        "revenue": figures["revenue"],
    }
