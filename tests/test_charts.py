"""Renderers: images really drawn, LaTeX really compiled, DOT really laid out by Graphviz.

The reports come from the hand-made plan of `plans.py` (judged on 2020-08-01). Graphviz
`dot`, `pdflatex` and pgfgantt must be installed (CI installs them from Debian's
packages): a test that needs one fails when it is missing, it never skips.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from plans import TODAY, earlier_plan, hand_plan, milestone, state_of

from ledger.charts.burndown import burndown_csv, write_burndown
from ledger.charts.celebrate import celebration_html, celebration_markdown, write_celebration
from ledger.charts.gantt import write_gantt
from ledger.charts.gantt_latex import gantt_latex
from ledger.charts.graph import graph_dot, write_graph
from ledger.charts.slip import slip_csv, write_slip
from ledger.errors import InvalidInput, RenderFailed, UnsupportedFormat
from ledger.reports.burndown import Burndown, burndown
from ledger.reports.celebrate import Celebration, celebrate
from ledger.reports.gantt import Gantt, gantt
from ledger.reports.graph import Graph, graph
from ledger.reports.slip import Slip, slip

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WRAPPER = Path(__file__).with_name("gantt_wrapper.tex")
NASTY = 'Fix 50% of {x} & $y_z$ #1 ~^ \\ "quoted" <b>bold</b> | *star*'


def _burndown() -> Burndown:
    return burndown(
        state=hand_plan(), compare=earlier_plan(), compare_label="RFC-1", level=3, today=TODAY
    )


def _slip() -> Slip:
    return slip(
        before=earlier_plan(), after=hand_plan(), before_label="RFC-1", after_label=TODAY,
        today=TODAY,
    )  # fmt: skip


def _gantt(with_members: bool = True) -> Gantt:
    return gantt(state=hand_plan(), today=TODAY, with_members=with_members)


def _graph() -> Graph:
    # A-1 belongs to R1 only: it is drawn because A-3 depends on it.
    predecessors = {"A-5": ["A-3"], "A-3": ["A-1"]}
    return graph(state=hand_plan(), today=TODAY, release="R2", predecessors=predecessors)


def _celebration() -> Celebration:
    # Every completion of the hand-made plan is event #10.
    recorded = {10: "2020-04-03T09:15:42.123456Z"}
    return celebrate(state=hand_plan(), since="2020-01-01", recorded_at=recorded)


def _png_shape(path: Path) -> tuple[int, ...]:
    import matplotlib.image

    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    return tuple(matplotlib.image.imread(path).shape)


def _inked(path: Path) -> float:
    """The share of pixels that are not white: a blank image has none."""
    import matplotlib.image

    pixels = matplotlib.image.imread(path)[..., :3]
    return float((pixels.min(axis=-1) < 0.95).mean())


def _run(*command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def _nasty_plan():
    state = hand_plan()
    state.milestones["R2"].title = NASTY
    return state


# --- the tools the renderers need --------------------------------------------------------------


@pytest.mark.parametrize("tool", ["dot", "pdflatex", "kpsewhich"])
def test_the_programs_the_charts_need_are_installed(tool):
    assert shutil.which(tool), f"{tool} is missing: apt-get install graphviz texlive-latex-base"


def test_pgfgantt_is_installed(tmp_path):
    found = _run("kpsewhich", "pgfgantt.sty", cwd=tmp_path)

    assert found.stdout.strip().endswith("pgfgantt.sty"), "apt-get install texlive-pictures"


def test_importing_the_renderers_does_not_import_matplotlib():
    code = (
        "import sys, ledger.charts.burndown, ledger.charts.slip, ledger.charts.gantt, "
        "ledger.charts.graph, ledger.charts.celebrate; "
        "print(sorted(m for m in sys.modules if m.startswith(('matplotlib', 'numpy'))))"
    )

    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert shown.stdout.strip() == "[]"


# --- burndown --------------------------------------------------------------------------------


def test_burndown_png_is_the_requested_size_and_not_blank(tmp_path):
    out = tmp_path / "burndown.png"

    write_burndown(_burndown(), out=out, size=(800, 500))

    assert _png_shape(out)[:2] == (500, 800)
    assert _inked(out) > 0.02


def test_burndown_svg_holds_the_title_axis_labels_legend_and_today(tmp_path):
    out = tmp_path / "burndown.svg"

    write_burndown(_burndown(), out=out)

    text = out.read_text(encoding="utf-8")
    for words in (
        "Level-3 milestones due and completed, as of 2020-08-01",
        "Milestones (cumulative)",
        "Date",
        "Baseline due (4)",
        "Forecast due, as of RFC-1 (5)",
        "Completed (2 by 2020-08-01)",
        "today (2020-08-01)",
    ):
        assert f">{words}<" in text, words


def test_burndown_pdf_is_a_pdf(tmp_path):
    out = tmp_path / "burndown.pdf"

    write_burndown(_burndown(), out=out)

    assert out.read_bytes().startswith(b"%PDF-")


def test_burndown_csv_has_a_row_for_every_listed_day(tmp_path):
    out = tmp_path / "burndown.csv"

    write_burndown(_burndown(), out=out)

    assert out.read_text(encoding="utf-8") == burndown_csv(_burndown())
    assert burndown_csv(_burndown()).splitlines() == [
        "date,baseline_due,forecast_due,compare_due,completed",
        "2020-01-10,0,0,0,1",
        "2020-01-15,1,1,1,1",
        "2020-02-15,2,1,2,1",
        "2020-03-15,2,2,2,1",
        "2020-03-20,2,2,2,2",
        "2020-05-01,3,2,3,2",
        "2020-06-01,3,2,4,2",
        "2020-07-01,3,3,4,2",
        "2020-08-01,3,3,4,2",
        "2020-08-15,3,4,4,2",
        "2020-09-01,4,4,5,2",
    ]


def test_the_same_report_draws_the_same_svg(tmp_path):
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"

    write_burndown(_burndown(), out=first)
    write_burndown(_burndown(), out=second)

    assert first.read_bytes() == second.read_bytes()


def test_a_dollar_in_a_label_is_drawn_as_a_dollar_not_mathematics(tmp_path):
    out = tmp_path / "burndown.svg"
    report = burndown(state=hand_plan(), compare=earlier_plan(), compare_label="$5", today=TODAY)

    write_burndown(report, out=out, title="Costs $x$ and $y$")

    text = out.read_text(encoding="utf-8")
    assert ">Costs $x$ and $y$<" in text
    assert "Forecast due, as of $5 (7)" in text


def test_a_chart_too_small_to_read_is_refused(tmp_path):
    with pytest.raises(InvalidInput, match="too small"):
        write_burndown(_burndown(), out=tmp_path / "b.png", size=(50, 50))


# --- slip ------------------------------------------------------------------------------------


def test_slip_png_grows_with_the_moved_milestones_and_is_not_blank(tmp_path):
    out = tmp_path / "slip.png"

    write_slip(_slip(), out=out)

    # Four milestones moved (R2, A-3, A-2, A-5): 160 + 4 x 22 is under the 400 minimum.
    assert _png_shape(out)[:2] == (400, 1200)
    assert _inked(out) > 0.02


def test_slip_svg_names_each_moved_milestone_with_its_slip_and_both_points(tmp_path):
    out = tmp_path / "slip.svg"

    write_slip(_slip(), out=out)

    text = out.read_text(encoding="utf-8")
    for words in (
        "Forecasts moved from RFC-1 to 2020-08-01: 3 later, 1 earlier, 1 removed",
        "R2  +92 d",
        "A-3  +61 d",
        "A-2  +29 d",
        "A-5  -17 d",
        "Forecast at RFC-1",
        "Forecast at 2020-08-01, later",
        "Forecast at 2020-08-01, earlier",
        "today (2020-08-01)",
        "Date",
    ):
        assert f">{words}<" in text, words
    assert ">A-1  " not in text  # unchanged: no arrow


def test_slip_csv_lists_every_milestone_in_slip_order(tmp_path):
    out = tmp_path / "slip.csv"

    write_slip(_slip(), out=out)

    assert out.read_text(encoding="utf-8").splitlines() == [
        "code,level,title,forecast_before,forecast_after,slip_days,change,completed,was",
        "R2,2,Title of R2,2020-06-30,2020-09-30,92,moved,,",
        "A-3,3,Title of A-3,2020-05-01,2020-07-01,61,moved,,",
        "A-2,3,Title of A-2,2020-02-15,2020-03-15,29,moved,2020-03-20,",
        "A-1,3,Title of A-1,2020-01-15,2020-01-15,0,unchanged,2020-01-10,",
        "R1,2,Title of R1,2020-03-31,2020-03-31,0,unchanged,2020-04-02,",
        "A-5,3,Title of A-5,2020-09-01,2020-08-15,-17,moved,,",
        "A-4,3,Title of A-4,2020-06-01,,,removed,,",
    ]
    assert slip_csv(_slip()) == out.read_text(encoding="utf-8")


def test_a_slip_chart_draws_the_80_milestones_that_moved_furthest_either_way(tmp_path):
    # X-0 ... X-89 slip by 1 ... 90 days; Y-0 ... Y-9 come 100 ... 109 days earlier. The 80
    # that moved furthest are the ten Y and X-20 ... X-89; X-0 ... X-19 are left out.
    before = [milestone(f"X-{i}", 3, "2020-01-01") for i in range(90)]
    before += [milestone(f"Y-{i}", 3, "2020-12-31") for i in range(10)]
    after = state_of(*(milestone(m.code, 3, "2020-01-01") for m in before))
    for i in range(90):
        after.milestones[f"X-{i}"].forecast = (date(2020, 1, 1) + timedelta(days=i + 1)).isoformat()
    for i in range(10):
        after.milestones[f"Y-{i}"].forecast = "2020-09-01"
        after.milestones[f"Y-{i}"].baseline = "2020-12-31"
    report = slip(before=state_of(*before), after=after)
    out = tmp_path / "slip.svg"

    write_slip(report, out=out)

    text = out.read_text(encoding="utf-8")
    labels = re.findall(r">([XY]-\d+)  [-+]\d+ d<", text)
    assert len(labels) == 80
    assert set(labels) == {f"Y-{i}" for i in range(10)} | {f"X-{i}" for i in range(20, 90)}
    assert "(the 80 that moved furthest are drawn)" in text
    assert len(slip_csv(report).splitlines()) == 101  # the data keeps every one


def test_a_day_is_placed_where_matplotlib_places_it():
    from matplotlib.dates import date2num

    from ledger.charts.figure import day_number

    for day in ("0001-01-01", "1969-12-31", "1970-01-01", "2018-04-13", "2100-02-28"):
        assert day_number(day) == float(date2num(date.fromisoformat(day)))


def test_a_slip_with_nothing_moved_still_draws(tmp_path):
    out = tmp_path / "slip.svg"

    write_slip(slip(before=hand_plan(), after=hand_plan()), out=out)

    assert ">No forecast moved<" in out.read_text(encoding="utf-8")


# --- Gantt -----------------------------------------------------------------------------------


def test_gantt_png_has_a_row_height_for_every_row_and_is_not_blank(tmp_path):
    out = tmp_path / "gantt.png"

    write_gantt(_gantt(), out=out)

    # R1 + 2 members, R2 + 3 members: 7 rows, 180 + 7 x 22 is under the 400 minimum.
    assert _png_shape(out)[:2] == (400, 1400)
    assert _inked(out) > 0.02


def test_gantt_svg_names_every_row_the_statuses_and_today(tmp_path):
    out = tmp_path / "gantt.svg"

    write_gantt(_gantt(), out=out)

    text = out.read_text(encoding="utf-8")
    for words in (
        "Level-2 milestones and their Level-3 milestones, as of 2020-08-01",
        "R1  Title of R1",
        "R2  Title of R2",
        "A-2  Title of A-2",
        "A-5  Title of A-5",
        "Baseline",
        "Forecast, done",
        "Forecast, on track",
        "Forecast, slipped",
        "Forecast, late",
        "Completed",
        "today (2020-08-01)",
        "Date",
    ):
        assert f">{words}<" in text, words
    assert text.count(">A-2  Title of A-2<") == 2  # under both releases
    assert "A-4" not in text  # withdrawn


def test_gantt_pdf_is_a_pdf(tmp_path):
    out = tmp_path / "gantt.pdf"

    write_gantt(_gantt(with_members=False), out=out)

    assert out.read_bytes().startswith(b"%PDF-")


def test_gantt_latex_lists_each_row_with_its_months_and_status(tmp_path):
    out = tmp_path / "gantt.tex"

    write_gantt(_gantt(), out=out)

    text = out.read_text(encoding="utf-8")
    assert text == gantt_latex(_gantt())
    assert "]{2020-01}{2020-12}" in text  # whole years, a month a slot
    assert "(\\linewidth-6.4cm)/12" in text
    assert "today=2020-08," in text
    # R2: baseline June, forecast September, slipped: a bar, a hollow and an orange diamond.
    assert (
        "\\ganttbar{\\textbf{R2} Title of R2}{2020-06}{2020-09}\n"
        "  \\ganttmilestone[milestone/.append style={fill=white}]{}{2020-06}\n"
        "  \\ganttmilestone[milestone/.append style={fill=orange}]{}{2020-09} \\\\"
    ) in text
    # done in January, due in January: one green diamond.
    assert (
        "\\ganttmilestone[milestone/.append style={fill=green!60!black}]"
        "{\\textcolor{black!70}{A-1 Title of A-1}}{2020-01} \\\\"
    ) in text


def _compile(tmp_path: Path, latex: str) -> subprocess.CompletedProcess[str]:
    shutil.copy(WRAPPER, tmp_path / "document.tex")
    (tmp_path / "gantt.tex").write_text(latex, encoding="utf-8")
    return _run("pdflatex", "-interaction=nonstopmode", "-halt-on-error", "document.tex",
                cwd=tmp_path)  # fmt: skip


def test_gantt_latex_compiles_inside_a_document_in_one_run_and_fits_the_page(tmp_path):
    run = _compile(tmp_path, gantt_latex(_gantt()))

    assert run.returncode == 0, run.stdout[-2000:]
    assert (tmp_path / "document.pdf").read_bytes().startswith(b"%PDF-")
    log = (tmp_path / "document.log").read_text(encoding="latin-1")
    assert "Overfull \\hbox" not in log
    assert "Rerun" not in log


def test_gantt_latex_with_every_special_character_in_a_title_compiles(tmp_path):
    report = gantt(state=_nasty_plan(), today=TODAY)

    run = _compile(tmp_path, gantt_latex(report))

    assert run.returncode == 0, run.stdout[-2000:]
    assert "\\$y\\_z\\$ \\#1" in gantt_latex(report)


def test_gantt_latex_of_an_empty_plan_compiles(tmp_path):
    run = _compile(tmp_path, gantt_latex(gantt(state=state_of(), today=TODAY)))

    assert run.returncode == 0, run.stdout[-2000:]


# --- graph -----------------------------------------------------------------------------------


def test_graph_dot_marks_late_done_outside_and_the_critical_path():
    text = graph_dot(_graph())

    # A-1 (done, outside R2) -> A-3 (late) -> A-5 -> R2 is the critical path: each is the
    # predecessor finishing last (A-5 on 08-15 beats A-3 on 07-01 and A-2 on 03-20).
    red = 'color="#d62728", penwidth=3'
    assert text.splitlines()[4:] == [
        f'  "A-1" [label="A-1\\nTitle of A-1\\ndone 2020-01-10", style="filled,rounded,dashed", '
        f'fillcolor="#b0e0e6", {red}];',
        '  "A-2" [label="A-2\\nTitle of A-2\\ndone 2020-03-20", style="filled,rounded", '
        'fillcolor="#b0e0e6"];',
        '  "A-3" [label="A-3\\nTitle of A-3\\ndue 2020-07-01", style="filled,rounded", '
        f'fillcolor="#ffb347", {red}];',
        '  "A-5" [label="A-5\\nTitle of A-5\\ndue 2020-08-15", style="filled,rounded", '
        f'fillcolor="white", {red}];',
        '  "R2" [label="R2\\nTitle of R2\\ndue 2020-09-30", style="filled", fillcolor="white", '
        f'fontname="Helvetica-Bold", {red}];',
        '  "A-1" -> "A-3" [color="#d62728", penwidth=2.5];',
        '  "A-2" -> "R2" [style=dashed];',
        '  "A-3" -> "A-5" [color="#d62728", penwidth=2.5];',
        '  "A-3" -> "R2" [style=dashed];',
        '  "A-5" -> "R2" [style=dashed, color="#d62728", penwidth=2.5];',
        "}",
    ]
    assert "critical path to R2 in red" in text.splitlines()[1]


def test_dot_accepts_the_written_dot_file(tmp_path):
    out = tmp_path / "graph.dot"
    write_graph(_graph(), out=out)

    run = _run("dot", "-Tsvg", "-o", "graph.svg", "graph.dot", cwd=tmp_path)

    assert run.returncode == 0, run.stderr
    assert run.stderr == ""


def test_graph_svg_drawn_by_dot_holds_every_code(tmp_path):
    out = tmp_path / "graph.svg"

    write_graph(_graph(), out=out)

    text = html.unescape(out.read_text(encoding="utf-8"))  # dot writes "-" as &#45;
    for code in ("A-1", "A-2", "A-3", "A-5", "R2"):
        assert f">{code}<" in text, code


def test_graph_png_drawn_by_dot_is_not_blank(tmp_path):
    out = tmp_path / "graph.png"

    write_graph(_graph(), out=out)

    assert len(_png_shape(out)) == 3
    assert _inked(out) > 0.02


def test_a_title_with_quotes_and_backslashes_stays_one_label_in_dot(tmp_path):
    report = graph(state=_nasty_plan(), today=TODAY, release="R2")
    out = tmp_path / "graph.svg"

    write_graph(report, out=out)

    text = out.read_text(encoding="utf-8")
    # The title is cut into lines at spaces; each line shows exactly as written.
    assert ">Fix 50% of {x} &amp; $y_z$ #1 ~^<" in text
    assert ">\\ &quot;quoted&quot; &lt;b&gt;bold&lt;/b&gt; |<" in text


def test_drawing_a_graph_without_dot_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(RenderFailed, match="Graphviz `dot` is not installed"):
        write_graph(_graph(), out=tmp_path / "graph.svg")


# --- celebrate -------------------------------------------------------------------------------


def test_celebration_markdown_is_a_table_of_completions_oldest_first():
    assert celebration_markdown(_celebration()) == (
        "## Milestones completed since 2020-01-01\n"
        "\n"
        "| Completed | Code | Title | Level | Recorded by | Recorded (UTC) |\n"
        "|---|---|---|---|---|---|\n"
        "| 2020-01-10 | A-1 | Title of A-1 | 3 | bob | 2020-04-03 09:15 |\n"
        "| 2020-03-20 | A-2 | Title of A-2 | 3 |  | 2020-04-03 09:15 |\n"
        "| 2020-04-02 | R1 | Title of R1 | 2 | alice | 2020-04-03 09:15 |\n"
        "\n"
        "3 milestones completed.\n"
    )


def test_celebration_escapes_every_value_in_markdown_and_html():
    state = state_of(
        milestone("A-<1>", 3, "2020-01-01", completed="2020-01-02", by='slack:T/U<!channel>&"'),
    )
    state.milestones["A-<1>"].title = NASTY

    report = celebrate(state=state, since="2020-01-01")
    markdown, page = celebration_markdown(report), celebration_html(report)

    assert "| A-\\<1\\> |" in markdown
    assert "\\<b\\>bold\\</b\\> \\| \\*star\\*" in markdown
    assert "<b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt; | *star*" in page
    assert "A-&lt;1&gt;" in page
    assert "slack:T/U&lt;!channel&gt;&amp;&quot;" in page


def test_an_empty_celebration_says_so():
    report = celebrate(state=hand_plan(), since="2021-01-01")

    assert celebration_markdown(report).endswith("\nNo milestones completed since 2021-01-01.\n")
    assert "<table>" not in celebration_html(report)


def test_celebration_files_by_extension(tmp_path):
    write_celebration(_celebration(), out=tmp_path / "done.md")
    write_celebration(_celebration(), out=tmp_path / "done.html")

    assert (tmp_path / "done.md").read_text(encoding="utf-8").startswith("## Milestones")
    assert (tmp_path / "done.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# --- formats ---------------------------------------------------------------------------------

Writer = Callable[..., None]


@pytest.mark.parametrize(
    ("write", "report", "name", "choices"),
    [
        (write_burndown, _burndown, "chart.jpg", ".png, .svg, .pdf, .csv"),
        (write_slip, _slip, "slip.txt", ".png, .svg, .pdf, .csv"),
        (write_gantt, _gantt, "gantt.csv", ".png, .svg, .pdf, .tex"),
        (write_graph, _graph, "graph.jpeg", ".dot, .gv, .svg, .png, .pdf"),
        (write_celebration, _celebration, "done.pdf", ".md, .html"),
        (write_burndown, _burndown, "chart", ".png, .svg, .pdf, .csv"),
    ],
)
def test_an_unknown_extension_is_refused_in_one_line_naming_the_choices(
    tmp_path: Path, write: Writer, report: Callable[[], Any], name: str, choices: str
):
    out = tmp_path / name

    with pytest.raises(UnsupportedFormat) as refused:
        write(report(), out=out)

    message = str(refused.value)
    assert "\n" not in message
    assert message.endswith(f"({name}); use {choices}")
    assert not out.exists()


def test_writing_into_a_missing_folder_is_refused_with_the_path(tmp_path):
    out = tmp_path / "no such folder" / "burndown.csv"

    with pytest.raises(InvalidInput, match=r"cannot write .*no such folder"):
        write_burndown(_burndown(), out=out)


# --- layout ----------------------------------------------------------------------------------


def _ink(path: Path) -> Any:
    """Which pixels of a PNG are inked (not white), as a boolean array of rows."""
    import matplotlib.image

    return matplotlib.image.imread(path)[..., :3].min(axis=-1) < 0.95


@pytest.mark.parametrize(
    ("write", "report"),
    [
        (write_burndown, _burndown),
        (write_slip, _slip),
        (write_gantt, lambda: gantt(state=_nasty_plan(), today=TODAY, with_members=True)),
    ],
)
def test_a_chart_fills_its_image_with_its_labels_inside_it(
    tmp_path: Path, write: Writer, report: Callable[[], Any]
):
    # The plot is placed from measured labels, title and legend: a label cut by an edge
    # inks its outermost pixels, a misjudged margin leaves a wide blank band, and labels
    # pushed out of the image leave nothing left of the plot's frame.
    out = tmp_path / "chart.png"

    write(report(), out=out)

    inked = _ink(out)
    columns, rows = inked.any(axis=0), inked.any(axis=1)
    blanks = {
        "left": columns.argmax(),
        "top": rows.argmax(),
        "right": columns[::-1].argmax(),
        "bottom": rows[::-1].argmax(),
    }
    for side, blank in blanks.items():
        assert 2 <= blank <= 20, f"{blank} blank pixels at the {side}"
    frame = int((inked.mean(axis=0) > 0.5).argmax())  # the plot's left edge, a long line
    assert frame > 20 and inked[:, :frame].mean() > 0.01  # labels drawn left of the plot


def test_the_layout_keeps_labels_title_and_legend_apart_and_inside_the_figure():
    from ledger.charts.figure import date_axis, day_number, new_figure, row_labels
    from ledger.charts.layout import lay_out

    figure = new_figure((600, 300))
    axes = figure.add_subplot()
    ends = [day_number("2020-01-01"), day_number("2024-01-01")]
    axes.plot(ends, [0, 5], label="a line")
    axes.set_xlim(*ends)  # a date label centred on each edge, half of it beyond the plot
    labels = row_labels(axes, [f"ROW-{i}  a label of some length" for i in range(6)], fontsize=8)
    date_axis(axes)
    legend = figure.legend(loc="lower center", ncols=2)

    title = "A title long enough to need most of the width"
    lay_out(figure, axes, title=title, legend=legend, rows=labels)
    figure.canvas.draw()

    renderer = figure.canvas.get_renderer()
    inside = figure.bbox
    plot = axes.get_window_extent(renderer)
    below = axes.xaxis.get_tightbbox(renderer)
    heading = axes.title.get_window_extent(renderer)
    key = legend.get_window_extent(renderer)
    for label in labels:
        box = label.get_window_extent(renderer)
        assert inside.x0 < box.x0 and box.x1 < plot.x0  # left of the plot, not cut
    assert inside.y0 < key.y0 and key.y1 < below.y0 < below.y1 < plot.y0  # legend, dates, plot
    assert plot.y1 < heading.y0 and heading.y1 < inside.y1 and inside.x0 < heading.x0
    assert below.x1 < inside.x1 and heading.x1 < inside.x1
