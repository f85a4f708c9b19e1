"""Where a report's lines and pages may break (issue 24, items 9 and 10).

A browser breaks Thai lines between dictionary words, and a line may break at any space:
between a number and its unit (``84.79 / %``), inside a Thai date (``30 ก.ย. / 2568``)
or inside a compound the dictionary splits (``ทะเบียนคนไร้ / บ้าน``). And a page may break
anywhere in a table: after its first rows, or before its last one.

:func:`prepare_html` is applied to every report page (:func:`krlib.render.export.notebook_to_html`),
so the HTML view and the PDF break alike:

- in the text (never inside ``<style>``, ``<title>``, ``<code>``, ``<pre>`` or a tag),
  a number with its unit, a Thai date, ``พ.ศ. 2568`` / ``ไตรมาส 2``, the 50 district
  names, กรุงเทพมหานคร and the compounds of :data:`COMPOUNDS` (คนไร้บ้าน: a table's
  name may wrap between its words, ทะเบียน / คนไร้บ้าน, never inside one) are wrapped in
  ``<span class="nw">`` (``white-space: nowrap``): the text itself is unchanged, so it
  reads, copies and searches the same (a KR's name is left whole, nothing wrapped in it:
  it wraps between its words, and stays one string in the HTML);
- every report table (``krlib-table``) of at most :data:`KEEP_ROWS` rows gets the class
  ``krlib-keep`` (printed on one page); a longer one has its first :data:`FIRST_ROWS` and
  its last :data:`LAST_ROWS` rows in their own ``<tbody class="krlib-first-rows">``
  (never split), so a page never ends with a heading and three rows, nor begins with a
  table's last row. The CSS is in ``templates/krlib/static/report.css``.
"""

from __future__ import annotations

import re
from functools import cache

#: A table this short is printed on one page.
KEEP_ROWS = 16
#: A longer table keeps this many first rows together (with its heading and header) ...
FIRST_ROWS = 5
#: ... and this many last rows.
LAST_ROWS = 3
#: Thai compounds a dictionary may split (and SHA-256, split at its hyphen), kept on one
#: line wherever they appear.
COMPOUNDS = ("คนไร้บ้าน", "ตัวชี้วัด", "ผู้สูงอายุ", "สำนักงานเขต", "สำนักพัฒนาสังคม",
             "กลุ่มเป้าหมาย", "ค่าเป้าหมาย", "ปีงบประมาณ", "SHA-256")

_SKIP = re.compile(r"<(style|script|title|textarea|code|pre)\b[^>]*>.*?</\1\s*>|<!--.*?-->|<[^>]*>",
                   re.S | re.I)
_MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.",
           "พ.ย.", "ธ.ค.")
_UNITS = ("%", "จุด", "คน", "วัน", "แถว", "เขต", "ราย")
_NUMBER = r"[+\-\u2212]?\d[\d,]*(?:\.\d+)?"


@cache
def _together() -> re.Pattern[str]:
    """What must stay on one line: a number and its unit, a Thai date, a year, a name."""
    from krlib.contract.scopes import BANGKOK_TH, districts

    months = "|".join(re.escape(m) for m in _MONTHS)
    district = [str(n) for n in districts()["name_th"]]  # "เขตพระนคร"; tables: "พระนคร"
    names = "|".join(re.escape(n) for n in sorted(
        {*district, *(n.removeprefix("เขต") for n in district), BANGKOK_TH, *COMPOUNDS},
        key=len, reverse=True))
    units = "|".join([names, *(re.escape(u) for u in _UNITS)])
    # a KR's name is left as it is (group "kr"): it wraps between its words, and it stays
    # one string in the HTML for whoever looks for it there
    krs = "|".join(re.escape(n) for n in sorted(kr_names(), key=len, reverse=True))
    # a number neither inside an entity (&#39;) nor inside a longer number
    return re.compile(
        rf"(?P<kr>{krs})"
        rf"|(?<![\w&#.,]){_NUMBER} (?:{months})(?: \d{{4}})?(?![\w.])"
        rf"|(?<![\w&#.,]){_NUMBER} (?:{units})"
        rf"|(?:พ\.ศ\.|ค\.ศ\.|ไตรมาส(?:ที่)?|ปีงบประมาณ) \d+(?![\w.,])"
        rf"|{names}")


def kr_names() -> list[str]:
    from krlib.contract.kr import KRS

    return [str(kr.name_th) for kr in KRS.values()]


def _wrap_text(text: str) -> str:
    return _together().sub(lambda m: m.group(0) if m.group("kr") else
                           f'<span class="nw">{m.group(0)}</span>', text)


def keep_together(html: str) -> str:
    """``html`` with numbers and their units, dates and names in nowrap spans (text only)."""
    out, pos = [], 0
    for m in _SKIP.finditer(html):
        if m.start() > pos:
            out.append(_wrap_text(html[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_wrap_text(html[pos:]))
    return "".join(out)


_TABLE = re.compile(r"<table\b([^>]*)>(.*?)</table>", re.S | re.I)
_CLASS = re.compile(r"""\bclass=(["'])(.*?)\1""", re.S | re.I)
_TBODY = re.compile(r"<tbody\b[^>]*>(.*?)</tbody>", re.S | re.I)
_ROW = re.compile(r"<tr\b.*?</tr>\s*", re.S | re.I)
_THEAD = re.compile(r"<thead\b.*?</thead>", re.S | re.I)


def _with_class(attrs: str, cls: re.Match[str], name: str) -> str:
    q = cls.group(1)
    return attrs[:cls.start()] + f"class={q}{cls.group(2)} {name}{q}" + attrs[cls.end():]


def _mark_table(m: re.Match[str]) -> str:
    whole: str = m.group(0)
    attrs, body = m.group(1), m.group(2)
    cls = _CLASS.search(attrs)
    if cls is None or "krlib-table" not in cls.group(2).split() or "<table" in body.lower():
        return whole
    bodies = list(_TBODY.finditer(body))
    if len(bodies) > 1:
        return whole
    if not bodies:  # rows straight in the table (the definition table): keep it whole
        rows = _ROW.findall(_THEAD.sub("", body))
        if len(rows) <= KEEP_ROWS:
            return f"<table{_with_class(attrs, cls, 'krlib-keep')}>{body}</table>"
        return whole
    rows = _ROW.findall(bodies[0].group(1))
    if len(rows) <= KEEP_ROWS:
        return f"<table{_with_class(attrs, cls, 'krlib-keep')}>{body}</table>"
    first, middle, last = rows[:FIRST_ROWS], rows[FIRST_ROWS:-LAST_ROWS], rows[-LAST_ROWS:]
    tb = bodies[0]
    groups = (f'<tbody class="krlib-first-rows">{"".join(first)}</tbody>'
              f'<tbody>{"".join(middle)}</tbody>'
              f'<tbody class="krlib-first-rows">{"".join(last)}</tbody>')
    return f"<table{attrs}>{body[:tb.start()]}{groups}{body[tb.end():]}</table>"


def mark_tables(html: str) -> str:
    """``html`` with its report tables marked for printing (see the module doc)."""
    return _TABLE.sub(_mark_table, html)


def prepare_html(html: str) -> str:
    """Both: :func:`mark_tables`, then :func:`keep_together`."""
    return keep_together(mark_tables(html))
