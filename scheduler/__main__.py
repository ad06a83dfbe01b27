"""`python -m scheduler [--once]`: the same as `rehab scheduler`."""

from __future__ import annotations

import sys

from rehab.cli import cli

if __name__ == "__main__":
    sys.exit(cli.main(args=["scheduler", *sys.argv[1:]], prog_name="python -m scheduler"))
