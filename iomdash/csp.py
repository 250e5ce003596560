"""django-csp's middleware, with the policy built once instead of for every
response.

The policy is the same for every page (``settings.CONTENT_SECURITY_POLICY``):
no view changes it (``@csp_update`` and the like are not used) and no page
asks for a nonce. django-csp builds the header anew for each response, both
the policy and the report-only one; that was about a tenth of a page served
from the cache. A response that a view did give its own policy, or whose
request asked for a nonce, is left to django-csp."""

from __future__ import annotations

import http.client

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as _CSPMiddleware
from csp.utils import build_policy
from django.conf import settings

# What a view sets on a response to give it a policy of its own (django-csp's
# decorators): such a response is built by django-csp itself.
_OWN_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


class CSPMiddleware(_CSPMiddleware):
    def __init__(self, get_response):
        super().__init__(get_response)
        # (the settings' policies, as objects, and the headers built from them)
        self._built: tuple[object, object, str, str] | None = None

    def _policies(self) -> tuple[str, str]:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        built = self._built
        if built is None or built[0] is not policy or built[1] is not report_only:
            built = self._built = (
                policy,
                report_only,
                build_policy(),
                build_policy(report_only=True),
            )
        return built[2], built[3]

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in _OWN_POLICY
        ):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (
            http.client.INTERNAL_SERVER_ERROR,
            http.client.NOT_FOUND,
        ):
            return response
        policy, report_only = self._policies()
        for header, value, exempt, setting in (
            (HEADER, policy, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (
                HEADER_REPORT_ONLY,
                report_only,
                "_csp_exempt_ro",
                "CONTENT_SECURITY_POLICY_REPORT_ONLY",
            ),
        ):
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if (
                value
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(tuple(prefixes))
            ):
                response[header] = value
        # As django-csp: a nonce asked for after the header was written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
