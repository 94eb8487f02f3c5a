"""Spreadsheets of scorecards: the shared styling (:mod:`.sheets`), the quarterly summary
(:mod:`.quarter`) and the large case exports made by a worker (:mod:`.models`,
:mod:`.services`, :mod:`.writer`, pages in :mod:`.views`, API in :mod:`.api`)."""
