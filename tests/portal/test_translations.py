"""Chinese is the source language; English must be complete, or an English page shows Chinese mid-sentence."""

import re
from pathlib import Path

PO_FILE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def po_entries():
    for block in PO_FILE.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid") for line in lines):
            continue
        yield lines


def test_every_english_translation_is_filled_in_and_not_fuzzy():
    problems = []
    for lines in po_entries():
        text = "\n".join(lines)
        msgid = re.search(r'^msgid "(.*)"', text, re.MULTILINE).group(1)
        if not msgid and "msgid_plural" not in text and not re.search(r'^"(.+)"$', text.split("msgstr")[0], re.M):
            continue  # the header
        translations = re.findall(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', text, re.MULTILINE)
        if "#, fuzzy" in text or any(not (first or rest.strip('\n"')) for first, rest in translations):
            problems.append(msgid or text.splitlines()[1])
    assert problems == []
