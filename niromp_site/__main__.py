"""Django's management commands for this site: `manage.py` in a checkout, the
`niromp-site` command (or `python -m niromp_site`) where the wheel is installed."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "niromp_site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
