"""A whole export folder to the activity timeline: :func:`read_export`."""

from __future__ import annotations


from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..columns import ACTIVITY_COLUMNS, SKIPPED_COLUMNS, conform, empty_frame
from ..errors import ActivityFileError
from ..memory import release_freed_memory
from ..timeline import tidy_samples
from ..wording import and_listed
from ..sports import RUNNING_SPORTS, normalize_sport
from ..sessions import SESSION_GAP_MIN, session_ids
from .dedup import Recording, find_duplicates
from .localtime import localize, wrong_zone_warnings
from .batch import ImportStats, decode_files
from . import snapshot
from .cache import ActivityCache, default_cache_dir
from .parse import Outcomes, ParsedActivity, SampleParts, parse_file, summarize_all
from .strava import WITHOUT_FILE, ActivityList, normalize_name, read_activities_csv
from .walk import candidate_files, export_root


@dataclass
class Export:
    """What :func:`read_export` found.

    Attributes
    ----------
    activities : DataFrame
        One row per activity (:data:`riskload.columns.ACTIVITY_COLUMNS`),
        in start order.
    samples : DataFrame
        One row per recorded point of the kept activities, keyed by ``activity_id``.
    skipped : DataFrame
        One row per file that gave no activity, and per duplicate dropped:
        ``path`` (relative to the export root), ``kind``, ``reason``.
    stats : ImportStats
        Files seen, taken from the cache and decoded.
    warnings : list of str
        What may make the activities' days wrong, for the reader to see first
        (:func:`~.localtime.wrong_zone_warnings`).
    """

    activities: pd.DataFrame
    samples: pd.DataFrame
    skipped: pd.DataFrame
    stats: ImportStats = field(default_factory=ImportStats)
    warnings: list[str] = field(default_factory=list)

    def listed_without_file(self) -> pd.Series:
        """Which rows of :attr:`skipped` are activities Strava's ``activities.csv`` lists without a file."""
        return self.skipped["kind"] == WITHOUT_FILE

    def skipped_tally(self) -> tuple[int, int]:
        """How many files were skipped, and how many activities were listed without a file."""
        listed = int(self.listed_without_file().sum())
        return len(self.skipped) - listed, listed


def read_export(
    folder: str | Path,
    *,
    timezone: str | None = None,
    strict: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
    cache: bool | str | Path = True,
    workers: int | None = None,
    session_gap_min: float = SESSION_GAP_MIN,
    other_files: tuple = (),
) -> Export:
    """Read every activity in an export folder (Garmin, Strava, or any folder).

    Parameters
    ----------
    folder : str or Path
        The export's root. Searched recursively; zip archives (also nested)
        and gzip files are read in memory; nothing is written.
    timezone : str, optional
        The athlete's IANA time zone, for files whose device recorded no UTC
        offset. Without it this machine's zone is used.
    strict : bool
        Raise the first :class:`~riskload.errors.ActivityFileError` instead of
        listing the file as skipped.
    progress : callable, optional
        Called as ``progress(done, total, path)``: once when the cached files
        are counted, then as each file is done, with the number done and the
        number in the folder (an archive counts as one file).
    cache : bool, str or Path
        Where decoded files are kept between runs: ``True`` for the user's
        cache folder (:func:`~riskload.importers.cache.default_cache_dir`),
        a folder, or ``False`` to decode everything and keep nothing.
    workers : int, optional
        Processes decoding the files the cache does not have (default: one
        per core).
    session_gap_min : float
        Consecutive recordings of one sport at most this many minutes apart
        are parts of one session (``session_id``; see :mod:`riskload.sessions`);
        0 joins nothing.
    other_files : tuple of str or Path
        Files riskload reads for another purpose (a pain diary given
        apart): those inside the folder are not activity files, so never
        "skipped" (the diary the folder's own settings name never is).

    Returns
    -------
    Export

    Raises
    ------
    RiskloadError
        ``folder`` is not a folder (:func:`~.walk.export_root` says what it is instead), the cache folder
        lies inside it (or, with ``strict``, a file is unusable).
    """
    root = export_root(folder)
    store = None
    if cache is not False:
        store = ActivityCache(default_cache_dir() if cache is True else Path(cache))
        store.prepare(root)
    unreadable: list[ActivityFileError] = []
    files = candidate_files(root, other_files, unreadable)
    if strict and unreadable:
        raise unreadable[0]
    # strict mode must see each file's error, so it always goes through the files
    state = snapshot.folder_state(store, root, files) if store and not strict else None
    tables = snapshot.load(store, root, state) if state else None
    if tables is not None:
        if progress:
            progress(len(files), len(files), "")
        stats = ImportStats(files=len(files), from_cache=len(files), cache_dir=str(store.root))
        return _finish(tables, timezone, stats, session_gap_min)

    tables, stats = _assemble(root, files, store, unreadable, strict=strict, workers=workers, progress=progress)
    state = snapshot.folder_state(store, root, files) if store and not strict else None
    problem, written_crc = snapshot.save(store, root, state, tables) if state else ("", None)
    if problem and len(stats.cache_problems) < 3:
        stats.cache_problems.append(problem)
    if state and not problem:
        # the tables as a warm import gives them, mapped from the snapshot, which was written from the
        # activities' own arrays: those are let go first, so that the samples are never held twice, and
        # the columns no step reads stay on disk (on a 14-year history: 1.6 GB of samples, positions and
        # power half a GB of them); a snapshot that cannot be read back is made up from the files' entries
        tables = None
        release_freed_memory()  # the activities' arrays: thousands of small blocks the allocator would keep
        tables = (snapshot.load(store, root, state, written_crc)
                  or _assemble(root, files, store, unreadable, strict=strict)[0])
    return _finish(tables, timezone, stats, session_gap_min)


