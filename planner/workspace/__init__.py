"""The workspace a team lead keeps: rota.toml (`config`), the agents and absences files
(`people`), a previous rota (`previous`) and a new workspace from the sample (`scaffold`).
Imports no other part of `planner`."""
