"""The optimiser: from requirements and people to a named, costed, checked rota.

classes and lines (`schedule`), the counts model (`model`), its shortfall prices (`penalties`),
naming agents (`assign`) and continuity with the previous rota (`continuity`). Imports
`planner.workspace` for settings and people, never outputs or analysis."""