def _assemble(root: Path, files: list[str], store: ActivityCache | None, unreadable: list[ActivityFileError], *,
              strict: bool, workers: int | None = None,
              progress: Callable[[int, int, str], None] | None = None) -> tuple[dict, ImportStats]:
    """The tables of ``files`` (:func:`_combine`), each file from the cache or decoded, and how that went; the
    ``unreadable`` folders among the skipped."""
    listed = read_activities_csv(root / "activities.csv") if (root / "activities.csv").is_file() else ActivityList()
    results, stats = decode_files(root, files, cache=store, workers=workers, progress=progress)
    parsed, errors = _collect([o for outcomes in results for o in outcomes], strict=strict)
    del results
    for item in parsed:
        meta = listed.by_file.get(normalize_name(item.row["source_path"]))
        if meta:
            _apply_strava_row(item.row, meta, single=item.row["activities_in_file"] == 1)
    return _combine(parsed, [_skip_row(e) for e in [*unreadable, *errors]] + listed.skipped()), stats


def _collect(outcomes: Outcomes, *, strict: bool) -> tuple[list[ParsedActivity], list[ActivityFileError]]:
    """The activities of every source, each told where it came from; the errors apart (or the first raised)."""
    parsed: list[ParsedActivity] = []
    errors: list[ActivityFileError] = []
    for path, outcome in outcomes:
        if isinstance(outcome, ActivityFileError):
            if strict:
                raise outcome
            errors.append(outcome)
            continue
        for item in outcome:
            item.row["source_path"] = path
            item.row["activities_in_file"] = len(outcome)
        parsed.extend(outcome)
    return parsed, errors


def _skip_row(error: ActivityFileError) -> dict:
    return {"path": error.path, "kind": error.kind, "reason": error.reason}


def _apply_strava_row(row: dict, meta: dict[str, str], single: bool) -> None:
    row["name"] = meta.get("name") or row.get("name")
    row["gear"] = meta.get("gear") or row.get("gear")
    if single and meta.get("type"):
        sport, sub = normalize_sport(meta["type"])
        if sport != "other":
            row["sport"], row["sub_sport"] = sport, sub or row.get("sub_sport", "")
            row["is_running"] = sport in RUNNING_SPORTS


