"""Price alerts: the condition a member writes, the Redis store that evaluates ticks, the price feed."""
