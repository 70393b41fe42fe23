import csv
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from onewindow.trading import model as screening


class Command(BaseCommand):
    help = (
        "The bid-rigging screening model: `train` it on tenders with proven labels (CSV: tender_id, "
        "bidder_id, amount, winner, collusive; one row per bid), `score` tenders (CSV out: "
        "tender_id,score, higher is more suspicious), `evaluate` it against the classic-screen "
        "baseline by cross-validation split by tender (JSON out), export the reviewed alerts as `labels`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        train = sub.add_parser("train", help="train a screening model and write it to a folder")
        train.add_argument(
            "--input", required=True, help="CSV: tender_id, bidder_id, amount, winner, collusive"
        )
        train.add_argument("--output", required=True, help="folder for the model")
        score = sub.add_parser("score", help="scores per tender, as CSV on standard output")
        score.add_argument("--model", required=True, help="a folder written by train")
        score.add_argument("--input", required=True, help="CSV: tender_id, bidder_id, amount, winner")
        labels = sub.add_parser("labels", help="the bids of every reviewed alert, labelled, as training CSV")
        labels.add_argument("--output", required=True, help="CSV file to write")
        evaluate = sub.add_parser("evaluate", help="cross-validated tender-level ROC AUC (JSON)")
        evaluate.add_argument("--input", required=True)
        evaluate.add_argument("--folds", type=int, default=5)
        evaluate.add_argument("--repeats", type=int, default=5)

    def handle(self, *args, action, **options):
        try:
            getattr(self, action)(**options)
        except screening.BidsInputError as error:
            raise CommandError(str(error)) from None

    def train(self, input, output, **options):
        tenders = screening.read_bids(input, with_label=True)
        model = screening.ScreeningModel.train(tenders)
        folder = model.save(output)
        self.stderr.write(
            f"model of {model.meta['tenders']} tenders ({model.meta['collusive']} collusive; "
            f"{model.meta['left_out_fewer_than_3_bids']} with fewer than 3 bids left out): {folder}"
        )

    def score(self, model, input, **options):
        loaded = screening.ScreeningModel.load(model)
        tenders = screening.read_bids(input, with_label=False)
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(["tender_id", "score"])
        for tender_id, score in loaded.score(tenders):
            out.writerow([tender_id, f"{score:.4f}"])

    def labels(self, output, **options):
        from onewindow.trading.screening import training_rows

        rows = training_rows()
        with open(output, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, ["tender_id", "bidder_id", "amount", "winner", "collusive"])
            writer.writeheader()
            writer.writerows(rows)
        self.stderr.write(f"{len(rows)} bids of reviewed tenders: {output}")

    def evaluate(self, input, folds, repeats, **options):
        if not 2 <= folds <= 20 or not 1 <= repeats <= 50:
            raise CommandError("--folds must be from 2 to 20 and --repeats from 1 to 50")
        tenders = screening.read_bids(input, with_label=True)
        self.stdout.write(json.dumps(screening.cross_validate(tenders, folds, repeats), indent=2))
