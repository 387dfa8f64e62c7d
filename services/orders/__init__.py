"""Orders from chat: typed numbers, the checks before a preview, and the desk that previews,
confirms and executes them through the action engine."""
