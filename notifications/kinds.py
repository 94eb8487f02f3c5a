"""The kinds of notification, declared by the apps that send them (a registry filled at start-up).

notifications knows nothing of reports, dispatch or duty; each of them declares the kinds it
sends in its ``AppConfig.ready()``, once::

    # dispatch/apps.py
    def ready(self) -> None:
        from notifications.kinds import Kind, register_kind

        register_kind(Kind("dispatch_major_case", _("Major case routed"), urgent=True))

and then tells people with ``notifications.services.notify(kind="dispatch_major_case", …)``.

A kind says whether it is **urgent** (urgent kinds go at once on every channel the person has;
the others at once or in the daily digest, as the person chose) and which **templates** word
it in e-mails and robot messages: ``templates/<template>-subject.txt`` and
``templates/<template>-body.txt``, rendered in the recipient's language. ``template`` defaults
to ``notifications/<name>``; a kind without templates of its own is worded by
``notifications/default-*.txt`` (its label, the subject, the text and the link).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


class UnknownKind(LookupError):
    """A notification of a kind no app declared (a typo, or a missing ``register_kind``)."""


@dataclass(frozen=True)
class Kind:
    """One kind of notification: its name, what it is called, whether it is urgent, its words."""

    name: str
    label: Promise | str  # what happened, for people: "Case escalated to the city"
    urgent: bool = False
    template: str = ""  # "<template>-subject.txt" / "-body.txt"; default notifications/<name>

    @property
    def templates(self) -> tuple[list[str], list[str]]:
        """Candidate subject and body templates, the kind's own first, then the default."""
        base = self.template or f"notifications/{self.name}"
        return (
            [f"{base}-subject.txt", "notifications/default-subject.txt"],
            [f"{base}-body.txt", "notifications/default-body.txt"],
        )


MAX_NAME = 40  # Notification.kind's length

_kinds: dict[str, Kind] = {}


def register_kind(kind: Kind) -> Kind:
    """Declare ``kind`` (again with the same name: replace it; ``ready()`` may run twice)."""
    if not kind.name or len(kind.name) > MAX_NAME:
        raise ValueError(f"A kind's name has 1 to {MAX_NAME} characters: {kind.name!r}")
    _kinds[kind.name] = kind
    return kind


def unregister_kind(name: str) -> None:
    """Forget a kind (for tests)."""
    _kinds.pop(name, None)


def get_kind(name: str) -> Kind:
    """The kind called ``name``; :class:`UnknownKind` if no app declared it."""
    try:
        return _kinds[name]
    except KeyError:
        raise UnknownKind(f"No app declared the notification kind {name!r}.") from None


def kind_or_none(name: str) -> Kind | None:
    """The kind called ``name``, or None (for rows written before a kind was removed)."""
    return _kinds.get(name)


def all_kinds() -> list[Kind]:
    """Every declared kind, by name."""
    return sorted(_kinds.values(), key=lambda kind: kind.name)
