"""Dashboards: the mission overview, the governorate and the programme pages.

Each page asks one selector for its data (kept in the cache until the
data changes, ``dashboards.cache``); the figures the charts need go to
the browser through ``json_script`` and ``static/js/dashboard.js`` draws them
with the bundled plotly.js.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

import programmes
from dashboards.cache import (
    cached_dashboard,
    dashboard_key,
    fragments_key,
    page_fragments,
    page_fragments_keep,
)
from dashboards.chart_locale import plotly_locale
from dashboards.selectors import home_summary
from indicators.selectors import (
    MAP_SERIES,
    DashboardQuery,
    governorate_dashboard,
    mission_dashboard,
    programme_dashboard,
    programme_targets_summary,
)
from programmes.access import user_role
from programmes.kept_pages import page_found, page_key, page_render, page_response
from programmes.selectors import district_boundaries

GEOJSON = Path(programmes.__file__).resolve().parent / "data" / "iraq_governorates.geojson"
# The charts' colours, shared with the snapshot PDFs' charts (snapshots/charts.py).
COLOURS = json.loads((Path(settings.BASE_DIR) / "static" / "js" / "chart-colours.json").read_text())


def _query(request: HttpRequest) -> tuple[DashboardQuery, bool]:
    """The dashboard query from the URL, and whether its as-of date was unreadable."""
    get = request.GET
    raw = (get.get("as_of") or "").strip()
    as_of, unreadable = None, False
    if raw:
        try:
            as_of = dt.date.fromisoformat(raw)
        except ValueError:
            unreadable = True
    return (
        DashboardQuery(
            as_of=as_of,
            programme=get.get("programme") or None,
            donor=get.get("donor") or None,
            governorate=get.get("governorate") or None,
            map=get.get("map") or None,
        ),
        unreadable,
    )


def _no_role(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboards/no_role.html", status=403)


def _chart_data(data: dict, request: HttpRequest) -> dict:
    """What dashboard.js needs, with every label already translated. A click
    on the map opens the governorate page under the same filters (on a
    programme page, its programme)."""
    query = request.GET.copy()
    query.pop("governorate", None)
    if data.get("programme"):
        query["programme"] = data["programme"].code
    return {
        "geojson_url": reverse("dashboards:governorates_geojson"),
        "topojson_url": static("vendor/plotly/topojson/"),
        "governorate_url": reverse("dashboards:governorate", args=["PCODE"]),
        "query": query.urlencode(),
        "colours": COLOURS,
        "locale": plotly_locale(),
        "areas": data["areas"],
        "map": data["map"],
        "map_series": data["map_series"],
        "contributions": data["contributions"],
        "series": [
            {
                "quarter": s["quarter"],
                "per_quarter": s["per_quarter"],
                "cumulative": s["cumulative"],
            }
            for s in data["series"]
        ],
        "splits": data["splits"],
        "projects_by_status": data["projects_by_status"],
        "projects_by_sector": data["projects_by_sector"],
        "feedback": data.get("feedback"),
        "budget": _budget_bars(data.get("budget")),
        "districts": _district_map(data),
        "labels": {
            "map": data["map_name"],
            "per_quarter": _("In the quarter"),
            "cumulative": _("Cumulative"),
            "people": _("People"),
            "projects": _("Projects"),
            "total": _("Total"),
            "quarter": _("Q%(quarter)s %(year)s"),
            "answers": _("answers"),
        },
    }


def _district_map(data: dict) -> dict | None:
    """The governorate page's district map: its rows and where its boundaries are."""
    districts = data.get("districts")
    if not districts:
        return None
    return {
        "geojson_url": reverse("dashboards:districts_geojson", args=[data["governorate"].pcode]),
        "rows": districts["districts"],
        "label": str(districts["people_label"]),
    }


def _budget_bars(budget: dict | None) -> list[dict] | None:
    """The programme page's budget and contributions as two bars."""
    if not budget or not budget["has_data"]:
        return None
    return [
        {"code": "budget", "label": _("Budget of the projects"), **budget["budget"]},
        {"code": "contributions", "label": _("Contributions"), **budget["contributions"]},
    ]


def _page_context(request: HttpRequest, data: dict, unreadable_as_of: bool) -> dict:
    if unreadable_as_of and "as_of" not in data["ignored"]:
        data["ignored"].append("as_of")
    # Links to a programme page keep the other filters.
    links_query = request.GET.copy()
    links_query.pop("programme", None)
    # The map's series switches by link (and, with JavaScript, in place).
    map_links = []
    for series in data["map_series"]:
        query = request.GET.copy()
        query.pop("map", None)
        if series["code"] != MAP_SERIES[0]:
            query["map"] = series["code"]
        map_links.append(
            {**series, "query": query.urlencode(), "chosen": series["code"] == data["map"]}
        )
    return {
        "data": data,
        "chart_data": _chart_data(data, request),
        "links_query": links_query.urlencode(),
        "map_links": map_links,
    }


