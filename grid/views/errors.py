"""Refusals on pages: the same meaning as in the API (:mod:`grid.errors`), shown as pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from grid.errors import Refusal, refusal_for


def page_refusal(exc: BaseException) -> Refusal:
    """What ``exc`` means for a page that can show a conflict (409) or a form's errors (400).

    Outside the jurisdiction becomes the product's 404 page and "may not" its 403 page, by
    raising; anything that is no refusal is raised again as it is.
    """
    refusal = refusal_for(exc)
    if refusal is None:
        raise exc
    if refusal.status == 404:
        raise Http404(refusal.message) from exc
    if refusal.status == 403:
        raise PermissionDenied(refusal.message) from exc
    return refusal
