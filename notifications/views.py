"""The one-click satisfaction rating link of the delivered email (no login: the
signed token is the credential).

Opening the link records nothing: mail scanners that fetch every link in a message
(Safe Links and the like) would otherwise rate the order, and the first rating counts.
The page it shows submits itself (``static/js/rating.js``), so a person still rates in
one click; without scripts it shows a button.
"""

from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from . import services


# No ambient credential to protect: the signed token in the URL is the authorisation,
# and the email client's browser may not keep a CSRF cookie between the two requests.
@method_decorator(csrf_exempt, name="dispatch")
class RateOrderView(View):
    template_name = "notifications/public/rating.html"

    def get(self, request, token):
        try:
            order_id, score = services.rating_from_token(token)
            order, rating = services.rateable_order(order_id)
        except services.InvalidRatingLink:
            return self._page(request, {"invalid": True}, status=400)
        if rating is not None:
            return self._page(request, {"rating": rating, "created": False, "order": order})
        return self._page(request, {"confirm": True, "score": score, "order": order})

    def post(self, request, token):
        try:
            order_id, score = services.rating_from_token(token)
            rating, created = services.record_rating(order_id=order_id, score=score)
        except services.InvalidRatingLink:
            return self._page(request, {"invalid": True}, status=400)
        return self._page(request, {"rating": rating, "created": created, "order": rating.order})

    def _page(self, request, context, status=200):
        response = render(request, self.template_name, context, status=status)
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex"
        return response


# Same reasoning as the order rating: the signed token in the URL is the credential.
@method_decorator(csrf_exempt, name="dispatch")
class RateComplaintView(View):
    """The rating form of a closed complaint (``complaint_rating`` email): a 1-5 score
    and a comment, once. Opening the link records nothing."""

    template_name = "notifications/public/complaint_rating.html"

    def get(self, request, token):
        from complaints.services import InvalidRatingLink, complaint_from_token

        try:
            complaint = complaint_from_token(token)
        except InvalidRatingLink:
            return self._page(request, {"invalid": True}, status=400)
        return self._page(request, {"complaint": complaint, "form": self._form()})

    def post(self, request, token):
        from complaints.errors import AlreadyRated, InvalidComplaint, TransitionNotAllowed
        from complaints.services import InvalidRatingLink, rate_with_token

        form = self._form(request.POST)
        try:
            if not form.is_valid():
                from complaints.services import complaint_from_token

                complaint = complaint_from_token(token)
                return self._page(request, {"complaint": complaint, "form": form}, status=400)
            complaint = rate_with_token(token=token, **form.cleaned_data)
        except InvalidRatingLink:
            return self._page(request, {"invalid": True}, status=400)
        except AlreadyRated:
            return self._page(request, {"already": True})
        except (TransitionNotAllowed, InvalidComplaint):
            return self._page(request, {"invalid": True}, status=400)
        return self._page(request, {"complaint": complaint, "created": True})

    def _form(self, data=None):
        from complaints.forms import RatingForm

        return RatingForm(data)

    def _page(self, request, context, status=200):
        response = render(request, self.template_name, context, status=status)
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex"
        return response
