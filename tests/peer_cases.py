"""Test cases taken from peer projects, as data tables (used by tests/test_peer_cases.py).

PyThaiNLP, ``thai_strptime`` characterization tests
    repository PyThaiNLP/pythainlp, path ``tests/core/test_util_date_strptime.py``
    (commit 05ca5cd531fd7c0c119dd57eee04ee7d8e992b6a; Apache-2.0). Its ``_GOLDEN``
    table was recorded from PyThaiNLP's implementation; its "BUG-LEDGER:
    thai-strptime-m-y" lists texts it should parse but cannot yet. Below: every
    Buddhist-Era case with a definite answer (the default ``add_year``; the three time
    zone variants of one text are one row), with PyThaiNLP's CE date, or None where it
    raises because the text is no valid date. Cases whose answer depends on a format
    string or option krlib has no equivalent of are listed apart, with krlib's answer.

PyThaiNLP, ``thai_strftime`` characterization tests (contract v3: leading weekdays)
    repository PyThaiNLP/pythainlp, path ``tests/core/test_util_strftime.py`` (commit
    0889d9fe9107072159419c5e4d8144e2bbf5f04a; Apache-2.0). Its ``_GOLDEN`` table holds
    what ``thai_strftime`` writes for eight datetimes. Below: every output that is one
    date in a contract form with a Buddhist-Era year (weekday-led ones first), with the
    datetime it was written from; and the outputs krlib reads otherwise, or not at all,
    with krlib's answer and why (month-first ``%D``, the time before the year in ``%c``,
    BE years below 2400 written for the years 1 and 999 CE).

python-stdnum, Thai personal identification numbers
    repository arthurdejong/python-stdnum, path ``tests/test_th_pin.doctest``
    (commit 424e408707a66fa97e95d3fd109c4a2ff44af08f; LGPL-2.1+): 45 numbers "found
    online", all valid, written with single and multiple spaces and dashes, and four
    invalid ones. stdnum rejects first digits 0 and 9 (InvalidComponent); the contract
    accepts any first digit (type-0 ids go to people without Thai nationality), so
    stdnum's two such examples are rejected here only for their check digit, and two
    variants with the right check digit, which stdnum would reject, are accepted.
"""

from __future__ import annotations

from datetime import date

PYTHAINLP = "PyThaiNLP/pythainlp tests/core/test_util_date_strptime.py"
PYTHAINLP_STRFTIME = "PyThaiNLP/pythainlp tests/core/test_util_strftime.py"
STDNUM = "arthurdejong/python-stdnum tests/test_th_pin.doctest"

#: (text, CE date or None, where in PyThaiNLP's file)
PYTHAINLP_BE_CASES: list[tuple[str, date | None, str]] = [
    ("15 ก.ค. 2565 09:00:01", date(2022, 7, 15), "golden (tz default, None, utc)"),
    ("15 กรกฎาคม 2565 9:5:7", date(2022, 7, 15), "golden"),
    ("1 มกราคม 2565 0:0:0", date(2022, 1, 1), "golden"),
    ("01 ธ.ค. 2565 23:59:59", date(2022, 12, 1), "golden"),
    ("15 07 2565 09:00:01", date(2022, 7, 15), "golden"),
    ("15 7 2565 09:00:01", date(2022, 7, 15), "golden"),
    ("29 ก.พ. 2567", date(2024, 2, 29), "golden"),
    ("29 ก.พ. 2566", None, "golden: ValueError (2023 is no leap year)"),
    ("31 เมษายน 2566", None, "golden: ValueError (April has 30 days)"),
    ("9 มี.ค. 66", date(2023, 3, 9), "golden (add_year None and 2500)"),
    ("15 ก.ค. 2565 09:00", date(2022, 7, 15), "golden"),
    ("15 ก.ค. 2565 09:00:01.123456", date(2022, 7, 15), "golden"),
    ("15-ก.ค.-2565", date(2022, 7, 15), "golden"),
    ("15 ก.ค. 2565", date(2022, 7, 15), "golden (%-d %b %Y; add_year 'abc')"),
    ("15/07/2565", date(2022, 7, 15), "bug ledger thai-strptime-m-y"),
    ("15/7/65", date(2022, 7, 15), "bug ledger thai-strptime-m-y"),
    ("15 ก.ค. 65", date(2022, 7, 15), "bug ledger thai-strptime-m-y (%y and %-y)"),
    # texts that are no date in any format (KeyError / IndexError there)
    ("15 ก.ค.", None, "golden: KeyError 'Y' (no year)"),
    ("ก.ค. 2565", None, "golden: KeyError 'd' (no day)"),
    ("15 2565", None, "golden: KeyError 'B' (no month)"),
    ("no match", None, "golden: IndexError"),
    ("", None, "golden: IndexError"),
    ("[15] ก.ค. 2565", None, "golden: IndexError"),
    ("15 กรกฎา 2022 09:00:01", None, "golden: IndexError (no such month name)"),
]

