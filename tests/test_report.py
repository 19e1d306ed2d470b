"""The report layer: figures, the HTML page, the tables and the summary words."""

from __future__ import annotations

import json
import warnings
import re
from dataclasses import replace
from html.parser import HTMLParser

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from riskload import RiskloadError, report  # noqa: E402
from riskload.report.tables import to_json  # noqa: E402
from riskload.report.severity import COLORS  # noqa: E402
from riskload.report.units import KM_PER_MILE  # noqa: E402

from .synthetic import analysis, run, strength, weeks  # noqa: E402

# 20, 30, 30, 33 km weeks (Tue/Thu/Sat/Sun runs) from Mon 5 Jan 2026: week 2 is +50 %, a new high.
JUMP = weeks(20, 30, 30, 33)


@pytest.fixture(scope="module")
def jumped():
    return analysis(JUMP, as_of="2026-02-01")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def weekly_bars(ax) -> list[tuple[float, str, str | None]]:
    """Height, colour and hatch of each weekly bar, left to right (a collection plus hatched patches)."""
    found = []
    for bars in (c for c in ax.collections if c.get_gid() == "week-bars"):
        for path, colour in zip(bars.get_paths(), bars.get_facecolors()):
            found.append((path.vertices[:, 0].min(), path.vertices[:, 1].max(), to_hex(colour), None))
    found += [(p.get_x(), p.get_height(), to_hex(p.get_facecolor()), p.get_hatch()) for p in ax.patches]
    return [bar[1:] for bar in sorted(found)]


def bar_heights(ax):
    return [round(height, 6) for height, _, _ in weekly_bars(ax)]


def bar_colours(ax):
    return [colour for _, colour, _ in weekly_bars(ax)]


def test_bars_are_coloured_by_the_worst_flag_of_their_week(jumped):
    ax = report.plot_weekly_distance(jumped.load.weekly, jumped.flags)
    assert list(jumped.flags["code"]) == ["RL001"] and jumped.flags["severity"].iloc[0] == "caution"
    assert bar_heights(ax) == [20.0, 30.0, 30.0, 33.0]
    assert bar_colours(ax) == [COLORS["none"], COLORS["caution"], COLORS["none"], COLORS["none"]]
    assert [t.get_text() for t in ax.texts] == ["RL001", "so far"]  # 1 Feb is the last week's Sunday: unfinished


def test_the_allowed_increase_dash_is_last_week_plus_the_limit(jumped):
    ax = report.plot_weekly_distance(jumped.load.weekly, jumped.flags, limit_pct=10)
    dashes = next(c for c in ax.collections if isinstance(c, LineCollection)).get_segments()
    heights = [round(seg[0][1], 6) for seg in dashes if len(seg) and np.isfinite(seg[0][1])]
    assert heights == [22.0, 33.0, 33.0]
    assert bar_colours(ax)[3] == COLORS["none"]  # 33 km after 30 km is exactly +10 %: on the dash, no flag


def test_the_dash_takes_a_small_week_as_the_weekly_jump_does():
    # RL001 holds a week after one of 4 km, or after an empty one, to 10 km + 10 %; the break's second empty week,
    # with no running before or in it, gets no dash
    result = analysis(weeks(30, 4, 0, 0, 12), as_of="2026-03-01")
    ax = report.plot_weekly_distance(result.load.weekly, result.flags)
    dashes = next(c for c in ax.collections if isinstance(c, LineCollection)).get_segments()
    heights = [round(seg[0][1], 6) for seg in dashes if len(seg) and np.isfinite(seg[0][1])]
    assert heights == [33.0, 11.0, 11.0, 13.2]  # the last: the empty week after the 12 km
    assert "last week (at least 10.0 km) + 10 %" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_panels_draw_on_the_axes_they_are_given_and_return_it(jumped):
    fig, axes = plt.subplots(3)
    assert report.plot_weekly_distance(jumped.load.weekly, jumped.flags, ax=axes[0]) is axes[0]
    assert report.plot_terrain_and_rest(jumped.load.weekly, ax=axes[1]) is axes[1]
    assert report.plot_acwr(jumped.load.daily, ax=axes[2]) is axes[2]
    assert len(fig.axes) == 4  # the rest-day axis is the one twin


def test_miles_convert_bars_and_label(jumped):
    ax = report.plot_weekly_distance(jumped.load.weekly, jumped.flags, units="mi")
    assert bar_heights(ax) == [round(k / KM_PER_MILE, 6) for k in (20, 30, 30, 33)]
    assert ax.get_ylabel() == "running mi per week"


