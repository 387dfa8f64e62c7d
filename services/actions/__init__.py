"""Actions that move money (orders, cancels, bids, withdrawals): a record per action in Redis, a state
machine whose every transition is one atomic step, confirmation tokens, execution exactly once and
reconciliation of writes whose outcome is unknown."""
