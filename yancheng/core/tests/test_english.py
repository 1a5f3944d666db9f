"""English: the platform's own strings have an English catalog, and switching to it changes the pages.

The catalog is yancheng/locale/en/LC_MESSAGES/django.po, compiled to django.mo and committed, so the
platform needs no gettext at run time. After adding strings, refresh it from the project root:

    .venv/bin/python manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=var
    (translate the new and fuzzy entries in the .po)
    .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules
"""

import ast
import re
import struct
from gettext import GNUTranslations
from pathlib import Path

from django.conf import settings

from yancheng.core.roles import Role

CATALOG = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[sdif]|\{\{.*?\}\}")


def switch_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302


def test_the_login_page_is_in_english_after_switching(client, db):
    switch_to_english(client)
    html = client.get("/account/login/").content.decode()
    assert 'lang="en"' in html
    assert "Sign in to Yancheng" in html and "登录雁城平台" not in html
    assert "Username" in html and "Password" in html and "One-time code" in html


def test_the_login_page_stays_in_chinese_by_default(client, db):
    html = client.get("/account/login/").content.decode()
    assert "登录雁城平台" in html and "Sign in to Yancheng" not in html


def test_a_unit_officials_home_page_is_in_english_after_switching(client, users):
    client.force_login(users[Role.UNIT_OFFICIAL])
    switch_to_english(client)
    html = client.get("/").content.decode()
    assert "<h1>Home</h1>" in html and "<h1>工作台</h1>" not in html
    assert "Hello, official. Here is what is waiting for you." in html
    for label in ["Home", "Messages", "API tokens", "Unit official", "Sign out"]:
        assert label in html
    for label in ["工作台", "消息", "API 令牌", "单位工作人员", "退出", "雁城"]:
        assert label not in html
    # The header (brand, navigation, name and roles, sign-out) holds nothing Chinese at all.
    header = html[html.index("<header") : html.index("</header>")]
    assert not CJK.findall(header), CJK.findall(header)


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file (not the header, not obsolete ones): context, ids, strings, flags."""
    entries, entry, field = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            if entry is not None and entry.get("msgid", "") != "":
                entries.append(entry)
            entry, field = None, None
            continue
        entry = {} if entry is None else entry
        if line.startswith("#,"):
            entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[field] += ast.literal_eval(line)
        else:
            field, value = line.split(" ", 1)
            entry[field] = ast.literal_eval(value)
    return entries


def strings_of(entry: dict) -> list[str]:
    return [value for key, value in entry.items() if key.startswith("msgstr")]


def test_every_message_of_the_english_catalog_is_translated_and_compiled():
    po = CATALOG / "django.po"
    entries = read_po(po)
    assert len(entries) > 100
    for entry in entries:
        assert "fuzzy" not in entry.get("flags", set()), entry["msgid"]
        for string in strings_of(entry):
            assert string.strip(), f"untranslated: {entry['msgid']}"
            # Chinese may follow in brackets, as the glossary does for "Specialised and innovative (专精特新)".
            english = re.sub(r"\([^)]*\)", "", string)
            assert not CJK.search(english), f"still Chinese: {entry['msgid']} -> {string}"
            assert sorted(PLACEHOLDER.findall(string)) == sorted(PLACEHOLDER.findall(entry["msgid"])), (
                f"placeholders differ: {entry['msgid']} -> {string}"
            )

    # msgfmt leaves untranslated and fuzzy entries out of the .mo: it holds every entry plus the header.
    mo = CATALOG / "django.mo"
    data = mo.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    count = struct.unpack(order + "I", data[8:12])[0]
    assert count == len(entries) + 1, "django.mo is not compiled from the current django.po"

    with mo.open("rb") as handle:
        compiled = GNUTranslations(handle)
    for entry in entries:
        context, msgid = entry.get("msgctxt"), entry["msgid"]
        if "msgid_plural" in entry:
            for n, index in [(1, "msgstr[0]"), (2, "msgstr[1]")]:
                found = (
                    compiled.npgettext(context, msgid, entry["msgid_plural"], n)
                    if context is not None
                    else compiled.ngettext(msgid, entry["msgid_plural"], n)
                )
                assert found == entry[index], msgid
        else:
            found = compiled.pgettext(context, msgid) if context is not None else compiled.gettext(msgid)
            assert found == entry["msgstr"], f"django.mo differs from django.po for {msgid}"