def test_the_week_in_progress_is_hatched():
    result = analysis(weeks(20, 22, 23) + [run(22, 5)], as_of="2026-01-28")  # Wed of week 4
    ax = report.plot_weekly_distance(result.load.weekly, result.flags)
    assert [hatch for _, _, hatch in weekly_bars(ax)] == [None, None, None, "////"]


def test_thin_keeps_the_important_labels_and_spaces_the_rest():
    positions = np.array([0.0, 1.0, 2.0, 3.0, 10.0])
    priority = np.array([1, 3, 1, 2, 1])
    keep = report.thin(positions, priority, min_gap=2.0)
    assert list(keep) == [False, True, False, True, True]


def five_years():
    """260 made-up weeks, two in three flagged, the kind of history thinning is for."""
    rng = np.random.default_rng(7)
    index = pd.date_range("2021-01-04", periods=260, freq="7D", name="week_start")
    weekly = pd.DataFrame({"distance_km": rng.uniform(20, 60, 260), "complete": True, "rest_days": 2,
                           "ascent_m_per_km": 10.0}, index=index)
    flagged = index[rng.random(260) < 0.66]
    flags = pd.DataFrame({"week_start": flagged, "date": flagged,
                          "code": rng.choice(["RL001", "RL003", "RL011"], len(flagged)),
                          "severity": rng.choice(["info", "caution", "warning"], len(flagged)),
                          "evidence": rng.choice(["weak", "heuristic"], len(flagged))})
    return weekly, flags.assign(rule_severity=flags["severity"])