#: Cases whose PyThaiNLP answer comes from its format string or an option: krlib's
#: answer under the contract, and why it differs. (text, krlib's date or None, why)
PYTHAINLP_NOT_CONTRACT_FORMS: list[tuple[str, date | None, str]] = [
    ("15 ก.ค. 2565 09", None, "a lone hour (%H) is no time of day in the contract"),
    ("15 ก.ค. 2565 5", None, "a lone minute (%M)"),
    ("15 ก.ค. 2565 7", None, "a lone second (%S)"),
    ("ก.ค. 2565 15", None, "month first (%B %Y %d) is no contract form"),
    ("15 ก.ค. 2565 09:00:01.1234567", date(2022, 7, 15), "PyThaiNLP: ValueError, Python's "
                                  "%f reads 6 digits at most; the time is ignored here"),
    ("9 มี.ค. 0000", None, "year 0 (PyThaiNLP adds 543 to it and gives 1957)"),
    ("9 มี.ค. 66", date(2023, 3, 9), "PyThaiNLP's add_year='2400' gives 1923; the "
                                      "contract's two-digit year is BE 25YY"),
]

#: (text, the datetime's date, the format): thai_strftime's output for a datetime of
#: 1976-10-06, 2019-06-09, 2020-12-31, 2024-02-29 (a Thursday) or 2021-01-03.
PYTHAINLP_STRFTIME_CASES: list[tuple[str, date, str]] = [
    ("วันพุธ 06 ตุลาคม 2519", date(1976, 10, 6), "%A %d %B %Y"),
    ("วันอาทิตย์ 09 มิถุนายน 2562", date(2019, 6, 9), "%A %d %B %Y"),
    ("วันพฤหัสบดี 31 ธันวาคม 2563", date(2020, 12, 31), "%A %d %B %Y"),
    ("วันพฤหัสบดี 29 กุมภาพันธ์ 2567", date(2024, 2, 29), "%A %d %B %Y"),
    ("วันอาทิตย์ 03 มกราคม 2564", date(2021, 1, 3), "%A %d %B %Y"),
    ("พ 6 ต.ค. 19", date(1976, 10, 6), "%a %-d %b %y"),
    ("อา 9 มิ.ย. 62", date(2019, 6, 9), "%a %-d %b %y"),
    ("พฤ 31 ธ.ค. 63", date(2020, 12, 31), "%a %-d %b %y"),
    ("พฤ 29 ก.พ. 67", date(2024, 2, 29), "%a %-d %b %y"),
    ("อา 3 ม.ค. 64", date(2021, 1, 3), "%a %-d %b %y"),
    ("พ   6 ต.ค. 2519 01:40:00", date(1976, 10, 6), "%+"),
    ("อา  9 มิ.ย. 2562 05:59:00", date(2019, 6, 9), "%+"),
    ("พฤ 31 ธ.ค. 2563 13:05:07", date(2020, 12, 31), "%+"),
    ("พฤ 29 ก.พ. 2567 12:00:00", date(2024, 2, 29), "%+"),
    ("อา  3 ม.ค. 2564 18:30:45", date(2021, 1, 3), "%+"),
    # no weekday
    (" 9-มิ.ย.-2562", date(2019, 6, 9), "%v"),
    ("29-ก.พ.-2567", date(2024, 2, 29), "%v"),
    ("09/06/2562", date(2019, 6, 9), "%x"),
    ("2562-06-09", date(2019, 6, 9), "%F"),
    ("วันที่ 9 มิถุนายน พ.ศ. 2562 เวลา 05:59 น.", date(2019, 6, 9),
     "วันที่ %-d %B พ.ศ. %Y เวลา %H:%M น."),
    ("๒๕๖๗-๐๒-๒๙ ๑๒:๐๐:๐๐", date(2024, 2, 29), "%Y-%m-%d %H:%M:%S, thaidigit"),
]

