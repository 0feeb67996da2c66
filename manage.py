#!/usr/bin/env python3
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charterhub.settings")
    if sys.version_info < (3, 12):  # noqa: UP036 — say so plainly instead of a SyntaxError
        sys.exit("CharterHub needs Python 3.12+: run it with .venv/bin/python (make install).")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