def overlaps(texts, renderer) -> int:
    boxes = [t.get_window_extent(renderer) for t in texts if t.get_visible() and t.get_text()]
    return sum(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_five_years_of_weeks_keep_labels_apart():
    weekly, flags = five_years()
    fig, ax = plt.subplots(figsize=(12, 4), layout="constrained")
    report.plot_weekly_distance(weekly, flags, ax=ax)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    codes = [t for t in ax.texts]
    assert 20 < len(codes) < len(flags["week_start"].unique())  # thinned, not dropped
    assert overlaps(codes, renderer) == 0
    assert overlaps(ax.get_xticklabels(), renderer) == 0
    warned = set(flags.loc[flags["severity"] == "warning", "week_start"])
    assert len(bar_colours(ax)) == 260 and bar_colours(ax).count(COLORS["warning"]) == len(warned)


def test_eight_weeks_label_every_flagged_week():
    weekly, flags = five_years()
    weekly, flags = weekly.iloc[:8], flags[flags["week_start"] < weekly.index[8]]
    ax = report.plot_weekly_distance(weekly, flags)
    ax.figure.canvas.draw()
    assert len(ax.texts) == flags["week_start"].nunique()
    assert overlaps(ax.get_xticklabels(), ax.figure.canvas.get_renderer()) == 0


def test_week_view_shows_runs_rest_days_and_strength():
    result = analysis(weeks(30, 30) + [strength(9)], as_of="2026-02-01")
    ax = report.plot_week(result.load, result.flags, "2026-01-12")
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("rest") == 3 and texts.count("strength") == 1
    assert [t for t in texts if "\n" in t and t[:3] in {"Mon", "Sun"}] == ["Mon\n12 Jan", "Sun\n18 Jan"]
    assert len(ax.get_yticks()) == 0  # the bars carry their distances instead
    assert [round(p.get_height(), 6) for p in ax.patches] == [7.5] * 4
    assert ax.get_title(loc="left") == ("Week of Mon 12 Jan 2026: 30.0 km in 4 runs, 3 rest days; flagged as a whole: "
                                        "RL011")  # one strength session where the runner records them


def test_week_figure_writes_the_flag_messages(jumped):
    fig = report.week_figure(jumped.load, jumped.flags, "2026-01-12")
    notes = fig.texts[0].get_text()
    assert notes.startswith("CAUTION RL001 (weak evidence): 30.0 km after 20.0 km last week: +50.0 %")
    # the weekly jump names every run of the week, so each bar wears its colour: the title says why
    assert fig.axes[0].get_title(loc="left") == ("Week of Mon 12 Jan 2026: 30.0 km in 4 runs, 3 rest days; "
                                                 "flagged as a whole: RL001")


def test_status_sentence_for_this_week_and_for_an_export_that_stopped(jumped):
    assert report.status_sentence(jumped) == (
        "This week (from Mon 26 Jan 2026, in progress): 33.0 km in 4 runs so far; no flags.")
    monday = analysis(JUMP, as_of="2026-01-26")
    assert report.status_sentence(monday) == "This week (from Mon 26 Jan 2026, in progress): no run yet; no flags."
    flagged = analysis(JUMP[:8], as_of="2026-01-18")
    assert report.status_sentence(flagged, units="mi") == (
        "This week (from Mon 12 Jan 2026, in progress): 18.6 mi in 4 runs so far; 1 flag, the worst a caution: "
        "weekly distance jump (RL001).")
    after = analysis(JUMP[:12], as_of="2026-01-20")
    assert report.status_sentence(after) == (
        "This week (from Mon 19 Jan 2026, in progress): 7.5 km in 1 run so far; no flags "
        "(last week: 1 flag, the worst a caution: weekly distance jump (RL001)).")
    stale = analysis(JUMP, as_of="2026-06-01")
    assert report.status_sentence(stale) == (
        "No activity since Sun 01 Feb 2026; the last week with data (from Mon 26 Jan 2026) had 33.0 km in 4 runs, "
        "3 rest days; no flags.")
    six_days = analysis(weeks(30, 30) + [run(day, 5) for day in range(14, 20)], as_of="2026-06-01")
    assert report.status_sentence(six_days).startswith(
        "No activity since Sat 24 Jan 2026; the last week with data (from Mon 19 Jan 2026) had 30.0 km in 6 runs, "
        "1 rest day;")


def test_weeks_of_other_sports_after_the_last_run_say_when_it_was():
    rides = [replace(run(day, 20), sport="cycling") for day in (29, 33, 36, 40)]
    switched = analysis(weeks(30, 30) + rides, as_of="2026-02-11")
    assert report.status_sentence(switched) == (
        "This week (from Mon 09 Feb 2026, in progress): no run yet (none since Sun 18 Jan 2026); no flags.")
    assert report.status_sentence(analysis(weeks(30, 30) + rides, as_of="2026-06-01")) == (
        "No activity since Sat 14 Feb 2026, and no run since Sun 18 Jan 2026; the last week with data (from Mon 09 "
        "Feb 2026) had 0.0 km in 0 runs, 7 rest days; no flags.")


def test_an_export_without_a_run_says_so_instead_of_showing_weeks_of_rest():
    gym = analysis([strength(day) for day in (1, 3, 8, 10)], as_of="2026-01-18")
    assert report.status_sentence(gym) == ("No run up to Sun 18 Jan 2026: 4 activities (strength 4), and riskload's "
                                           "rules judge running, so there is nothing to judge.")
    assert report.envelope_html(None, "km", gym) == (
        "<p>The history holds no run, so there is no next week to plan from it.</p>")


def test_a_history_that_ended_long_ago_says_when_on_the_page(jumped):
    stale = analysis(JUMP, as_of="2026-06-01")
    assert report.envelope_html(None, "km", stale).startswith(
        "<p>The history ends on Sun 01 Feb 2026, more than 28 days before the analysis day, so there is no next week")


def test_recent_weeks_table(jumped):
    text = report.format_table(report.recent_weeks(jumped, weeks=3), {"ACWR": 2})
    lines = text.splitlines()
    assert lines == [
        "week of        km  runs  rest  climb m/km  ACWR  worst    flags",
        "2026-01-12   30.0     4     3         0.0        caution  RL001",
        "2026-01-19   30.0     4     3         0.0",
        "2026-01-26*  33.0     4     3         0.0  1.43",
    ]  # the ratio needs 28 days of history


def test_since_cuts_what_is_shown_not_what_was_measured(jumped):
    later = report.since(jumped, "2026-01-20")
    assert list(later.load.weekly.index.strftime("%m-%d")) == ["01-19", "01-26"]
    assert later.flags.empty and len(jumped.flags) == 1


def test_a_report_cut_by_since_counts_the_runs_of_the_weeks_it_shows(jumped):
    later = report.since(jumped, "2026-01-20")
    assert report.shown_volume(jumped) == "16 runs, 113.0 km"
    assert report.shown_volume(later) == "8 runs, 63.0 km"  # the two weeks shown, not the whole history
    assert report.shown_volume(later, units="mi") == "8 runs, 39.1 mi"
    page = re.sub(r"\s+", " ", report.render_html(later, main_png=b"", week_pngs={}))
    assert "8 runs, 63.0 km, in 2 weeks from 19 Jan 2026" in page


def test_since_after_the_last_data_shows_the_last_week_and_after_the_day_analysed_is_refused(jumped):
    assert list(report.since(jumped, "2026-02-01").load.weekly.index.strftime("%m-%d")) == ["01-26"]
    with pytest.raises(RiskloadError, match="2026-02-02, is after the day analysed, 2026-02-01"):
        report.since(jumped, "2026-02-02")


def nasty():
    """Five weeks of 8 km runs, then a 16 km run with a name no page should trust."""
    long_run = run(36, 16)
    long_run.name = '<script>alert("x")</script> & co'
    result = analysis([run(d, 8) for d in range(1, 35, 2)] + [long_run], as_of="2026-02-15")
    result.export.skipped = pd.DataFrame({"path": ["bad/<b>x</b>.fit"], "kind": ["corrupt"],
                                          "reason": ["broken & <odd>"]})
    return result


def test_html_is_self_contained_and_escapes_text_from_files(tmp_path):
    result = nasty()
    written = report.write_report(result, tmp_path / "out", formats=["html"])
    page = written["html"][0].read_text()
    # the page's one script is its own flag filter; a name from a file never becomes one
    assert page.count("<script") == 1 and "alert" not in page.split("<script>")[1].split("</script>")[0]
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in page
    assert "bad/&lt;b&gt;x&lt;/b&gt;.fit" in page and "broken &amp; &lt;odd&gt;" in page
    assert not re.search(r'(src|href)="(?!data:|#)', page)  # nothing fetched from anywhere
    assert page.count('src="data:image/png;base64,') == 1 + len(report.detail_weeks(result))
    assert "RL004" in page and "long run spike" in page  # 16 km after 8 km runs
    assert "numbness" in page and "bladder" in page and "does not diagnose" in page
    assert report.status_sentence(result) in page.replace("&#x27;", "'")


class _VisibleText(HTMLParser):
    """The text a browser shows: everything outside ``<script>``, ``<style>`` and ``<title>``."""

    def __init__(self):
        super().__init__()
        self.hidden, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style", "title")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style", "title")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _VisibleText()
    parser.feed(page)
    return "".join(parser.parts)


