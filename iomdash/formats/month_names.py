"""Django's month names, marked again here so that ``make messages`` puts them in
our catalogues, which Django reads before its own (``LOCALE_PATHS``).

Django's Arabic says "يناير", as Egypt does; Iraq's ministries, OCHA Iraq and IOM
Iraq write "كانون الثاني", and the import already reads both
(``programmes.l10n``). Every page, export and PDF that formats a date (``j M Y``,
``F Y``) then names the month as Iraqi staff do. Kurdish gets its own names the
same way. Never imported: the extraction only reads this file."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# django.utils.dates: MONTHS, MONTHS_3 (the "M" and "b" formats), MONTHS_AP, MONTHS_ALT.
MONTHS = (
    _("January"), _("February"), _("March"), _("April"), _("May"), _("June"),
    _("July"), _("August"), _("September"), _("October"), _("November"), _("December"),
)  # fmt: skip
MONTHS_3 = (
    _("jan"), _("feb"), _("mar"), _("apr"), _("may"), _("jun"),
    _("jul"), _("aug"), _("sep"), _("oct"), _("nov"), _("dec"),
)  # fmt: skip
MONTHS_AP = (
    pgettext_lazy("abbrev. month", "Jan."), pgettext_lazy("abbrev. month", "Feb."),
    pgettext_lazy("abbrev. month", "March"), pgettext_lazy("abbrev. month", "April"),
    pgettext_lazy("abbrev. month", "May"), pgettext_lazy("abbrev. month", "June"),
    pgettext_lazy("abbrev. month", "July"), pgettext_lazy("abbrev. month", "Aug."),
    pgettext_lazy("abbrev. month", "Sept."), pgettext_lazy("abbrev. month", "Oct."),
    pgettext_lazy("abbrev. month", "Nov."), pgettext_lazy("abbrev. month", "Dec."),
)  # fmt: skip
MONTHS_ALT = (
    pgettext_lazy("alt. month", "January"), pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"), pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"), pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"), pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"), pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"), pgettext_lazy("alt. month", "December"),
)  # fmt: skip
