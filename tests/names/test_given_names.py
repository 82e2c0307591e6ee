from collections import defaultdict

from musterroll.names.given_names import (
    group_by_id,
    load_ambiguous_forms,
    load_groups,
    resolve_given_group,
)
from musterroll.names.keys import skeleton_key


def test_data_covers_300_male_and_150_female_names() -> None:
    groups = load_groups()
    assert sum(g.sex == "m" for g in groups) >= 300
    assert sum(g.sex == "f" for g in groups) >= 150


def test_every_group_has_a_ukrainian_and_a_russian_form() -> None:
    for group in load_groups():
        assert group.uk and group.ru, group.id


def test_no_form_sits_in_two_groups_unless_declared_ambiguous() -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for group in load_groups():
        for form in group.forms:
            owners[skeleton_key(form)].add(group.id)
    declared = load_ambiguous_forms()
    shared = {key: ids for key, ids in owners.items() if len(ids) > 1}
    assert shared.keys() <= declared.keys()
    for key, ids in shared.items():
        assert ids == declared[key][0] and declared[key][1], key


def test_declared_ambiguous_forms_are_in_each_of_their_groups() -> None:
    for key, (ids, _reason) in load_ambiguous_forms().items():
        for group_id in ids:
            assert key in {skeleton_key(f) for f in group_by_id()[group_id].forms}


def test_irregular_patronymics_belong_to_male_names() -> None:
    for group in load_groups():
        assert not group.patronymics or group.sex == "m", group.id


def test_sex_picks_the_group_of_an_ambiguous_form() -> None:
    assert resolve_given_group("Саша") == ("oleksandr", "oleksandra")
    assert resolve_given_group("Саша", "f") == ("oleksandra", None)
    assert resolve_given_group("Женя", "m") == ("yevhen", None)
    assert resolve_given_group("Олександр", "f") == ("oleksandr", None)
    assert resolve_given_group("Нонейм") == (None, None)


def test_one_name_in_every_script_and_form_finds_one_group() -> None:
    forms = ["Олександр", "Александр", "Oleksandr", "Aleksandr", "Alexander", "Саша", "Сашко"]
    assert {resolve_given_group(f, "m")[0] for f in forms} == {"oleksandr"}
