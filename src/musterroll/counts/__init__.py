"""The counts stage: what the register documents, as of any day, and capture histories.

- ``documented``: documented counts in SQL over the derived statuses (``count_statuses``),
  the public metrics and the scope of a casualty.
- ``capture``: each person in scope and the lists that hold them, per stratum: the
  capture histories the estimate stage starts from (``capture_tables``).
- ``table``: the capture table itself (``CaptureTable``), also read from a CSV of a
  published table.

Counts are never estimates: the estimate stage reads these, never the other way round.
"""
