"""The rules of the world: rota patterns, shift templates, labour law, the Russian production
calendar, pay and premiums, and the rule checker. Imports neither `forecasts` nor `planner`."""
