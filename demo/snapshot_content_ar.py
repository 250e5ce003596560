"""The Arabic the demo's reporting officer writes beside the English of the
quarterly CRP series (``demo.snapshot_content.QUARTERLY``), so that the demo
can print an Arabic and a bilingual snapshot (``arabic_write``).

Demo content, like the English: typed by the officer, not translated through
the catalogues. Every number is the same live reference as in the English
text, so both languages always agree; place names are the gazetteer's Arabic
(``$governorate``). Terms follow ``locale/ar/GLOSSARY.md``.
"""

from __future__ import annotations

from string import Template

from django.db import transaction

from beneficiaries.models import Photo
from snapshots.authoring import block_update, section_update, snapshot_update
from snapshots.models import Snapshot

TITLE = "المنظمة الدولية للهجرة – برنامج إعادة تنشيط المجتمعات"
DISCLAIMER = (
    "الآراء الواردة في هذا التقرير الموجز هي آراء المؤلفين ولا تعبّر بالضرورة عن آراء المنظمة "
    "الدولية للهجرة (IOM). ولا تنطوي التسميات المستخدمة وطريقة عرض المادة في هذا التقرير على "
    "التعبير عن أي رأي من جانب المنظمة بشأن الوضع القانوني لأي بلد أو إقليم أو مدينة أو منطقة أو "
    "لسلطاتها، أو بشأن تعيين حدودها.\n\n"
    "هذه وثيقة للعرض التجريبي: أرقامها مولَّدة وليست أرقام المنظمة."
)
CONTACT = "\n".join(
    [
        "المنظمة الدولية للهجرة – العراق",
        "المكتب الرئيسي في بغداد",
        "مجمع يونامي، ديوان 2",
        "المنطقة الدولية، بغداد، العراق",
        "الهاتف: +964 000 000 0000 (تجريبي)",
        "البريد الإلكتروني: iraq-snapshots@example.org",
    ]
)
STARRED = "* رقم مضروب في 6 (متوسط حجم الأسرة في العراق) حيث لم يُسجَّل حجم الأسرة."

