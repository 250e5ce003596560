"""The visit form's two-way crossings: recipients crossed by two of sex, age
group and population group without the third, one grid per pair of a line
(``AssistanceLineForm``), each cell optional (blank: not recorded). Kept
beside ``beneficiaries.forms``, which uses these."""

from __future__ import annotations

from django import forms

from beneficiaries.models import AssistanceRecord
from beneficiaries.models_splits import (
    DIMENSIONS,
    PAIR_CELLS,
    PAIR_COLUMNS,
    PAIR_LABELS,
    PAIRS,
    pair_cell_label,
)
from programmes.l10n import CountInput, LocalIntegerField


def pair_fields() -> dict[str, forms.IntegerField]:
    """A count field per two-way cell, named by its cell (``f_18_59``),
    reading any script's digits."""
    fields = {}
    for column, (pair, cell) in PAIR_COLUMNS.items():
        label = pair_cell_label(pair, cell)
        fields[column] = LocalIntegerField(
            label=label,
            min_value=0,
            required=False,
            widget=CountInput(attrs={"class": "cell pair", "aria-label": label}),
        )
    return fields


def pair_grids(form: forms.Form) -> list[dict]:
    """The two-way fields of ``form`` as one grid per pair: ``label``,
    ``headers`` (its second dimension's categories) and ``rows`` (by its
    first dimension's, each with its ``fields``)."""
    grids = []
    for pair, (first, second) in PAIRS.items():
        cells = {codes: cell for cell, codes in PAIR_CELLS[pair].items()}
        grids.append(
            {
                "label": PAIR_LABELS[pair],
                "headers": [label for _value, label in DIMENSIONS[second].choices],
                "rows": [
                    {
                        "label": label,
                        "fields": [form[cells[(a, b)]] for b in DIMENSIONS[second].values],
                    }
                    for a, label in DIMENSIONS[first].choices
                ],
            }
        )
    return grids


def pair_initial(record: AssistanceRecord) -> dict[str, int]:
    """A record's two-way cells as the form's initial data."""
    return {
        cell: count
        for cells in (record.crossings or {}).values()
        for cell, count in cells.items()
        if cell in PAIR_COLUMNS
    }
