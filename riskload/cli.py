"""The ``riskload`` command line: parse options, call one public function, print.

Exit codes: 0 the command did its job (skipped files are listed, not an
error); 1 riskload could not do it (a folder that is not there, nothing
importable, an unwritable output); 2 the command line itself is wrong.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import pandas as pd

from . import __version__
from .errors import RiskloadError
from .importers import Export, read_export
from .rules import RULES
from .settings import load_settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@click.group()
@click.version_option(__version__, prog_name="riskload")
def main() -> None:
    """Find where a runner's training raises the risk of injury."""


@main.command("import")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="Write the activities table here (.csv, or .parquet).")
@click.option("--timezone", metavar="ZONE", help="The athlete's IANA time zone, for files that recorded no UTC offset "
              "(default: the settings' time zone).")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path),
              help="Athlete settings file (default: riskload.toml in FOLDER).")
@click.option("--skipped/--no-skipped", "list_skipped", default=True, show_default=True, help="List the skipped files by reason.")
def import_command(folder: Path, out: Path | None, timezone: str | None, config: Path | None,
                   list_skipped: bool) -> None:
    """Read an export FOLDER (Garmin, Strava, or any folder of FIT/GPX/TCX files)."""
    try:
        settings = load_settings(config, folder if folder.is_dir() else None)
        export = read_export(folder, timezone=timezone or settings.timezone)
        if out is not None:
            write_table(export.activities, out, folder)
    except RiskloadError as exc:
        fail(str(exc))
    click.echo(import_summary(export, list_skipped=list_skipped))
    if out is not None:
        click.echo(f"Activities table written to {out}")
    if export.activities.empty:
        sys.exit(EXIT_FAILED)


@main.command("rules")
def rules_command() -> None:
    """List the rules: code, name, evidence, and every threshold's default."""
    click.echo(rules_listing())


def rules_listing() -> str:
    """The rules as plain text, defaults read from the rule functions themselves."""
    lines = []
    for rule in RULES:
        lines.append(f"{rule.code}  {rule.name}  [evidence: {rule.evidence}]")
        lines.append(f"       {rule.summary}")
        defaults = ", ".join(f"{name} = {value:g}" for name, value in rule.defaults().items())
        lines.append(f"       defaults: {defaults}")
    lines.append("")
    lines.append("Change a threshold in riskload.toml, e.g. [rules.RL001] limit_pct = 8.0;")
    lines.append('switch rules off with [rules] disabled = ["RL011"].')
    return "\n".join(lines)


def fail(message: str) -> None:
    """Print one error line and leave with :data:`EXIT_FAILED`."""
    click.echo(f"riskload: error: {message}", err=True)
    sys.exit(EXIT_FAILED)


def write_table(table: pd.DataFrame, out: Path, export_folder: Path) -> None:
    """Write ``table`` as CSV or Parquet by suffix, never inside the export folder."""
    out_resolved, export_resolved = out.resolve(), Path(export_folder).resolve()
    if export_resolved == out_resolved.parent or export_resolved in out_resolved.parents:
        raise RiskloadError(f"{out}: riskload never writes inside the export folder; choose another place")
    suffix = out.suffix.lower()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".parquet":
            try:
                table.to_parquet(out, index=False)
            except ImportError as exc:
                raise RiskloadError("writing Parquet needs pyarrow: pip install pyarrow, or use a .csv name") from exc
        elif suffix == ".csv":
            table.to_csv(out, index=False)
        else:
            raise RiskloadError(f"{out}: use a .csv or .parquet file name")
    except OSError as exc:
        raise RiskloadError(f"{out}: cannot write ({exc.strerror or exc})") from exc


def import_summary(export: Export, *, list_skipped: bool = True) -> str:
    """What a person wants to see after an import, as plain text."""
    acts = export.activities
    lines = []
    if acts.empty:
        lines.append("No activities found.")
    else:
        first, last = acts["local_date"].min(), acts["local_date"].max()
        lines.append(f"{len(acts)} activities from {first:%Y-%m-%d} to {last:%Y-%m-%d}")
        lines.append("")
        by_sport = (
            acts.groupby("sport")
            .agg(n=("activity_id", "size"), km=("distance_m", "sum"), hours=("moving_time_s", "sum"), up=("ascent_m", "sum"))
            .sort_values(["n", "km"], ascending=False)
        )
        lines.append(f"  {'sport':<22}{'count':>6}{'distance km':>13}{'moving h':>10}{'ascent m':>10}")
        for sport, row in by_sport.iterrows():
            lines.append(f"  {sport:<22}{int(row.n):>6}{row.km / 1000:>13.1f}{row.hours / 3600:>10.1f}{row.up:>10.0f}")
        lines.append(
            f"  {'total':<22}{len(acts):>6}{acts['distance_m'].sum() / 1000:>13.1f}"
            f"{acts['moving_time_s'].sum() / 3600:>10.1f}{acts['ascent_m'].sum():>10.0f}"
        )
        partial = int(acts["partial"].sum())
        noted = int((acts["quality_notes"].fillna("") != "").sum())
        if partial or noted:
            lines.append("")
            lines.append(f"{partial} partial (damaged files, recovered up to the damage); {noted} with data-quality notes")
    skipped = export.skipped
    if len(skipped):
        lines.append("")
        lines.append(f"{len(skipped)} files skipped:")
        for kind, group in skipped.groupby("kind", sort=True):
            lines.append(f"  {kind} ({len(group)})")
            if list_skipped:
                for _, row in group.iterrows():
                    lines.append(f"    {row['path']}: {row['reason']}")
    return "\n".join(lines)
