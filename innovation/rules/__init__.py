"""Kemendagri's rules for one assessment year, loaded from ``data/<year>.json``.

Everything that changes from year to year (option labels, the urusan and Asta Cita lists, the 20
innovation indicators with their weights, parameters and evidence expectations, the regional
indicators, the index constants and the predicate bands) lives in the data file. Adding a year
means adding a file; code asks ``get_rules(year)`` and never hard-codes a label or a weight.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources


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
            RegionalIndicator(r["no"], r["name"], r["bobot"], r.get("note", "")) for r in raw["regional_indicators"]
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


def available_years() -> list[int]:
    files = resources.files(__package__).joinpath("data").iterdir()
    return sorted(int(f.name.removesuffix(".json")) for f in files if f.name.endswith(".json"))


@lru_cache(maxsize=None)
def get_rules(year: int) -> Rules:
    if year not in available_years():
        raise KeyError(f"no Kemendagri rules for {year}; available: {available_years()}")
    raw = json.loads(resources.files(__package__).joinpath("data", f"{year}.json").read_text("utf-8"))
    return _parse(raw)


def latest_year() -> int:
    return available_years()[-1]
