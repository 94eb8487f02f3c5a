"""The refusals of directives' services that are no Django exception."""


class NoticeConflict(Exception):
    """The notice does not ask this, or the node already did it (409)."""
