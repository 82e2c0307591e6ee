"""A synthetic war: the test bed for linkage, statuses and estimation.

`simulate_war` draws people with Ukrainian names, their true fates on a timeline from
2022-02-24, and the lists that would record them in life (official death notices, the
register of the missing, families' reports, the adversary's lists, exchange lists, DNA
identification reports, burial registers, obituaries, a memorial book), written as the
files they arrive as, with truth files and a manifest (docs/simulation-format.md).
"""

from musterroll.simulate.war import ListSummary, SimulationSummary, simulate_war

__all__ = ["ListSummary", "SimulationSummary", "simulate_war"]
