"""Kemendagri's rules for one assessment year, loaded from ``data/<year>.json``.

Everything that changes from year to year (option labels, the urusan and Asta Cita lists, the 20
innovation indicators with their weights, parameters and evidence expectations, the regional
indicators, the index constants and the predicate bands) lives in the data file. Adding a year
means adding a file; code asks ``get_rules(year)`` and never hard-codes a label or a weight.

The years shipped with the code live in this package's ``data/``; an admin adds a year from the UI
(``reporting.rules_views``), which validates the file (``validate``) and writes it to the instance's rules
directory (``use_directory``, set by ``create_app`` from ``RULES_DIR``). A year is never replaced once it
exists: figures computed under it must stay reproducible, and every worker process caches what it read.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from flask_babel import gettext as _


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    group: str | None = None
    basic_service: bool = False


@dataclass(frozen=True)
class Basis:
    code: str
    label: str
    parameters: tuple[str, str, str]


@dataclass(frozen=True)
class Indicator:
    no: int
    name: str
    bobot: int
    mandatory: bool
    parameters: tuple[str, str, str]
    evidence: str
    evidence_types: tuple[str, ...]
    allow_link: bool
    bases: tuple[Basis, ...] = ()

    @property
    def max_score(self) -> int:
        return self.bobot * 3

    def basis(self, code: str | None) -> Basis | None:
        return next((b for b in self.bases if b.code == code), None)

    def parameter_label(self, parameter: int | None, basis: str | None = None) -> str:
        if parameter not in (1, 2, 3):
            return ""
        chosen = self.basis(basis)
        if chosen is not None:
            return f"{chosen.label}: {chosen.parameters[parameter - 1]}"
        return self.parameters[parameter - 1]


@dataclass(frozen=True)
class ProfileFileSlot:
    slot: str
    label: str
    types: tuple[str, ...]
    required: bool
    hint: str


@dataclass(frozen=True)
class RegionalIndicator:
    no: int
    name: str
    bobot: float
    note: str = ""
    # A statistic the planning office cannot change within a reporting window (poverty, HDI, investment,
    # income per head, unemployment, own revenue): the advice lists it apart from the actions.
    statistic: bool = False


@dataclass(frozen=True)
class Predicate:
    label: str
    min: float
    max: float


@dataclass(frozen=True)
class IndexConstants:
    regional_max: float
    divisor_min_k: int
    per_innovation: float
    innovation_cap: int
    basic_service_required: int
    total: float


@dataclass(frozen=True)
class Rules:
    year: int
    notes: str
    options: dict[str, tuple[Option, ...]]
    rancang_bangun_min_words: int
    rancang_bangun_parts: tuple[str, ...]
    eligible_from: date
    eligible_to: date
    profile_files: tuple[ProfileFileSlot, ...]
    indicators: tuple[Indicator, ...]
    max_innovation_score: int
    maturity_target_percent: int
    regional_indicators: tuple[RegionalIndicator, ...]
    index: IndexConstants
    predicates: tuple[Predicate, ...]
    _by_no: dict[int, Indicator] = field(default_factory=dict, repr=False, compare=False)

    def indicator(self, no: int) -> Indicator:
        return self._by_no[no]

    def option_label(self, field_name: str, code: str | None) -> str:
        for option in self.options.get(field_name, ()):
            if option.code == code:
                return option.label
        return ""

    def choices(self, field_name: str) -> list[tuple[str, str]]:
        return [(o.code, o.label) for o in self.options[field_name]]

    def profile_file(self, slot: str) -> ProfileFileSlot | None:
        return next((s for s in self.profile_files if s.slot == slot), None)

    @property
    def mandatory_indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.mandatory)

    def predicate(self, iid: float) -> str:
        for band in self.predicates:
            if band.min <= round(iid, 2) <= band.max:
                return band.label
        return self.predicates[-1].label


def _parse(raw: dict) -> Rules:
    options = {
        name: tuple(
            Option(o["code"], o["label"], o.get("group"), bool(o.get("basic_service"))) for o in values
        )
        for name, values in raw["options"].items()
    }
    indicators = tuple(
        Indicator(
            no=i["no"],
            name=i["name"],
            bobot=i["bobot"],
            mandatory=i["mandatory"],
            parameters=tuple(i["parameters"]),
            evidence=i["evidence"],
            evidence_types=tuple(i["evidence_types"]),
            allow_link=i["allow_link"],
            bases=tuple(Basis(b["code"], b["label"], tuple(b["parameters"])) for b in i.get("bases", ())),
        )
        for i in raw["indicators"]
    )
    profile = raw["profile"]
    index = raw["index"]
    rules = Rules(
        year=raw["year"],
        notes=raw.get("notes", ""),
        options=options,
        rancang_bangun_min_words=profile["rancang_bangun_min_words"],
        rancang_bangun_parts=tuple(profile["rancang_bangun_parts"]),
        eligible_from=date.fromisoformat(profile["eligibility"]["from"]),
        eligible_to=date.fromisoformat(profile["eligibility"]["to"]),
        profile_files=tuple(
            ProfileFileSlot(f["slot"], f["label"], tuple(f["types"]), f["required"], f["hint"])
            for f in profile["files"]
        ),
        indicators=indicators,
        max_innovation_score=raw["max_innovation_score"],
        maturity_target_percent=raw["maturity_target_percent"],
        regional_indicators=tuple(
            RegionalIndicator(r["no"], r["name"], r["bobot"], r.get("note", ""), bool(r.get("statistic")))
            for r in raw["regional_indicators"]
        ),
        index=IndexConstants(
            regional_max=index["regional_max"],
            divisor_min_k=index["divisor_min_k"],
            per_innovation=index["innovation_count"]["per_innovation"],
            innovation_cap=index["innovation_count"]["cap"],
            basic_service_required=index["innovation_count"]["basic_service_required"],
            total=index["total"],
        ),
        predicates=tuple(Predicate(p["label"], p["min"], p["max"]) for p in raw["predicates"]),
    )
    rules._by_no.update({i.no: i for i in indicators})
    if sum(i.max_score for i in indicators) != rules.max_innovation_score:
        raise ValueError(f"rules {rules.year}: indicator maxima do not add up to {rules.max_innovation_score}")
    return rules


_added_dir: list[Path] = []  # the one directory of years added from the UI (use_directory)


def use_directory(path: str | os.PathLike | None) -> None:
    """Where years added from the UI are read and written (``None``: only the shipped years)."""
    _added_dir[:] = [Path(path)] if path else []
    get_rules.cache_clear()


def added_directory() -> Path | None:
    return _added_dir[0] if _added_dir else None


def _year_of(name: str) -> int | None:
    stem = name.removesuffix(".json")
    return int(stem) if name.endswith(".json") and stem.isdigit() and len(stem) == 4 else None


def _sources() -> dict[int, tuple[str, object]]:
    """Each year's file: ("shipped", resource) or ("added", path). A shipped year wins."""
    found: dict[int, tuple[str, object]] = {}
    directory = added_directory()
    if directory is not None and directory.is_dir():
        for path in directory.iterdir():
            if (year := _year_of(path.name)) is not None:
                found[year] = ("added", path)
    for resource in resources.files(__package__).joinpath("data").iterdir():
        if (year := _year_of(resource.name)) is not None:
            found[year] = ("shipped", resource)
    return found


