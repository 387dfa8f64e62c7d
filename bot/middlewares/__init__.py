"""Cross-cutting concerns, registered once on the Dispatcher by bot.app.build_dispatcher."""
