"""The `onewindow` console script: Django's management commands with OneWindow's settings.

`--data-dir DIR` is read before Django starts because the settings depend on it.
"""

import os
import sys


def _take_data_dir(argv: list[str]) -> list[str]:
    remaining = []
    args = iter(argv)
    for arg in args:
        if arg == "--data-dir":
            value = next(args, None)
            if value is None:
                sys.exit("onewindow: --data-dir needs a folder")
            os.environ["ONEWINDOW_DATA_DIR"] = value
        elif arg.startswith("--data-dir="):
            os.environ["ONEWINDOW_DATA_DIR"] = arg.split("=", 1)[1]
        else:
            remaining.append(arg)
    return remaining


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(_take_data_dir(argv))


if __name__ == "__main__":
    main()