def test_the_page_shows_line_breaks_not_backslash_n(tmp_path):
    page = report.write_report(nasty(), tmp_path / "out", formats=["html"])["html"][0].read_text()
    text = visible_text(page)
    assert "\\n" not in text and "\\r" not in text
    recent = re.search(r"<pre>(.*?)</pre>", page, re.S).group(1)
    assert len(recent.splitlines()) >= 5  # the last weeks, one per line


def test_tables_as_csv_and_json_keep_values_and_ids(tmp_path):
    result = nasty()
    written = report.write_report(result, tmp_path / "out", formats=["csv", "json"])
    assert sorted(p.name for ps in written.values() for p in ps) == [
        "activities.csv", "activities.json", "flags.csv", "flags.json", "weekly.csv", "weekly.json"]
    flags = json.loads((tmp_path / "out" / "flags.json").read_text())
    assert [f["code"] for f in flags] == list(result.flags["code"])
    assert flags[0]["activity_ids"] == list(result.flags["activity_ids"].iloc[0])
    assert flags[0]["date"] == f"{result.flags['date'].iloc[0]:%Y-%m-%d}"
    weekly = pd.read_csv(tmp_path / "out" / "weekly.csv")
    assert list(weekly["distance_km"].round(3)) == list(result.load.weekly["distance_km"].round(3))
    csv_ids = pd.read_csv(tmp_path / "out" / "flags.csv")["activity_ids"].iloc[0]
    assert csv_ids.split(";") == list(result.flags["activity_ids"].iloc[0])
    acts = json.loads((tmp_path / "out" / "activities.json").read_text())
    assert len(acts) == 18 and acts[0]["start_time"].endswith("+00:00") and acts[0]["local_date"] == "2026-01-06"


