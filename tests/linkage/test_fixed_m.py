"""Service-number m is held during training: EM drove it to 0.0 and Splink 5 refused it."""

from musterroll.linkage.backends import splink_settings
from musterroll.linkage.settings import LinkSettings


def _levels(settings: LinkSettings, name: str, *, training: bool = True) -> list[dict]:
    creator = splink_settings(settings, training=training)
    spec = creator.create_settings_dict(sql_dialect_str="duckdb")
    (comparison,) = [c for c in spec["comparisons"] if c["output_column_name"] == name]
    return comparison["comparison_levels"]


def test_untrained_service_number_levels_start_fixed_at_their_fallback_m() -> None:
    settings = LinkSettings()
    levels = {level["label_for_charts"]: level for level in _levels(settings, "service_number")}
    fallback = settings.fallback["service_number"]
    assert levels["different"]["m_probability"] == fallback["different"][0]
    assert levels["different"]["fix_m_probability"] is True
    assert levels["exact"]["fix_m_probability"] is True


def test_trained_service_number_levels_are_not_held_when_scoring() -> None:
    # Scoring uses the trained parameters as they are; only training holds m.
    levels = _levels(LinkSettings(), "service_number", training=False)
    assert not any(level.get("fix_m_probability") for level in levels)


def test_other_comparisons_are_left_for_em_to_train() -> None:
    levels = _levels(LinkSettings(), "surname")
    assert all("m_probability" not in level for level in levels)
