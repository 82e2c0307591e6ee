"""Casework: the jobs that cross stages, each reading in flow order.

An exchange list, a repatriation of remains, a family's report and the ledger of claims
each need several stages at once: read the rows (``sources``), match them to persons
(``linkage``, link-only), record the evidence and derive statuses (``register``), set
figures beside counts and estimates (``counts``, ``estimate``). They live here, above every
stage they call, so that no stage reaches forward in the data flow.
"""
