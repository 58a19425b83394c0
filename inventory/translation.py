"""The translated catalog (django-modeltranslation): product name and description,
category name and return conditions, one column per language (``name_es``, ``name_en``,
``name_pl``) on the same table, so a product read in any language costs no join.

Reading ``product.name`` gives the active language's text, else Spanish (the default
language, always filled), else any non-empty translation
(``MODELTRANSLATION_FALLBACK_LANGUAGES``). The original column (``name``) is kept and
holds the Spanish text: the catalog services write with Spanish active
(``inventory.i18n.spanish_saved``).
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Category, Product


@register(Category)
class CategoryTranslationOptions(TranslationOptions):
    fields = ("name", "return_conditions")
    required_languages = {"es": ("name",)}
    # Category names are unique per language; a missing one is NULL, not "" (two
    # categories may both lack their Polish name).
    empty_values = {"name": None, "return_conditions": ""}


@register(Product)
class ProductTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"es": ("name",)}
    empty_values = {"name": None, "description": ""}
