"""The offline demo: the exchange simulators, the Telegram Bot API emulator with its chat page, and the
real bot wired to them. It sits above the bot (it imports the sandbox and the bot, never the reverse);
`python -m bot demo` and `python -m demo` both start it."""
