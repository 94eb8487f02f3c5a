"""The weekly digest for leaders (:mod:`.figures` computes a node's week, :mod:`.services`
sends it through the notification service once per leader and week, :mod:`.views` shows it)."""
