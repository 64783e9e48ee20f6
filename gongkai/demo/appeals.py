"""Demo appeals: the seed report's section 四 for 2024, and one open case whose answer is due soon today.

2024 (tests/data/seed_2024.json "section4"): two reconsiderations of 黔东南州人民政府 — one upheld in 2024 and
one still pending at the year's end — and one lawsuit brought after the upheld reconsideration, pending.
"""

import datetime as dt

from django.utils import timezone

from gongkai.accounts.models import User
from gongkai.agencies.models import Agency
from gongkai.appeals import services
from gongkai.appeals.models import AppealResult, Reconsideration
from gongkai.applications.models import Application, Outcome


def load(loader) -> None:
    government = Agency.objects.get(slug="qdn")
    clerk = User.objects.get(username="clerk")
    if not Reconsideration.objects.filter(agency=government, filed_on__year=2024).exists():
        _load_2024(government, clerk)
        loader.created += 3
    _load_live(government, clerk, loader)


def _answered_2024(government, outcome: str, nth: int = 0):
    cases = Application.objects.filter(
        agency=government, received_on__year=2024, outcome=outcome, closed_on__year=2024
    ).order_by("received_on", "id")
    return cases[nth] if cases.count() > nth else None


def _load_2024(government: Agency, clerk) -> None:
    first = _answered_2024(government, Outcome.UNAVAILABLE_NOT_HELD, 0)
    upheld = services.reconsideration_register(
        actor=clerk, agency=government, applicant_name=first.applicant.name if first else "杨某",
        organ="贵州省人民政府", case_number="黔府复〔2024〕118号",
        subject="不服黔东南州人民政府政府信息公开申请答复（本机关不掌握相关政府信息）",
        filed_on=dt.date(2024, 6, 3), received_on=dt.date(2024, 6, 5), application=first,
    )  # fmt: skip
    services.reconsideration_record_answer(actor=clerk, case=upheld, sent_on=dt.date(2024, 6, 14))
    services.reconsideration_decide(
        actor=clerk, case=upheld, result=AppealResult.UPHELD, decided_on=dt.date(2024, 8, 2),
        summary="经审查，被申请人已尽合理检索义务，答复认定事实清楚、程序合法，决定维持。",
    )  # fmt: skip
    lawsuit = services.lawsuit_register(
        actor=clerk, agency=government, plaintiff=upheld.applicant_name, court="凯里市人民法院",
        case_number="（2024）黔2601行初215号", subject="请求撤销政府信息公开申请答复并责令重新答复",
        filed_on=dt.date(2024, 8, 26), served_on=dt.date(2024, 8, 30), reconsideration=upheld,
    )  # fmt: skip
    # The defence went in on time; the first-instance judgment was still awaited at the end of 2024.
    services.lawsuit_update(
        actor=clerk, case=lawsuit, defence_sent_on=dt.date(2024, 9, 10), hearing_on=dt.date(2024, 11, 20)
    )
    second = _answered_2024(government, Outcome.PARTLY_DISCLOSED, 0)
    pending = services.reconsideration_register(
        actor=clerk, agency=government, applicant_name=second.applicant.name if second else "王某",
        organ="贵州省人民政府", case_number="黔府复〔2024〕317号",
        subject="不服黔东南州人民政府政府信息公开申请答复（部分公开）",
        filed_on=dt.date(2024, 12, 2), received_on=dt.date(2024, 12, 4), application=second,
    )  # fmt: skip
    services.reconsideration_record_answer(actor=clerk, case=pending, sent_on=dt.date(2024, 12, 13))
    services.reconsideration_decide(
        actor=clerk, case=pending, result=AppealResult.CONFIRMED_ILLEGAL, decided_on=dt.date(2025, 2, 20),
        summary="被申请人答复未说明不予公开部分的理由，确认违法。",
    )  # fmt: skip


def _load_live(government: Agency, clerk, loader) -> None:
    """An open reconsideration received recently, so the queue shows an answer falling due."""
    today = timezone.localdate()
    if Reconsideration.objects.filter(agency=government, filed_on__gte=today - dt.timedelta(days=30)).exists():
        return
    services.reconsideration_register(
        actor=clerk, agency=government, applicant_name="刘某", organ="贵州省人民政府",
        subject="（演示）不服黔东南州人民政府政府信息公开申请答复",
        filed_on=today - dt.timedelta(days=12), received_on=today - dt.timedelta(days=10),
    )  # fmt: skip
    loader.created += 1
