"""The one-click satisfaction rating link of the delivered email (no login: the
signed token is the credential)."""

from django.shortcuts import render
from django.views import View

from . import services


class RateOrderView(View):
    template_name = "notifications/public/rating.html"

    def get(self, request, token):
        try:
            order_id, score = services.rating_from_token(token)
            rating, created = services.record_rating(order_id=order_id, score=score)
        except services.InvalidRatingLink:
            return render(request, self.template_name, {"invalid": True}, status=400)
        response = render(
            request,
            self.template_name,
            {"rating": rating, "created": created, "order": rating.order},
        )
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response
