"""`onewindow bids train|score|evaluate` on the real tenders of ../shared/data/bids."""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[5] / "shared" / "data" / "bids"
needs_data = pytest.mark.skipif(not (DATA / "brazil.csv").exists(), reason="../shared/data/bids is not here")


def bids(*args):
    return subprocess.run(
        [sys.executable, "-m", "onewindow.cli", "bids", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


@needs_data
def test_train_then_score_ranks_the_courts_cartels_above_the_rest(tmp_path):
    trained = bids("train", "--input", DATA / "brazil.csv", "--output", tmp_path / "model")
    assert trained.returncode == 0, trained.stderr
    unlabelled = tmp_path / "new.csv"
    with (DATA / "brazil.csv").open() as source, unlabelled.open("w") as target:
        rows = list(csv.DictReader(source))
        writer = csv.DictWriter(target, ["tender_id", "bidder_id", "amount", "winner"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    scored = bids("score", "--model", tmp_path / "model", "--input", unlabelled)
    assert scored.returncode == 0, scored.stderr
    lines = list(csv.reader(io.StringIO(scored.stdout)))
    assert lines[0] == ["tender_id", "score"]
    scores = {tender: float(score) for tender, score in lines[1:]}
    sizes = {}
    labels = {}
    for row in rows:
        sizes[row["tender_id"]] = sizes.get(row["tender_id"], 0) + 1
        labels[row["tender_id"]] = int(row["collusive"])
    assert set(scores) == {t for t, n in sizes.items() if n >= 3}  # fewer than three bids: left out
    collusive = [s for t, s in scores.items() if labels[t]]
    competitive = [s for t, s in scores.items() if not labels[t]]
    assert sum(collusive) / len(collusive) > sum(competitive) / len(competitive) + 0.3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("tender_id,bidder_id,amount,winner\n1,,5,0\n", "missing column(s) collusive"),
        ("tender_id,bidder_id,amount,winner,collusive\n1,,abc,0,1\n", "line 2: amount is not a number"),
        ("tender_id,bidder_id,amount,winner,collusive\n1,,-5,0,1\n", "line 2: amount must be above 0"),
        ("tender_id,bidder_id,amount,winner,collusive\n1,,5,0,yes\n", "line 2: collusive must be 0 or 1"),
        ("tender_id,bidder_id,amount,winner,collusive\n,,5,0,1\n", "line 2: tender_id is empty"),
        (
            "tender_id,bidder_id,amount,winner,collusive\n1,,5,0,1\n1,,6,0,1\n1,,7,1,1\n",
            "needs collusive and competitive tenders",
        ),
    ],
)
def test_bad_training_input_gets_one_line_and_a_non_zero_exit(tmp_path, content, message):
    path = tmp_path / "bids.csv"
    path.write_text(content)
    result = bids("train", "--input", path, "--output", tmp_path / "model")
    assert result.returncode != 0
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_scoring_needs_a_model_folder_and_a_readable_file(tmp_path):
    result = bids("score", "--model", tmp_path, "--input", tmp_path / "missing.csv")
    assert result.returncode != 0 and "not a model folder" in result.stderr
    (tmp_path / "latin1.csv").write_bytes("tender_id,bidder_id,amount,winner\n1,é,5,0\n".encode("latin-1"))
    result = bids("evaluate", "--input", tmp_path / "latin1.csv")
    assert result.returncode != 0 and "not UTF-8" in result.stderr
