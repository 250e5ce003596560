from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        # The layers below ask for recomputations through this hook, never by
        # importing the engine (see programmes/hooks.py).
        from indicators import services
        from indicators.selectors import data_stamp
        from programmes import hooks

        hooks.register(
            hooks.RecomputeHandlers(
                scope_of=services.scope_of,
                assistance_scope=services.assistance_scope,
                recompute_after_change=services.recompute_after_change,
                recompute_request_full=services.recompute_request_full,
            )
        )
        hooks.register_data_stamp(data_stamp)
