"""A company's EU VAT number: format and check digit (python-stdnum), in the back-office
form and the API; normalised with its country prefix; shown on the company pages."""

import pytest
from django.urls import reverse

from apikeys.tests.api_fixtures import *  # noqa: F403 - pytest fixtures
from customers import services
from customers.models import Company
from customers.tests.factories import CompanyFactory, CustomerUserFactory
from tests.test_api_errors import customer_body

from .test_backoffice import VALID

pytestmark = pytest.mark.django_db
CUSTOMERS = "/api/v1/customers/"


def test_the_form_saves_a_valid_number_with_its_prefix(client_for, service_agent):
    data = {**VALID, "vat_number": "es b-1122334 4"}
    response = client_for(service_agent).post(reverse("backoffice:customer_create"), data)
    assert response.status_code == 302
    company = Company.objects.get()
    assert company.vat_number == "ESB11223344"
    page = client_for(service_agent).get(reverse("backoffice:customer_detail", args=[company.pk]))
    assert "ESB11223344" in page.content.decode()


@pytest.mark.parametrize("language", ["es", "en", "pl"])
def test_the_form_refuses_a_bad_check_digit_in_each_language(client_for, service_agent, language):
    client = client_for(service_agent)
    client.cookies["django_language"] = language
    response = client.post(
        reverse("backoffice:customer_create"),
        {**VALID, "vat_number": "PL5260250996"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    assert "vat_number" in response.context["form"].errors
    assert "PL5260250996" in response.context["form"].errors["vat_number"][0]
    assert not Company.objects.exists()


def test_the_api_validates_and_normalises_the_vat_number(api, seller_key):
    seller = api(seller_key, HTTP_ACCEPT_LANGUAGE="en")
    bad = seller.post(CUSTOMERS, customer_body(vat_number="PL5260250996"), format="json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "validation_error"
    assert "check digit" in bad.json()["fields"]["vat_number"][0]
    no_prefix = seller.post(CUSTOMERS, customer_body(vat_number="5260250995"), format="json")
    assert no_prefix.status_code == 400 and "vat_number" in no_prefix.json()["fields"]
    assert not Company.objects.exists()
    good = seller.post(CUSTOMERS, customer_body(vat_number="pl 526 025 09 95"), format="json")
    assert good.status_code == 201, good.json()
    assert good.json()["vat_number"] == "PL5260250995"
    company_id = good.json()["id"]
    patched = seller.patch(f"{CUSTOMERS}{company_id}/", {"vat_number": "PL1"}, format="json")
    assert patched.status_code == 400 and "vat_number" in patched.json()["fields"]
    cleared = seller.patch(f"{CUSTOMERS}{company_id}/", {"vat_number": ""}, format="json")
    assert cleared.status_code == 200 and cleared.json()["vat_number"] == ""


def test_the_service_refuses_a_bad_number(db):
    from django.core.exceptions import ValidationError

    company = CompanyFactory()
    with pytest.raises(ValidationError) as error:
        services.update_company(company=company, actor=None, vat_number="ESB12345670")
    assert "vat_number" in error.value.message_dict


def test_the_portal_company_page_shows_the_number(client_for):
    company = CompanyFactory(vat_number="PL5260250995", country="PL", language="pl")
    admin = CustomerUserFactory(company=company, role="admin")
    page = client_for(admin).get(reverse("portal:company"))
    assert "PL5260250995" in page.content.decode()
