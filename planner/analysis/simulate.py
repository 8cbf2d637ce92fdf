"""Does the rota really deliver? `rota simulate` replays a results folder of `rota plan`.

It reads rota.csv, coverage.csv and requirements.csv, puts the agents of rota.csv on duty at their
shift times and reports per hour, day, channel, series and horizon the service the rota delivers,
with 95 % intervals, beside what the plan predicted. The rate is the forecast's (requirements.csv's
`contacts`); where forecast.csv has the forecast's own error (`dispersion`), each replication draws
a miss per series and day first (`planner.analysis.forecast_error`), and the report gives the
chance that the horizon meets its target. Two ways to serve:
- pooled (a rota.csv without `serves`, as older plans wrote it): everyone serves everything;
  the hour's productive agents are split across its queues as the planner did and each queue
  is run on its own (`planner.analysis.queue_sim`);
- skill routing (rota.csv with `serves`: `channel/queue` items joined by `;`, or `*` for every
  series): every agent is a server of its own and a contact goes only to one who may serve its
  series (`planner.analysis.routing`). coverage_by_queue.csv, where the folder has it, gives the
  plan's predicted level per series.
Each channel is judged against its own target (requirements.csv's `sl_target`) per day and part
of a day, and each series over the horizon, so the report can lead with the answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from common.errors import InputError
from common.files import write_atomic, write_csv, write_text
from forecasts.channels import StaffingSettings
from forecasts.staffing import productive_agents
from planner.analysis.forecast_error import day_factors, series_dispersion, share_meeting
from planner.analysis.queue_sim import (
    HOUR_S,
    TALLY_FIELDS,
    QueueSpec,
    Tally,
    formula_service_level,
    simulate,
)
from planner.analysis.routing import Team, chat_sessions, simulate_routed

# --------------------------------------------------------------------------- a results folder


@dataclass(frozen=True)
class Plan:
    """What the simulation needs from a results folder of `rota plan`."""

    folder: Path
    hours: pd.DatetimeIndex
    on_duty: np.ndarray
    productive: np.ndarray
    predicted: np.ndarray
    specs: list[QueueSpec]
    targets: list[np.ndarray] = field(default_factory=list)   # per spec: sl_target per hour (NaN: none)
    models: list[str] = field(default_factory=list)           # per spec: erlang_c, erlang_a, chat, email
    team: Team | None = None  # skill routing (rota.csv has `serves`); None: pooled
    # per series: (sum of predicted level x contacts, contacts with a level) from coverage_by_queue.csv
    series_predicted: dict[tuple[str, str], tuple[float, float]] | None = None
    # per series (channel lower case, queue): forecast.csv's dispersion; None: no forecast.csv or no such column
    dispersion: dict[tuple[str, str], float] | None = None


def _read(folder: Path, name: str, columns: set[str]) -> pd.DataFrame:
    path = folder / name
    if not path.is_file():
        raise InputError("not found: give --rota the results folder of `rota plan`", file=str(path))
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"not a readable CSV ({' '.join(str(exc).split())})", file=str(path)) from None
    missing = sorted(columns - set(frame.columns))
    if missing:
        raise InputError(f"lacks column(s) {', '.join(missing)}", file=str(path), column=missing[0])
    return frame


def _times(frame: pd.DataFrame, column: str, file: str) -> pd.Series:
    values = pd.to_datetime(frame[column], errors="coerce")
    bad = np.flatnonzero(values.isna().to_numpy())
    if bad.size:
        raise InputError(f"must be a date-time (got {frame[column].iloc[bad[0]]!r})", file=file,
                         row=int(bad[0]) + 2, column=column)
    return values


def on_duty_from_rota(rota: pd.DataFrame, hours: pd.DatetimeIndex) -> np.ndarray:
    """Agents whose shift covers each whole hour (shift start <= hour, shift end >= hour + 1 h)."""
    start = rota["start"].to_numpy("datetime64[ns]")
    end = rota["end"].to_numpy("datetime64[ns]")
    h = hours.to_numpy("datetime64[ns]")
    one = np.timedelta64(1, "h")
    on = np.zeros(len(h), dtype=np.int64)
    for s, e in zip(start, end):
        on += (h >= s) & (h + one <= e)
    return on


def _shrinkage(folder: Path) -> float:
    """The shrinkage the plan was made with (summary.json), for hours that required nobody;
    without it, the default of rota.toml."""
    default = float(StaffingSettings.model_fields["shrinkage"].default)
    try:
        value = json.loads((folder / "summary.json").read_text(encoding="utf-8")).get("shrinkage", default)
    except (OSError, ValueError, AttributeError):
        return default
    return float(value) if isinstance(value, (int, float)) and 0 <= value < 1 else default


def load_plan(folder: str | Path) -> Plan:
    """Read rota.csv, coverage.csv and requirements.csv of a results folder into queue specs."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("not a folder: give --rota the results folder of `rota plan`", file=str(folder))
    cover = _read(folder, "coverage.csv", {"ts", "service_level"})
    rota = _read(folder, "rota.csv", {"start", "end"})
    req = _read(folder, "requirements.csv", {"ts", "channel", "queue", "contacts", "aht_s", "agents",
                                              "scheduled_agents", "answer_s", "traffic_erl", "patience_s", "model"})
    hours = pd.DatetimeIndex(_times(cover, "ts", "coverage.csv"))
    step = np.diff(hours.to_numpy("datetime64[s]").astype(np.int64))
    if len(hours) == 0 or (step != HOUR_S).any():
        row = int(np.flatnonzero(step != HOUR_S)[0]) + 3 if len(hours) else None
        raise InputError("needs one row per hour, in order, with no gap", file="coverage.csv", row=row, column="ts")
    rota = rota.assign(start=_times(rota, "start", "rota.csv"), end=_times(rota, "end", "rota.csv"))
    req = req.assign(ts=_times(req, "ts", "requirements.csv"))
    for column, low in (("contacts", 0.0), ("aht_s", 1e-9), ("agents", 0.0), ("scheduled_agents", 0.0)):
        values = pd.to_numeric(req[column], errors="coerce")
        bad = np.flatnonzero(~(np.isfinite(values.to_numpy(float)) & (values.to_numpy(float) >= low)))
        if bad.size:
            raise InputError(f"must be a number >= {low:g} (got {req[column].iloc[bad[0]]!r})",
                             file="requirements.csv", row=int(bad[0]) + 2, column=column)
        req[column] = values
    req = req[req["ts"].isin(hours)].reset_index(drop=True)
    if req.empty:
        raise InputError("requirements.csv has no hour of coverage.csv", file=str(folder / "requirements.csv"))
    on_duty = on_duty_from_rota(rota, hours)
    pos = hours.get_indexer(req["ts"])
    productive = productive_agents(req, hours, on_duty, _shrinkage(folder))
    specs, targets, models = [], [], []
    n = len(hours)
    if "sl_target" in req:
        req["sl_target"] = pd.to_numeric(req["sl_target"], errors="coerce")
    for (channel, queue), part in req.groupby(["channel", "queue"], sort=False):
        idx = hours.get_indexer(part["ts"])
        model = str(part["model"].iloc[0])
        target = np.full(n, np.nan)
        if "sl_target" in part:
            target[idx] = part["sl_target"].to_numpy(float)
        targets.append(target)
        models.append(model)
        contacts = np.zeros(n)
        aht = np.full(n, float(part["aht_s"].median()))
        answer = np.full(n, float(part["answer_s"].median()))
        servers = np.zeros(n)
        contacts[idx] = part["contacts"].to_numpy(float)
        aht[idx] = part["aht_s"].to_numpy(float)
        answer[idx] = part["answer_s"].to_numpy(float)
        servers[idx] = productive[part.index.to_numpy()]
        concurrency, seats = 1.0, servers.astype(np.int64)
        if model == "chat":  # the requirement's traffic is on AHT / concurrency
            busy = (part["contacts"] > 0) & (part["traffic_erl"] > 0)
            conc = (part["contacts"] * part["aht_s"] / (part["traffic_erl"] * HOUR_S))[busy]
            concurrency = round(float(conc.median()), 6) if len(conc) else 1.0
            servers = np.floor(servers * concurrency + 1e-9)
        patience = part["patience_s"].dropna()
        specs.append(QueueSpec(
            channel=str(channel), queue=str(queue), contacts=contacts, aht_s=aht, answer_s=answer,
            servers=servers.astype(np.int64),
            patience_s=float(patience.iloc[0]) if model == "erlang_a" and len(patience) else None,
            deferred=model == "email", concurrency=concurrency, agents=seats, concurrent=model == "chat",
        ))
    pool = np.bincount(pos, weights=productive, minlength=n)
    team = _team(rota, hours, specs, pool) if "serves" in rota.columns else None
    forecast = _read(folder, "forecast.csv", {"channel"}) if (folder / "forecast.csv").is_file() else None
    return Plan(folder=folder, hours=hours, on_duty=on_duty, productive=pool,
                predicted=cover["service_level"].to_numpy(float), specs=specs, targets=targets, models=models,
                team=team, series_predicted=_series_predicted(folder, hours),
                dispersion=None if forecast is None else series_dispersion(forecast))


