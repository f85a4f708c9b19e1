"""The follow-up worklist: whom a district has not served yet (personal data, by design).

For one KR, period and district: one row per waiting person (in the denominator, not in
the numerator) with the home record's id, its date and the days waited up to the last
day of the window. This is the one krlib output that holds personal data (Thailand's
PDPA), so it is written only by ``krlib worklist``, never into an output folder of
``indicators`` / ``report`` (one holding a manifest.json, or below one) nor into the
data folder, and created readable by its owner only (mode 0600, whatever the umask).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from krlib.clean.tables import CleanDrop
from krlib.compute.indicators import days_waiting, home_records, person_services
from krlib.contract.kr import KRDefinition
from krlib.contract.periods import Period
from krlib.errors import OptionError
from krlib.outputs.folders import check_output_folder
from krlib.outputs.manifest import MANIFEST

COLUMNS = ["record_id", "recorded_on", "days_waiting"]
PDPA_NOTICE = ("krlib worklist: ไฟล์นี้มีข้อมูลส่วนบุคคลตาม พ.ร.บ. คุ้มครองข้อมูลส่วนบุคคล "
               "พ.ศ. 2562 (PDPA) ใช้เพื่อติดตามให้บริการเท่านั้น ห้ามส่งต่อหรือเผยแพร่ และลบเมื่อ"
               "ใช้เสร็จ / this file holds personal data under Thailand's PDPA: use it only to "
               "follow up on these persons, do not share or publish it, delete it when done")


def waiting(clean: CleanDrop, kr: KRDefinition, period: Period, district: str) -> pd.DataFrame:
    """The district's waiting persons: record_id, recorded_on (ISO), days_waiting.

    Sorted by days_waiting (longest first), then record_id. The numerator's reach is the
    same as :func:`krlib.compute.indicators.compute_kr`'s: any service in the window through any
    record of the person.
    """
    cohort = clean.tables[kr.cohort_table]
    home = home_records(cohort, kr, period)
    served = served_persons(cohort, clean.tables[kr.service_table], kr, period)
    wait = home[(home["district"] == district) & ~home["person"].isin(served)]
    ids = clean.ids[kr.cohort_table]
    dates = wait["event_date"].to_numpy().astype("datetime64[D]")
    out = pd.DataFrame({
        "record_id": ids.take(wait["rec"].to_numpy()).to_pylist(),
        "recorded_on": np.datetime_as_string(dates, unit="D"),
        "days_waiting": days_waiting(wait, period),  # as kr_timeliness's waiting_* buckets
    })
    out = out.sort_values(["days_waiting", "record_id"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


def served_persons(cohort: pd.DataFrame, services: pd.DataFrame, kr: KRDefinition,
                   period: Period) -> pd.Series:
    """Persons with a service of the KR in the window (the numerator's reach).

    Calls :func:`krlib.compute.indicators.person_services` itself (with the KR's service
    filter), so the worklist can never disagree with the figures.
    """
    return person_services(cohort, services, kr, period)["person"]


def check_destination(out: Path, data_dir: Path) -> Path:
    """The resolved file to write, or OptionError (one line) when the place is refused.

    Refused: a path that is a folder; a folder that does not exist, is in the data folder
    or cannot be written into (:func:`krlib.outputs.folders.check_output_folder`, the check
    of every command's output folder); a folder holding a manifest.json or any folder
    below one (a krlib output folder that is published and privacy-scanned).
    """
    target = Path(os.path.abspath(out))
    if target.is_dir():
        raise OptionError(f"--out {out}: เป็นโฟลเดอร์ ต้องเป็นชื่อไฟล์ / is a folder, give a file "
                          "name such as worklist-1001.csv")
    parent = check_output_folder(target.parent, "--out", data_dir=data_dir,
                                 may_hold_data=True, must_exist=True, value=str(out))
    target = parent / target.name
    for folder in (parent, *parent.parents):
        if (folder / MANIFEST).is_file():
            raise OptionError(
                f"--out {out}: ไม่เขียนรายชื่อลงในโฟลเดอร์ผลลัพธ์ของ krlib ({folder / MANIFEST}) "
                "/ refusing to write personal data into a krlib output folder — choose a "
                "private folder outside it")
    return target


def write_private_csv(frame: pd.DataFrame, target: Path) -> Path:
    """Write ``frame`` as UTF-8 CSV (BOM: Excel shows Thai ids right) with mode 0600.

    The data go to a new temporary file created 0600 (O_EXCL, then fchmod: a umask can
    only narrow the mode, fchmod sets it exactly), which then replaces ``target``
    atomically: the file is never readable by others, not even half-written.
    """
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as f:
            frame.to_csv(f, index=False, lineterminator="\n")
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
