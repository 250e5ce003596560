"""Activity types and feedback surveys in each of ``settings.LANGUAGES``
(django-modeltranslation; see ``programmes/translation.py``). A question's
answer labels are its ``choices`` in each language: the same codes, in the
same order (``Question.clean``), and the English list where a language has
none."""

from modeltranslation.translator import TranslationOptions, register

from beneficiaries.models import ActivityType, Question, Survey


@register(ActivityType)
class ActivityTypeTranslation(TranslationOptions):
    fields = ("name", "unit")
    required_languages = ("en",)
    empty_values = {"name": None}
    # The English unit's default ("unit") is no Arabic or Kurdish unit: none, the English one shows.
    field_options = {"unit": {"ar": {"default": None}, "ckb": {"default": None}}}


@register(Survey)
class SurveyTranslation(TranslationOptions):
    fields = ("title",)
    required_languages = ("en",)


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text", "choices")
    required_languages = ("en",)
    # An empty list of labels is no translation: the English labels show.
    fallback_undefined = {"choices": []}