def _serves(cell: object, series: dict[str, int], row: int) -> set[int]:
    """The series one `serves` cell names: `*` every one, empty none; unknown series are left out
    (no contacts of theirs in these hours)."""
    text = "" if cell is None or (isinstance(cell, float) and np.isnan(cell)) else str(cell).strip()
    if text == "*":
        return set(series.values())
    out = set()
    for item in filter(None, (p.strip() for p in text.split(";"))):
        channel, _, queue = item.partition("/")
        if not channel.strip() or not queue.strip():
            raise InputError(f"must be channel/queue items joined by ';', or '*' (got {text!r})",
                             file="rota.csv", row=row, column="serves")
        key = f"{channel.strip()}/{queue.strip()}".lower()
        if key in series:
            out.add(series[key])
    return out


def _team(rota: pd.DataFrame, hours: pd.DatetimeIndex, specs: list[QueueSpec], pool: np.ndarray) -> Team:
    """The agents of rota.csv as individual servers: one per agent_id (each row its own when
    there is no agent_id), in order of first appearance; on duty in the whole hours one of its
    shifts covers; serving the union of its rows' `serves`."""
    series = {f"{s.channel}/{s.queue}".lower(): j for j, s in enumerate(specs)}
    ids = rota["agent_id"].astype(str) if "agent_id" in rota.columns else pd.Series(range(len(rota)), dtype=str)
    who, _ = pd.factorize(ids)
    agents = int(who.max()) + 1 if len(who) else 0
    h = hours.to_numpy("datetime64[ns]")[None, :]
    start = rota["start"].to_numpy("datetime64[ns]")[:, None]
    end = rota["end"].to_numpy("datetime64[ns]")[:, None]
    covered = (h >= start) & (h + np.timedelta64(1, "h") <= end)
    on_duty = np.zeros((agents, len(hours)), dtype=bool)
    np.logical_or.at(on_duty, who, covered)
    serves = np.zeros((agents, len(specs)), dtype=bool)
    for row, (a, cell) in enumerate(zip(who, rota["serves"])):
        serves[a, sorted(_serves(cell, series, row + 2))] = True
    concurrency = max((s.concurrency for s in specs if s.concurrent), default=1.0)
    return Team(serves=serves, on_duty=on_duty, productive=np.asarray(pool, dtype=np.int64),
                sessions=chat_sessions(agents, concurrency))


