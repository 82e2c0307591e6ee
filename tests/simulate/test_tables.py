"""The name tables: frequencies, a long tail of surnames, forms in every script."""

from __future__ import annotations

import numpy as np

from musterroll.simulate.tables import load_tables


def test_surnames_have_a_common_head_and_a_long_tail() -> None:
    s = load_tables().surnames
    assert s.uk.shape[1] > 30_000
    weights = np.sort(s.weight)[::-1]
    assert 0.005 < weights[0] < 0.03  # the commonest (Мельник) is under 3% of people
    assert 0.2 < weights[:100].sum() < 0.5
    draws = np.random.default_rng(0).choice(s.uk.shape[1], 100_000, p=s.weight)
    assert len(np.unique(draws)) > 20_000


def test_every_given_name_has_all_its_forms() -> None:
    g = load_tables().given
    for i in range(len(g.uk)):
        assert g.uk[i] and g.ru[i] and g.en[i] and g.diminutives[i] and g.nicknames[i]
        if g.sex[i] == 0:
            assert g.patronymic_uk[0, i].endswith(("ович", "іч"))
            assert g.patronymic_uk[1, i].endswith(("івна", "ївна"))
            assert g.patronymic_ru[1, i].endswith("на")
    assert abs(g.weight[g.sex == 0].sum() - 1) < 1e-9


def test_the_simulator_does_not_use_the_matchers_tables() -> None:
    from pathlib import Path

    import musterroll.simulate as sim

    for path in Path(sim.__file__).parent.glob("*.py"):
        assert "musterroll.names" not in path.read_text("utf-8").replace(
            "`musterroll.names`", ""), path
