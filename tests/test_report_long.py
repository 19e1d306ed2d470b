"""The report at any length: half a year, almost three years, ten years of weeks."""

from __future__ import annotations

from html.parser import HTMLParser
from types import SimpleNamespace
from unittest.mock import patch

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from riskload import RULES, Settings, report  # noqa: E402
from riskload.report.figures import PANEL_WEEKS, weekly_acwr  # noqa: E402
from riskload.report.html import render_html  # noqa: E402
from riskload.report.severity import COLORS  # noqa: E402

from .synthetic import analysis, run, weeks  # noqa: E402

CODES = ["RL001", "RL004", "RL010", "RL011", "RL014"]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def made_up(n_weeks: int, seed: int = 3):
    """``n_weeks`` of made-up tables: breaks of a few weeks, most weeks flagged, a few of them badly."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2020-01-06", periods=n_weeks, freq="7D", name="week_start")
    distance = rng.uniform(10, 70, n_weeks)
    distance[rng.random(n_weeks) < 0.12] = 0.0
    weekly = pd.DataFrame({"distance_km": distance, "complete": True, "rest_days": rng.integers(0, 8, n_weeks),
                           "ascent_m_per_km": rng.uniform(0.5, 3.0, n_weeks)}, index=index)
    days = pd.date_range(index[0], periods=7 * n_weeks, freq="D")
    daily_km = np.repeat(distance / 4, 7) * (rng.random(7 * n_weeks) < 4 / 7)
    daily = pd.DataFrame({"distance_km": daily_km, "acwr": rng.uniform(0.4, 2.5, 7 * n_weeks)}, index=days)
    weekly["acwr_max"] = daily["acwr"].groupby(np.arange(len(daily)) // 7).max().to_numpy()  # as the load's table
    flagged = index[rng.random(n_weeks) < 0.7]
    severity = rng.choice(["info", "info", "caution", "warning"], len(flagged))
    flags = pd.DataFrame({"week_start": flagged, "date": flagged + pd.Timedelta(days=2),
                          "code": rng.choice(CODES, len(flagged)), "severity": severity,
                          "evidence": rng.choice(["strong", "weak", "heuristic"], len(flagged)),
                          "message": "made up"}).assign(rule_severity=severity)
    load = SimpleNamespace(weekly=weekly, daily=daily)
    thresholds = {rule.code: rule.defaults() for rule in RULES}
    return SimpleNamespace(load=load, flags=flags, settings=Settings(), thresholds=thresholds, athlete="A Runner")


def text_boxes(fig):
    """Every text the renderer drew (tick labels outside the view are made but never drawn), with its box."""
    drawn, draw = [], Text.draw

    def record(text, renderer):
        draw(text, renderer)
        if text.get_visible() and text.get_text().strip():
            drawn.append(text)

    with patch.object(Text, "draw", record):
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [(t, t.get_window_extent(renderer)) for t in drawn]


def overlapping(boxes) -> list[tuple[str, str]]:
    return [(a.get_text(), b.get_text()) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1:]
            if box_a.overlaps(box_b)]


@pytest.mark.parametrize("n_weeks", [26, 140, 520])
def test_no_text_of_the_main_figure_lies_on_another(n_weeks):
    fig = report.main_figure(made_up(n_weeks))
    boxes = text_boxes(fig)
    assert overlapping(boxes) == []
    codes = [(t, box) for t, box in boxes if t.get_text() in CODES]
    assert codes
    for text, box in codes:  # every code inside its panel, under the legend above it
        panel = text.axes.get_window_extent()
        assert panel.y0 <= box.y0 and box.y1 <= panel.y1, text.get_text()
    page = fig.bbox
    assert all(page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1
               for _, box in boxes)  # nothing cut off at the edges


@pytest.mark.parametrize("n_weeks", [26, 140, 520])
def test_the_recent_weeks_are_drawn_one_by_one_and_each_flagged_week_names_its_headline(n_weeks):
    result = made_up(n_weeks)
    fig = report.main_figure(result)
    overview = n_weeks > PANEL_WEEKS * 1.5
    assert len(fig.axes) == (5 if overview else 4)  # the rest-day axis is a twin
    detail = fig.axes[1 if overview else 0]
    recent = result.load.weekly.index[-PANEL_WEEKS:]
    flagged = set(pd.DatetimeIndex(result.flags["week_start"])) & set(recent)
    codes = [t for t in detail.texts if t.get_text() in CODES]
    assert len(codes) == len(flagged)  # half a year always has room for every code, upright
    assert all(t.get_rotation() == 0 for t in codes)
    if overview:  # every week of the history, its status colour only from a caution up
        bars = next(c for c in fig.axes[0].collections if c.get_gid() == "week-bars")
        assert len(bars.get_paths()) == n_weeks
        colours = {matplotlib.colors.to_hex(c) for c in bars.get_facecolors()}
        assert COLORS["info"] not in colours and COLORS["caution"] in colours


def test_a_history_a_little_longer_than_the_panels_is_drawn_whole_without_an_overview():
    result = made_up(PANEL_WEEKS + 4)
    fig = report.main_figure(result)
    assert len(fig.axes) == 4
    bars = next(c for c in fig.axes[0].collections if c.get_gid() == "week-bars")
    assert len(bars.get_paths()) == PANEL_WEEKS + 4
    assert overlapping(text_boxes(fig)) == []


def test_a_flat_runners_climb_fills_its_panel():
    result = made_up(40)
    fig, ax = plt.subplots()
    report.plot_terrain_and_rest(result.load.weekly, ax=ax)
    highest = result.load.weekly["ascent_m_per_km"].max()
    assert ax.get_ylim()[1] == pytest.approx(highest * 1.5)  # 3 m/km at most: not a line on a 0-20 scale
    assert "far above these weeks" in " ".join(t.get_text() for t in ax.get_legend().get_texts())


def test_the_acute_chronic_panel_leaves_weeks_without_running_out():
    result = made_up(60)
    ratio = weekly_acwr(result.load.weekly)
    ran = result.load.weekly["distance_km"] > 0
    assert ratio[~ran].isna().all() and ratio[ran].notna().all()
    days = result.load.daily["acwr"].groupby(np.arange(len(result.load.daily)) // 7).max()
    assert np.allclose(ratio[ran].to_numpy(), days.to_numpy()[ran.to_numpy()])


class Groups(HTMLParser):
    """The flag groups of a report page: per week its id, whether open, and its rows' codes and ranks."""

    def __init__(self):
        super().__init__()
        self.weeks: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "details" and attrs.get("class") == "week":
            self.weeks.append({"id": attrs["id"], "open": "open" in attrs, "rows": []})
        elif tag == "tr" and "data-code" in attrs:
            self.weeks[-1]["rows"].append((attrs["data-code"], int(attrs["data-rank"])))