# By section key: its title, footnotes, and the Arabic of each block, in order
# (a dict of the block's "_ar" keys; for a figures block, the items' labels;
# for a story, a title and text with $governorate).
QUARTERLY: dict[str, dict] = {
    "accountability": {
        "title": "المساءلة أمام المجتمعات: التقييم والتخطيط والمشاركة",
        "footnotes": (
            "تشمل التقييمات رسم خرائط نقاط الخدمة ومقابلات مع مصادر المعلومات الرئيسية "
            "والمسوح الأسرية واجتماعات المجالس المحلية."
        ),
        "blocks": [
            {
                "text_ar": (
                    "يُختار المجتمع وفق معايير الهشاشة الاجتماعية والاقتصادية، ثم تُجري المنظمة "
                    "تقييمات مع أفراد المجتمع لكي تستجيب التدخلات للاحتياجات التي يحددونها. "
                    "ومنذ بدء البرنامج أجرى موظفو الرصد {monitoring-visits} زيارة رصد، منها "
                    "{monitoring-visits show=period} في هذا الربع.\n\n"
                    "ويُسأل المستفيدون عن رأيهم في المساعدة: أجاب {feedback-responses} منهم عن "
                    "استبيان التغذية الراجعة حتى الآن. وتُحال القضايا التي يثيرونها إلى موظفي "
                    "المنظمة المعنيين لمعالجتها."
                )
            },
            [
                "زيارات الرصد المنجزة",
                "المستفيدون الذين شملهم استبيان التغذية الراجعة",
                "أفراد المجتمع الذين استُشيروا في اجتماعات التخطيط",
            ],
            {"title_ar": "المستلمون المباشرون حسب الفئة السكانية"},
            (
                "الإصغاء إلى المجتمع في $governorate",
                "التقى موظفو المنظمة بأفراد المجتمع في $governorate لتحديد مشكلات حيّهم "
                "والحلول الممكنة. وقد وصل البرنامج إلى {people-reached governorate=$pcode} "
                "شخصاً في $governorate منذ بدايته.",
            ),
        ],
    },
    "social_services": {
        "title": "الوصول إلى الخدمات الأساسية",
        "footnotes": "يشمل الجدول مشاريع الأثر السريع ومشاريع الخدمات المجتمعية.",
        "blocks": [
            {
                "text_ar": (
                    "بالتنسيق مع الجهات الإنسانية الأخرى، تعمل المنظمة مع المجتمعات على تأهيل "
                    "الخدمات والبنى التحتية الأساسية وفق الأولويات التي تحددها المجتمعات "
                    "والسلطات المحلية.\n\n"
                    "أهّل البرنامج {facilities-rehabilitated} مرفقاً، منها "
                    "{facilities-rehabilitated show=period} في هذا الربع، ويستخدمها اليوم "
                    "**{facility-users} شخصاً**. وفي واسط وحدها يستخدم "
                    "{facility-users governorate=IQG18} شخصاً المدارس والمراكز الصحية وشبكات "
                    "المياه المؤهَّلة."
                )
            },
            [
                "المشاريع",
                "المشاريع المنجزة",
                "المرافق المؤهَّلة",
                "الأشخاص الذين يصلون إلى المرافق المؤهَّلة",
            ],
            {"title_ar": "مشاريع البنى التحتية حسب القطاع والحالة"},
        ],
    },
    "human_capital": {
        "title": "تعزيز رأس المال البشري",
        "blocks": [
            {
                "text_ar": (
                    "تعزز المنظمة بناء رأس المال البشري لدى العراقيين الأكثر ضعفاً ممن تأثروا "
                    "بالنزاع، فتقدّم تدريباً تقنياً يحسّن المهارات المهنية ويبني القدرة على "
                    "إقامة أعمال مجدية ومستدامة.\n\n"
                    "حتى الآن أتمّ {vt-trainees} شخصاً التدريب المهني، وتدرّب {ojt-trainees} "
                    "أثناء العمل، وتلقّى {bds-recipients} خدمات تطوير الأعمال."
                )
            },
            [
                "الأشخاص المدرَّبون على المهارات المهنية",
                "الأشخاص في التدريب أثناء العمل",
                "خدمات تطوير الأعمال المقدَّمة",
            ],
            {
                "title_ar": "التدريبات",
                "rows": [
                    "التدريب المهني",
                    "التدريب أثناء العمل",
                    "خدمات تطوير الأعمال",
                    "تدريب المزارعين",
                ],
            },
        ],
    },
    "local_economies": {
        "title": "دعم الاقتصادات المحلية",
        "footnotes": STARRED,
        "blocks": [
            {
                "text_ar": (
                    "تدعم المنظمة التنمية المحلية بتدريبات سبل العيش وحزم دعم الأعمال وحزم "
                    "تطوير الأعمال، بما يتوافق مع فرص السوق التي تكشفها التقييمات.\n\n"
                    "دُعم {bsp-beneficiaries} مستفيداً من خلال {bsp-packages} حزمة لدعم "
                    "الأعمال، منهم {bsp-beneficiaries district=Al-Hamdaniya} في الحمدانية. "
                    "ووفّر برنامج النقد مقابل العمل فرص عمل لـ {cash-for-work show=period} "
                    "شخصاً في هذا الربع، و{cash-for-work} شخصاً منذ بدء البرنامج."
                )
            },
            [
                "المستفيدون من حزم دعم الأعمال",
                "المستفيدون من حزم تطوير الأعمال",
                "المستفيدون من حزم دعم الأعمال",
                "الأشخاص العاملون في النقد مقابل العمل",
            ],
            {},
            (
                "العودة إلى العمل في $governorate",
                "بعد دورة في تطوير الأعمال، تسلّم مستفيدون في $governorate الحزم التي "
                "مكّنتهم من إعادة فتح محالّهم. وصارت أسرهم تعتمد من جديد على دخل ثابت.",
            ),
            (
                "النقد مقابل العمل في $governorate",
                "نظّف عمّال يوميون، استُخدموا من خلال النقد مقابل العمل، الأماكن العامة في "
                "$governorate وأعادوا بناءها، فكسبوا دخلاً في أثناء تعافي مجتمعهم.",
            ),
        ],
    },
    "good_governance": {
        "title": "الحوكمة الرشيدة",
        "blocks": [
            {
                "text_ar": (
                    "من خلال المشاركة المدنية التي تجمع المجتمعات والسلطات الحكومية، تعزز "
                    "المنظمة الحوكمة الرشيدة على المستوى المحلي. فالحوار المفتوح يبني الثقة "
                    "ويقوّي التخطيط المحلي.\n\n"
                    "شارك {direct-recipients activity=community-action-planning} من أفراد "
                    "المجتمع في اجتماعات تخطيط العمل المجتمعي، و{awareness-participants} "
                    "شخصاً في جلسات التوعية."
                )
            },
            ["المشاركون في جلسات التوعية"],
            (
                "التخطيط مع السلطات المحلية في $governorate",
                "عرضت فرق المشاركة المجتمعية خطة عملها على السلطات المحلية في $governorate، "
                "فوافقت على دعم أولوياتها.",
            ),
        ],
    },
    "safer_communities": {
        "title": "مجتمعات أكثر أماناً",
        "blocks": [
            {
                "text_ar": (
                    "تبني الشرطة المجتمعية الثقة بين الجهات الأمنية والمجتمع الأوسع. وتوفّر "
                    "منتديات الشرطة المجتمعية مكاناً تُناقَش فيه القضايا الأمنية قبل أن تتحول "
                    "إلى عنف.\n\n"
                    "دُرِّب {policing-trainees} من أفراد المجتمع والضباط على الشرطة المجتمعية، "
                    "منهم {policing-trainees governorate=IQG15} في نينوى."
                )
            },
            ["الأشخاص المدرَّبون على الشرطة المجتمعية", "الأشخاص المدرَّبون على الشرطة المجتمعية"],
        ],
    },
}


