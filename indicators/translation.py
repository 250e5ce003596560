"""Indicator definitions' names and descriptions (the label and footnote of
a figure) in each of ``settings.LANGUAGES`` (django-modeltranslation; see
``programmes/translation.py``)."""

from modeltranslation.translator import TranslationOptions, register

from indicators.models import IndicatorDefinition


@register([IndicatorDefinition, IndicatorDefinition.history.model])
class IndicatorDefinitionTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("en",)
