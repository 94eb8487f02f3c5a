"""The deduction rule table as domain.md gives it (002, 001), plus the figures the seeds leave
open (daily reports, risk points, handovers: our choice) and a few bonuses (加分).

Admins edit the rows afterwards; running this again changes nothing already there.
"""

from decimal import Decimal

from django.db import migrations

D = Decimal
MAJOR, GENERAL, ANY = "major", "general", ""
PRIMARY, INDIRECT = "primary", "indirect"

# kind, grade group, responsibility, points, label, recorded by hand, where the figure comes from
RULES = [
    ("report_late", MAJOR, PRIMARY, D("-2"), "迟报（重大·重要，主要责任）", True, "002 (一)"),
    ("report_late", MAJOR, INDIRECT, D("-1"), "迟报（重大·重要，间接责任）", True, "002 (一)"),
    ("report_late", GENERAL, PRIMARY, D("-1"), "迟报（一般，主要责任）", True, "002 (二)"),
    ("report_late", GENERAL, INDIRECT, D("-0.5"), "迟报（一般，间接责任）", True, "002 (二)"),
    ("report_missed", MAJOR, PRIMARY, D("-4"), "漏报·瞒报（重大·重要，主要责任）", True, "002 (一)"),
    ("report_missed", MAJOR, INDIRECT, D("-2"), "漏报·瞒报（重大·重要，间接责任）", True, "002 (一)"),
    ("report_missed", GENERAL, PRIMARY, D("-2"), "漏报·瞒报（一般，主要责任）", True, "002 (二)"),
    ("report_missed", GENERAL, INDIRECT, D("-1"), "漏报·瞒报（一般，间接责任）", True, "002 (二)"),
    ("mishandled", MAJOR, PRIMARY, D("-30"), "处置不当形成更大舆情（重大·重要，主要责任）", True, "002 (一)"),
    ("mishandled", MAJOR, INDIRECT, D("-20"), "处置不当形成更大舆情（重大·重要，间接责任）", True, "002 (一)"),
    ("mishandled", GENERAL, PRIMARY, D("-20"), "处置不当形成更大舆情（一般，主要责任）", True, "002 (二)"),
    ("mishandled", GENERAL, INDIRECT, D("-10"), "处置不当形成更大舆情（一般，间接责任）", True, "002 (二)"),
    ("disposal_overdue", ANY, PRIMARY, D("-2"), "发现后24小时内未报送处置情况", False, "002 (三)"),
    ("reply_late", ANY, PRIMARY, D("-0.5"), "未按时回应、回复或移交", False, "001"),
    ("bulletin_overdue", ANY, PRIMARY, D("-1"), "逾期未答复、处置被通报", True, "001"),
    ("promise_broken", ANY, PRIMARY, D("-2"), "承诺事项逾期未办结", False, "001"),
    ("daily_report_missed", ANY, PRIMARY, D("-1"), "网情日报未报送", False, "our choice"),
    ("daily_report_late", ANY, PRIMARY, D("-0.5"), "网情日报迟报", False, "our choice"),
    ("risk_points_missed", ANY, PRIMARY, D("-2"), "风险点排查未报送", False, "our choice"),
    ("risk_points_late", ANY, PRIMARY, D("-1"), "风险点排查迟报", False, "our choice"),
    ("handover_missed", ANY, PRIMARY, D("-1"), "未按时交接班", False, "our choice"),
    ("report_adopted", ANY, PRIMARY, D("2"), "信息被领导批示采用（加分）", True, "001 (批示)"),
    ("bulletin_praised", ANY, PRIMARY, D("1"), "通报表扬（加分）", True, "004 (通报)"),
    ("action_outstanding", ANY, PRIMARY, D("1"), "专项行动成效突出（加分）", True, "001 (加分表扬)"),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("duty", "DeductionRule")
    for kind, group, responsibility, points, label, manual, note in RULES:
        Rule.objects.get_or_create(
            kind=kind,
            grade_group=group,
            responsibility=responsibility,
            defaults={"points": points, "label": label, "manual": manual, "source_note": note},
        )


def unseed(apps, schema_editor):
    Rule = apps.get_model("duty", "DeductionRule")
    for kind, group, responsibility, *_rest in RULES:
        Rule.objects.filter(
            kind=kind, grade_group=group, responsibility=responsibility, deductions=None
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("duty", "0002_deductions")]

    operations = [migrations.RunPython(seed, unseed)]
