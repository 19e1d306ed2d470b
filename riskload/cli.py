"""The ``riskload`` command line: parse options, call one public function, print.

Exit codes: 0 the command did its job (skipped files are listed, not an
error); 1 riskload could not do it (a folder that is not there, nothing
importable, an unwritable output); 2 the command line itself is wrong;
3 ``--fail-on`` was given and a flag at or above that severity was found.
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

import click
import matplotlib
import pandas as pd

from . import (RULES, ConfigError, Export, RiskloadError, __version__, analyze, analyze_roster, check_plan, envelope,
               load_settings, read_export, read_plan, report)
from .analysis import export_name
from .importers.cache import CACHE_ENV
from .rules import BY_CODE, SEVERITIES
from .safetext import printable, printable_lines
from .settings import check_timezone
from .wording import counted

matplotlib.use("Agg")  # files only: never open a window

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_FLAGGED = 0, 1, 2, 3
DEFAULT_OUT = Path("riskload-out")


@click.group()
@click.version_option(__version__, prog_name="riskload")
def main() -> None:
    """Find where a runner's training raises the risk of injury.

    Start with: riskload analyze EXPORT_FOLDER
    """
    # This process is riskload's own: its text stays in Python objects even where pyarrow is installed, as on
    # a plain install and in the test suite. On Arrow arrays the safe envelope's thousands of small tables
    # took a fifth longer (2.45 s against 1.95 s on a 3-year history).
    pd.set_option("mode.string_storage", "python")


def cache_options(command):
    """The ``--cache-dir`` and ``--no-cache`` options of every command that reads an export."""
    command = click.option("--no-cache", is_flag=True,
                           help="Decode every file again; neither read nor write the cache.")(command)
    return click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
                        help=f"Keep decoded files here (default: ${CACHE_ENV}, else the user cache folder, "
                             "e.g. ~/.cache/riskload).")(command)


def settings_option(command):
    """The ``--config`` option of the commands that read one athlete's export."""
    return click.option("--config", type=click.Path(dir_okay=False, path_type=Path),
                        help="Athlete settings file (default: riskload.toml in FOLDER).")(command)


def rule_choice_options(command):
    """The ``--select`` and ``--ignore`` options of the commands that run the rules."""
    command = click.option("--ignore", metavar="CODES", help="Do not run these rules.")(command)
    return click.option("--select", metavar="CODES", help="Run only these rules, e.g. RL001,RL004.")(command)


def _zone_option(ctx, param, value: str | None) -> str | None:
    try:
        return None if value is None else check_timezone(value, "--timezone")
    except ConfigError as exc:
        raise click.BadParameter(str(exc).split(" = ", 1)[-1], ctx=ctx, param=param) from exc


def timezone_option(help_text: str):
    """The ``--timezone`` option: an IANA zone, checked before anything is read (a wrong one is a usage error)."""
    return click.option("--timezone", metavar="ZONE", callback=_zone_option, help=help_text)


def cache_choice(cache_dir: Path | None, no_cache: bool) -> bool | Path:
    """The ``cache`` argument of :func:`riskload.read_export` the two options ask for."""
    if cache_dir is not None and no_cache:
        raise click.UsageError("--cache-dir and --no-cache contradict each other")
    return False if no_cache else (cache_dir or True)


def import_stats(export: Export) -> list[str]:
    """How the files were read (from the cache, decoded), and any trouble with the cache."""
    stats = export.stats
    how = f"{counted(stats.files, 'file')}: {stats.from_cache} from the cache, {stats.decoded} decoded"
    if stats.decoded:
        how += f" ({stats.workers} process{'es' if stats.workers != 1 else ''})"
    lines = [how + (f"; cache in {stats.cache_dir}" if stats.cache_dir else "; no cache")]
    lines += [f"Cache not written (later imports will decode again): {problem}" for problem in stats.cache_problems]
    return lines


def warn_about_import(export: Export, athlete: str = "") -> None:
    """Say on stderr, whatever else is shown, what the import warns of (days likely counted in the wrong time
    zone), and that its worker processes failed; ``athlete`` before each in a squad."""
    whose = f"{printable(athlete)}: " if athlete else ""
    for warning in [*export.warnings, *([export.stats.worker_problem] if export.stats.worker_problem else [])]:
        say(f"riskload: warning: {whose}{warning}", err=True)


