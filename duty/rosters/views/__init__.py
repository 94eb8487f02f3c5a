"""Duty pages (thin): my duties, a duty day (people, clock-in, absence, swap, log, handover),
a desk's roster month with the rotation generator, swap requests, and the leaders' watch."""
