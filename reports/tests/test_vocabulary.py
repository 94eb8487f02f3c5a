"""One Chinese word per case state and per clock state, wherever a page or the API says it.

A county admin, a duty officer and an informant talk about the same case: the queue, the case
page, "my reports", the home work list and the API must call each state by the same name.
The informant's plain words (reports.views.labels.PLAIN_STATUS) may add who acts, but start
with the state's own word.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import ngettext

from reports.filters import ReportFilter
from reports.models import Status
from reports.views.labels import clock_for, plain_status

STATE_WORDS = {
    Status.SUBMITTED: "待县级审核",
    Status.RETURNED: "已退回补充",
    Status.LOCAL_HANDLING: "属地处置中",
    Status.ESCALATED: "已上报市平台",
    Status.ROUTED: "已转办",  # domain.md: routed (已转办)
    Status.CLOSED: "已办结",
    Status.REJECTED: "已驳回",
}
CLOCK_WORDS = {"red": "已超期", "amber": "即将到期", "done": "已报告处置情况"}
# Other names the same states went by: no Chinese text may use them any more.
RETIRED = ("待审核", "责任单位办理中", "已超时", "未予采用", "交办")


def test_each_status_has_one_chinese_word_for_staff_and_informants():
    with translation.override("zh-hans"):
        labels = {value: str(label) for value, label in Status.choices}
        plain = {status: plain_status(status) for status in Status}
    assert labels == STATE_WORDS
    assert len(set(labels.values())) == len(labels)
    for status, word in STATE_WORDS.items():
        assert plain[status].startswith(word), (status, plain[status])


def test_each_clock_state_has_one_chinese_word():
    now = timezone.now()

    def clock(hours_ago: float, reported: bool = False):
        discovered = now - timedelta(hours=hours_ago)
        report = SimpleNamespace(
            discovered_at=discovered,
            disposal_due_at=discovered + timedelta(hours=24),
            disposal_reported_at=now if reported else None,
        )
        return clock_for(report, now=now)

    with translation.override("zh-hans"):
        assert clock(30).state == "red"
        assert clock(30).text.startswith(CLOCK_WORDS["red"] + " · ")
        assert clock(20).text.startswith(CLOCK_WORDS["amber"] + " · ")
        assert clock(2, reported=True).text == CLOCK_WORDS["done"]
        # the home work list's count and the queue's filter say the same word
        overdue = ngettext("%(counter)s overdue", "%(counter)s overdue", 3) % {"counter": 3}
        assert overdue == f"3 件{CLOCK_WORDS['red']}"
        overdue_only = str(ReportFilter.base_filters["overdue"].label)
        assert CLOCK_WORDS["red"].removeprefix("已") in overdue_only


def test_no_chinese_text_uses_a_retired_name():
    po = Path(settings.BASE_DIR, "locale", "zh_Hans", "LC_MESSAGES", "django.po").read_text()
    # each msgstr with its continuation lines
    msgstrs = re.findall(r'^msgstr(?:\[\d+\])? ((?:".*"\n?)+)', po, re.MULTILINE)
    used = {word: [m for m in msgstrs if word in m] for word in RETIRED}
    assert not any(used.values()), used
