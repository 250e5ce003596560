"""The edit form of each kind of block (``SnapshotBlock``'s docstring gives
each kind's content): plain Django forms and formsets, one editor per block,
prefixed with the block's id so that every block of the page has its own.

An editor reads the posted form into the block's ``content`` (``content()``)
for ``authoring.block_update``, which checks it again; a row left blank (the
spare row offered to add one) is ignored."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext_lazy as _

from beneficiaries.access import approved_photos_for_user
from indicators.models import IndicatorDefinition
from programmes.models import Sector
from snapshots.authoring import MAX_ITEMS
from snapshots.forms import form_errors_from
from snapshots.markup import MARKUP_HELP
from snapshots.models import SnapshotBlock

Kind = SnapshotBlock.Kind
PHOTOS_OFFERED = 200  # the newest; older photos are rarely a story's
# An Arabic field is typed and shown right to left.
RTL = {"dir": "rtl", "lang": "ar"}
REF_HELP = _("A figure, as in the text without braces, e.g. people-reached governorate=IQG15.")


@dataclass
class EditorChoices:
    """What the editors offer, loaded once per page: the sectors (code,
    name) and the photos a story may show (pk, label, url)."""

    sectors: list[tuple[str, str]] = field(default_factory=list)
    photos: list[tuple[int, str, str]] = field(default_factory=list)
    definitions: list[tuple[str, str]] = field(default_factory=list)


class NarrativeForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=MARKUP_HELP,
    )
    text_ar = forms.CharField(
        label=_("Text (Arabic)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, **RTL}),
        help_text=_("The same text in Arabic, with the same figures in braces."),
    )


class FigureItemForm(forms.Form):
    ref = forms.CharField(label=_("Figure"), max_length=300, required=False, help_text=REF_HELP)
    label = forms.CharField(label=_("Label"), max_length=500, required=False)
    footnote = forms.CharField(label=_("Footnote"), max_length=500, required=False)
    label_ar = forms.CharField(
        label=_("Label (Arabic)"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs=RTL),
    )
    footnote_ar = forms.CharField(
        label=_("Footnote (Arabic)"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs=RTL),
    )
    target = forms.ChoiceField(
        label=_("Target"),
        required=False,
        choices=[("", _("Not shown")), ("yes", _("Show “of N targeted”"))],
        help_text=_("The programmes' target for the period of the snapshot's day, if one is set."),
    )

    def clean(self):
        data = super().clean()
        filled = data.get("label") or data.get("footnote")
        if filled and not (data.get("ref") or "").strip() and not data.get("DELETE"):
            self.add_error("ref", _("Each figure needs a reference."))
        return data


class TableRowForm(forms.Form):
    label = forms.CharField(label=_("Row label"), max_length=500, required=False)
    label_ar = forms.CharField(
        label=_("Row label (Arabic)"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs=RTL),
    )
    ref = forms.CharField(label=_("Figure"), max_length=300, required=False, help_text=REF_HELP)

    def clean(self):
        data = super().clean()
        if data.get("label") and not (data.get("ref") or "").strip() and not data.get("DELETE"):
            self.add_error("ref", _("Each row needs a figure reference."))
        return data


FigureItems = forms.formset_factory(
    FigureItemForm, extra=1, can_delete=True, max_num=MAX_ITEMS, validate_max=True
)
TableRows = forms.formset_factory(
    TableRowForm, extra=1, can_delete=True, max_num=MAX_ITEMS, validate_max=True
)


class TableForm(forms.Form):
    KINDS = [
        ("sector_status", _("Projects by sector and status")),
        ("population_groups", _("By population group")),
        ("custom", _("Custom rows")),
    ]
    kind = forms.ChoiceField(label=_("Table"), choices=KINDS, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    title_ar = forms.CharField(
        label=_("Title (Arabic)"), max_length=200, required=False, widget=forms.TextInput(attrs=RTL)
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Sector × status: the sectors shown (none: every sector)."),
    )
    ref = forms.CharField(
        label=_("Figure split by population group"),
        max_length=300,
        required=False,
        help_text=REF_HELP,
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == "population_groups" and not (data.get("ref") or "").strip():
            self.add_error("ref", _("Choose the figure to split by population group."))
        return data


class GenderForm(forms.Form):
    ref = forms.CharField(label=_("Figure split by sex"), max_length=300, help_text=REF_HELP)


class StoryForm(forms.Form):
    photo = forms.TypedChoiceField(
        label=_("Photo"), coerce=int, empty_value=None, required=False, choices=()
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    caption = forms.CharField(
        label=_("Caption"),
        max_length=300,
        required=False,
        help_text=_("e.g. Photo: credit — Donor: USA — Governorate: Kirkuk"),
    )
    text = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKUP_HELP,
    )
    title_ar = forms.CharField(
        label=_("Title (Arabic)"), max_length=200, required=False, widget=forms.TextInput(attrs=RTL)
    )
    caption_ar = forms.CharField(
        label=_("Caption (Arabic)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs=RTL),
    )
    text_ar = forms.CharField(
        label=_("Text (Arabic)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, **RTL}),
    )


class BlockEditor:
    """The form(s) of one block: ``forms`` are rendered by the block's
    template, ``content()`` is the posted content once ``is_valid()``."""

    kind: str
    template: str

    def __init__(self, block: SnapshotBlock, data=None, *, choices: EditorChoices):
        self.block = block
        self.prefix = f"b{block.pk}"
        self.choices = choices
        self.bound = data is not None
        self.build(block.content or {}, data)

    def build(self, content: dict, data) -> None:
        raise NotImplementedError

    @property
    def parts(self) -> list:
        return [self.form]

    def is_valid(self) -> bool:
        return all(part.is_valid() for part in self.parts)

    def content(self) -> dict:
        raise NotImplementedError

    def add_service_error(self, error) -> None:
        form_errors_from(self.form, error)


class NarrativeEditor(BlockEditor):
    kind = Kind.NARRATIVE
    template = "snapshots/blocks/narrative.html"

    def build(self, content, data):
        self.form = NarrativeForm(
            data,
            initial={"text": content.get("text", ""), "text_ar": content.get("text_ar", "")},
            prefix=self.prefix,
        )

    def content(self):
        return {
            "text": self.form.cleaned_data["text"],
            "text_ar": self.form.cleaned_data["text_ar"],
        }


def _rows(formset, fields: tuple[str, ...]) -> list[dict]:
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if data.get("DELETE") or not (data.get("ref") or "").strip():
            continue
        rows.append({f: (data.get(f) or "").strip() for f in fields})
    return rows


class FiguresEditor(BlockEditor):
    kind = Kind.FIGURES
    template = "snapshots/blocks/figures.html"

    def build(self, content, data):
        items = [
            {
                "ref": i.get("ref", ""),
                "label": i.get("label", ""),
                "footnote": i.get("footnote", ""),
                "target": i.get("target", ""),
                "label_ar": i.get("label_ar", ""),
                "footnote_ar": i.get("footnote_ar", ""),
            }
            for i in content.get("items") or []
        ]
        self.form = forms.Form(data, prefix=self.prefix)  # for errors of the whole block
        self.items = FigureItems(data, initial=items, prefix=f"{self.prefix}-items")

    @property
    def parts(self):
        return [self.form, self.items]

    def content(self):
        fields = ("ref", "label", "footnote", "target", "label_ar", "footnote_ar")
        return {"items": _rows(self.items, fields)}


class TableEditor(BlockEditor):
    kind = Kind.TABLE
    template = "snapshots/blocks/table.html"

    def build(self, content, data):
        self.form = TableForm(
            data,
            initial={
                "kind": content.get("kind", "custom"),
                "title": content.get("title", ""),
                "title_ar": content.get("title_ar", ""),
                "sectors": content.get("sectors") or [],
                "ref": content.get("ref", ""),
            },
            prefix=self.prefix,
        )
        known = dict(self.choices.sectors)
        extra = [(s, s) for s in content.get("sectors") or [] if s not in known]
        self.form.fields["sectors"].choices = [*self.choices.sectors, *extra]
        rows = [
            {
                "label": r.get("label", ""),
                "label_ar": r.get("label_ar", ""),
                "ref": r.get("ref", ""),
            }
            for r in content.get("rows") or []
        ]
        self.rows = TableRows(data, initial=rows, prefix=f"{self.prefix}-rows")

    @property
    def parts(self):
        return [self.form, self.rows]

    def is_valid(self) -> bool:
        # The rows matter only to a custom table.
        if not self.form.is_valid():
            return False
        return self.form.cleaned_data["kind"] != "custom" or self.rows.is_valid()

    def content(self):
        data = self.form.cleaned_data
        content = {"kind": data["kind"], "title": data["title"], "title_ar": data["title_ar"]}
        if data["kind"] == "sector_status":
            content["sectors"] = list(data["sectors"])
        elif data["kind"] == "population_groups":
            content["ref"] = data["ref"].strip()
        else:
            content["rows"] = _rows(self.rows, ("label", "ref", "label_ar"))
        return content


class GenderEditor(BlockEditor):
    kind = Kind.GENDER
    template = "snapshots/blocks/gender.html"

    def build(self, content, data):
        self.form = GenderForm(data, initial={"ref": content.get("ref", "")}, prefix=self.prefix)

    def content(self):
        return {"ref": self.form.cleaned_data["ref"].strip()}


class StoryEditor(BlockEditor):
    kind = Kind.STORY
    template = "snapshots/blocks/story.html"

    def build(self, content, data):
        self.form = StoryForm(
            data,
            initial={
                "photo": content.get("photo"),
                "title": content.get("title", ""),
                "caption": content.get("caption", ""),
                "text": content.get("text", ""),
                "title_ar": content.get("title_ar", ""),
                "caption_ar": content.get("caption_ar", ""),
                "text_ar": content.get("text_ar", ""),
            },
            prefix=self.prefix,
        )
        choices = [(str(pk), label) for pk, label, _url in self.choices.photos]
        current = content.get("photo")
        if current is not None and str(current) not in {c for c, _label in choices}:
            # A photo chosen before (by a colleague, or copied forward) stays choosable.
            choices.append((str(current), _("The photo chosen before")))
        self.form.fields["photo"].choices = [("", _("No photo")), *choices]
        self.photo_url = next((url for pk, _label, url in self.choices.photos if pk == current), "")

    def content(self):
        data = self.form.cleaned_data
        return {
            "photo": data["photo"],
            "title": data["title"],
            "caption": data["caption"],
            "text": data["text"],
            "title_ar": data["title_ar"],
            "caption_ar": data["caption_ar"],
            "text_ar": data["text_ar"],
        }


EDITORS = {
    Kind.NARRATIVE: NarrativeEditor,
    Kind.FIGURES: FiguresEditor,
    Kind.TABLE: TableEditor,
    Kind.GENDER: GenderEditor,
    Kind.STORY: StoryEditor,
}


def block_editor(block: SnapshotBlock, data=None, *, choices: EditorChoices) -> BlockEditor:
    """The editor of ``block`` (bound to ``data`` when posted)."""
    return EDITORS[block.kind](block, data, choices=choices)


class BlockAddForm(forms.Form):
    kind = forms.ChoiceField(label=_("Add a block"), choices=Kind.choices)


def editor_choices(*, user, snapshot) -> EditorChoices:
    """The sectors, the story photos and the figure codes offered on
    ``snapshot``'s page to ``user``: the photos of approved visits to the
    portfolio's projects in their scope (``approved_photos_for_user``), the
    active indicator definitions. Three queries."""
    photos = approved_photos_for_user(user, snapshot.programmes.all())[:PHOTOS_OFFERED]
    return EditorChoices(
        sectors=list(Sector.objects.order_by("name").values_list("code", "name")),
        definitions=list(
            IndicatorDefinition.objects.filter(is_active=True)
            .order_by("code")
            .values_list("code", "name")
        ),
        photos=[
            (
                photo.pk,
                f"{photo.caption} — {photo.credit} ({photo.visit.visit_date:%d %b %Y}, "
                f"{photo.visit.governorate.name_iom})",
                photo.image.url,
            )
            for photo in photos
        ],
    )