def test_json_tables_give_plain_values_for_every_column_type():
    frame = pd.DataFrame({
        "km": [1.5, np.nan, np.inf], "n": np.array([1, 2, 3], dtype="int64"), "ok": [True, False, True],
        "maybe": pd.array([1, None, 3], dtype="Int64"), "note": pd.array(["a", None, "c\u202e"], dtype="string"),
        "ids": [["x", "y"], [], None], "day": pd.to_datetime(["2026-01-05", None, "2026-01-07"]),
        "at": pd.to_datetime(["2026-01-05 06:30", None, "2026-01-07 18:00"]).tz_localize("UTC"),
    })
    text = to_json(frame)
    # a record per line
    assert text.startswith("[\n{") and text.endswith("}\n]\n") and text.count("\n") == len(frame) + 2
    assert "\\u202e" in text  # the bidi override stays, escaped
    assert json.loads(text) == [
        {"km": 1.5, "n": 1, "ok": True, "maybe": 1, "note": "a", "ids": ["x", "y"], "day": "2026-01-05",
         "at": "2026-01-05T06:30:00+00:00"},
        {"km": None, "n": 2, "ok": False, "maybe": None, "note": None, "ids": [], "day": None, "at": None},
        {"km": None, "n": 3, "ok": True, "maybe": 3, "note": "c\u202e", "ids": None, "day": "2026-01-07",
         "at": "2026-01-07T18:00:00+00:00"},
    ]
    assert [type(v) for v in json.loads(text)[0].values()] == [float, int, bool, int, str, list, str, str]


