"""Joining flexible staff to a rota: what is left to cover, and what each flex shift costs.

Flexible part-timers are planned per person (`planner.solve.flex_model`) after the rota classes,
against what the classes leave uncovered: a decomposition (the joint model would put both in one
CP-SAT; its loss against this is to be measured). The residual is priced exactly as the class
model priced it, so the engine's objective is the same roubles:

- each series (channel x queue) the flex group may serve has, in each hour, the agents it still
  misses after the rota's split (`need - allocated`), the k-th of them priced by the class
  model's convex shortfall cost, and the 24/7 price on the dearest one when nobody on site may
  serve the series at all;
- the flex group's agents are interchangeable across those series, so the hour's missing agents
  pool into one list, cheapest first: n flex agents then remove the n dearest, which is the best
  split of n agents among the series (each series' prices rise with its shortage).

A flex shift costs its pay: the agent's rate x (paid hours + night extra + holiday extra), by the
same rules as everyone's (`constraints.pay`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

import numpy as np

from constraints.calendar import RU_CALENDAR, ProductionCalendar
from constraints.flex import ShiftType
from constraints.pay import DEFAULT_RULES, PayRules, holiday_hours_of, night_hours_of, rate_hours
from planner.solve.allocation import SeriesDemand
from planner.solve.flex_inputs import FlexInputs
from planner.solve.flex_problem import FlexProblem, HourlyCover, ShiftCost

#: roubles are whole in the engine's integer objective
ROUBLE = 1


def residual_cover(demand: SeriesDemand, allocation: np.ndarray, serves: np.ndarray,
                   on_site: np.ndarray | None = None, over_price: float = 0.0) -> HourlyCover:
    """The hours' missing agents of the series in `serves` (S,) after the rota's `allocation`
    (G, S, H), pooled and priced for the flex engine (see the module's note). `on_site` (G, H),
    the rota's agents on site per skill group, tells which series nobody on site may serve (the
    24/7 price); without it that price is left out."""
    S, H = demand.need.shape
    if allocation.shape[1:] != (S, H) or serves.shape != (S,):
        raise ValueError("allocation must be (groups, series, hours) and serves one flag per series")
    missing = np.maximum(demand.need - allocation.sum(axis=0), 0)
    able = demand.able(on_site) if demand.empty is not None and on_site is not None else None
    wanted, prices = [], []
    for h in range(H):
        units: list[float] = []
        for s in np.flatnonzero(serves):
            k = int(missing[s, h])
            if not k:
                continue
            row = [float(c) for c in demand.cost[s, h, :k]]
            if able is not None and able[s, h] == 0:
                row[-1] += float(demand.empty[s, h])     # the dearest missing agent carries the 24/7 price
            units += row
        units.sort()
        wanted.append(len(units))
        prices.append(tuple(int(round(u / ROUBLE)) for u in units))
    return HourlyCover(tuple(wanted), tuple(prices), over_price=int(round(over_price / ROUBLE)))


def shift_costs(rates: Mapping[str, float], shift_types: Iterable[ShiftType], start: date, days: int,
                allowed: Mapping[str, Iterable[str]] | None = None, rules: PayRules = DEFAULT_RULES,
                calendar: ProductionCalendar = RU_CALENDAR) -> tuple[ShiftCost, ...]:
    """Pay of every (person, day, shift type) the horizon offers: rate x rate-hours, whole roubles,
    a flex shift's length all paid (breaks inside it are the paid short ones). `allowed` (person ->
    shift ids) limits the rows to the shifts each person may work."""
    types = [t for t in shift_types if t.start_min is not None]
    begin = datetime.combine(start, datetime.min.time())
    starts = [begin + timedelta(days=d, minutes=t.start_min) for d in range(days) for t in types]
    ends = [s + timedelta(minutes=t.minutes) for s, t in zip(starts, types * days)]
    paid = np.array([t.minutes / 60 for t in types] * days)
    extra = rate_hours(paid, night_hours_of(starts, ends, rules), holiday_hours_of(starts, ends, calendar), rules)
    out = []
    for person, rate in rates.items():
        mine = None if allowed is None else set(allowed.get(person, ()))
        for i, value in enumerate(extra):
            d, t = divmod(i, len(types))
            if mine is None or types[t].id in mine:
                out.append(ShiftCost(person, d, types[t].id, int(round(rate * value / ROUBLE))))
    return tuple(out)


def flex_problem(inputs: FlexInputs, cover: HourlyCover, rates: Mapping[str, float], start: date,
                 rules: PayRules = DEFAULT_RULES, calendar: ProductionCalendar = RU_CALENDAR) -> FlexProblem:
    """The engine's problem for a workspace's flex agents (`flex_inputs`) against a residual cover:
    their contracts and wishes, and the pay of every shift each of them may work."""
    allowed = {c.person: c.allowed for c in inputs.contracts}
    costs = shift_costs({p: rates[p] for p in allowed}, inputs.shift_types, start, inputs.horizon_days,
                        allowed=allowed, rules=rules, calendar=calendar)
    return FlexProblem(inputs.horizon_days, inputs.shift_types, inputs.contracts, cover, inputs.wishes,
                       inputs.first_weekday, costs)
