"""Words shared with other apps in English keep their own Chinese: a notice's instruction is
指令 (a leader's instruction on a case is 批示), a notice's acknowledgement is 签收 (a
handover's is 接班)."""

from django.template import Context, Template
from django.utils import translation

from directives.models import NoticeKind


def test_a_notice_of_instructions_is_not_a_leaders_instruction():
    with translation.override("zh-hans"):
        assert str(NoticeKind.INSTRUCTION.label) == "指令"
        assert translation.gettext("Instruction") == "批示"


def test_the_tracking_says_signed_for_and_the_handover_says_taken_over():
    tracking = Template('{% load i18n %}{% translate "Acknowledged" context "notice tracking" %}')
    handover = Template('{% load i18n %}{% translate "Acknowledged" context "handover" %}')
    with translation.override("zh-hans"):
        assert tracking.render(Context()) == "已签收"
        assert handover.render(Context()) == "已确认接班"
