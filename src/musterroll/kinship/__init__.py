"""DNA kinship: pedigree likelihoods, likelihood ratios and disaster-victim identification.

STR profiles of remains and of the relatives of missing persons go in; likelihood ratios
and proposed identifications come out. Pedigrees with untyped members, allele frequency
databases (JSON and the Familias text format), mutation models equal to R pedmut's, the
pedigree likelihood by peeling, pairwise and missing-person likelihood ratios, and DVI.
Checked figure by figure against R's pedsuite (`shared/data/dna`).

    >>> from musterroll.kinship import Panel, Pedigree, pairwise_lr  # doctest: +SKIP
"""

from musterroll.kinship.alleles import (
    FrequencyError,
    Genotype,
    Locus,
    parse_genotype,
    read_familias_frequencies,
    read_frequencies_json,
)
from musterroll.kinship.conclusions import Conclusions, solve
from musterroll.kinship.dropout import dropout_evidence
from musterroll.kinship.dvi import (
    DviCase,
    DviLikelihoods,
    Family,
    JointTable,
    Victim,
    exclusion_matrix,
    joint_table,
    lr_matrix,
    posterior_pairings,
    sex_consistent_pairings,
)
from musterroll.kinship.likelihood import peel
from musterroll.kinship.lr import LikelihoodRatio, kinship_lr, missing_person_lr, pairwise_lr
from musterroll.kinship.matching import (
    Proposal,
    best_assignment,
    family_lr_matrix,
    propose_identifications,
    propose_per_sample,
    top_assignments,
)
from musterroll.kinship.mutation import MutationError, MutationModel, mutation_matrix
from musterroll.kinship.panel import Panel, Profiles
from musterroll.kinship.pedigree import Pedigree, PedigreeError, PedigreeLoopError, singleton

__all__ = [
    "Conclusions",
    "DviCase",
    "DviLikelihoods",
    "Family",
    "JointTable",
    "Proposal",
    "Victim",
    "best_assignment",
    "dropout_evidence",
    "exclusion_matrix",
    "family_lr_matrix",
    "joint_table",
    "lr_matrix",
    "posterior_pairings",
    "propose_identifications",
    "propose_per_sample",
    "sex_consistent_pairings",
    "solve",
    "top_assignments",
    "FrequencyError",
    "Genotype",
    "LikelihoodRatio",
    "Locus",
    "MutationError",
    "MutationModel",
    "Panel",
    "Pedigree",
    "PedigreeError",
    "PedigreeLoopError",
    "Profiles",
    "kinship_lr",
    "missing_person_lr",
    "mutation_matrix",
    "pairwise_lr",
    "parse_genotype",
    "peel",
    "read_familias_frequencies",
    "read_frequencies_json",
    "singleton",
]
