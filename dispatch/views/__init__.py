"""Dispatch pages (thin views): console, inbox, a case's actions, the supervision notice."""