def _series_predicted(folder: Path, hours: pd.DatetimeIndex) -> dict[tuple[str, str], tuple[float, float]] | None:
    """coverage_by_queue.csv's predicted level per series, as (level x contacts, contacts) summed
    over the hours simulated where the level is known; None without the file."""
    if not (folder / "coverage_by_queue.csv").is_file():
        return None
    frame = _read(folder, "coverage_by_queue.csv", {"ts", "channel", "queue", "contacts", "service_level"})
    frame = frame.assign(ts=_times(frame, "ts", "coverage_by_queue.csv"))
    frame = frame[frame["ts"].isin(hours)]
    level = pd.to_numeric(frame["service_level"], errors="coerce").to_numpy(float)
    contacts = pd.to_numeric(frame["contacts"], errors="coerce").to_numpy(float)
    known = np.isfinite(level) & np.isfinite(contacts) & (contacts > 0)
    out: dict[tuple[str, str], tuple[float, float]] = {}
    for key, lv, c, k in zip(zip(frame["channel"].astype(str), frame["queue"].astype(str)), level, contacts, known):
        num, den = out.get(key, (0.0, 0.0))
        out[key] = (num + lv * c, den + c) if k else (num, den)
    return out


@dataclass(frozen=True)
class Simulation:
    """Per hour, per day and horizon figures (one frame, `level` column) and the run's settings."""

    table: pd.DataFrame
    replications: int
    seed: int
    aht_dist: str
    cv: float
    folder: Path | None = None
    checks: pd.DataFrame | None = None       # per channel and day (and part of a day): against the target
    channels: dict[str, str] = field(default_factory=dict)   # channel -> model
    concurrency: dict[str, float] = field(default_factory=dict)
    forecast_error: dict[str, float] | None = None   # "channel/queue" -> phi drawn per day; None: not drawn

    def days_meeting_target(self) -> tuple[int, int]:
        """(days on which every channel met its target, days with a target)."""
        if self.checks is None or self.checks.empty:
            return 0, 0
        days = self.checks[self.checks["part"] == ""].groupby("day")["met"].all()
        return int(days.sum()), int(len(days))
    routing: str = "pooled"  # or "skills": contacts routed to agents who may serve their series

    def shown_series(self) -> pd.DataFrame:
        """The series rows worth showing beside their channel: a channel's when it has several,
        every one when contacts are routed by skill."""
        series = self.table[self.table["level"] == "series"]
        return series[(series["channel"].map(series["channel"].value_counts()) > 1) | (self.routing == "skills")]

    def short_series(self, *, sole: bool = True) -> pd.DataFrame:
        """The shown series (channel/queue) below their target beyond the whole 95 % interval
        over the horizon; `sole=False` leaves out a channel's only series (the channel's own
        verdict says it)."""
        shown = self.shown_series()
        if not sole:
            shown = shown[shown["channel"].map(shown["channel"].value_counts()) > 1]
        high = shown["service_level_high"].fillna(shown["service_level"])
        return shown[shown["target"].notna() & (shown["target"] > high + 1e-9)]

    def horizon(self) -> pd.Series:
        return self.table[self.table["level"] == "horizon"].iloc[0]

    def summary(self) -> dict:
        """The `simulation` object of summary.json."""
        row = self.horizon()

        def fig_of(r: pd.Series, name: str) -> dict:
            return {"mean": _num(r[name]), "ci95": {"low": _num(r[f"{name}_low"]), "high": _num(r[f"{name}_high"])}}

        series = self.table[self.table["level"] == "series"]
        return {
            "service_level": fig_of(row, "service_level"), "asa_s": fig_of(row, "asa_s"),
            "abandonment": fig_of(row, "abandonment"), "occupancy": fig_of(row, "occupancy"),
            "predicted_service_level": _num(row["predicted_service_level"]), "target": _num(row["target"]),
            "days_meeting_target": self.days_meeting_target()[0], "days_with_target": self.days_meeting_target()[1],
            "p_horizon_meets_target": _num(row["p_meets_target"]),
            "forecast_error": {"drawn": self.forecast_error is not None, "per": "series and day",
                               "dispersion": self.forecast_error},
            "replications": self.replications, "seed": self.seed, "aht_dist": self.aht_dist,
            "cv": self.cv if self.aht_dist == "lognormal" else 1.0, "routing": self.routing,
            "by_queue": [{"channel": r["channel"], "queue": r["queue"], "arrivals": _num(r["arrivals"]),
                          "service_level": fig_of(r, "service_level"),
                          "predicted_service_level": _num(r["predicted_service_level"]), "target": _num(r["target"]),
                          "p_horizon_meets_target": _num(r["p_meets_target"])}
                         for _, r in series.iterrows()],
        }


