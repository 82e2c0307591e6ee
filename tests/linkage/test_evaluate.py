from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from musterroll.linkage import LinkageFileError, read_linkage, read_truth, score_linkage


def table(assignments: list[str]) -> pd.DataFrame:
    """Records r1..rn of one source assigned to the given person ids."""
    return pd.DataFrame(
        {"source": "s", "row": range(1, len(assignments) + 1), "person_id": assignments}
    )


def test_perfect_linkage_scores_one() -> None:
    truth = table(["a", "a", "b", "c", "c", "c"])
    scores = score_linkage(truth, table(["x", "x", "y", "z", "z", "z"]))
    assert scores.pairwise_f1 == 1.0
    assert scores.cluster_f1 == 1.0
    assert (scores.true_persons, scores.predicted_persons) == (3, 3)


def test_scores_match_a_worked_example() -> None:
    # truth: {1,2,3} {4,5}; predicted: {1,2} {3,4,5}
    truth = table(["a", "a", "a", "b", "b"])
    predicted = table(["x", "x", "y", "y", "y"])
    scores = score_linkage(truth, predicted)
    # true pairs 3+1=4, predicted pairs 1+3=4, shared: (1,2) and (4,5) = 2
    assert scores.pairwise_precision == pytest.approx(0.5)
    assert scores.pairwise_recall == pytest.approx(0.5)
    # B-cubed precision: records 1,2: 2/2; 3: 1/3; 4,5: 2/3 -> (1+1+1/3+2/3+2/3)/5
    assert scores.cluster_precision == pytest.approx((2 + 1 / 3 + 4 / 3) / 5)
    # B-cubed recall: 1,2: 2/3; 3: 1/3; 4,5: 2/2 -> (2/3+2/3+1/3+1+1)/5
    assert scores.cluster_recall == pytest.approx((5 / 3 + 2) / 5)


def test_records_left_out_of_the_linkage_count_as_singletons() -> None:
    truth = table(["a", "a", "b"])
    scores = score_linkage(truth, table(["x"]))
    assert scores.unlinked_records == 2
    assert scores.pairwise_recall == 0.0
    assert scores.predicted_persons == 3


def test_a_record_unknown_to_the_truth_is_an_error() -> None:
    linkage = pd.concat([table(["x"]), pd.DataFrame({"source": ["t"], "row": [9],
                                                     "person_id": ["y"]})])
    with pytest.raises(LinkageFileError, match="source 't' row 9"):
        score_linkage(table(["a"]), linkage)


def test_bad_row_number_names_file_row_and_field(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_text("person_id,source,row\np1,s,1\np2,s,two\n")
    with pytest.raises(LinkageFileError, match=r"persons.csv, data row 2, field 'row'.*'two'"):
        read_linkage(path)


def test_missing_truth_is_explained(tmp_path: Path) -> None:
    with pytest.raises(LinkageFileError, match="no rows.csv"):
        read_truth(tmp_path)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 5), min_size=1, max_size=30).flatmap(
        lambda truth: st.tuples(
            st.just(truth), st.lists(st.integers(0, 5), min_size=len(truth),
                                     max_size=len(truth)))
    )
)
def test_pairwise_scores_agree_with_counting_every_pair(
    assignments: tuple[list[int], list[int]],
) -> None:
    true_ids, pred_ids = assignments
    n = len(true_ids)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    together_true = {p for p in pairs if true_ids[p[0]] == true_ids[p[1]]}
    together_pred = {p for p in pairs if pred_ids[p[0]] == pred_ids[p[1]]}
    scores = score_linkage(table([str(t) for t in true_ids]), table([str(p) for p in pred_ids]))
    both = len(together_true & together_pred)
    expected_precision = both / len(together_pred) if together_pred else 1.0
    expected_recall = both / len(together_true) if together_true else 1.0
    assert scores.pairwise_precision == pytest.approx(expected_precision)
    assert scores.pairwise_recall == pytest.approx(expected_recall)
    assert 0.0 <= scores.cluster_f1 <= 1.0