@main.command("import")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the activities table here (.csv, or .parquet).")
@timezone_option("The athlete's IANA time zone, for files that recorded no UTC offset "
                 "(default: the settings' time zone).")
@settings_option
@click.option("--skipped/--no-skipped", "list_skipped", default=True, show_default=True,
              help="List the skipped files by reason.")
@cache_options
def import_command(folder: Path, out: Path | None, timezone: str | None, config: Path | None,
                   list_skipped: bool, cache_dir: Path | None, no_cache: bool) -> None:
    """Read an export FOLDER (Garmin, Strava, or any folder of FIT/GPX/TCX files)."""
    cache = cache_choice(cache_dir, no_cache)
    try:
        settings = load_settings(config, folder if folder.is_dir() else None)
        export = read_export(folder, timezone=timezone or settings.timezone, cache=cache,
                             progress=Progress(True))
        if out is not None:
            write_table(export.activities, out, folder)
    except RiskloadError as exc:
        fail(str(exc))
    warn_about_import(export)
    say(import_summary(export, list_skipped=list_skipped))
    if out is not None:
        say(f"Activities table written to {out}")
    if export.activities.empty:
        sys.exit(EXIT_FAILED)


@main.command("rules")
def rules_command() -> None:
    """List the rules: code, name, evidence, and every threshold's default."""
    say(rules_listing())


def rules_listing() -> str:
    """The rules as plain text, defaults read from the rule functions themselves."""
    lines = []
    for rule in RULES:
        lines.append(f"{rule.code}  {rule.name}  [evidence: {rule.evidence}]")
        lines.append(f"       {rule.summary()}")
        defaults = ", ".join(f"{name} = {value:g}" for name, value in rule.defaults().items())
        lines.append(f"       defaults: {defaults}")
    lines.append("")
    lines.append("Change a threshold in riskload.toml, e.g. [rules.RL001] limit_pct = 8.0;")
    lines.append('switch rules off with [rules] disabled = ["RL011"].')
    return "\n".join(lines)


def say(text: str = "", err: bool = False) -> None:
    """Print ``text``; control characters from file names and names show as escapes, not as commands."""
    click.echo(printable_lines(str(text)), err=err)


def fail(message: str) -> None:
    """Print one error line and leave with :data:`EXIT_FAILED`."""
    say(f"riskload: error: {message}", err=True)
    sys.exit(EXIT_FAILED)


def write_table(table: pd.DataFrame, out: Path, export_folder: Path) -> None:
    """Write ``table`` as CSV or Parquet by suffix, never inside the export folder, whole or not at all."""
    report.check_outside(out, export_folder)
    suffix = out.suffix.lower()
    if suffix == ".parquet":
        content = io.BytesIO()
        try:
            table.to_parquet(content, index=False)
        except ImportError as exc:
            raise RiskloadError("writing Parquet needs pyarrow: pip install pyarrow, or use a .csv name") from exc
        data = content.getvalue()
    elif suffix == ".csv":
        data = report.to_csv(table).encode()
    else:
        raise RiskloadError(f"{out}: use a .csv or .parquet file name")
    report.write_bytes(out, data)


def import_summary(export: Export, *, list_skipped: bool = True) -> str:
    """What a person wants to see after an import, as plain text."""
    acts = export.activities
    lines = []
    if acts.empty:
        lines.append("No activities found.")
    else:
        first, last = acts["local_date"].min(), acts["local_date"].max()
        lines.append(f"{counted(len(acts), 'activity', 'activities')} from {first:%Y-%m-%d} to {last:%Y-%m-%d}")
        lines.append("")
        by_sport = (
            acts.groupby("sport")
            .agg(n=("activity_id", "size"), km=("distance_m", "sum"), hours=("moving_time_s", "sum"),
                 up=("ascent_m", "sum"))
            .sort_values(["n", "km"], ascending=False)
        )
        lines.append(f"  {'sport':<22}{'count':>6}{'distance km':>13}{'moving h':>10}{'ascent m':>10}")
        for sport, row in by_sport.iterrows():
            lines.append(f"  {printable(sport):<22}{int(row.n):>6}{row.km / 1000:>13.1f}"
                         f"{row.hours / 3600:>10.1f}{row.up:>10.0f}")
        lines.append(
            f"  {'total':<22}{len(acts):>6}{acts['distance_m'].sum() / 1000:>13.1f}"
            f"{acts['moving_time_s'].sum() / 3600:>10.1f}{acts['ascent_m'].sum():>10.0f}"
        )
        partial = int(acts["partial"].sum())
        noted = int((acts["quality_notes"].fillna("") != "").sum())
        if partial or noted:
            lines.append("")
            lines.append(f"{partial} partial (damaged files, recovered up to the damage); "
                         f"{noted} with data-quality notes")
    skipped = export.skipped
    if len(skipped):
        lines.append("")
        lines.append(f"{report.skipped_heading(export)}:")
        for kind, group in skipped.groupby("kind", sort=True):
            lines.append(f"  {kind} ({len(group)})")
            if list_skipped:
                for _, row in group.iterrows():
                    lines.append(f"    {printable(row['path'])}: {printable(row['reason'])}")
    return "\n".join(lines)