def _dashboard(
    request: HttpRequest,
    *,
    page: str,
    arg: str,
    template: str,
    compute: Callable[[DashboardQuery], dict | None],
    missing: str,
) -> HttpResponse:
    """A dashboard page: its parts as rendered before when its figures have
    not changed since (``dashboards.cache``: then neither the figures nor the
    template of its content are read), else its figures (cached) rendered
    and its parts kept. Http404 with ``missing`` when ``compute`` finds no
    such page."""
    if user_role(request.user) is None:
        return _no_role(request)
    query, unreadable = _query(request)
    key = dashboard_key(page=page, arg=arg, query=query, user=request.user)
    # The whole page as this user saw it since its figures last changed
    # (programmes.kept_pages): no figures, no template.
    parts_key = fragments_key(key=key, request=request)
    whole = page_key(request, parts_key)
    found = page_found(whole)
    if found is not None:
        return page_response(request, found)
    fragments = page_fragments(parts_key)

    @functools.cache
    def context() -> dict:
        data = cached_dashboard(
            page=page,
            arg=arg,
            query=query,
            user=request.user,
            key=key,
            compute=lambda: compute(query),
        )
        if data is None:
            raise Http404(missing)
        if page == "programme":
            data["targets_link"] = user_role(request.user) != "donor"
        return _page_context(request, data, unreadable)

    if fragments.complete:
        # The parts are rendered already (and were kept only when no filter
        # was ignored); the context is read only by whoever inspects the
        # response (tests), and computed then.
        names = ("data", "chart_data", "links_query", "map_links")
        return page_render(
            request,
            template,
            {
                "fragments": fragments,
                **{n: SimpleLazyObject(lambda n=n: context()[n]) for n in names},
            },
            key=whole,
        )
    ignored = context()["data"]["ignored"]
    response = page_render(
        request, template, {"fragments": fragments, **context()}, key=None if ignored else whole
    )
    page_fragments_keep(fragments, ignored=ignored)
    return response


@require_GET
def mission(request: HttpRequest) -> HttpResponse:
    """The mission overview: the whole portfolio in the user's scope."""
    return _dashboard(
        request,
        page="mission",
        arg="",
        template="dashboards/mission.html",
        compute=lambda query: mission_dashboard(user=request.user, query=query),
        missing="",
    )


@require_GET
def governorate(request: HttpRequest, pcode: str) -> HttpResponse:
    """One governorate: the same figures cut by it, and its projects."""
    pcode = pcode.upper()
    return _dashboard(
        request,
        page="governorate",
        arg=pcode,
        template="dashboards/governorate.html",
        compute=lambda query: governorate_dashboard(user=request.user, pcode=pcode, query=query),
        missing=_("There is no governorate with this P-code."),
    )


@require_GET
def programme(request: HttpRequest, code: str) -> HttpResponse:
    """One programme: the same figures cut by it, its donors and its budget."""
    return _dashboard(
        request,
        page="programme",
        arg=code,
        template="dashboards/programme.html",
        compute=lambda query: _programme_data(user=request.user, code=code, query=query),
        # The same answer for a programme that does not exist and one the
        # user may not see, so that the page does not tell which codes exist.
        missing=_("There is no programme with this code that you can see."),
    )


def _programme_data(*, user, code: str, query: DashboardQuery) -> dict | None:
    """The programme page's figures with its targets' progress on the page's
    day (a donor reads no targets), cached together: the targets, the
    figures they are compared with and the day are all in the cache key
    (the targets' table moves the data stamp)."""
    data = programme_dashboard(user=user, code=code, query=query)
    if data is not None:
        data["targets"], data["targets_total"] = programme_targets_summary(
            user=user, programme=data["programme"], as_of=data["shown_as_of"]
        )
    return data


@require_GET
@cache_control(private=True, max_age=24 * 3600)
def governorates_geojson(request: HttpRequest) -> FileResponse:
    """The 18 governorates' boundaries as shipped (clockwise rings, for plotly's
    geo maps: never rewound), for the dashboards' maps."""
    return FileResponse(GEOJSON.open("rb"), content_type="application/geo+json")


@require_GET
@cache_control(private=True, max_age=24 * 3600)
def districts_geojson(request: HttpRequest, pcode: str) -> JsonResponse:
    """The districts of the governorate ``pcode`` as a GeoJSON FeatureCollection
    keyed by P-code (clockwise rings as shipped, for plotly's geo maps)."""
    collection = district_boundaries(pcode.upper())
    if collection is None:
        raise Http404(_("There is no governorate with this P-code."))
    return JsonResponse(collection, content_type="application/geo+json")


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"summary": home_summary(user=request.user)})
