"""Telegram Bot API emulator for tests, benchmarks and demo mode.

``server.create_app()`` builds the aiohttp app (Bot API at ``/bot{token}/{method}``, control API under
``/control/``); ``client.EmulatorClient`` and ``client.running_emulator()`` drive it from tests;
``python -m sandbox.telegram --port N`` runs it on its own.
"""
