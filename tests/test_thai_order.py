"""Thai alphabetical order (krlib.thai.thai_sort_key, issue 24 item 17): the Royal Institute
Dictionary's order as ICU's Thai collation gives it, checked on the 50 district names in
their known order, on the rules one at a time, and against Chromium's Intl.Collator("th")
(ICU) on the names and a list of words that exercise every rule."""

from __future__ import annotations

import pytest

from krlib.contract.scopes import BMA, scopes
from krlib.thai import thai_sort_key

#: The 50 districts as Thai lists print them (ก-ฮ), e.g. the BMA's own district directory.
DISTRICTS_TH_ORDER = [
    "คลองเตย", "คลองสาน", "คลองสามวา", "คันนายาว", "จตุจักร", "จอมทอง", "ดอนเมือง", "ดินแดง",
    "ดุสิต", "ตลิ่งชัน", "ทวีวัฒนา", "ทุ่งครุ", "ธนบุรี", "บางกอกน้อย", "บางกอกใหญ่", "บางกะปิ",
    "บางขุนเทียน", "บางเขน", "บางคอแหลม", "บางแค", "บางซื่อ", "บางนา", "บางบอน", "บางพลัด",
    "บางรัก", "บึงกุ่ม", "ปทุมวัน", "ประเวศ", "ป้อมปราบศัตรูพ่าย", "พญาไท", "พระโขนง", "พระนคร",
    "ภาษีเจริญ", "มีนบุรี", "ยานนาวา", "ราชเทวี", "ราษฎร์บูรณะ", "ลาดกระบัง", "ลาดพร้าว",
    "วังทองหลาง", "วัฒนา", "สวนหลวง", "สะพานสูง", "สัมพันธวงศ์", "สาทร", "สายไหม", "หนองแขม",
    "หนองจอก", "หลักสี่", "ห้วยขวาง",
]

#: Words in dictionary order, each pair showing one rule.
RULES = [
    ("ขา", "เขา"),            # a leading vowel is read after its consonant: ข-า < ข-เ-า
    ("กู", "เก"),             # ... so เก sorts under ก, after the vowels written after ก
    ("เกก", "เกา"),           # ... and only the consonant right after it moves
    ("บางกอกน้อย", "บางกอกใหญ่"),  # ใหญ่ reads ห-ใ-ญ: น < ห
    ("บางขุนเทียน", "บางเขน"),  # ุ < เ
    ("ดอนเมือง", "ดินแดง"),     # อ is a consonant, before every vowel
    ("สวนหลวง", "สะพานสูง"),    # ว (consonant) < ะ (vowel)
    ("ประเวศ", "ป้อมปราบศัตรูพ่าย"),  # the tone mark waits: ป-ร < ป-อ
    ("หลักสี่", "ห้วยขวาง"),    # ... ห-ล < ห-ว
    ("กา", "ก่า"),            # same letters: no mark first
    ("ก่า", "ก้า"),           # then the tone marks in order ่ ้ ๊ ๋
    ("ก้า", "ก๊า"), ("ก๊า", "ก๋า"),
    ("ก๋า", "กาก"),           # a tone mark never outweighs a letter
    ("ก", "ก์"), ("ก์", "ก็"), ("ก็", "ก่"),
    ("เขา", "เข่า"), ("เข่า", "เข้า"), ("เข้า", "เขาะ"),
    ("รา", "ฤา"), ("ฤา", "ลา"), ("ลา", "ฦา"), ("ฦา", "วา"),  # ฤ after ร, ฦ after ล
    ("กา", "กๅ"), ("กๅ", "ก่า"),  # ๅ reads as า
    ("๑", "ก"), ("1", "ก"), ("ก", "a"),  # digits, Thai, then Latin
]

#: Words for the comparison with ICU: every rule above plus clusters and rarer letters.
WORDS = sorted({w for pair in RULES for w in pair} | {
    "เปล่า", "เปลา", "เปราะ", "เป็น", "เปิด", "แปล", "ไปร", "ใคร", "ไคร้", "กรรม", "กรม",
    "กะ", "กั", "กำ", "กิ", "กี", "กึ", "กื", "แก", "โก", "ใก", "ไก", "กก", "กเก", "กํ", "กฺ",
    "ก๎", "ก๐", "ก9", "กb", "กB", "Zก", "ฤๅ", "ฦๅ", "ก่ๅ", "กๅก", "เกา", "แกา", "ก่าก",
    "กรุงเทพมหานคร", "ไม่ทราบเขต",
})


def district_names() -> list[str]:
    s = scopes()
    return [n for c, n in zip(s.scope_code, s.scope_name_th) if c != BMA]


def test_the_50_districts_sort_in_their_known_order():
    names = district_names()
    assert sorted(names, key=thai_sort_key) == [f"เขต{n}" for n in DISTRICTS_TH_ORDER]
    bare = sorted(DISTRICTS_TH_ORDER[::-1], key=thai_sort_key)  # without the เขต prefix
    assert bare == DISTRICTS_TH_ORDER


@pytest.mark.parametrize(("first", "second"), RULES)
def test_each_rule(first, second):
    assert thai_sort_key(first) < thai_sort_key(second)


def test_what_the_order_ignores():
    # spaces, punctuation, ๆ and ฯ take no part (ICU's Thai collation ignores them);
    # the text itself only breaks the tie, so the order is total and stable
    for a, b in (("บางนา", "บาง นา"), ("กก", "ก-ก"), ("ก", "กๆ"), ("ก", "กฯ")):
        assert thai_sort_key(a)[:3] == thai_sort_key(b)[:3]
        assert thai_sort_key(a) != thai_sort_key(b)


@pytest.mark.slow
@pytest.mark.browser
def test_the_same_order_as_icu_in_chromium():
    """Chromium's Intl.Collator("th") is ICU with CLDR's Thai rules: sorted by our key, no
    neighbouring pair is out of its order (ICU calls some pairs equal: ๆ, spaces)."""
    from playwright.sync_api import sync_playwright

    from krlib.render import export as render

    words = sorted({*WORDS, *district_names(), *DISTRICTS_TH_ORDER}, key=thai_sort_key)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=render.chromium_path(),
                                     args=render.CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            locale, steps = page.evaluate(
                "(xs) => { const c = new Intl.Collator('th');"
                " return [c.resolvedOptions().locale,"
                " xs.slice(1).map((x, i) => c.compare(xs[i], x))]; }", words)
        finally:
            browser.close()
    assert locale == "th"
    wrong = [(words[i], words[i + 1]) for i, s in enumerate(steps) if s > 0]
    assert not wrong
    assert steps.count(-1) >= len(steps) - 1  # all strictly ordered but 1 and ๑
