"""Manual deductions, appeals and decisions: validation, permissions, the order of refusals,
the history and who is told."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from duty.deductions.services import (
    NoSuchDeduction,
    deduction_appeal,
    deduction_appeal_decide,
    deduction_record,
)
from duty.models import Deduction, DeductionAction, DeductionRule, DeductionStatus
from notifications.models import Notification
from reports.tests.factories import submit

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def record(cast, **overrides) -> Deduction:
    fields = {
        "by": cast.duty,
        "kind": "report_missed",
        "target": cast.point,
        "reason": "微信群传播的塌方消息未上报",
        "grade": "major",
    }
    fields.update(overrides)
    return deduction_record(**fields)


def test_a_duty_officer_records_by_hand_with_reason_and_evidence(cast, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    case = submit(cast.informant)
    evidence = SimpleUploadedFile("截图.png", PNG, content_type="image/png")
    deduction = record(cast, source=case, evidence=evidence)
    assert deduction.points == Decimal("-4")  # concealment of a major matter, primary
    assert (deduction.created_by, deduction.source) == (cast.duty, case)
    assert deduction.evidence_type == "image/png"
    assert deduction.evidence_width == 1
    assert deduction.evidence.name.startswith("deductions/")
    assert [e.action for e in deduction.events.all()] == [DeductionAction.RECORDED]
    assert list(
        Notification.objects.filter(kind__startswith="deduction").values_list(
            "recipient_id", "kind"
        )
    ) == [(cast.head.pk, "deduction_recorded")]


def test_a_bonus_is_positive_and_told_as_a_bonus(cast):
    deduction = record(cast, kind="report_adopted", grade="")
    assert deduction.points == Decimal("2")
    assert deduction.is_bonus
    assert Notification.objects.get().kind == "deduction_bonus"


@pytest.mark.parametrize("role", ["county_admin", "head", "liaison", "informant"])
def test_only_city_duty_officers_record(cast, role):
    with pytest.raises(PermissionDenied):
        record(cast, by=getattr(cast, role))


def test_every_bad_field_is_named(cast):
    fake = SimpleUploadedFile("x.png", b"<html>not a picture</html>", content_type="image/png")
    with pytest.raises(ValidationError) as caught:
        record(
            cast,
            kind="daily_report_missed",  # scored by the sweep, not by hand
            reason="  ",
            at=timezone.now() + timedelta(hours=1),
            target=cast.city.villages[1],  # a village is no target: its grid point is
            evidence=fake,
        )
    assert set(caught.value.message_dict) == {"kind", "reason", "at", "target", "evidence"}
    assert not Deduction.objects.exists()


def test_the_same_case_twice_is_refused(cast):
    case = submit(cast.informant)
    record(cast, source=case)
    with pytest.raises(ValidationError) as caught:
        record(cast, source=case)
    assert "source" in caught.value.message_dict
    # another responsibility is another deduction
    record(cast, source=case, responsibility="indirect", target=cast.city.townships[0])
    assert Deduction.objects.count() == 2


def test_an_inactive_rule_cannot_be_recorded(cast):
    DeductionRule.objects.filter(kind="report_missed").update(active=False)
    with pytest.raises(ValidationError):
        record(cast)


def test_appeal_upheld_counts_again_and_cannot_be_appealed_twice(cast):
    deduction = record(cast)
    deduction = deduction_appeal(deduction_id=deduction.pk, by=cast.head, reason="已及时上报")
    assert deduction.status == DeductionStatus.APPEALED
    assert deduction.counts
    # the city admins are told
    assert Notification.objects.filter(kind="deduction_appealed", recipient=cast.admin).exists()
    deduction = deduction_appeal_decide(
        deduction_id=deduction.pk, by=cast.admin, decision="uphold", note="记录显示未上报"
    )
    assert deduction.status == DeductionStatus.COUNTING
    assert deduction.counts
    assert deduction.decided_by == cast.admin
    told = set(Notification.objects.filter(kind="deduction_decided").values_list("recipient_id"))
    assert told == {(cast.head.pk,)}
    with pytest.raises(TransitionNotAllowed, match="once"):
        deduction_appeal(deduction_id=deduction.pk, by=cast.head, reason="再次申诉")
    actions = list(deduction.events.values_list("action", flat=True))
    assert actions == ["recorded", "appealed", "upheld"]


def test_appeal_cancelled_stays_and_stops_counting(cast):
    deduction = record(cast, target=cast.city.units[0])
    deduction_appeal(deduction_id=deduction.pk, by=cast.liaison, reason="非本单位职责")
    deduction = deduction_appeal_decide(
        deduction_id=deduction.pk, by=cast.admin, decision="cancel", note="属实，撤销"
    )
    assert deduction.status == DeductionStatus.CANCELLED
    assert not deduction.counts
    assert Deduction.objects.filter(pk=deduction.pk).exists()
    with pytest.raises(TransitionNotAllowed):
        deduction_appeal_decide(
            deduction_id=deduction.pk, by=cast.admin, decision="uphold", note="x"
        )


def test_refusals_come_in_order_not_found_state_permission_payload(cast, other_city):
    deduction = record(cast)
    from grid.models import Role
    from grid.tests.factories import UserFactory

    stranger = UserFactory(role=Role.COUNTY_ADMIN, region=other_city.counties[0])
    # 404 outside the jurisdiction, whatever else is wrong
    with pytest.raises(NoSuchDeduction):
        deduction_appeal(deduction_id=deduction.pk, by=stranger, reason="")
    # 403 for one who sees it but is not the party, even with an empty reason
    with pytest.raises(PermissionDenied):
        deduction_appeal(deduction_id=deduction.pk, by=cast.county_admin, reason="")
    # 400 for the party without a reason
    with pytest.raises(ValidationError):
        deduction_appeal(deduction_id=deduction.pk, by=cast.head, reason=" ")
    # 409 (deciding what nobody appealed) before 403 (a duty officer may not decide)
    with pytest.raises(TransitionNotAllowed):
        deduction_appeal_decide(deduction_id=deduction.pk, by=cast.duty, decision="x", note="")
    deduction_appeal(deduction_id=deduction.pk, by=cast.head, reason="理由")
    with pytest.raises(PermissionDenied):
        deduction_appeal_decide(deduction_id=deduction.pk, by=cast.duty, decision="x", note="")
    with pytest.raises(ValidationError) as caught:
        deduction_appeal_decide(deduction_id=deduction.pk, by=cast.admin, decision="x", note="")
    assert "decision" in caught.value.message_dict


@pytest.mark.parametrize(
    ("target", "party", "not_party"),
    [
        ("point", "head", "informant"),
        ("township", "county_admin", "other_county_admin"),
        ("unit", "liaison", "other_liaison"),
    ],
)
def test_the_penalised_party_appeals(cast, target, party, not_party):
    targets = {
        "point": cast.point,
        "township": cast.city.townships[0],
        "unit": cast.city.units[0],
    }
    deduction = record(cast, target=targets[target])
    with pytest.raises((PermissionDenied, NoSuchDeduction)):
        deduction_appeal(deduction_id=deduction.pk, by=getattr(cast, not_party), reason="理由")
    deduction_appeal(deduction_id=deduction.pk, by=getattr(cast, party), reason="理由")
