"""Watchers: background polls that find what changed on the exchanges (deposits arriving) and say it once."""
