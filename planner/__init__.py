"""The optimiser and everything that consumes its result: CP-SAT model, schedule, KPIs,
scenarios and outputs. Imports `forecasts` and `constraints`, never the other way round."""
