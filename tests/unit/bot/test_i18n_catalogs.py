"""Every string the code translates has a real translation in every catalog."""

import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN, LOCALES_DIR, build_i18n, compile_catalogs
from handlers.languages import LOCALES
from tests.unit.bot.msgids import scan_source, scan_tree


def _catalog(locale: str) -> Catalog:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as fp:
        return read_po(fp, locale=locale, domain=DOMAIN)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_scanner_finds_every_kind_of_call() -> None:
    source = 'a = _("one"); b = __("two"); c = gettext("three"); d = lazy_gettext("four")\n'
    source += 'e = i18n.gettext("five", locale="ru"); f = ngettext("six", "sixes", 2)\n'
    assert [m.text for m in scan_source(source, "x.py")] == ["one", "two", "three", "four", "five", "six"]


def test_the_scanner_rejects_non_literal_msgids() -> None:
    with pytest.raises(AssertionError, match="string literal"):
        list(scan_source('_(f"hello {name}")', "x.py"))


def test_the_code_has_translatable_strings() -> None:
    # Guards the completeness test below against passing because the scan found nothing.
    assert len(scan_tree()) >= 10


@pytest.mark.parametrize("locale", LOCALES)
def test_every_msgid_in_the_code_is_translated(locale: str) -> None:
    catalog = _catalog(locale)
    missing = []
    for msgid in scan_tree():
        message = catalog.get(msgid.text)  # plural entries are keyed by their singular too
        strings = message.string if message else ""
        values = strings if isinstance(strings, tuple) else (strings,)
        if message is None or message.fuzzy or not all(values):
            missing.append(f"{msgid.where}: {msgid.text!r}")
    assert not missing, f"untranslated in {locale}:\n" + "\n".join(missing)


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_match_between_msgid_and_translation(locale: str) -> None:
    mismatched = []
    for message in _catalog(locale):
        if not message.id:
            continue  # the header
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(_fields(text) for text in ids))
        for text in strings:
            if _fields(text) != expected:
                mismatched.append(f"{ids[0]!r} -> {text!r}")
    assert not mismatched, f"placeholders differ in {locale}:\n" + "\n".join(mismatched)


def _singular(message: Message) -> str:
    """A plural entry's id is (singular, plural); the code is scanned for the singular."""
    return message.id[0] if isinstance(message.id, tuple) else message.id


def test_catalogs_hold_no_stale_entries() -> None:
    in_code = {msgid.text for msgid in scan_tree()}
    stale = {
        locale: sorted(s for s in map(_singular, _catalog(locale)) if s and s not in in_code)
        for locale in LOCALES
    }
    assert stale == {locale: [] for locale in LOCALES}


def test_every_catalog_compiles_and_loads(tmp_path: Path) -> None:
    for locale in LOCALES:
        target = tmp_path / locale / "LC_MESSAGES"
        target.mkdir(parents=True)
        (target / f"{DOMAIN}.po").write_bytes(
            (LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po").read_bytes()
        )
    assert len(compile_catalogs(tmp_path)) == len(LOCALES)
    i18n = build_i18n(tmp_path)
    assert set(i18n.available_locales) == set(LOCALES)
    assert i18n.gettext("Choose your language:", locale="ru") == "Выберите язык:"


def test_up_to_date_catalogs_are_not_rewritten(tmp_path: Path) -> None:
    target = tmp_path / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / f"{DOMAIN}.po").write_bytes((LOCALES_DIR / "en" / "LC_MESSAGES" / f"{DOMAIN}.po").read_bytes())
    assert compile_catalogs(tmp_path) == [target / f"{DOMAIN}.mo"]
    assert compile_catalogs(tmp_path) == []


def test_catalog_files_are_named_by_locale() -> None:
    found = {path.parent.parent.name for path in LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    assert found == set(LOCALES)
    assert all(re.fullmatch(r"[a-z]{2}", locale) for locale in found)