def _block_arabic(block, spec, photos: dict[int, Photo]) -> dict | None:
    """The content of ``block`` with the Arabic of ``spec`` beside its English."""
    content = dict(block.content or {})
    if isinstance(spec, list):  # a figures block: its items' labels
        items = content.get("items") or []
        content["items"] = [
            {**item, "label_ar": label} for item, label in zip(items, spec, strict=False)
        ]
        return content
    if isinstance(spec, tuple):  # a story: $governorate is its photo's governorate
        photo = photos.get(content.get("photo"))
        governorate = photo.visit.project.governorate if photo else None
        names = {
            "governorate": governorate.name_ar if governorate else "العراق",
            "pcode": governorate.pcode if governorate else "",
        }
        text = Template(spec[1]).substitute(names)
        if governorate is None:
            text = text.replace(" governorate=}", "}")
        content |= {"title_ar": Template(spec[0]).substitute(names), "text_ar": text}
        if content.get("caption"):
            content["caption_ar"] = content["caption"]  # the photographer's words, as written
        return content
    rows = spec.get("rows")
    content |= {k: v for k, v in spec.items() if k != "rows"}
    if rows:
        content["rows"] = [
            {**row, "label_ar": label}
            for row, label in zip(content.get("rows") or [], rows, strict=False)
        ]
    return content


@transaction.atomic
def arabic_write(*, snapshot: Snapshot, language: str = Snapshot.Language.BILINGUAL) -> None:
    """Write the Arabic of the quarterly demo draft ``snapshot`` (a copy of
    ``QUARTERLY``) beside its English and print it in ``language``."""
    snapshot_update(
        snapshot=snapshot,
        language=language,
        title_ar=TITLE,
        disclaimer_ar=DISCLAIMER,
        contact_ar=CONTACT,
    )
    sections = list(snapshot.sections.prefetch_related("blocks"))
    photo_ids = [
        b.content.get("photo") for s in sections for b in s.blocks.all() if b.content.get("photo")
    ]
    photos = {
        p.pk: p
        for p in Photo.objects.filter(pk__in=photo_ids).select_related(
            "visit__project__governorate"
        )
    }
    for section in sections:
        spec = QUARTERLY.get(section.key)
        if spec is None:
            continue
        section_update(
            section=section, title_ar=spec["title"], footnotes_ar=spec.get("footnotes", "")
        )
        for block, block_spec in zip(section.blocks.all(), spec["blocks"], strict=False):
            content = _block_arabic(block, block_spec, photos)
            if content != block.content:
                block_update(block=block, content=content)
