"""Template tags that render the panels and menu links other apps register (grid.panels)."""

from __future__ import annotations

from django import template
from django.template.context import Context
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from grid import panels as registry
from grid.panels import Panel

register = template.Library()


def _render(context: Context, panel: Panel, extra: dict) -> SafeString:
    """Render ``panel`` with its own context only, as an inclusion tag renders its template."""
    new_context = context.new({**panel.context, **extra})
    csrf_token = context.get("csrf_token")
    if csrf_token is not None:
        new_context["csrf_token"] = csrf_token
    return context.template.engine.get_template(panel.template).render(new_context)


@register.simple_tag(takes_context=True)
def render_panel(context: Context, panel: Panel, **extra) -> SafeString:
    """``{% render_panel panel show_heading=False %}``: one home panel, with what the page adds."""
    return _render(context, panel, extra)


@register.simple_tag(takes_context=True)
def nav_links(context: Context) -> SafeString:
    """``{% nav_links %}``: the main-menu links of every app, for the person asking."""
    request = context["request"]
    links = registry.nav_links.panels_for(request, timezone.now())
    # Each part is a rendered template, safe already; joining them loses only the mark.
    return mark_safe("".join(_render(context, link, {}) for link in links))  # noqa: S308


@register.simple_tag(takes_context=True)
def header_items(context: Context) -> SafeString:
    """``{% header_items %}``: the items other apps put in the page header (e.g. the bell)."""
    request = context["request"]
    items = registry.header_items.panels_for(request, timezone.now())
    return mark_safe("".join(_render(context, item, {}) for item in items))  # noqa: S308


@register.simple_tag(takes_context=True)
def banners(context: Context) -> SafeString:
    """``{% banners %}``: the banners of every app for the person asking (grid.panels)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return SafeString("")
    shown = registry.banners.panels_for(request, timezone.now())
    return mark_safe("".join(_render(context, banner, {}) for banner in shown))  # noqa: S308
