"""Rcapture's heterogeneity columns and models (used by bench/diagnose_loglinear_designs.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from musterroll.estimate._heterogeneity import (
    captures,
    chao_lower_bound,
    heterogeneity_columns,
    homogeneous_space,
    independence_space,
    with_heterogeneity,
)
from musterroll.estimate._loglinear_fit import fit_all_models, model_space


def test_captures_count_the_lists_of_each_cell():
    c = captures(4)
    assert c[0b0000] == 0 and c[0b1000] == 1 and c[0b0101] == 2 and c[0b1111] == 4


def test_columns_follow_rcapture_definitions():
    # Rcapture's Xclosedp: Poisson theta^c - 1 (theta 2), Darroch c^2 / 2, Gamma
    # -log(theta + c) + log(theta) (theta 3.5), Chao max(c - k + 1, 0) for k = 3..J
    cells = [0b00000, 0b10000, 0b11000, 0b11100, 0b11110, 0b11111]  # c = 0..5
    poisson = heterogeneity_columns("poisson", 5)[cells, 0]
    assert poisson.tolist() == [0, 1, 3, 7, 15, 31]
    assert heterogeneity_columns("poisson", 5, theta=3)[cells, 0].tolist() == [
        0, 2, 8, 26, 80, 242]
    assert heterogeneity_columns("darroch", 5)[cells, 0].tolist() == [0, 0.5, 2, 4.5, 8, 12.5]
    gamma = heterogeneity_columns("gamma", 5)[cells, 0]
    assert gamma == pytest.approx([-math.log(3.5 + c) + math.log(3.5) for c in range(6)])
    chao = heterogeneity_columns("chao", 5)[cells]
    assert chao.shape == (6, 3)  # J - 2 columns, eta3 .. eta5
    assert chao.tolist() == [[0, 0, 0], [0, 0, 0], [0, 0, 0], [1, 0, 0], [2, 1, 0], [3, 2, 1]]


@pytest.mark.parametrize("kind", ["chao", "poisson", "darroch", "gamma"])
def test_every_column_is_zero_on_the_unobserved_cell(kind):
    # so that N-hat stays n + exp(intercept)
    assert np.all(heterogeneity_columns(kind, 4)[0] == 0)


def test_heterogeneous_models_need_three_lists_and_a_known_form():
    with pytest.raises(ValueError):
        heterogeneity_columns("darroch", 2)
    with pytest.raises(ValueError):
        heterogeneity_columns("normal", 4)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["congenital_anomaly_massachusetts", "hepatitis_a_taiwan"])
def test_mh_chao_is_chaos_lower_bound(reference_table, name):
    # Rivest and Baillargeon (2007): with no eta set to zero, Mh Chao (LB) fits f_3..f_J
    # exactly and f_1, f_2 with M0, so N-hat = n + (J - 1) / J f1^2 / (2 f2) (Chao 1987)
    table = reference_table(name)
    cells, j = table.cells(), table.n_lists
    space = chao_lower_bound(homogeneous_space(j), cells)
    assert space.n_cols[0] == 2 + (j - 2)  # every eta kept on these tables
    c = captures(j)
    f1, f2 = cells[c == 1].sum(), cells[c == 2].sum()
    expected = table.observed + (j - 1) / j * f1**2 / (2 * f2)
    assert fit_all_models(space, cells).estimate[0] == pytest.approx(expected, rel=1e-6)


def test_chao_lower_bound_drops_negative_etas(reference_table):
    table = reference_table("kosovo")
    cells = table.cells()
    space = chao_lower_bound(independence_space(4), cells)
    assert space.n_cols[0] < 5 + 2  # a column was removed (as Rcapture's neg = TRUE)
    x = space.x_full[1:]
    cols = space.columns(0)
    mu = fit_all_models(space, cells).fitted[0]
    beta = np.linalg.lstsq(x[:, cols], np.log(mu), rcond=None)[0]
    assert np.all(beta[5:] >= 0)


def test_a_heterogeneity_column_joins_every_model_and_never_worsens_its_fit(reference_table):
    table = reference_table("hiv_rome")
    cells = table.cells()
    space = model_space(4)
    h = with_heterogeneity(space, heterogeneity_columns("darroch", 4))
    assert h.names == space.names
    assert np.all(h.n_cols == space.n_cols + 1)
    plain, with_h = fit_all_models(space, cells), fit_all_models(h, cells)
    ok = np.isfinite(plain.deviance) & np.isfinite(with_h.deviance)
    assert ok.sum() > 90  # the largest models plus the column are singular (inf deviance)
    # nested: the larger model's deviance is at most the smaller's
    assert np.all(with_h.deviance[ok] <= plain.deviance[ok] + 1e-6 * (1 + plain.deviance[ok]))
