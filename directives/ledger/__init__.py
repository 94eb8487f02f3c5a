"""The key-matter ledger (重点舆情台账): cases a duty officer or leader puts on it stay followed
after they close — new reports of the same matter link to them, a follow-up date is tracked —
until a leader takes them off with a closing assessment."""
