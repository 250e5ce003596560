"""The standing users of the access tests, on two halves of a portfolio.

Kirkuk: project KRK-01 of programme CRP, funded by ``usa``; Basra: BSR-01 of
RRP, funded by ``canada``. alice is the *owner* (the monitor who records the
Kirkuk visits), mona her *colleague* (a monitor of Kirkuk too), oscar an
*outsider* (a monitor of Basra); maria manages CRP, mark RRP; dora is a
*donor* (usa); ``admin`` an administrator; ``nobody`` has no role and
``anonymous`` is not signed in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser

from programmes.models import Contribution
from tests.factories import (
    DonorFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    governorate,
    user_with_role,
)

STANDING = ["owner", "colleague", "outsider", "manager", "other_manager", "donor", "admin"]
NO_ONE = ["nobody", "anonymous"]
EVERYONE = [*STANDING, *NO_ONE]


def access_world() -> dict:
    kirkuk, basra = governorate("IQG13"), governorate("IQG02")
    usa, canada = DonorFactory(code="USA"), DonorFactory(code="CAN")
    crp, rrp = ProgrammeFactory(code="CRP"), ProgrammeFactory(code="RRP")
    krk = ProjectFactory(code="KRK-01", governorate=kirkuk, programme=crp, donor=usa)
    bsr = ProjectFactory(code="BSR-01", governorate=basra, programme=rrp, donor=canada)
    day = dt.date(2018, 3, 1)
    contribution = {
        "amount": Decimal("1000"),
        "amount_usd": Decimal("1000"),
        "date": day,
        "period_start": day,
        "period_end": day + dt.timedelta(days=364),
    }
    return {
        "kirkuk": kirkuk,
        "basra": basra,
        "usa": usa,
        "canada": canada,
        "crp": crp,
        "rrp": rrp,
        "krk": krk,
        "bsr": bsr,
        "usa_crp": Contribution.objects.create(donor=usa, programme=crp, **contribution),
        "can_rrp": Contribution.objects.create(donor=canada, programme=rrp, **contribution),
        "owner": user_with_role("monitor", username="alice", governorates=[kirkuk]),
        "colleague": user_with_role("monitor", username="mona", governorates=[kirkuk]),
        "outsider": user_with_role("monitor", username="oscar", governorates=[basra]),
        "manager": user_with_role("manager", username="maria", programmes=[crp]),
        "other_manager": user_with_role("manager", username="mark", programmes=[rrp]),
        "donor": user_with_role("donor", username="dora", donor=usa),
        "admin": user_with_role("admin", username="root"),
        "nobody": UserFactory(username="nobody"),
        "anonymous": AnonymousUser(),
    }


def codes(queryset, field: str = "code") -> set:
    return set(queryset.values_list(field, flat=True))
