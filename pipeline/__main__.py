"""``python -m pipeline`` is the same as the ``mena-ner`` command."""

from pipeline.cli import main

main(prog_name="mena-ner")
