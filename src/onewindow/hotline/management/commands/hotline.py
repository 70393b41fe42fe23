import csv
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from onewindow.hotline import routing


class Command(BaseCommand):
    help = (
        "The hotline's routing model: `train` it from a CSV of messages (id, created, title, body, "
        "category), `predict` categories for a CSV without category (CSV out: id,category,confidence), "
        "`evaluate` it by cross-validation (JSON out), `retrain` the model in use from closed tickets."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        train = sub.add_parser("train", help="train a routing model and write it to a folder")
        train.add_argument("--input", required=True, help="CSV: id, created, title, body, category (UTF-8)")
        train.add_argument("--output", required=True, help="folder for the model")
        train.add_argument("--taxonomy", help="optional CSV category tree: level1, level2, level3")
        predict = sub.add_parser("predict", help="categories and confidences, as CSV on standard output")
        predict.add_argument("--model", required=True, help="a folder written by train")
        predict.add_argument("--input", required=True, help="CSV: id, created, title, body (UTF-8)")
        evaluate = sub.add_parser("evaluate", help="cross-validated macro-F1 and accuracy (JSON)")
        evaluate.add_argument("--input", required=True)
        evaluate.add_argument("--taxonomy")
        evaluate.add_argument("--folds", type=int, default=5)
        evaluate.add_argument(
            "--threshold",
            type=float,
            default=0.6,
            help="automatic-dispatch threshold to report (default 0.6)",
        )
        sub.add_parser(
            "retrain",
            help="retrain the model in use from closed tickets; it is replaced only if not worse on the "
            "newest tenth held back",
        )

    def handle(self, *args, action, **options):
        try:
            getattr(self, action)(**options)
        except routing.RoutingInputError as error:
            raise CommandError(str(error)) from None

    def _taxonomy(self, path):
        return routing.read_taxonomy(path) if path else []

    def train(self, input, output, taxonomy, **options):
        messages = routing.read_messages(input, with_category=True)
        model = routing.RoutingModel.train(messages, self._taxonomy(taxonomy))
        folder = model.save(output)
        self.stderr.write(
            f"model of {len(messages)} messages, {len(model.meta['categories'])} categories: {folder}"
        )

    def predict(self, model, input, **options):
        loaded = routing.RoutingModel.load(model)
        messages = routing.read_messages(input, with_category=False)
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(["id", "category", "confidence"])
        for message, (category, confidence) in zip(messages, loaded.predict(messages), strict=True):
            out.writerow([message["id"], category, f"{confidence:.4f}"])

    def retrain(self, **options):
        from onewindow.hotline.retraining import retrain

        version = retrain()
        self.stdout.write(
            json.dumps(
                {
                    "examples": version.examples,
                    "held_back": version.held_back,
                    "new_macro_f1": version.new_macro_f1,
                    "old_macro_f1": version.old_macro_f1,
                    "replaced": version.accepted,
                    "folder": version.folder,
                }
            )
        )

    def evaluate(self, input, taxonomy, folds, threshold, **options):
        if not 2 <= folds <= 20:
            raise CommandError("--folds must be from 2 to 20")
        if not 0 <= threshold <= 1:
            raise CommandError("--threshold must be from 0 to 1")
        messages = routing.read_messages(input, with_category=True)
        figures = routing.cross_validate(messages, self._taxonomy(taxonomy), folds=folds, threshold=threshold)
        self.stdout.write(json.dumps(figures, ensure_ascii=False))
