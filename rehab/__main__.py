"""`python -m rehab …` is the `rehab` command."""

from rehab.cli import cli

cli()
