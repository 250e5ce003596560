"""The names people enter and donors read, in each of ``settings.LANGUAGES``
(django-modeltranslation): ``name`` reads the active language's ``name_<code>``,
or ``name_en`` where that one is blank.

English is every other language's fallback: forms ask for it
(``required_languages``), and the services fill it from another language
when a writer gives none (``programmes.names.english_filled``).

A unique name stays unique in each language; a name not given in a language
is stored as NULL (``empty_values``), so that any number of programmes may
lack their Arabic name. A model that keeps a history has its historical
model registered too: each version keeps every language's name. SQL that
reads these columns itself (``values()`` across a relation, raw SQL) picks
the language with ``programmes.names``.
"""

from modeltranslation.translator import TranslationOptions, register

from programmes.models import Portfolio, Programme, Project, Sector


@register([Programme, Programme.history.model])
class ProgrammeTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("en",)
    empty_values = {"name": None}


@register([Portfolio, Portfolio.history.model])
class PortfolioTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


@register([Project, Project.history.model])
class ProjectTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


@register(Sector)
class SectorTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)
    empty_values = {"name": None}
