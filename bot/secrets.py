"""Secret values in the config: inline, `env:NAME` or `file:/path`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ENV_PREFIX = "env:"
FILE_PREFIX = "file:"


class SecretSourceError(ValueError):
    """A referenced secret cannot be read. The message names the source, never the value."""


def resolve_secret(raw: str, environ: Mapping[str, str] | None = None) -> str:
    """Return the secret a config value refers to.

    Surrounding whitespace is dropped from env and file values because secret files
    (Docker, Kubernetes) usually end with a newline that is not part of the secret.
    """
    if raw.startswith(ENV_PREFIX):
        name = raw.removeprefix(ENV_PREFIX).strip()
        if not name:
            raise SecretSourceError("env: needs a variable name, e.g. env:BOT_TOKEN")
        env = os.environ if environ is None else environ
        if name not in env:
            raise SecretSourceError(f"environment variable {name} is not set")
        return env[name].strip()
    if raw.startswith(FILE_PREFIX):
        path = Path(raw.removeprefix(FILE_PREFIX).strip())
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SecretSourceError(f"cannot read file {path}: {exc.strerror or exc}") from None
    return raw
