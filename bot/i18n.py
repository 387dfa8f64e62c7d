"""Gettext catalogs: compiling them and building aiogram's I18n.

Compiled .mo files are build artefacts (not committed): they are produced here at
start-up, by the test session and in the Docker image.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from aiogram.utils.i18n import I18n
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from handlers.languages import DEFAULT_LOCALE, LOCALES

DOMAIN = "messages"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


class CatalogError(RuntimeError):
    pass


def compile_catalogs(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    """Compile every `<locale>/LC_MESSAGES/messages.po` whose .mo is missing or older.

    Skipping up-to-date catalogs lets a read-only install (the Docker image, compiled
    at build time) start without write access. Each .mo is written to a temporary
    file and renamed, so processes starting at the same time never read half a file.
    """
    compiled: list[Path] = []
    for po_path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        locale = po_path.parent.parent.name
        with po_path.open("rb") as fp:
            catalog = read_po(fp, locale=locale, domain=DOMAIN)
        fd, tmp_name = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                write_mo(out, catalog)
            os.replace(tmp_name, mo_path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        compiled.append(mo_path)
    return compiled


def build_i18n(locales_dir: Path = LOCALES_DIR) -> I18n:
    compile_catalogs(locales_dir)
    i18n = I18n(path=locales_dir, default_locale=DEFAULT_LOCALE, domain=DOMAIN)
    missing = set(LOCALES) - set(i18n.available_locales)
    if missing:
        raise CatalogError(f"no compiled catalog for {', '.join(sorted(missing))} in {locales_dir}")
    return i18n