class Progress:
    """A file-count progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, enabled: bool, label: str = "Reading files"):
        self.enabled = enabled and sys.stderr.isatty()
        self.label = label
        self.bar = None

    def __call__(self, done: int, total: int, path: str) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)
        if done >= total:
            self.bar.__exit__(None, None, None)
            self.bar = None

    @contextlib.contextmanager
    def step(self, text: str):
        """Show ``text`` on the terminal while the block runs (a step with nothing to count), then erase it."""
        if self.enabled:
            click.echo(f"{text}...", file=sys.stderr, nl=False)
        try:
            yield
        finally:
            if self.enabled:
                click.echo("\r" + " " * (len(text) + 3) + "\r", file=sys.stderr, nl=False)


def codes_option(value: str | None) -> list[str] | None:
    """``"RL001, rl004"`` as ``["RL001", "RL004"]``, each checked."""
    if value is None:
        return None
    codes = [c.strip().upper() for c in value.split(",") if c.strip()]
    if not codes:
        raise click.BadParameter(f"{value!r} names no rule (see riskload rules)")
    for code in codes:
        if code not in BY_CODE:
            raise click.BadParameter(f"unknown rule {code!r} (see riskload rules)")
    return codes


def chosen_rules(select: str | None, ignore: str | None) -> list[str] | None:
    """The rule codes to run from ``--select`` and ``--ignore`` (None: all enabled)."""
    selected, ignored = codes_option(select), codes_option(ignore)
    if ignored is None:
        return selected
    chosen = [code for code in (selected or [r.code for r in RULES]) if code not in ignored]
    if not chosen:
        raise click.UsageError("--select and --ignore leave no rule to run")
    return chosen


def default_out(folder: Path) -> Path:
    """``riskload-out/<export name>`` here (:func:`~riskload.analysis.export_name`: ``export`` says nothing,
    the folder above it may), or beside the export when here is inside it."""
    name = export_name(folder) or "export"
    here = DEFAULT_OUT / name
    try:
        return report.check_outside(here, folder)
    except RiskloadError:
        return folder.resolve().parent / DEFAULT_OUT / name


def worst_at_least(severities, severity: str | None) -> bool:
    """Whether ``severities`` hold ``severity`` or a worse one ("none" counts as nothing)."""
    if severity is None:
        return False
    return any(s in SEVERITIES and SEVERITIES.index(s) >= SEVERITIES.index(severity) for s in severities)


def day_option(value):
    return None if value is None else value.date()


def shown_days(since, until) -> tuple:
    """``--since`` and ``--until`` as days; a first day to show after the day analysed (``--until``, else
    today) is a usage error, said before any export is read."""
    first, last = day_option(since), day_option(until)
    analysed = last or pd.Timestamp.today().date()
    if first is not None and first > analysed:
        raise click.UsageError(f"--since {first:%Y-%m-%d} is after the day analysed, {analysed:%Y-%m-%d}"
                               f"{'' if last else ' (today)'}: no week to show")
    return first, last


DAY = click.DateTime(formats=["%Y-%m-%d"])
FORMAT = click.Choice(report.FORMATS)
SEVERITY = click.Choice(SEVERITIES)


@main.command("analyze")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: riskload-out/<export name> in the current folder; never inside the "
                   "export).")
@click.option("--since", type=DAY, metavar="YYYY-MM-DD",
              help="Show weeks from this day's week on (the rules still use the earlier history).")
@click.option("--until", type=DAY, metavar="YYYY-MM-DD",
              help="Analyse as of this day: later activities are left out (default: today).")
@click.option("--units", type=click.Choice(["km", "mi"]), help="Units of the report (default: the settings', else km).")
@settings_option
@timezone_option("The athlete's IANA time zone (default: the settings').")
@click.option("--format", "formats", type=FORMAT, multiple=True,
              help="Write only these outputs; repeat for several (default: html, png, csv and json; pdf: a short "
                   "report of the shown weeks for a physiotherapist).")
@click.option("--pain", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="The runner's pain diary, a CSV of date, area, intensity 0-10 and note (default: the settings' "
                   "[pain] diary).")
@rule_choice_options
@click.option("--weeks", default=8, show_default=True, type=click.IntRange(1, 520),
              help="Weeks in the terminal table.")
@click.option("--fail-on", type=SEVERITY, metavar="SEVERITY",
              help="Exit with 3 when a shown flag is this severe or worse (info, caution, warning, high).")
@click.option("-q", "--quiet", is_flag=True, help="Print only the report's path (and errors).")
@click.option("-v", "--verbose", is_flag=True, help="Also list every skipped file, the notes and the files written.")
@cache_options
def analyze_command(folder: Path, out: Path | None, since, until, units: str | None, config: Path | None,
                    timezone: str | None, formats: tuple[str, ...], pain: Path | None, select: str | None,
                    ignore: str | None, weeks: int, fail_on: str | None, quiet: bool, verbose: bool,
                    cache_dir: Path | None, no_cache: bool) -> None:
    """Analyse an export FOLDER: import, run the rules, write the report.

    The report (report.html, load.png, and flags, weekly and activities as
    CSV and JSON) goes to the output folder; the terminal shows the last
    weeks and where the report is.
    """
    rules = chosen_rules(select, ignore)
    cache = cache_choice(cache_dir, no_cache)
    since, until = shown_days(since, until)
    out = out or default_out(folder)
    try:
        report.check_outside(out, folder)
        progress = Progress(not quiet)
        analysis = analyze(folder, config=config, timezone=timezone, as_of=until, select=rules,
                           progress=progress, cache=cache, pain=pain)
        shown = report.since(analysis, since)
        units = units or analysis.settings.units
        with progress.step("Writing the report"):  # with a current history, next week's envelope takes a while
            written = report.write_report(shown, out, units=units, formats=formats or report.DEFAULT_FORMATS,
                                          cache=cache)
    except RiskloadError as exc:
        fail(str(exc))
    where = f"Report: {written['html'][0]}" if "html" in written else f"Written to: {out}"
    warn_about_import(analysis.export)
    doctor = report.red_flag_notice(shown.pain)
    if doctor:
        say(f"riskload: {doctor}", err=True)
    if not verbose:
        for line in import_stats(analysis.export)[1:]:
            say(line, err=True)
    if quiet:
        say(where.split(": ", 1)[1])
    else:
        say(analysis_summary(shown, weeks=weeks, units=units, verbose=verbose))
        if verbose:
            say("")
            say("Files written:")
            for paths in written.values():
                for path in paths:
                    say(f"  {path}")
        say("")
        say(where)
    if worst_at_least(shown.flags["severity"], fail_on):
        sys.exit(EXIT_FLAGGED)


def analysis_summary(analysis, *, weeks: int = 8, units: str = "km", verbose: bool = False) -> str:
    """The terminal summary of one analysis."""
    export = analysis.export
    files, listed = export.skipped_tally()
    lines = [f"{analysis.athlete}: {counted(len(export.activities), 'activity', 'activities')} read"
             + (f", {counted(files, 'file')} skipped ({skipped_counts(export)})" if files else "")
             + (f", {counted(listed, 'activity', 'activities')} listed without a file (not in the load)" if listed
                else "")]
    lines.append(report.status_sentence(analysis, units=units))
    pain = analysis.pain
    if pain is not None:
        lines.append(f"Pain diary: {counted(len(pain.diary.pain_days), 'day')} with pain in "
                     f"{counted(len(pain.episodes), 'episode')}"
                     + (f", {counted(len(pain.diary.problems), 'row')} left out" if pain.diary.problems else "")
                     + "; each episode with the flags before it, and the back-test, are in the report.")
    lines.append("")
    recent = report.recent_weeks(analysis, weeks=weeks, units=units)
    lines.append(report.format_table(recent, {"ACWR": 2}))
    if not analysis.load.weekly["complete"].iloc[-1]:
        lines.append("* week in progress")
    flags = analysis.flags
    tally = report.flag_tally(flags)
    weekly = analysis.load.weekly
    lines.append("")
    if named := report.rules_in_table(recent["flags"]):
        lines.append(named)
    lines.append(f"{counted(len(flags), 'flag')} from {weekly.index[0]:%Y-%m-%d} to "
                 f"{analysis.load.last_day:%Y-%m-%d}" + (f": {tally}" if tally else ""))
    if len(analysis.not_run):
        lines.append("Not run: " + "; ".join(f"{r.code}: {r.reason}" for r in analysis.not_run.itertuples()))
    if verbose:
        lines.extend(import_stats(export))
        for note in dict.fromkeys(analysis.notes):
            lines.append(f"Note: {printable(note)}")
        for row in export.skipped.itertuples():
            lines.append(f"Skipped {printable(row.path)}: {printable(row.reason)}")
    return "\n".join(lines)


def skipped_counts(export: Export) -> str:
    """``1 corrupt, 1 duplicate``."""
    counts = export.skipped.loc[~export.listed_without_file(), "kind"].value_counts().sort_index()
    return ", ".join(f"{n} {kind}" for kind, n in counts.items())


@main.command("roster")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: riskload-out/<squad folder name>; never inside FOLDER).")
@click.option("--since", type=DAY, metavar="YYYY-MM-DD",
              help="Show weeks from this day's week on in each report (the rules still use the earlier history).")
@click.option("--until", type=DAY, metavar="YYYY-MM-DD",
              help="Analyse everyone as of this day (default: today).")
@timezone_option("The time zone of athletes whose riskload.toml gives none (an athlete's own setting wins).")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path),
              help="Settings of the athletes whose folder holds no riskload.toml (no name, no pain diary).")
@click.option("--units", type=click.Choice(["km", "mi"]), default="km", show_default=True,
              help="Units of the table and the reports.")
@click.option("--format", "formats", type=FORMAT, multiple=True,
              help="Outputs of each athlete's report (default: all).")
@rule_choice_options
@click.option("--fail-on", type=SEVERITY, metavar="SEVERITY",
              help="Exit with 3 when an athlete has a flag this severe or worse this week or last.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the roster page's path (and errors).")
@click.option("-v", "--verbose", is_flag=True, help="Also print each athlete's report path.")
@cache_options
def roster_command(folder: Path, out: Path | None, since, until, timezone: str | None, config: Path | None,
                   units: str, formats: tuple[str, ...], select: str | None, ignore: str | None,
                   fail_on: str | None, quiet: bool, verbose: bool, cache_dir: Path | None, no_cache: bool) -> None:
    """Analyse a coach's FOLDER: each sub-folder is one athlete's export.

    Each athlete's own riskload.toml holds their settings (--config those
    of athletes without one). One table ranks the athletes by this week's
    flags; each athlete gets a full report.
    """
    rules = chosen_rules(select, ignore)
    since, until = shown_days(since, until)
    out = out or default_out(folder)
    as_of = until or pd.Timestamp.today().date()
    cache = cache_choice(cache_dir, no_cache)
    progress = Progress(not quiet)
    try:
        report.check_outside(out, folder)  # before the squad is analysed, as write_roster would after
        roster = analyze_roster(folder, as_of=as_of, select=rules, cache=cache, timezone=timezone, config=config,
                                progress=lambda name, done, total, path: progress(done, total, path))
        written = report.write_roster(roster, out, as_of=as_of, first_day=since, squad_folder=folder,
                                      units=units, formats=formats or report.DEFAULT_FORMATS, cache=cache,
                                      progress=Progress(not quiet, "Writing the reports"))
    except RiskloadError as exc:
        fail(str(exc))
    if not roster.analyses:
        fail(f"{folder}: no sub-folder holds an athlete's activities")
    table, page = written.table, written.page
    for name, analysis in roster.analyses.items():
        warn_about_import(analysis.export, name)
    for name, notice in written.notices.items():
        say(f"riskload: {printable(name)}: {notice}", err=True)
    if quiet:
        say(str(page))
    else:
        say(f"Squad as of {as_of:%a %d %b %Y}, most in need of a word first:")
        say("")
        shown = table.drop(columns=["folder"]).replace({"this week": {"none": ""}, "last week": {"none": ""}})
        say(report.format_table(shown))
        if named := report.rules_in_table([*table["this week flags"], *table["last week flags"]]):
            say("")
            say(named)
        if roster.failed:
            say("")
            say("Not analysed:")
            for name, reason in roster.failed.items():
                say(f"  {printable(name)}: {printable(reason)}")
        if verbose:
            say("")
            for name in roster.analyses:
                say(f"  {name}: {out / name / 'report.html'}")
        say("")
        say(f"Roster: {page}")
    if worst_at_least([*table["this week"], *table["last week"]], fail_on):
        sys.exit(EXIT_FLAGGED)


@main.command("plan")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--until", type=DAY, metavar="YYYY-MM-DD",
              help="The envelope starts on this day, with the history up to the day before (default: today).")
@click.option("--days", type=click.IntRange(1, 28), help="Days ahead (default: the rest of this week and the next 7).")
@click.option("--check", "plan_file", type=click.Path(dir_okay=False, path_type=Path), metavar="PLAN.csv",
              help="Print the flags this planned week would raise (CSV: date, sport, distance, duration, climb, "
                   "intensity).")
@click.option("--ics", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also write the envelope as a calendar file (one all-day event per day).")
@click.option("--units", type=click.Choice(["km", "mi"]), help="Units (default: the settings', else km).")
@settings_option
@timezone_option("The athlete's IANA time zone (default: the settings').")
@click.option("--fail-on", type=SEVERITY, metavar="SEVERITY",
              help="With --check: exit with 3 when the plan raises a flag this severe or worse.")
@cache_options
def plan_command(folder: Path, until, days: int | None, plan_file: Path | None, ics: Path | None, units: str | None,
                 config: Path | None, timezone: str | None, fail_on: str | None, cache_dir: Path | None,
                 no_cache: bool) -> None:
    """What FOLDER's runner can do in the days ahead without raising a caution, or what a plan would raise.

    Each limit comes from the rule that sets it, with the athlete's
    thresholds: the longest run each day (RL004), each week's distance
    (RL001, RL007, RL008; RL004 for its runs), climb (RL002), steep
    descent (RL006), hard minutes (RL005), rest days and streaks (RL003),
    and when the next hard session may start (RL009).
    """
    cache = cache_choice(cache_dir, no_cache)
    start = day_option(until) or pd.Timestamp.today().date()
    try:
        if ics is not None:
            report.check_outside(ics, folder)
        plan = read_plan(plan_file) if plan_file is not None else None
        progress = Progress(True)
        analysis = analyze(folder, config=config, timezone=timezone, cache=cache, progress=progress,
                           as_of=pd.Timestamp(start) - pd.Timedelta(days=1))
        units = units or analysis.settings.units
        if plan is not None:
            flags = check_plan(analysis, plan)
        else:
            with progress.step("Working out the safe envelope"):
                found = envelope(analysis, today=start, days=days)
            if ics is not None:
                report.write_bytes(ics, report.envelope_ics(found, athlete=analysis.athlete, units=units).encode())
    except RiskloadError as exc:
        fail(str(exc))
    warn_about_import(analysis.export)
    if plan is not None:
        for problem in plan.problems:
            say(f"riskload: {problem}", err=True)
        say(plan_check_text(analysis, plan, flags))
        if worst_at_least(flags["severity"], fail_on):
            sys.exit(EXIT_FLAGGED)
        return
    say(report.envelope_text(found, athlete=analysis.athlete, units=units))
    if ics is not None:
        say("")
        say(f"Calendar: {ics}")


def plan_check_text(analysis, plan, flags: pd.DataFrame) -> str:
    """The flags a plan would raise, as plain text."""
    runs = plan.runs
    km = runs["distance_km"].sum()
    lines = [f"{analysis.athlete}: a plan of {counted(len(runs), 'run')}, {km:.1f} km, "
             f"from {runs['date'].min():%a %d %b} to {runs['date'].max():%a %d %b %Y}"]
    if flags.empty:
        lines.append("It raises no flag.")
    else:
        tally = report.flag_tally(flags)
        lines.append(f"It would raise {counted(len(flags), 'flag')}: {tally}")
        lines.append("")
        for _, flag in flags.iterrows():
            lines.append(f"  {flag['date']:%a %d %b}  {flag['severity']:<8} {flag['code']}  "
                         f"{printable(flag['message'])}")
    return "\n".join(lines)
