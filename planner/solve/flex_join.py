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


class Residual:
    """What is still missing per series and hour, and what each missing agent costs: the class
    model's convex steps (past the last step every further agent costs the last one's price), and
    the 24/7 price on the dearest one of a series nobody on site may serve. Flex groups are planned
    one after another against it (`cover`), each taking away what its agents on duty serve (`take`).
    A pooled team is one series (`pooled`)."""

    def __init__(self, missing: np.ndarray, cost: np.ndarray, empty: np.ndarray | None = None,
                 able: np.ndarray | None = None, over_price: float = 0.0) -> None:
        self.missing = np.maximum(np.asarray(missing, dtype=np.int64), 0).copy()   # (S, H)
        self.cost = np.asarray(cost, dtype=float)                                  # (S, H, K)
        self.empty = empty                                                          # (S, H) or None
        self.able = None if able is None else np.asarray(able, dtype=np.int64).copy()
        self.over_price = over_price

    @classmethod
    def of_demand(cls, demand: SeriesDemand, allocation: np.ndarray, on_site: np.ndarray | None = None,
                  over_price: float = 0.0) -> "Residual":
        """After the rota's `allocation` (G, S, H); `on_site` (G, H) tells which series nobody on site
        may serve (without it the 24/7 price is left out)."""
        S, H = demand.need.shape
        if allocation.shape[1:] != (S, H):
            raise ValueError("allocation must be (groups, series, hours)")
        able = demand.able(on_site) if demand.empty is not None and on_site is not None else None
        return cls(demand.need - allocation.sum(axis=0), demand.cost, demand.empty, able, over_price)

    @classmethod
    def pooled(cls, required: np.ndarray, cost: np.ndarray, on_duty: np.ndarray, over_price: float = 0.0) -> "Residual":
        """One team serving everything: `cost` (H, K) already carries the empty-hour price."""
        return cls((np.asarray(required) - np.asarray(on_duty))[None, :], np.asarray(cost)[None, :, :],
                   over_price=over_price)

    def prices(self, s: int, h: int) -> list[float]:
        """The missing agents of series s in hour h, cheapest first."""
        k = int(self.missing[s, h])
        steps = self.cost[s, h]
        row = [float(steps[min(j, len(steps) - 1)]) for j in range(k)]
        if row and self.empty is not None and self.able is not None and self.able[s, h] == 0:
            row[-1] += float(self.empty[s, h])     # the dearest missing agent carries the 24/7 price
        return row

    def cover(self, serves: np.ndarray) -> HourlyCover:
        """The engine's hourly cover for a group that may serve the series in `serves` (S,)."""
        if serves.shape != (self.missing.shape[0],):
            raise ValueError("serves must be one flag per series")
        wanted, prices = [], []
        for h in range(self.missing.shape[1]):
            units = sorted(u for s in np.flatnonzero(serves) for u in self.prices(s, h))
            wanted.append(len(units))
            prices.append(tuple(int(round(u / ROUBLE)) for u in units))
        return HourlyCover(tuple(wanted), tuple(prices), over_price=int(round(self.over_price / ROUBLE)))

    def take(self, serves: np.ndarray, on_duty: np.ndarray) -> None:
        """A group's agents on duty per hour (H,) serve, one by one, the dearest missing agent of the
        series they may serve; they may serve all of them, so none is empty any more."""
        mine = np.flatnonzero(serves)
        for h in np.flatnonzero(on_duty[: self.missing.shape[1]]):
            if self.able is not None:
                self.able[mine, h] += int(on_duty[h])
            for _ in range(int(on_duty[h])):
                dearest = [(self.prices(s, h)[-1], -s) for s in mine if self.missing[s, h] > 0]
                if not dearest:
                    break
                self.missing[-max(dearest)[1], h] -= 1


def residual_cover(demand: SeriesDemand, allocation: np.ndarray, serves: np.ndarray,
                   on_site: np.ndarray | None = None, over_price: float = 0.0) -> HourlyCover:
    """The hours' missing agents of the series in `serves` (S,) after the rota's `allocation`
    (G, S, H), pooled and priced for the flex engine (see the module's note). `on_site` (G, H),
    the rota's agents on site per skill group, tells which series nobody on site may serve (the
    24/7 price); without it that price is left out."""
    return Residual.of_demand(demand, allocation, on_site, over_price).cover(serves)


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
                       inputs.first_weekday, costs, inputs.weekend_fairness)
