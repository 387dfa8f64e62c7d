"""Rendering: texts and keyboards, kept apart from the handlers that send them."""
