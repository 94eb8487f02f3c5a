"""Pages of one's own notifications: the list (mark one or all read, with htmx or without
script) and the preferences. Nobody sees another person's notifications: another's id is 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grid.errors import BadInput
from grid.pagination import CappedPaginator
from grid.views.errors import page_refusal
from notifications.bell import bell_context
from notifications.filters import NotificationFilter
from notifications.forms import PreferenceForm
from notifications.rendering import kind_of
from notifications.selectors import notification_list_for, preference_for
from notifications.services import (
    NotificationNotFound,
    notification_mark_read,
    notifications_mark_all_read,
    preference_update,
)

PAGE_SIZE = 20


def _is_htmx(request: HttpRequest) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _labelled(notification):
    notification.label = kind_of(notification).label
    return notification


def _list_context(request: HttpRequest) -> dict:
    filters = NotificationFilter(request.GET, queryset=notification_list_for(user=request.user))
    if not filters.is_valid():
        raise BadInput(_("Unread only takes true or false."))
    page = CappedPaginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for notification in page.object_list:
        _labelled(notification)
    return {
        "page": page,
        "unread_only": bool(filters.form.cleaned_data.get("unread")),
        "list_path": request.get_full_path()
        if request.method == "GET"
        else reverse("notification-list"),
    }


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """The person's notifications, newest first, unread marked (``?unread=true``: only them)."""
    context = _list_context(request)
    if _is_htmx(request):
        return render(request, "notifications/_list.html", context)
    return render(request, "notifications/notification_list.html", context)


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the list the form was sent from (same site only), else the list."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("notification-list")
    return redirect(target)


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read: htmx gets the row and the bell back, a plain form the list."""
    try:
        notification = notification_mark_read(user=request.user, notification_id=notification_id)
    except NotificationNotFound as exc:
        page_refusal(exc)  # raises: the product's 404 page
    if _is_htmx(request):
        return render(
            request,
            "notifications/_row_read.html",
            {"n": _labelled(notification), **bell_context(request.user, fresh=True)},
        )
    return _back(request)


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    """Mark every notification read: htmx gets the list and the bell back."""
    count = notifications_mark_all_read(user=request.user)
    if _is_htmx(request):
        return render(
            request,
            "notifications/_list_read_all.html",
            {**_list_context(request), **bell_context(request.user, fresh=True)},
        )
    messages.success(request, _("All notifications are marked read (%(n)d).") % {"n": count})
    return _back(request)


@login_required
@require_http_methods(["GET", "POST"])
def preference_page(request: HttpRequest) -> HttpResponse:
    """Where the person is told besides the bell, and whether non-urgent kinds come as a digest."""
    preference = preference_for(user=request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        preference_update(
            user=request.user, **{name: form.cleaned_data[name] for name in form.Meta.fields}
        )
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notification-preferences")
    status = 400 if request.method == "POST" else 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)
