"""Multiple systems estimation: how many persons no list has seen.

From a capture table (persons counted by the lists they appear on, per stratum) this
package estimates the total with an interval, by four methods: Chapman's two-list
estimator, log-linear models with model selection (as R's Rcapture), the Bayesian latent
class model (as R's LCMCR) and Bayesian averaging over decomposable graphical models (as
R's dga). Documented counts and estimates are kept apart, and every estimate carries its
caveats.

    >>> from musterroll.estimate import read_tables, estimate_strata
    >>> result = estimate_strata(read_tables("kosovo.csv"), "loglinear", seed=1)  # doctest: +SKIP
"""

from musterroll.counts.table import CaptureTable, TableError, read_tables
from musterroll.estimate.api import (
    METHODS,
    compare_methods,
    estimate,
    estimate_strata,
    estimate_with,
    method_settings,
)
from musterroll.estimate.chapman import chapman, lincoln_petersen
from musterroll.estimate.dga import dga
from musterroll.estimate.lcmcr import lcmcr
from musterroll.estimate.loglinear import loglinear
from musterroll.estimate.result import Estimate
from musterroll.estimate.sensitivity import LinkageSpread, estimate_over_linkages
from musterroll.estimate.settings import EstimateSettings
from musterroll.estimate.stratify import combine_strata
from musterroll.estimate.warnings import check_table, compare_estimates

__all__ = [
    "METHODS",
    "CaptureTable",
    "Estimate",
    "EstimateSettings",
    "LinkageSpread",
    "TableError",
    "chapman",
    "check_table",
    "combine_strata",
    "compare_estimates",
    "compare_methods",
    "dga",
    "estimate",
    "estimate_over_linkages",
    "estimate_strata",
    "estimate_with",
    "lcmcr",
    "lincoln_petersen",
    "loglinear",
    "method_settings",
    "read_tables",
]