def test_the_report_is_never_written_into_the_export(tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    with pytest.raises(RiskloadError, match="never writes inside the export"):
        report.write_report(nasty(), export / "report", export_folder=export)
    assert list(export.iterdir()) == []


def test_the_recent_weeks_that_stood_out_and_the_latest_get_day_by_day_figures(tmp_path):
    # a +50 % jump in week 2, older than the last 8 weeks; in the last 8, a week of runs started cold
    # (information alone) and a +20 % jump (a caution) the week after
    distances = [20, 30] + [30] * 14
    distances[13] = 36
    cold = [0] * 12 + [30]
    result = analysis(weeks(*[km if week != 12 else 0 for week, km in enumerate(distances)])
                      + weeks(*cold, warmup=False), as_of="2026-04-26")
    status = report.headlines(result.flags)["severity"]
    assert status.to_dict() == {pd.Timestamp("2026-01-12"): "caution", pd.Timestamp("2026-03-30"): "info",
                                pd.Timestamp("2026-04-06"): "caution"}
    assert report.detail_weeks(result) == [pd.Timestamp("2026-04-20"), pd.Timestamp("2026-04-06")]
    page = (tmp_path / "out" / "report.html")
    report.write_report(result, tmp_path / "out", formats=["html"])
    text = page.read_text()
    assert "1 earlier week that stood out is there too" in text
    assert 'id="week-2026-04-20"' in text and 'href="#week-2026-04-06"' in text
    assert 'href="#week-2026-01-12"' not in text and 'href="#week-2026-03-30"' not in text


def test_week_figures_are_drawn_once_and_again_only_when_their_week_changes(tmp_path, monkeypatch):
    drawn = []
    real = report.draw_week_figure
    monkeypatch.setattr(report, "draw_week_figure", lambda data, **kw: drawn.append(data.start) or real(data, **kw))
    before = analysis(weeks(20, 30, 30, 31), as_of="2026-02-01")
    first = report.week_pngs(before, report.detail_weeks(before), cache=tmp_path / "c")
    assert sorted(drawn) == [pd.Timestamp("2026-01-12"), pd.Timestamp("2026-01-26")]
    drawn.clear()
    again = report.week_pngs(before, report.detail_weeks(before), cache=tmp_path / "c")
    assert drawn == [] and again == first
    # one more run in the latest week: only that week is drawn again
    after = analysis(weeks(20, 30, 30, 31) + [run(25, 4, hour=18)], as_of="2026-02-01")
    third = report.week_pngs(after, report.detail_weeks(after), cache=tmp_path / "c")
    assert drawn == [pd.Timestamp("2026-01-26")]
    assert third[pd.Timestamp("2026-01-12")] == first[pd.Timestamp("2026-01-12")]
    assert third[pd.Timestamp("2026-01-26")] != first[pd.Timestamp("2026-01-26")]
    # miles are another figure; a damaged cached figure is drawn again, never embedded
    drawn.clear()
    report.week_pngs(before, report.detail_weeks(before), units="mi", cache=tmp_path / "c")
    assert len(drawn) == 2
    for path in (tmp_path / "c").rglob("*.png"):
        path.write_bytes(path.read_bytes()[:100])
    drawn.clear()
    assert report.week_pngs(before, report.detail_weeks(before), cache=tmp_path / "c") == first
    assert len(drawn) == 2
    uncached = report.week_pngs(before, report.detail_weeks(before), cache=False)
    assert uncached == first  # the same bytes, drawn or cached
    # other drawing code: every figure is drawn again
    monkeypatch.setattr(report, "code_digest", lambda *modules: "other drawing code")
    drawn.clear()
    report.week_pngs(before, report.detail_weeks(before), cache=tmp_path / "c")
    assert len(drawn) == 2


def test_the_figure_cache_never_goes_inside_the_export(jumped, tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    with pytest.raises(RiskloadError, match="never writes inside the export folder"):
        report.write_report(jumped, tmp_path / "out", export_folder=export, cache=export / "cache")


NAMES_IN_SCRIPTS = ["成都市 跑步", "Chengdu ラン", "Утренний бег", "Πρωινό τρέξιμο", "جري الصباح", "조깅"]


def _fonts_covering(character: str) -> list[str]:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    fonts = font_manager.fontManager._find_fonts_by_props(font_manager.FontProperties())
    return [path for path in fonts if ord(character) in FT2Font(path).get_charmap()]


def test_names_in_any_script_are_drawn_without_glyph_warnings(tmp_path):
    from riskload.report.fonts import script_fonts

    runs = [run(d, 6) for d in range(0, 35, 2)]
    for raw, name in zip(runs[-len(NAMES_IN_SCRIPTS):], NAMES_IN_SCRIPTS):
        raw.name = name
    result = analysis(runs, as_of="2026-02-08")
    week = result.load.weekly.index[-1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a "Glyph ... missing" warning fails the test
        png = report.figure_png(report.week_figure(result.load, result.flags, week))
    assert png.startswith(b"\x89PNG")
    # Cyrillic, Greek and Arabic come with matplotlib's own font; CJK wherever a CJK font is installed
    for character in "бπج":
        assert _fonts_covering(character), character
    cjk = [name for name in script_fonts() if "CJK" in name or "WenQuanYi" in name or "Droid" in name]
    assert bool(_fonts_covering("跑")) == bool(cjk)


def test_each_week_has_one_headline_worst_then_best_evidence():
    from riskload.report.severity import codes_by_week, headlines

    week, other, piled = pd.Timestamp("2026-01-05"), pd.Timestamp("2026-01-12"), pd.Timestamp("2026-01-19")
    flags = pd.DataFrame({
        "week_start": [week, week, week, other, piled, piled, piled],
        "date": [week, week + pd.Timedelta(days=2), week, other, piled, piled, piled + pd.Timedelta(days=1)],
        "code": ["RL002", "RL004", "RL014", "RL010", "RL002", "RL005", "RL009"],
        "severity": ["caution", "caution", "info", "info", "caution", "caution", "caution"],
        # the week of 19 Jan: RL005 far past its threshold, RL002 and RL009 cautions only as its company
        "rule_severity": ["caution", "caution", "info", "info", "caution", "warning", "caution"],
        "evidence": ["heuristic", "strong", "contested", "heuristic", "heuristic", "heuristic", "heuristic"],
    })
    top = headlines(flags)
    assert top["code"].to_dict() == {week: "RL004", other: "RL010", piled: "RL005"}
    assert codes_by_week(flags).to_dict() == {week: ["RL004", "RL002", "RL014"], other: ["RL010"],
                                              piled: ["RL005", "RL002", "RL009"]}
    weekly = pd.DataFrame({"distance_km": [30.0, 20.0, 40.0], "complete": True}, index=[week, other, piled])
    ax = report.plot_weekly_distance(weekly, flags)
    assert [t.get_text() for t in ax.texts] == ["RL004", "RL010", "RL005"]  # each bar's headline, nothing else


def test_the_figure_and_the_page_show_the_thresholds_the_rules_ran_with(monkeypatch):
    from riskload.report import figures
    from riskload.rules import BY_CODE

    result = analysis(weeks(20, 30, 30, 31), as_of="2026-02-01", rule_options={"RL001": {"limit_pct": 8.0}})
    assert result.thresholds["RL001"] == {**BY_CODE["RL001"].defaults(), "limit_pct": 8.0}
    assert result.thresholds["RL004"] == BY_CODE["RL004"].defaults()
    assert "RL001" in set(result.flags["code"])
    drawn = {}
    real = figures.plot_weekly_distance
    monkeypatch.setattr(figures, "plot_weekly_distance", lambda *a, **k: drawn.update(k) or real(*a, **k))
    plt.close(report.main_figure(result))
    assert drawn["limit_pct"] == 8.0
    page = report.render_html(result, main_png=b"", week_pngs={})
    assert "Thresholds used: limit_pct = 8, warning_pct = 30" in page
