"""The report as one self-contained HTML page: figures inlined, nothing from the network.

Its one small inline script narrows the flags to one rule or severity; the
page reads the same without it.
"""

from __future__ import annotations

import base64
from collections import Counter
from ..safetext import escape

import pandas as pd

from .. import __version__
from ..rules import BY_CODE
from ..wording import counted
from .envelope import envelope_html
from .diary import BACKTEST_CAVEAT, LANGUAGE_NOTE, episode_summary, red_flag_notice
from .explain import DOES_NOT_DIAGNOSE, EVIDENCE, NOT_MEASURED, rules_in_table
from .severity import COLORS, RANK, headlines, in_week, stands_out, worst, worst_first
from .summary import (RECENT_WEEKS, flag_tally, format_table, recent_weeks, shown_volume, skipped_heading,
                      status_sentence, week_label)
from .units import Units, units as as_units

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1d; margin: 0 auto;
       max-width: 1240px; padding: 1.5em; line-height: 1.45; }
h1 { margin-bottom: 0.1em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
.meta { color: #555; margin-top: 0; }
.status { font-size: 1.15em; padding: 0.7em 1em; border-left: 8px solid var(--sev); background: #f6f6f6; }
img { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: 0.92em; margin: 0.5em 0; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } td.date { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.sev { display: inline-block; padding: 0 0.5em; border-radius: 3px; color: #000; font-weight: 600; }
.sev-warning, .sev-high { color: #fff; }
details { margin: 0.4em 0; } summary { cursor: pointer; font-weight: 600; }
details.week > summary { font-weight: normal; } details.week > summary b { font-weight: 600; }
.filter { margin: 0.6em 0; padding: 0.5em 0.8em; background: #f6f6f6; display: inline-block; }
.filter select { margin: 0 1em 0 0.3em; } ul.standout li { margin: 0.25em 0; }
.why { max-width: 60em; } .refs { color: #555; font-size: 0.88em; max-width: 60em; white-space: pre-line; }
.notice { background: #fff4e5; border: 1px solid #f0b429; padding: 0.8em 1em; max-width: 60em; }
.doctor { background: #fdecea; border: 2px solid #c0392b; padding: 0.8em 1em; max-width: 60em; font-weight: 600; }
footer { margin-top: 3em; color: #777; font-size: 0.85em; }
"""


def _img(png: bytes, alt: str) -> str:
    return f'<img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" alt="{escape(alt)}">'


def _badge(severity: str) -> str:
    return f'<span class="sev sev-{escape(severity)}" style="background:{COLORS[severity]}">{escape(severity)}</span>'


def _table(header: list[str], rows: list[list[str]], classes: dict[int, str] | None = None,
           row_attributes: list[str] | None = None) -> str:
    """An HTML table; ``rows`` hold already-escaped HTML cells, ``classes`` a CSS class per column,
    ``row_attributes`` escaped attributes per row (``data-code="RL004"``)."""
    classes = classes or {}
    attributes = row_attributes or [""] * len(rows)
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(f"<tr{' ' + extra if extra else ''}>"
                   + "".join(f'<td class="{classes[i]}">{c}</td>' if i in classes else f"<td>{c}</td>"
                             for i, c in enumerate(row)) + "</tr>" for row, extra in zip(rows, attributes))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _activity_label(activity, u: Units) -> str:
    text = f"{pd.Timestamp(activity['local_date']):%a %d %b}, {u.format_distance(activity['distance_m'] / 1000)}"
    name = activity["name"]
    return f"{text} ({name})" if isinstance(name, str) and name.strip() else text


def _activity_labels(activities: pd.DataFrame, u: Units) -> dict[str, str]:
    """Each activity's label, by id, escaped for HTML."""
    columns = activities[["activity_id", "local_date", "distance_m", "name"]].to_dict("records")
    return {a["activity_id"]: escape(_activity_label(a, u)) for a in columns}


def _activities_cell(ids: list, labels: dict[str, str], shown: int = 3) -> str:
    found = [labels[i] for i in ids if i in labels]
    more = f" and {len(found) - shown} more" if len(found) > shown else ""
    return "<br>".join(found[:shown]) + more


def _week_anchor(week) -> str:
    return f"flags-{pd.Timestamp(week):%Y-%m-%d}"


def _headline_text(flag) -> str:
    rule = BY_CODE[flag["code"]]
    return f"{rule.title} ({rule.code}): {flag['message']}"


def _standout_section(analysis, shown: int = 6) -> str:
    """The weeks of the whole history whose headline is a caution or worse: the worst, then the newest, first."""
    if analysis.flags.empty:
        return "<p>No week of this history raised a flag.</p>"
    heads = headlines(analysis.flags).reset_index(drop=True)
    heads = heads[stands_out(heads["severity"])]
    if heads.empty:
        return "<p>No week of this history reached a caution: its flags are information.</p>"
    order = heads.assign(rank=heads["severity"].map(RANK)).sort_values(["rank", "week_start"], ascending=False)
    items = [f'<li><a href="#{_week_anchor(flag["week_start"])}">{escape(week_label(flag["week_start"]))}</a> '
             f'{_badge(flag["severity"])} {escape(_headline_text(flag))}</li>'
             for _, flag in order.head(shown).iterrows()]
    more = (f'<p class="meta">and {len(order) - shown} more; all {len(order)} are in the '
            '<a href="#flags">flags</a> below.</p>') if len(order) > shown else ""
    weeks = pd.DatetimeIndex(analysis.load.weekly.index)
    ran = int((analysis.load.weekly["distance_km"] > 0).sum())
    return (f"<p>{len(order)} of the {counted(ran, 'week')} with running stood out (a caution or worse, by "
            f"each week's headline flag) over {counted(len(weeks), 'week')}:</p>"
            f"<ul class=\"standout\">{''.join(items)}</ul>{more}")


FILTER_SCRIPT = """(function () {
  var form = document.getElementById('flag-filter'), rule = document.getElementById('filter-rule'),
      level = document.getElementById('filter-severity'), count = document.getElementById('filter-count');
  function apply() {
    var weeks = 0, rows = 0, narrowed = rule.value !== '' || level.value !== '0';
    document.querySelectorAll('details.week').forEach(function (week) {
      var shown = 0;
      week.querySelectorAll('tr[data-code]').forEach(function (row) {
        var keep = (rule.value === '' || row.dataset.code === rule.value) && +row.dataset.rank >= +level.value;
        row.hidden = !keep; shown += keep ? 1 : 0;
      });
      week.hidden = shown === 0;
      if (narrowed && shown) { week.open = true; }
      weeks += shown ? 1 : 0; rows += shown;
    });
    count.textContent = rows + ' flags in ' + weeks + ' weeks';
  }
  rule.addEventListener('change', apply); level.addEventListener('change', apply);
  form.hidden = false; apply();
})();"""


def _flags_section(analysis, u: Units, detailed: set, open_weeks: int = RECENT_WEEKS) -> str:
    """The flags grouped by week, newest week first, each week's headline first.

    The weeks of the summary table are open, older ones folded; a small
    script (the page's only one) narrows the list to a rule or a severity.
    """
    flags = analysis.flags
    if flags.empty:
        return "<p>No rule flagged anything in this period.</p>"
    labels = _activity_labels(analysis.load.activities, u)
    recent = set(analysis.load.weekly.index[-open_weeks:])
    by_week: dict[pd.Timestamp, list[dict]] = {}
    for flag in worst_first(flags, "date", "code").to_dict("records"):
        by_week.setdefault(pd.Timestamp(flag["week_start"]), []).append(flag)
    groups = []
    for week in sorted(by_week, reverse=True):
        chosen = by_week[week]
        head = chosen[0]
        rows, attributes = [], []
        for flag in chosen:
            rule = BY_CODE[flag["code"]]
            rows.append([f"{pd.Timestamp(flag['date']):%a %d %b}",
                         f'<a href="#{escape(rule.code)}">{escape(rule.code)}</a> '
                         f'{escape(rule.title)}',
                         _badge(flag["severity"]), escape(flag["message"]), escape(flag["evidence"]),
                         _activities_cell(list(flag["activity_ids"]), labels)])
            attributes.append(f'data-code="{escape(flag["code"])}" data-rank="{RANK[flag["severity"]]}"')
        others = Counter(flag["code"] for flag in chosen[1:])
        listed = ", ".join(f"{code} ×{n}" if n > 1 else code for code, n in others.items())
        more = f" (and {len(chosen) - 1} more: {listed})" if len(chosen) > 1 else ""
        figure = f' <a href="#week-{week:%Y-%m-%d}">day by day</a>' if week in detailed else ""
        table = _table(["day", "rule", "severity", "what happened", "evidence", "activities"], rows, {0: "date"},
                       attributes)
        groups.append(
            f'<details class="week" id="{_week_anchor(week)}"{" open" if week in recent else ""}>'
            f"<summary><b>{escape(week_label(week))}</b> {_badge(head['severity'])} "
            f"{escape(_headline_text(head))}{escape(more)}</summary>{figure}{table}</details>")
    codes = sorted(flags["code"].unique())
    rule_options_html = '<option value="">every rule</option>' + "".join(
        f'<option value="{escape(c)}">{escape(c)} {escape(BY_CODE[c].title)}</option>'
        for c in codes)
    level_options = '<option value="0">any</option>' + "".join(
        f'<option value="{RANK[s]}">{s} or worse</option>' for s in ("caution", "warning", "high"))
    weeks = len(groups)
    return (f"<p>{counted(len(flags), 'flag')} in {counted(weeks, 'week')}, newest week first; in each week the "
            f"flag that matters most comes first. The last {counted(open_weeks, 'week')} are open; click an older "
            "week to unfold it.</p>"
            f'<form class="filter" id="flag-filter" hidden>Show <select id="filter-rule">{rule_options_html}</select>'
            f'severity <select id="filter-severity">{level_options}</select><span id="filter-count"></span></form>'
            + "".join(groups) + f"<script>{FILTER_SCRIPT}</script>")


def _rules_section(analysis) -> str:
    fired = list(dict.fromkeys(analysis.flags.sort_values("code")["code"]))
    if not fired:
        return "<p>No rule fired.</p>"
    parts = []
    for code in fired:
        rule = BY_CODE[code]
        used = analysis.thresholds[code]
        thresholds = ", ".join(f"{k} = {v:g}" for k, v in used.items())
        refs = f'<p class="refs">{escape(rule.references)}</p>' if rule.references else ""
        parts.append(
            f'<h3 id="{escape(code)}">{escape(code)} {escape(rule.title)}</h3>'
            f'<p class="why">{escape(rule.why(used))}</p>'
            f"<p><b>Evidence: {escape(rule.evidence)}</b> ({escape(EVIDENCE[rule.evidence])}). "
            f"Thresholds used: {escape(thresholds)}.</p>"
            + refs)
    return "".join(parts)


def _weeks_section(analysis, week_images: dict, u: Units) -> str:
    if not week_images:
        return "<p>No week to show.</p>"
    flags = analysis.flags
    latest = max(week_images)
    parts = []
    for week in sorted(week_images, reverse=True):
        chosen = in_week(flags, week)
        codes = " ".join(dict.fromkeys(chosen["code"]))
        label = f"Week of {week_label(week)}"
        if not chosen.empty:
            label += f": {worst(chosen['severity'])}, {codes}"
        opened = " open" if week == latest else ""
        parts.append(f'<details id="week-{week:%Y-%m-%d}"{opened}><summary>{escape(label)}</summary>'
                     f"{_img(week_images[week], label)}</details>")
    heads = headlines(flags)
    older = len(set(heads.index[stands_out(heads["severity"])]) - set(week_images))
    note = (f"Drawn day by day: the weeks of the last {RECENT_WEEKS} that stood out or hold a pain day, and the "
            "latest; a week whose flags are all information is in the flags table above only.")
    if older:
        what = "1 earlier week that stood out is" if older == 1 else f"{older} earlier weeks that stood out are"
        note += (f" {what} there too; <code>riskload analyze --until DAY</code> draws the weeks up to that "
                 "day.")
    return "".join(parts) + f"<p>{note}</p>"


def _pain_section(analysis, u: Units) -> str:
    """The diary: its episodes with what preceded each, the personal back-test, the rows left out."""
    pain = analysis.pain
    if pain is None:
        return ""
    parts = [f"<h2 id=\"pain\">Pain diary</h2><p>{counted(len(pain.diary.pain_days), 'day')} with pain in "
             f"{counted(len(pain.episodes), 'episode')} from "
             f"{escape(pain.diary.source)}. Pain days of one area at most {pain.gap_days} pain-free days apart "
             f"are one episode; beside each episode are the flags and the load of the {pain.window_days} days "
             "before it, the load against the runner's usual (the four weeks before that).</p>"]
    if len(pain.episodes):
        rows = []
        for e in pain.episodes.itertuples():
            flagged, changed = episode_summary(pain, e.episode, u)
            days = f"{e.first_day:%d %b %Y}" + (f" to {e.last_day:%d %b}" if e.last_day != e.first_day else "")
            rows.append([str(e.episode), escape(days), escape(e.area or "not given"), str(e.pain_days),
                         f"{e.peak_intensity:g}/10", escape(e.notes), escape(flagged), escape(changed)])
        parts.append(_table(["#", "days", "area", "pain days", "worst", "notes", f"flags in the {pain.window_days} "
                             "days before", "load that changed by a fifth or more"], rows,
                            {0: "num", 1: "date", 3: "num", 4: "num"}))
    parts.append("<h3>Did your episodes follow the rules' flags?</h3>"
                 f"<p class=\"why\">{escape(BACKTEST_CAVEAT)}</p>")
    if len(pain.backtest):
        rows = [[escape(r.code), escape(BY_CODE[r.code].title), f"{r.fired_then_episode} of {r.weeks_fired}",
                 f"{r.other_then_episode} of {r.weeks_other}", "" if r.ratio != r.ratio else f"{r.ratio:.1f}",
                 escape(r.verdict)] for r in pain.backtest.itertuples()]
        parts.append(_table(["code", "rule", "weeks it fired, then an episode", "other weeks, then an episode",
                             "ratio", "what that says"], rows, {2: "num", 3: "num", 4: "num"}))
    else:
        parts.append("<p>No week is covered by both the diary and the rules yet.</p>")
    if pain.diary.problems:
        parts.append("<h3>Diary rows left out</h3><ul>"
                     + "".join(f"<li>{escape(p)}</li>" for p in pain.diary.problems) + "</ul>")
    parts.append(f"<p class=\"meta\">{escape(LANGUAGE_NOTE)}</p>")
    return "".join(parts)


def _data_section(analysis) -> str:
    parts = []
    notes = list(dict.fromkeys(analysis.notes))
    if notes:
        parts.append("<h3>Notes on the data</h3><ul>" + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul>")
    if len(analysis.not_run):
        rows = [[escape(r["code"]), escape(BY_CODE[r["code"]].title), escape(r["reason"])]
                for _, r in analysis.not_run.iterrows()]
        parts.append("<h3>Rules that could not run</h3>" + _table(["code", "rule", "why"], rows))
    skipped = analysis.export.skipped
    if len(skipped):
        rows = [[escape(r["path"]), escape(r["kind"]), escape(r["reason"])] for _, r in skipped.iterrows()]
        parts.append(f"<h3>{escape(skipped_heading(analysis.export).capitalize())}</h3>"
                     "<p>Nothing from these is in the figures or the flags.</p>"
                     + _table(["file", "kind", "why"], rows))
    else:
        parts.append("<p>Every file in the export was read.</p>")
    return "".join(parts)


HOW_TO_READ = """<ul>
<li><b>All weeks</b> (a history longer than half a year): every week's running distance. A bar is grey
unless its week stood out (a caution or worse); a triangle marks a warning. The shaded weeks at the
right are the ones drawn in detail below.</li>
<li><b>The last weeks:</b> running distance per week. A bar's colour is its week's status: the flag that
matters most (the worst, among equals the one with the best evidence, then the one its rule graded worst;
grey: none), whose code stands above it. The flags below list every flag. The black dash on each bar is
last week's distance plus the weekly-increase limit: a bar that rises above its dash grew faster than the
guideline. A hatched bar is the week still in progress.</li>
<li><b>Climbing and rest:</b> climbing per distance (brown line, on a scale that follows this runner's
climbing; the dotted line is the hilly-week threshold, drawn when it is near) and rest days per week
(grey bars, right-hand scale). A red triangle marks a week without a rest day.</li>
<li><b>Acute : chronic:</b> the last 7 days' load against the last 28 days' (taken as at least a small
week's, so that a few kilometres after a break make no spike), one dot per week at its highest day (the
faint line is every day); weeks without running have none. The green band is the range often called safe;
the evidence for it is contested, so it is shown for information.</li>
<li><b>Pain diary</b> (when you keep one): a purple triangle along the top marks each day with pain, larger
for worse pain, and a purple stripe across the panels each episode.</li>
</ul>
<p><b>How severe a flag is depends on the evidence behind its rule.</b> Only a long run far beyond the
month's longest (RL004, from a study of 5,205 runners) can be a warning. Rules with weak evidence are at
most a caution. Rules that rest on common advice alone (hills, steep descents, rest days, hard minutes,
recovery between hard sessions, warm-ups, shoes, cadence) are information, unless what they measured is
extreme, or two other rules raised a caution the same week; then they are a caution. A flag whose
severity was set this way says so in square brackets. Runners differ, so most rules compare a week with
the runner's own recent normal: their usual running week, their usual hard minutes, their habits.</p>"""


def render_html(analysis, *, main_png: bytes, week_pngs: dict, units: str | Units = "km",
                weeks_in_table: int = RECENT_WEEKS, envelope=None) -> str:
    """The report page.

    Parameters
    ----------
    analysis : riskload.Analysis
    main_png : bytes
        The main figure as PNG.
    week_pngs : dict
        Week start (Timestamp) to that week's detail figure as PNG.
    units : {"km", "mi"}
    weeks_in_table : int
        How many recent weeks the summary table shows.
    envelope : riskload.safe_envelope.Envelope, optional
        The days ahead (:func:`~riskload.report.envelope.current_envelope`).

    Returns
    -------
    str
        One HTML document with everything inline.
    """
    u = as_units(units)
    load = analysis.load
    weekly = load.weekly
    latest = in_week(analysis.flags, weekly.index[-1])
    status_colour = COLORS[worst(latest["severity"])] if len(latest) else COLORS["none"]
    recent = recent_weeks(analysis, weeks=weeks_in_table, units=u)
    recent_text = format_table(recent, {"ACWR": 2})
    tally = flag_tally(analysis.flags) or "none"
    title = f"riskload report: {analysis.athlete}"
    doctor = red_flag_notice(analysis.pain)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{STYLE}</style></head>
<body>
<h1>{escape(analysis.athlete)}</h1>
{f'<p class="doctor" role="alert">{escape(doctor)}</p>' if doctor else ""}
<p class="meta">{escape(shown_volume(analysis, units=u))}, in
{counted(len(weekly), 'week')} from
{weekly.index[0]:%d %b %Y} to {load.last_day:%d %b %Y}. Analysis as of
{load.as_of:%a %d %b %Y}. Flags: {escape(tally)}.</p>
<p class="status" style="--sev:{status_colour}">{escape(status_sentence(analysis, units=u))}</p>
{"".join(f'<p class="notice" role="alert">{escape(warning)}</p>' for warning in analysis.export.warnings)}
<p class="meta">riskload looks at training, not at the body: it does not diagnose (see
<a href="#limits">what it cannot tell you</a>).</p>

<h2 id="next-week">Next week</h2>
{envelope_html(envelope, u, analysis)}

<h2>Weeks that stood out</h2>
{_standout_section(analysis)}

<h2>Load against the warnings</h2>
{_img(main_png, "Weekly running distance coloured by the worst flag, climbing and rest days, acute:chronic ratio")}
<details><summary>How to read this figure</summary>{HOW_TO_READ}</details>
{_pain_section(analysis, u)}

<h2>The last {counted(len(recent), 'week') if len(recent) > 1 else 'week'}</h2>
<pre>{escape(recent_text)}</pre>
<p class="meta">{"" if weekly["complete"].iloc[-1] else "* the week in progress. "}ACWR: the week's highest
acute:chronic ratio. {escape(rules_in_table(recent["flags"]))}</p>

<h2 id="flags">Flags</h2>
{_flags_section(analysis, u, set(week_pngs))}

<h2>What the rules that fired mean</h2>
{_rules_section(analysis)}

<h2 id="weeks">Week by week</h2>
{_weeks_section(analysis, week_pngs, u)}

<h2>What was read</h2>
{_data_section(analysis)}

<h2 id="limits">What riskload cannot tell you</h2>
<p class="notice">{escape(DOES_NOT_DIAGNOSE)}</p>
<p>Activity files cannot show {escape(NOT_MEASURED)}; all of these matter for back pain too.</p>

<footer>Made by riskload {escape(__version__)}. Everything this page shows is inside this one file.</footer>
</body></html>
"""