def _combine(parsed: list[ParsedActivity], skipped: list[dict]) -> dict:
    """The activities (de-duplicated, not yet in local time), their samples (not yet joined: :class:`SampleParts`)
    and the skipped files."""
    if not parsed:
        return {"activities": empty_frame(ACTIVITY_COLUMNS), "samples": _all_samples([]),
                "skipped": _skipped_frame(skipped)}
    rows = pd.DataFrame([p.row for p in parsed])
    kept = find_duplicates(rows, [Recording.of(p.columns, p.row["start_time"], p.row["elapsed_time_s"])
                                  for p in parsed])
    copies: dict[str, list] = {}
    for i in rows.index[kept != rows.index]:
        copies.setdefault(rows.at[i, "source_path"], []).append(rows.loc[kept[i]])
    for path, winners in copies.items():
        ids_in: dict[str, dict] = {}
        for w in winners:
            ids_in.setdefault(w["source_path"], {})[w["activity_id"]] = None
        names = and_listed([f"{source} ({'id' if len(ids) == 1 else 'ids'} {', '.join(ids)})"
                            for source, ids in ids_in.items()])
        what = "the same activity as" if len(winners) == 1 else f"its {len(winners)} activities are already in"
        kept_in = "which is kept" if len(ids_in) == 1 else "which are kept"
        skipped.append({"path": path, "kind": "duplicate", "reason": f"{what} {names}, {kept_in}"})
    keep = kept == rows.index
    return {"activities": conform(rows[keep], ACTIVITY_COLUMNS),
            "samples": _all_samples([p for p, k in zip(parsed, keep) if k]),
            "skipped": _skipped_frame(skipped)}


def _finish(tables: dict[str, pd.DataFrame], timezone: str | None, stats: ImportStats | None = None,
            session_gap_min: float = SESSION_GAP_MIN) -> Export:
    """The :class:`Export` of ``tables``: activities in local time, in order of start, with their sessions,
    and the samples joined into one table."""
    activities, samples = tables["activities"], tables["samples"]
    if isinstance(samples, SampleParts):
        samples = samples.frame()
    warnings = []
    if len(activities):
        activities = localize(activities, timezone).sort_values("start_time", kind="stable")
        activities["session_id"] = session_ids(activities, session_gap_min)
        activities = conform(activities, ACTIVITY_COLUMNS)
        warnings = wrong_zone_warnings(activities, samples)
    return Export(activities, samples, tables["skipped"], stats or ImportStats(), warnings)


def _all_samples(parsed: list[ParsedActivity]) -> SampleParts:
    """The samples of ``parsed``, still in their activities' arrays; ``activity_id`` from the rows."""
    with_samples = [p for p in parsed if len(p)]
    ids, which = np.unique([p.row["activity_id"] for p in with_samples], return_inverse=True)
    # in the categorical's own small type: one code per sample of a long history is millions
    codes = np.repeat(which.astype(np.min_scalar_type(-max(len(ids), 1))), [len(p) for p in with_samples])
    return SampleParts(ids.astype(str), codes, [p.columns for p in with_samples])


def export_from_raw(raws, *, timezone: str | None = None, source: str = "memory",
                    session_gap_min: float = SESSION_GAP_MIN) -> Export:
    """An :class:`Export` of activities built in memory rather than read from files.

    For notebooks and tests: each :class:`~riskload.timeline.RawActivity` is
    summarised exactly as an imported one would be, de-duplicated and put in
    local time.

    Parameters
    ----------
    raws : sequence of RawActivity
    timezone : str, optional
        For activities without a UTC offset.
    source : str
        Prefix of the made-up ``source_path`` of each activity.
    session_gap_min : float
        As for :func:`read_export`.
    """
    parsed = []
    for index, raw in enumerate(raws):
        path = f"{source}/{index}"
        tidy = replace(raw, samples=tidy_samples(raw.samples))
        found = summarize_all([tidy], path.encode() + repr(raw.start_time).encode(), "memory")
        for item in found:
            item.row["source_path"] = path
            item.row["activities_in_file"] = 1
        parsed.extend(found)
    return _finish(_combine(parsed, []), timezone, session_gap_min=session_gap_min)


def _skipped_frame(skipped: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(skipped, columns=list(SKIPPED_COLUMNS))
    return conform(frame.sort_values("path", kind="stable"), SKIPPED_COLUMNS)


def read_file(path: str | Path, *, timezone: str | None = None) -> Export:
    """Read a single activity file (FIT, GPX, TCX, gzipped or zipped) like a folder of one.

    Raises
    ------
    ActivityFileError
        The file gives no activity.
    """
    path = Path(path)
    parsed, errors = _collect(parse_file(path.name, path.read_bytes()), strict=False)
    if not parsed and errors:
        raise errors[0]
    return _finish(_combine(parsed, [_skip_row(e) for e in errors]), timezone)