#: (text, krlib's date or None, why it is not the datetime thai_strftime wrote it from)
PYTHAINLP_STRFTIME_NOT_CONTRACT: list[tuple[str, date | None, str]] = [
    ("06/09/62", date(2019, 9, 6), "%D is month first (9 June 2019); the contract reads "
                                   "6 September, its own example"),
    ("10/06/19", date(1976, 6, 10), "%D of 6 October 1976, read day first"),
    ("02/29/67", None, "%D of 29 February 2024: no month 29"),
    ("อา  9 มิ.ย. 05:59:00 2562", None, "%c puts the time before the year"),
    ("จ 1 ม.ค. 44", date(2001, 1, 1), "%y of BE 544 (1 CE): a two-digit year is BE 25YY"),
    ("อ 31 ธ.ค. 42", date(1999, 12, 31), "%y of BE 1542 (999 CE)"),
    ("วันจันทร์ 01 มกราคม 0544", date(544, 1, 1), "BE 544 (1 CE): below 2400, read as CE"),
    ("วันศุกร์ 31 ธันวาคม 10542", None, "BE 10542 (9999 CE): a five-digit year"),
]

#: The 45 valid numbers of stdnum's doctest, exactly as written there.
STDNUM_VALID: list[str] = [
    "1 1101 00152 64 1", "1 1996 00076 67 4", "1 6299 00299 92 5", "1 7399 00504 82 0",
    "1-1002-00439-84-4", "1100900359657", "1311100161266", "1350500075722",
    "1459900065632", "1670800079267", "2 3107 00002 24 7", "3   451  000  50     5414",
    "3  3415  01 082 5 68", "3  91 05 00  3    92 03 6", "3 5099 00736 90 7",
    "3 6710 00129 65 8", "3 7401 00523 48 8", "3-1001-00818-95-5", "3-1103-00283-26-5",
    "3-1898-00009-58-6", "3-3207-00476-55-7", "3-5207-00211-03-9", "3-6599-00381-54-7",
    "3-7005-00702-40-1", "3-9099-00588-10-6", "3100400648338", "3101900254691",
    "3102400746269", "33508 0030 2577", "3400100399577", "3540200423193", "3569900168313",
    "3600500113229", "3629900162691", "3709800221741", "3810100438722",
    "4 6205000  0482 7", "4-6607-00003-53-1", "4220100005137", "5 3013 00038 01 1",
    "5 5805 90000 01 9", "5100200233319", "5260399000878", "5671000003006",
    "5900599008311",
]

#: (text, why it is invalid): stdnum's invalid examples, all invalid here too.
STDNUM_INVALID: list[tuple[str, str]] = [
    ("1-2345-45678-78-11", "14 digits (stdnum: InvalidLength)"),
    ("1-2345-45678-78-X", "a letter (stdnum: InvalidFormat)"),
    # stdnum: InvalidComponent (first digit). Here only the check digit is wrong:
    # 0*13+2*12+3*11+4*10+5*9+4*8+5*7+6*6+7*5+8*4+7*3+8*2 = 349, 349 mod 11 = 8,
    # check = (11 - 8) mod 10 = 3, not 1.
    ("0-2345-45678-78-1", "check digit should be 3"),
    # 349 + 9*13 = 466, 466 mod 11 = 4, check = (11 - 4) mod 10 = 7, not 1.
    ("9-2345-45678-78-1", "check digit should be 7"),
]

#: (text, id): first digits stdnum rejects but the contract accepts (checks above).
CONTRACT_ONLY_VALID: list[tuple[str, str]] = [
    ("0-2345-45678-78-3", "0234545678783"),
    ("9-2345-45678-78-7", "9234545678787"),
]
