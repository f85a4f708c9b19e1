"""Thai fiscal years and quarters, and the cumulative reporting window of a quarter.

FY (Buddhist Era) runs 1 October of CE year FY-544 to 30 September of CE FY-543.
Quarter 1 = Oct-Dec, 2 = Jan-Mar, 3 = Apr-Jun, 4 = Jul-Sep. A quarterly figure is
fiscal-year-to-date: the window is [first day of the FY, last day of the quarter].
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from krlib.errors import OptionError
from krlib.thai import BE_OFFSET

#: Fiscal years krlib accepts (BE): the contract's event dates lie in CE 2000..2100.
MIN_FISCAL_YEAR, MAX_FISCAL_YEAR = 2544, 2643

QUARTER_MONTHS_TH = {1: "ต.ค.-ธ.ค.", 2: "ม.ค.-มี.ค.", 3: "เม.ย.-มิ.ย.", 4: "ก.ค.-ก.ย."}


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period: fiscal year (BE) and quarter, window fiscal-year-to-date."""

    fiscal_year: int
    quarter: int

    def __post_init__(self) -> None:
        if isinstance(self.quarter, bool) or not isinstance(self.quarter, int) \
                or not 1 <= self.quarter <= 4:
            raise OptionError(
                f"ไตรมาสต้องเป็น 1-4 / quarter must be 1, 2, 3 or 4, got {self.quarter!r}"
            )
        if isinstance(self.fiscal_year, bool) or not isinstance(self.fiscal_year, int) or not (
            MIN_FISCAL_YEAR <= self.fiscal_year <= MAX_FISCAL_YEAR
        ):
            raise OptionError(
                "ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2568 / fiscal year must be a Buddhist-Era year "
                f"{MIN_FISCAL_YEAR}-{MAX_FISCAL_YEAR} such as 2568, got {self.fiscal_year!r}"
            )

    @property
    def fy_start(self) -> date:
        return date(self.fiscal_year - BE_OFFSET - 1, 10, 1)

    @property
    def quarter_start(self) -> date:
        y, m = self._quarter_first_month()
        return date(y, m, 1)

    @property
    def end(self) -> date:
        y, m = self._quarter_first_month()
        m_last = m + 2
        return date(y, m_last, calendar.monthrange(y, m_last)[1])

    @property
    def start(self) -> date:
        """First day of the window: the fiscal year's first day (cumulative figures)."""
        return self.fy_start

    @property
    def label(self) -> str:
        """File and folder name form, e.g. ``2568-Q2``."""
        return f"{self.fiscal_year}-Q{self.quarter}"

    @property
    def label_th(self) -> str:
        return f"ไตรมาส {self.quarter} ปีงบประมาณ พ.ศ. {self.fiscal_year}"

    def quarters_to_date(self) -> list[Period]:
        """Q1 .. this quarter of the same fiscal year (the fiscal-year trend)."""
        return [Period(self.fiscal_year, q) for q in range(1, self.quarter + 1)]

    def _quarter_first_month(self) -> tuple[int, int]:
        ce_end = self.fiscal_year - BE_OFFSET
        if self.quarter == 1:
            return ce_end - 1, 10
        return ce_end, 3 * (self.quarter - 2) + 1


def parse_period(text: str) -> Period:
    """Read ``2568-Q2`` (or ``2568Q2``) into a Period."""
    t = text.strip().upper().replace(" ", "")
    fy, sep, q = t.partition("-Q") if "-Q" in t else t.partition("Q")
    if not sep or not fy.isdigit() or not q.isdigit():
        raise OptionError(f"ช่วงเวลาไม่ถูกต้อง / period must look like 2568-Q2, got {text!r}")
    return Period(int(fy), int(q))
