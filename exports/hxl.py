"""The HXL hashtag of every column the exports write, keyed by column name.

HXL (Humanitarian Exchange Language, https://hxlstandard.org) puts a row of
hashtags under the headers so that other tools recognise the columns whatever
their header text or language. One key means the same thing in every export
(``adm1_code`` is a governorate's P-code wherever it appears). The API tags
its CSV from this table too (``hxl_tags``), so one column has one hashtag
in the downloads and over the API alike.

Age groups use HXL's ``+ageN_M`` / ``+ageNplus`` attributes; languages
``+i_en`` / ``+i_ar``. ``+host`` (host community) has no core HXL attribute
and is this project's own, as HXL allows.
"""

from __future__ import annotations

from beneficiaries.models import RECIPIENT_CELLS, SPLITS
from beneficiaries.models_splits import PAIR_CELLS, PAIRS
from indicators.models import NOT_RECORDED_FIELDS, SPLIT_COLUMNS

SEX = {"f": "+f", "m": "+m"}
AGE = {"0-5": "+age0_5", "6-17": "+age6_17", "18-59": "+age18_59", "60+": "+age60plus"}
POPULATION = {"idp": "+idps", "returnee": "+returnees", "host": "+host", "refugee": "+refugees"}

HXL: dict[str, str] = {
    # Indicator values
    "indicator_code": "#indicator+code",
    "indicator_name": "#indicator+name",
    "measure": "#indicator+measure",
    "period_type": "#date+period",
    "period_start": "#date+start",
    "period_end": "#date+end",
    "value": "#indicator+value+num",
    "multiplier": "#indicator+multiplier+num",
    "split_value": "#affected+selected",
    "computed_at": "#date+updated",
    # Targets
    "target": "#indicator+target+num",
    "split": "#indicator+split",
    "actual": "#indicator+actual+num",
    "target_percent": "#indicator+target+pct",
    "elapsed_percent": "#date+elapsed+pct",
    "target_status": "#status+target",
    "note": "#description+note",
    # Places
    "adm1_code": "#adm1+code",
    "adm1_name": "#adm1+name",
    "adm1_name_en": "#adm1+name+i_en",
    "adm1_name_ar": "#adm1+name+i_ar",
    "adm2_code": "#adm2+code",
    "adm2_name": "#adm2+name",
    "adm2_name_ar": "#adm2+name+i_ar",
    "adm3_code": "#adm3+code",
    "adm3_name": "#adm3+name",
    "loc_name": "#loc+name",
    "loc_note": "#loc+name+note",
    # Portfolio
    "programme_code": "#activity+programme+code",
    "programme_name": "#activity+programme+name",
    "portfolio_code": "#activity+portfolio+code",
    "project_code": "#activity+project+code",
    "project_name": "#activity+project+name",
    "sector_code": "#sector+code",
    "sector_name": "#sector",
    "donor_code": "#org+funder+code",
    "donor_name": "#org+funder+name",
    "donor_kind": "#org+type",
    "start_date": "#date+start",
    "end_date": "#date+end",
    "contribution_date": "#date",
    "budget_usd": "#value+usd",
    "amount_usd": "#value+usd",
    "currency": "#currency",
    "amount": "#value+original",
    # Assistance records and visits
    "record_id": "#meta+id",
    "visit_id": "#meta+visit+id",
    "activity_code": "#activity+type+code",
    "activity_name": "#activity+type+name",
    "unit": "#output+unit",
    "delivered_on": "#date",
    "visit_date": "#date",
    "submitted_at": "#date+submitted",
    "reviewed_at": "#date+reviewed",
    "status": "#status",
    "units": "#output+num",
    "households": "#affected+hh",
    "household_size": "#affected+hh+size",
    "people": "#affected+ind",
    "shared_reach": "#meta+reach+id",
    "shared_households": "#affected+hh+shared",
    "shared_people": "#affected+ind+shared",
    "shared_household_size": "#affected+hh+size+shared",
    "referrals": "#meta+referrals+num",
    "referrals_open": "#meta+referrals+open+num",
    "photos": "#meta+photos+num",
    "assistance_lines": "#meta+assistance+num",
    "issue": "#description",
    "referred_to": "#org+referral",
    "closed_on": "#date+closed",
    # Feedback responses
    "collected_on": "#date",
    "respondent_sex": "#affected+sex",
    "respondent_age_group": "#affected+age",
    "respondent_population_group": "#affected+type",
}

# The split columns of an indicator value: sex_f -> "#affected+f", pop_idp -> "#affected+idps".
_CATEGORY = {"sex": SEX, "age_group": AGE, "population_group": POPULATION}
for _dimension, _columns in SPLIT_COLUMNS.items():
    for _code, _column in _columns.items():
        HXL[_column] = "#affected" + _CATEGORY[_dimension][_code]

# What a dimension leaves unsplit: "#affected+unspecified+sex" (as a respondent's
# own "#affected+sex"), beside the categories.
_DIMENSION = {"sex": "+sex", "age_group": "+age", "population_group": "+type"}
for _dimension, _column in NOT_RECORDED_FIELDS.items():
    HXL[_column] = "#affected+unspecified" + _DIMENSION[_dimension]

# The split columns of an assistance record: the value's, but for "60+".
for _dimension, _columns in SPLITS.items():
    for _code, _column in _columns.items():
        HXL[_column] = "#affected" + _CATEGORY[_dimension][_code]

# The 32 recipient columns of an assistance record: f_18_59_idp -> "#affected+f+age18_59+idps".
for _sex, _age, _group, _column in RECIPIENT_CELLS:
    HXL[_column] = "#affected" + SEX[_sex] + AGE[_age] + POPULATION[_group]

# The two-way cells of an assistance record, the two categories it crosses:
# f_18_59 -> "#affected+f+age18_59", f_idp -> "#affected+f+idps",
# 18_59_idp -> "#affected+age18_59+idps".
for _pair, _cells in PAIR_CELLS.items():
    for _column, _codes in _cells.items():
        HXL[_column] = "#affected" + "".join(
            _CATEGORY[_dimension][_code]
            for _dimension, _code in zip(PAIRS[_pair], _codes, strict=True)
        )


def hxl_tag(column: str) -> str:
    """The HXL hashtag of ``column``; "" for a column without one."""
    return HXL.get(column, "")


def hxl_tags(*columns: str, **renamed: str) -> dict[str, str]:
    """``{field: hashtag}`` for a table whose fields are named as here
    (``columns``) or otherwise (``renamed``: ``field="column"``), e.g.
    ``hxl_tags("status", code="project_code")``. Raises KeyError for a column
    this table does not know, so no caller invents a hashtag of its own."""
    return {
        **{column: HXL[column] for column in columns},
        **{field: HXL[column] for field, column in renamed.items()},
    }