@pytest.fixture(scope="module")
def long_run_history():
    # steady 30 km weeks of 4 runs, a 25 km run in week 8 (over three times the month's longest: a
    # warning), a new high of 40 km in week 15
    runs = weeks(*[30] * 14, 40, *[40] * 5) + [run(52, 25)]
    return analysis(runs, as_of="2026-05-24")


def test_flags_are_grouped_by_week_newest_first_headline_first_recent_weeks_open(long_run_history):
    result = long_run_history
    page = render_html(result, main_png=b"", week_pngs={})
    groups = Groups()
    groups.feed(page)
    flagged = sorted(set(pd.DatetimeIndex(result.flags["week_start"])), reverse=True)
    assert [g["id"] for g in groups.weeks] == [f"flags-{w:%Y-%m-%d}" for w in flagged]
    assert sum(len(g["rows"]) for g in groups.weeks) == len(result.flags)
    for group in groups.weeks:
        ranks = [rank for _, rank in group["rows"]]
        assert ranks[0] == max(ranks)  # the headline first
    recent = set(result.load.weekly.index[-8:])
    assert [g["open"] for g in groups.weeks] == [w in recent for w in flagged]
    assert '<form class="filter" id="flag-filter" hidden>' in page  # shown by the script, so never a dead control
    for code in result.flags["code"].unique():
        assert f'<option value="{code}">' in page
    assert page.count("<script>") == 1 and "fetch(" not in page and "http" not in page.split("<script>")[1]


def test_the_weeks_that_stood_out_head_the_page_worst_first(long_run_history):
    result = long_run_history
    page = render_html(result, main_png=b"", week_pngs={})
    section = page.split("<h2>Weeks that stood out</h2>")[1].split("<h2>")[0]
    heads = report.headlines(result.flags)
    standing = heads[heads["severity"].isin(["caution", "warning", "high"])]
    assert set(standing["severity"]) == {"caution", "warning"}
    links = [part.split('"')[0] for part in section.split('href="#flags-')[1:]]
    assert len(links) == min(len(standing), 6)
    worst_first = standing.assign(r=standing["severity"].map({"caution": 1, "warning": 2, "high": 3}))
    expected = worst_first.reset_index(drop=True).sort_values(["r", "week_start"], ascending=False)
    assert links == [f"{w:%Y-%m-%d}" for w in expected["week_start"].head(6)]


def test_a_quiet_history_says_no_week_stood_out():
    result = analysis(weeks(30, 30, 30, 30), as_of="2026-02-01")
    page = render_html(result, main_png=b"", week_pngs={})
    assert "No week of this history" in page
