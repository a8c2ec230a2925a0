"""Renderers of the reports in `ledger.reports`: images, LaTeX, DOT, Markdown, HTML and CSV.

Importing this package costs nothing: matplotlib is imported inside the functions that
draw (with the Agg canvas, never pyplot, so no global backend or figure state is touched),
and Graphviz runs as the `dot` program only when an SVG or PNG graph is asked for. A
`write_*` function per report picks the format from the output file's extension and
raises `UnsupportedFormat` for any other.
"""
