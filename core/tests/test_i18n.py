import pytest
from django.urls import reverse

EXPECTED = {
    "es": ("Iniciar sesión", "Portal de clientes"),
    "en": ("Sign in", "Customer portal"),
    "pl": ("Zaloguj się", "Portal klienta"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "en", "pl"])
def test_login_page_in_each_language(client, language):
    client.cookies["django_language"] = language
    content = client.get(reverse("portal:login")).content.decode()
    sign_in, portal = EXPECTED[language]
    assert f'<html lang="{language}">' in content
    assert sign_in in content
    assert portal in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"), [("es", "Clientes"), ("en", "Customers"), ("pl", "Klienci")]
)
def test_backoffice_menu_in_each_language(client_for, manager, language, text):
    client = client_for(manager)
    client.cookies["django_language"] = language
    assert f">{text}</a>" in client.get(reverse("backoffice:customer_list")).content.decode()


@pytest.mark.django_db
def test_language_switcher_sets_the_language(client_for, buyer):
    client = client_for(buyer)
    response = client.post(
        reverse("set_language"), {"language": "pl", "next": reverse("portal:home")}
    )
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "pl"
    assert 'lang="pl"' in client.get(reverse("portal:home")).content.decode()


def test_spanish_and_polish_catalogs_have_no_untranslated_or_fuzzy_entries():
    import re
    from pathlib import Path

    from django.conf import settings

    for language in ("es", "pl"):
        catalog = Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"
        text = catalog.read_text(encoding="utf-8")
        entries = text.split("\n\n")[1:]  # the first block is the header
        fuzzy = [e for e in entries if re.search(r"^#,.*\bfuzzy\b", e, re.M)]
        untranslated = [e for e in entries if e.rstrip().endswith('msgstr ""')]
        assert (language, fuzzy, untranslated) == (language, [], [])
