"""The HTML report of a run: ``mena-ner report OUT_DIR`` writes ``OUT_DIR/report.html``.

It reads only the run's CSV tables and source files (never pipeline stages): tables ->
:mod:`~pipeline.report.overview` summaries -> :mod:`~pipeline.report.charts` figures and
:mod:`~pipeline.report.documents` views -> :mod:`~pipeline.report.page`, one self-contained
file that opens offline. Entry point: :func:`pipeline.report.build.build_report`.
Nothing is imported here, so registering the CLI command stays cheap (plotly and spaCy load
only when a report is built).
"""
