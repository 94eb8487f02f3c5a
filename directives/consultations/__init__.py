"""Consultation on a case (会商研判): before the city routes a difficult case, its duty officer
asks chosen units and leaders for their view by a deadline, then records the conclusion that
the routing is decided on. Invited units read the case while the consultation is open
(:func:`directives.consultations.rules.consulted_cases`, a visibility hook of reports)."""
