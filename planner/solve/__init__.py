"""The optimiser: from requirements and people to a named, costed, checked rota.

`schedule` runs it end to end: agents into classes, the legal lines each class may work, the
shortfall prices (`penalties`), the counts model (`problem` holds the typed problem and its
exact evaluation; `warm_start` the greedy and LP starts; `repair` the large-neighbourhood search;
`model` the CP-SAT model and the solve); on a multi-skill site the series and skill groups
(`queues`), the split of agents among series (`allocation`) and the skill-aware model
(`skill_layout`, `skill_lp`, `skill_model`); naming agents (`assign`), the timesheet and pay of
the horizon (`payroll`) and continuity with the previous rota (`continuity`). Imports `planner.workspace` for settings and people, never outputs
or analysis.
"""
