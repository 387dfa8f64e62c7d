"""The outbox: every push is queued in a Redis stream and sent by the bot copies within Telegram's limits."""
