"""The filters of dispatch's lists, declared once (django-filter): the duty console (the county
queue's :class:`reports.filters.ReportFilter` with a tab) and a unit's inbox. Each gives the
page its form, the API its validation (a bad value answers 400 naming the parameter) and the
OpenAPI schema its parameters."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from dispatch.models import Assignment, AssignmentState, Handler, HandlerRole, ReplyState
from dispatch.selectors import ConsoleTab, InboxState, inbox_state_q
from reports.filters import MAX_SEARCH, ReportFilter
from reports.models import Grade

TAB_LABELS = {
    ConsoleTab.ESCALATED: _("Escalated, to route"),
    ConsoleTab.BOUNCED: _("Sent back by a unit"),
    ConsoleTab.REVIEW: _("Replies awaiting review"),
    ConsoleTab.ROUTED: _("Routed"),
}
STATE_LABELS = {
    InboxState.TO_CLAIM: _("To claim"),
    InboxState.TO_ANSWER: _("To answer"),
    InboxState.SENT_BACK: _("Sent back"),
    InboxState.AWAITING_REVIEW: _("Awaiting review"),
    InboxState.OVERDUE: _("Overdue"),
}


class ConsoleFilter(ReportFilter):
    """The county queue's filters, a tab (escalated, bounced, review, routed), and "overdue"
    meaning what the console watches: a routing whose claim or reply is past due."""

    tab = django_filters.ChoiceFilter(
        label=_("Tab"),
        choices=list(TAB_LABELS.items()),
        method="keep_tab",
        empty_label=None,
        error_messages={"invalid_choice": _("Unknown tab.")},
    )

    def keep_tab(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """The tab picks the list itself (:func:`dispatch.selectors.console_list_for`)."""
        return queryset

    @property
    def tab_value(self) -> str:
        """The tab asked for (escalated by default). Call after ``is_valid()``."""
        return self.form.cleaned_data.get("tab") or ConsoleTab.ESCALATED

    def filter_overdue(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """Cases whose routing's claim or reply is past due, now."""
        if not value:
            return queryset
        now = timezone.now()
        late = Assignment.objects.filter(
            report_id=OuterRef("pk"), state=AssignmentState.ACTIVE
        ).filter(
            Q(reply_due_at__lt=now) & ~Q(reply_state=ReplyState.APPROVED)
            | Q(claim_due_at__lt=now, handlers__claimed_at__isnull=True)
        )
        return queryset.filter(Exists(late))


class InboxFilter(django_filters.FilterSet):
    """What a unit's inbox shows: a state (to claim, to answer, sent back, awaiting review,
    overdue), the unit's role, the grade, words, and the order."""

    state = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=list(STATE_LABELS.items()),
        method="filter_state",
        empty_label=_("Everything open"),
        error_messages={"invalid_choice": _("Unknown inbox state.")},
    )
    role = django_filters.ChoiceFilter(
        label=_("Our part"),
        choices=HandlerRole.choices,
        empty_label=_("Lead and co-handling"),
        error_messages={"invalid_choice": _("Unknown role.")},
    )
    grade = django_filters.ChoiceFilter(
        label=_("Grade"),
        field_name="assignment__grade",
        choices=Grade.choices,
        empty_label=_("All grades"),
        error_messages={"invalid_choice": _("Unknown grade.")},
    )
    q = extend_schema_field(
        {"type": "string", "description": "Words in the title, or a case number."}
    )(
        django_filters.CharFilter(
            label=_("Search"),
            method="filter_q",
            max_length=MAX_SEARCH,
            widget=forms.TextInput(
                attrs={"type": "search", "placeholder": _("Title or case number")}
            ),
        )
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"),
        choices=[("due", _("Next deadline first")), ("newest", _("Newest routing first"))],
        method="sort_by",
        empty_label=None,
        error_messages={"invalid_choice": _("Sort by due or newest.")},
    )

    class Meta:
        model = Handler
        fields: list[str] = []

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(inbox_state_q(value, now=timezone.now()))

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(report__title__icontains=value) | Q(report__case_number=value))

    def sort_by(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "newest":
            return queryset.order_by("-assignment__routed_at", "-pk")
        return queryset.order_by("due_at", "pk")