def _num(v: float) -> float | None:
    return None if v is None or not np.isfinite(v) else round(float(v), 6)


def _bounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Proportions and their intervals stay inside [0, 1]; waits stay >= 0."""
    for m in ("service_level", "abandonment"):
        for c in (f"{m}_low", f"{m}_high"):
            frame[c] = frame[c].clip(0.0, 1.0)
    frame["asa_s_low"] = frame["asa_s_low"].clip(lower=0.0)
    frame["occupancy_low"] = frame["occupancy_low"].clip(lower=0.0)
    return frame


def _sum(tallies: list[Tally]) -> Tally:
    return Tally(*(sum(getattr(t, f) for t in tallies) for f in TALLY_FIELDS))


#: Parts of a day a team lead names ("Friday evening"): (name, first hour, end hour).
DAY_PARTS = (("night", 0, 6), ("morning", 6, 12), ("afternoon", 12, 18), ("evening", 18, 24))


def target_checks(plan: Plan, queues: dict[tuple[str, str], Tally]) -> pd.DataFrame:
    """Each channel's simulated service level against its own target, per day and per part of a
    day: `day, part ('' = whole day), channel, contacts, service_level, high (of the 95 % interval),
    target, met, hours`.

    The target of a group of hours is the contact-weighted `sl_target` of the requirement (the
    night target may differ from the day's); a group with no contacts or no target is left out.
    A group misses its target (`met` false) only when the target is above the whole 95 % interval
    of the replications: a mean a hair below it (e-mail at 99.8 % of a 100 % target) is noise,
    not a shortfall to act on.
    """
    day_keys, day_of = np.unique(plan.hours.normalize().to_numpy(), return_inverse=True)
    part_of = np.searchsorted([p[2] for p in DAY_PARTS], plan.hours.hour.to_numpy(), side="right")
    groups = {"": (day_of, len(day_keys)), "parts": (day_of * len(DAY_PARTS) + part_of, len(day_keys) * len(DAY_PARTS))}
    rows = []
    for channel in dict.fromkeys(s.channel for s in plan.specs):
        mine = [i for i, s in enumerate(plan.specs) if s.channel == channel]
        tally = _sum([queues[(plan.specs[i].channel, plan.specs[i].queue)] for i in mine])
        contacts = sum(plan.specs[i].contacts for i in mine)
        known = [np.where(np.isnan(plan.targets[i]), 0.0, plan.specs[i].contacts) for i in mine] if plan.targets else []
        weight = sum(known) if known else np.zeros(len(plan.hours))
        aimed = sum(np.nan_to_num(plan.targets[i]) * k for i, k in zip(mine, known)) if known else weight
        for key, (group, k) in groups.items():
            figures = tally.grouped(group, k).figures()
            level, high = figures["service_level"].to_numpy(), figures["service_level_high"].to_numpy()
            c, w, t = (np.bincount(group, weights=v, minlength=k) for v in (contacts, weight, aimed))
            for g in np.flatnonzero((c > 0) & (w > 0) & np.isfinite(level)):
                day, part = (g, "") if key == "" else divmod(g, len(DAY_PARTS))
                rows.append((pd.Timestamp(day_keys[day]), part if key == "" else DAY_PARTS[part][0], channel,
                             float(c[g]), float(level[g]), float(np.nan_to_num(high[g], nan=level[g])),
                             float(t[g] / w[g])))
    checks = pd.DataFrame(rows, columns=["day", "part", "channel", "contacts", "service_level", "high", "target"])
    checks["met"] = checks["high"] >= checks["target"] - 1e-9
    checks["hours"] = checks["part"].map({name: f"{a:02d}–{b:02d}" for name, a, b in DAY_PARTS}).fillna("00–24")
    return checks
def _weighted(parts: list[tuple[float, float]]) -> float:
    num, den = sum(p[0] for p in parts), sum(p[1] for p in parts)
    return num / den if den > 0 else np.nan


def simulate_plan(folder: str | Path, replications: int = 10, seed: int = 0, aht_dist: str = "exponential",
                  cv: float = 1.0, forecast_error: bool | None = None) -> Simulation:
    """Simulate a results folder; figures per hour, day, channel, series and over the horizon.

    `forecast_error` draws the forecast's own miss per series and day into every replication
    (`planner.analysis.forecast_error`); None: when forecast.csv has a `dispersion` column. The
    channel, series and horizon rows get `p_meets_target`, the share of replications whose
    service level over the horizon reaches the row's target.

    `level` says which: hour (ts = hour start), day (ts = midnight), channel (whole horizon of
    one channel, `channel` set), series (whole horizon of one channel and queue) and horizon.
    The predicted service level is coverage.csv's, contact-weighted over the hours of the row;
    per series it is coverage_by_queue.csv's (NaN without the file). Per channel, a pooled
    folder shows Erlang for the queue's own share of the agents, a skill-routed one the
    series' predictions contact-weighted. With skill routing a series has no agents of its own:
    its occupancy, and its channel's, is NaN. `target` is the contact-weighted target of the
    row's contacts; `checks` judges each channel per day and part of a day against it.
    """
    plan = load_plan(folder)
    phis = _drawn_error(plan, forecast_error)
    volume = None if phis is None else day_factors(plan.hours, list(phis.values()), replications, seed)
    if plan.team is None:
        queues = simulate(plan.specs, replications, seed, aht_dist, cv, per_queue=True, volume=volume)
        tally = _sum(list(queues.values()))
    else:
        queues = simulate_routed(plan.specs, plan.team, replications, seed, aht_dist, cv, volume=volume)
        tally = _sum(list(queues.values()))
        tally = Tally(*(np.broadcast_to(plan.team.working() * HOUR_S, tally.slot_s.shape).copy()
                        if f == "slot_s" else getattr(tally, f) for f in TALLY_FIELDS))
    n = len(plan.hours)
    one = np.zeros(n, dtype=np.int64)
    day_keys, day_of = np.unique(plan.hours.normalize().to_numpy(), return_inverse=True)
    contacts = sum(s.contacts for s in plan.specs)
    by_series = plan.series_predicted
    series_level = {(s.channel, s.queue): by_series.get((s.channel, s.queue), (0.0, 0.0)) if by_series else (0.0, 0.0)
                    for s in plan.specs}

    def predicted(group: np.ndarray, k: int) -> np.ndarray:
        known = ~np.isnan(plan.predicted)
        num = np.bincount(group, weights=np.where(known, plan.predicted, 0.0) * contacts, minlength=k)
        den = np.bincount(group, weights=np.where(known, contacts, 0.0), minlength=k)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, num / den, np.nan)

    frames = [
        tally.figures().assign(level="hour", ts=plan.hours, channel="", on_duty=plan.on_duty,
                               productive=plan.productive, predicted_service_level=plan.predicted),
        tally.grouped(day_of, len(day_keys)).figures().assign(
            level="day", ts=pd.DatetimeIndex(day_keys), channel="",
            predicted_service_level=predicted(day_of, len(day_keys))),
    ]
    for channel in dict.fromkeys(s.channel for s in plan.specs):
        part = _sum([t for (c, _), t in queues.items() if c == channel])
        mine = [s for s in plan.specs if s.channel == channel]
        weight = sum(float(s.contacts.sum()) for s in mine)
        if plan.team is not None:
            formula = _weighted([series_level[(s.channel, s.queue)] for s in mine])
        else:
            formula = (sum(float(np.nansum(formula_service_level(s) * s.contacts)) for s in mine) / weight
                       if weight > 0 and not any(s.deferred for s in mine) else np.nan)
        frames.append(part.grouped(one, 1).figures().assign(level="channel", ts=plan.hours[0], channel=channel,
                                                            predicted_service_level=formula))
    for s in plan.specs:
        frames.append(queues[(s.channel, s.queue)].grouped(one, 1).figures().assign(
            level="series", ts=plan.hours[0], channel=s.channel, queue=s.queue,
            predicted_service_level=_weighted([series_level[(s.channel, s.queue)]])))
    frames.append(tally.grouped(one, 1).figures().assign(
        level="horizon", ts=plan.hours[0], channel="", predicted_service_level=predicted(one, 1)))
    cols = ["level", "ts", "channel", "queue", "arrivals", "predicted_service_level"] + [
        f"{m}{s}" for m in ("service_level", "asa_s", "abandonment", "occupancy") for s in ("", "_low", "_high")
    ] + ["on_duty", "productive"]
    table = _bounded(pd.concat(frames, ignore_index=True).reindex(columns=cols))
    table["queue"] = table["queue"].fillna("")
    table["target"] = _row_targets(plan, table, day_of, len(day_keys))
    table["p_meets_target"] = _meeting(table, queues, tally)
    return Simulation(table=table, replications=replications, seed=seed, aht_dist=aht_dist, cv=cv,
                      folder=plan.folder, checks=target_checks(plan, queues),
                      channels={s.channel: m for s, m in zip(plan.specs, plan.models)},
                      concurrency={s.channel: s.concurrency for s in plan.specs},
                      routing="pooled" if plan.team is None else "skills", forecast_error=phis)


def _drawn_error(plan: Plan, wanted: bool | None) -> dict[str, float] | None:
    """phi per series ("channel/queue", in the order of the specs) to draw, or None: not asked
    for, or not known (asked for explicitly, that is an error)."""
    if wanted is False or (wanted is None and plan.dispersion is None):
        return None
    if plan.dispersion is None:
        path = plan.folder / "forecast.csv"
        raise InputError("has no dispersion column (the forecast's own error): plan again with this version of rota, "
                         "or simulate with --no-forecast-error" if path.is_file()
                         else "not found, so the forecast's own error is not known: simulate with --no-forecast-error",
                         file=str(path), column="dispersion" if path.is_file() else None)
    return {f"{s.channel}/{s.queue}": plan.dispersion.get((s.channel.lower(), s.queue), 0.0) for s in plan.specs}


def _meeting(table: pd.DataFrame, queues: dict[tuple[str, str], Tally], tally: Tally) -> np.ndarray:
    """P(horizon meets target) for the channel, series and horizon rows of the table (NaN for
    hours and days): `forecast_error.share_meeting` against the row's own target."""
    out = np.full(len(table), np.nan)
    for i, row in enumerate(table.itertuples(index=False)):
        if row.level == "series":
            mine = queues[(row.channel, row.queue)]
        elif row.level == "channel":
            mine = _sum([t for (c, _), t in queues.items() if c == row.channel])
        elif row.level == "horizon":
            mine = tally
        else:
            continue
        out[i] = share_meeting(mine, row.target)
    return out


def _row_targets(plan: Plan, table: pd.DataFrame, day_of: np.ndarray, days: int) -> np.ndarray:
    """The contact-weighted target of the contacts of each row of the table (hour, day,
    channel, series, horizon), for simulation.csv and the chart's target line."""
    n = len(plan.hours)
    weight, aimed = {}, {}
    out = np.full(len(table), np.nan)
    for spec, target in zip(plan.specs, plan.targets or [np.full(n, np.nan)] * len(plan.specs)):
        w = np.where(np.isnan(target), 0.0, spec.contacts)
        weight[spec.channel] = weight.get(spec.channel, 0.0) + w
        aimed[spec.channel] = aimed.get(spec.channel, 0.0) + np.nan_to_num(target) * w
        row = ((table["level"] == "series") & (table["channel"] == spec.channel) & (table["queue"] == spec.queue))
        out[row.to_numpy()] = np.sum(np.nan_to_num(target) * w) / np.sum(w) if np.sum(w) > 0 else np.nan
    w_all, t_all = sum(weight.values()), sum(aimed.values())

    def ratio(t: np.ndarray, w: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(w > 0, t / np.where(w > 0, w, 1.0), np.nan)

    per_level = {
        "hour": ratio(t_all, w_all),
        "day": ratio(np.bincount(day_of, weights=t_all, minlength=days), np.bincount(day_of, weights=w_all,
                                                                                    minlength=days)),
        "horizon": ratio(np.array([np.sum(t_all)]), np.array([np.sum(w_all)])),
    }
    for level in ("hour", "day", "horizon"):
        out[(table["level"] == level).to_numpy()] = per_level[level]
    for channel in weight:
        row = ((table["level"] == "channel") & (table["channel"] == channel)).to_numpy()
        out[row] = ratio(np.array([np.sum(aimed[channel])]), np.array([np.sum(weight[channel])]))
    return out


# --------------------------------------------------------------------------- results


def simulation_figure(sim: Simulation) -> Figure:
    """Simulated service level by hour with its 95 % band, against the Erlang prediction and the
    target (the contact-weighted target of the hour's contacts), so a short hour shows at a glance."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.ticker import PercentFormatter

    hours = sim.table[sim.table["level"] == "hour"]
    fig = Figure(figsize=(12, 4.5), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ts = pd.to_datetime(hours["ts"])
    ax.fill_between(ts, hours["service_level_low"], hours["service_level_high"], step="post",
                    color="#2166ac", alpha=0.25, linewidth=0, label="simulated, 95 % interval")
    ax.step(ts, hours["service_level"], where="post", color="#2166ac", linewidth=1.4,
            label=f"simulated ({sim.replications} replications)")
    ax.step(ts, hours["predicted_service_level"], where="post", color="#b2182b", linewidth=1.2,
            linestyle="--", label="Erlang (coverage.csv)")
    if hours["target"].notna().any():
        ax.step(ts, hours["target"], where="post", color="#1a1a1a", linewidth=1.3, linestyle=":",
                label="target")
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel("service level")
    met, days = sim.days_meeting_target()
    verdict = f": the target is met on {met} of {days} days" if days else ""
    short = sim.short_series(sole=False)
    if days and len(short):
        verdict += f"; {', '.join(short['channel'] + '/' + short['queue'])} short over the horizon"
    ax.set_title(f"Service level by hour, simulated against the formula{verdict}")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=9, ncols=4)
    return fig


def _chart_png(sim: Simulation) -> bytes:
    import io

    buf = io.BytesIO()
    simulation_figure(sim).savefig(buf, format="png")
    return buf.getvalue()


def write_simulation(sim: Simulation, folder: str | Path | None = None) -> list[Path]:
    """simulation.csv, simulation.png and the `simulation` object of summary.json, each atomic."""
    folder = Path(folder) if folder is not None else sim.folder
    summary_path = folder / "summary.json"
    summary: dict = {}
    if summary_path.is_file():
        try:
            summary = json.loads(summary_path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise InputError("not valid JSON", file=str(summary_path)) from None
        if not isinstance(summary, dict):
            raise InputError("must hold a JSON object", file=str(summary_path))
    summary["simulation"] = sim.summary()
    table = sim.table.copy()
    floats = table.select_dtypes("float").columns
    table[floats] = table[floats].round(6)
    png = _chart_png(sim)  # everything is made before the first file is replaced
    return [
        write_csv(table, folder / "simulation.csv"),
        write_atomic(folder / "simulation.png", lambda tmp: tmp.write_bytes(png)),
        write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", summary_path),
    ]