def available_years() -> list[int]:
    return sorted(_sources())


def source_of(year: int) -> str:
    """"shipped" (with the code) or "added" (from the UI)."""
    return _sources()[year][0]


def raw_text(year: int) -> str:
    """The rule file of ``year`` as stored (the admin's read-only view)."""
    return _sources()[year][1].read_text("utf-8")


@lru_cache(maxsize=None)
def get_rules(year: int) -> Rules:
    if year not in available_years():
        raise KeyError(f"no Kemendagri rules for {year}; available: {available_years()}")
    return _parse(json.loads(raw_text(year)))


def latest_year() -> int:
    return available_years()[-1]


# --- a year's file from the UI ------------------------------------------------------------------

class RulesFileError(ValueError):
    """What is wrong with an uploaded rule file, in words an admin can act on (``problems``)."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


MAX_RULES_FILE = 2_000_000  # bytes; the shipped files are about 60 KB


def validate(data: bytes) -> Rules:
    """Parse and check an uploaded rule file; raises ``RulesFileError`` listing every problem found.

    Beyond what ``get_rules`` needs to read it: three parameters per indicator and per basis, unique
    indicator numbers, the maxima adding up, predicate bands in order, the eligibility window in order,
    and option codes unique per list (answers store codes)."""
    if len(data) > MAX_RULES_FILE:
        raise RulesFileError([_("berkas terlalu besar (lebih dari %(kb)d KB)", kb=MAX_RULES_FILE // 1000)])
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise RulesFileError([_("berkas bukan teks UTF-8")]) from None
    except json.JSONDecodeError as error:
        raise RulesFileError([_("JSON tidak sah di baris %(line)d, kolom %(col)d: %(msg)s", line=error.lineno, col=error.colno, msg=error.msg)]) from None
    if not isinstance(raw, dict):
        raise RulesFileError([_("isi berkas harus satu objek JSON")])
    try:
        return _check(raw)
    except (TypeError, AttributeError, ValueError) as error:  # a value of the wrong kind anywhere
        if isinstance(error, RulesFileError):
            raise
        raise RulesFileError([_("struktur tidak sesuai: %(problem)s", problem=str(error))]) from None


def _check(raw: dict) -> Rules:
    problems: list[str] = []
    required = ["year", "options", "profile", "indicators", "max_innovation_score", "maturity_target_percent",
                "regional_indicators", "index", "predicates"]
    problems += [_("kunci \"%(key)s\" tidak ada", key=key) for key in required if key not in raw]
    if problems:
        raise RulesFileError(problems)
    year = raw["year"]
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        problems.append(_("\"year\" harus tahun empat angka, misalnya 2027"))
    indicators = raw["indicators"] if isinstance(raw["indicators"], list) else []
    if not indicators:
        problems.append(_("\"indicators\" harus daftar yang tidak kosong"))
    numbers = [i.get("no") for i in indicators if isinstance(i, dict)]
    if len(numbers) != len(set(numbers)):
        problems.append(_("nomor indikator ganda"))
    for item in indicators:
        if not isinstance(item, dict):
            problems.append(_("setiap indikator harus objek"))
            continue
        label = f"indikator {item.get('no', '?')}"
        if len(item.get("parameters") or []) != 3:
            problems.append(_("%(label)s: harus tepat tiga parameter", label=label))
        if not isinstance(item.get("bobot"), int) or item.get("bobot", 0) <= 0:
            problems.append(_("%(label)s: bobot harus bilangan bulat positif", label=label))
        for basis in item.get("bases") or []:
            if len(basis.get("parameters") or []) != 3:
                problems.append(_("%(label)s, dasar %(code)s: harus tepat tiga parameter", label=label, code=basis.get("code", "?")))
    for name, values in (raw["options"].items() if isinstance(raw["options"], dict) else []):
        codes = [v.get("code") for v in values if isinstance(v, dict)]
        if len(codes) != len(set(codes)):
            problems.append(_("pilihan \"%(name)s\": kode ganda", name=name))
    for name in ("tahapan", "inisiator", "jenis", "klasifikasi", "bentuk", "tematik", "urusan"):
        if name not in (raw["options"] if isinstance(raw["options"], dict) else {}):
            problems.append(_("daftar pilihan \"%(name)s\" tidak ada", name=name))
    bands = raw["predicates"] if isinstance(raw["predicates"], list) else []
    if not bands:
        problems.append(_("\"predicates\" harus daftar yang tidak kosong"))
    if problems:
        raise RulesFileError(problems)
    try:
        rules = _parse(raw)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        missing = _("kunci %(key)s tidak ada", key=error) if isinstance(error, KeyError) else str(error)
        raise RulesFileError([_("struktur tidak sesuai: %(problem)s", problem=missing)]) from None
    if rules.eligible_from > rules.eligible_to:
        problems.append(_("rentang kelayakan terbalik (from sesudah to)"))
    if any(b.min > b.max for b in rules.predicates):
        problems.append(_("batas predikat terbalik (min lebih besar dari max)"))
    if problems:
        raise RulesFileError(problems)
    return rules


def add_rules_file(data: bytes) -> Rules:
    """Validate and store a new year's file in the added-years directory. An existing year is refused."""
    rules = validate(data)
    directory = added_directory()
    if directory is None:
        raise RulesFileError([_("direktori aturan tambahan belum diatur (RULES_DIR)")])
    if rules.year in available_years():
        raise RulesFileError([_("aturan tahun %(year)d sudah ada dan tidak diganti: angka yang sudah dihitung dengannya harus "
                                "tetap dapat diulang", year=rules.year)])
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    try:
        os.link(temporary, directory / f"{rules.year}.json")  # fails if another admin added the year meanwhile
    except FileExistsError:
        raise RulesFileError([_("aturan tahun %(year)d sudah ada", year=rules.year)]) from None
    finally:
        os.unlink(temporary)
    get_rules.cache_clear()
    return rules
