"""The API's request and response models (pydantic). Spectree turns them into the OpenAPI 3.1 document's
schemas (pydantic v2 writes JSON Schema 2020-12, the dialect of OpenAPI 3.1), and validates query strings
against them."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

MAX_LIMIT = 100
INT_MAX = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=INT_MAX)]
Year = Annotated[int, Field(ge=2000, le=2100)]
# Query text: no control or bidirectional characters (the API refuses them; pages clean them away).
Text = Annotated[str, Field(pattern=r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u061c\u200e\u200f"
                                    r"\u202a-\u202e\u2066-\u2069]*$")]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- errors ---------------------------------------------------------------------------------------

class ErrorDetail(Model):
    field: str | None = Field(None, description="The query parameter, header or scope concerned")
    message: str


class ErrorInfo(Model):
    status: int = Field(description="The HTTP status, repeated")
    code: str = Field(description="Stable for programs: bad_request, unauthorized, forbidden, not_found, "
                                  "method_not_allowed, rate_limited, internal_error, invalid_cursor, ...")
    message: str = Field(description="For people, in the Accept-Language (Indonesian or English)")
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorBody(Model):
    """Every error of the API has this shape."""

    error: ErrorInfo


# --- queries --------------------------------------------------------------------------------------

def _no_null_defaults(schema: dict, model: type) -> None:
    for prop in schema.get("properties", {}).values():
        if "default" in prop and prop["default"] is None:
            del prop["default"]


class Query(BaseModel):
    """A query string's model. Optional parameters are absent rather than null (``SkipJsonSchema[None]``,
    no null default): a query string has no null."""

    model_config = ConfigDict(extra="ignore", json_schema_extra=_no_null_defaults)


class PageQuery(Query):
    cursor: Text | SkipJsonSchema[None] = Field(None, max_length=200, description="next_cursor of the previous page")
    limit: int = Field(25, ge=1, le=MAX_LIMIT, description="Items per page")


class InnovationQuery(PageQuery):
    q: Text | SkipJsonSchema[None] = Field(None, max_length=100, description="Words in the name (and in the public texts)")
    opd: Id | SkipJsonSchema[None] = Field(None, description="OPD id")
    year: Year | SkipJsonSchema[None] = Field(None, description="Assessment (rules) year")
    urusan: Text | SkipJsonSchema[None] = Field(None, max_length=80, description="Main urusan code")
    tahapan: Text | SkipJsonSchema[None] = Field(None, max_length=40, description="Stage code: inisiatif, uji_coba, penerapan")
    digital: bool | SkipJsonSchema[None] = Field(None, description="Digital (true) or not (false)")
    registered: bool | SkipJsonSchema[None] = Field(None, description="With innovations:read: registered for Kemendagri or "
                                                      "not. Without a token only registered innovations are listed")


class OpdQuery(PageQuery):
    active: bool | SkipJsonSchema[None] = None


class EventQuery(PageQuery):
    year: Year | SkipJsonSchema[None] = Field(None, description="The event's year")


class IndexQuery(Query):
    registered_only: bool = Field(True, description="Count only innovations registered for Kemendagri (as the "
                                                    "export does)")


# --- resources ------------------------------------------------------------------------------------

class Links(Model):
    self: str
    html: str | None = Field(None, description="The public page, when there is one")


class IndicatorScore(Model):
    no: int
    name: str
    weight: int
    parameter: int | None = Field(description="The OPD's claim (1-3)")
    verified_parameter: int | None
    verification: str | None = Field(description="sesuai, diperbaiki or ditolak; null before verification")
    score: float = Field(description="Claimed line score (0 without evidence)")
    verified_score: float = Field(description="The line as verified (an undecided line counts as claimed)")
    max_score: int


class PublicFile(Model):
    id: int
    name: str
    url: str
    type: str | None = None
    size: int | None = None


class Innovation(Model):
    """An innovation. Without a token: registered innovations, with the fields the region made public (the
    others are null). With innovations:read: every innovation and every shareable field."""

    id: int
    nama: str
    opd_id: int
    opd_kode: str
    opd_nama: str
    tahun: int
    registered: bool
    registered_at: datetime | None = None
    tahapan: str | None = None
    urusan_utama: str | None = None
    urusan_utama_nama: str | None = None
    urusan_lain: list[str | None] | None = None
    jenis: str | None = None
    digital: bool | None = None
    waktu_uji_coba: date | None = None
    waktu_penerapan: date | None = None
    waktu_pengembangan: date | None = None
    tujuan: str | None = None
    manfaat: str | None = None
    hasil: str | None = None
    rancang_bangun: str | None = None
    inisiator: str | None = None
    klasifikasi: str | None = None
    bentuk: str | None = None
    tematik: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    nomor_register: str | None = None
    skor_klaim: float | None = None
    skor_terverifikasi: float | None = None
    kematangan_persen: float | None = None
    indikator: list[IndicatorScore] | None = Field(None, description="Indicator scores, when the caller may see them")
    dokumen_publik: list[PublicFile] = Field(default_factory=list)
    links: Links


class InnovationPage(Model):
    data: list[Innovation]
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null on the last page")


class Opd(Model):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    active: bool
    registered_innovations: int
    links: Links


class OpdPage(Model):
    data: list[Opd]
    next_cursor: str | None


class RankingRow(Model):
    rank: int = Field(description="Overall rank in the round")
    category_rank: int
    innovation: str
    innovation_id: int
    opd: str
    opd_id: int
    category: str
    score: float | None
    winner: bool


class PublishedRound(Model):
    id: int
    name: str
    kind: str
    published_at: datetime
    snapshot_id: int
    method: str
    checksum: str = Field(description="sha256 of the official snapshot (canonical JSON)")
    download_sha256: str = Field(description="sha256 of the public snapshot file at download_url")
    download_url: str
    ranking: list[RankingRow]


class Event(Model):
    id: int
    slug: str
    name: str
    year: int
    description: str
    opens_at: datetime
    closes_at: datetime
    results_published: bool
    links: Links


class EventPage(Model):
    data: list[Event]
    next_cursor: str | None


class EventResults(Model):
    event: Event
    rounds: list[PublishedRound]


class IndexFigures(Model):
    iid: float = Field(description="Indeks Inovasi Daerah estimate (0-100)")
    predicate: str
    spd: float = Field(description="Regional indicators' score")
    sid: float = Field(description="Innovations' score")
    innovations: int
    divisor: int
    count_score: float
    sum_lines: int
    basic_covered: list[str]
    basic_missing: list[str]


class DistrictIndex(Model):
    year: int
    registered_only: bool
    claimed: IndexFigures = Field(description="From the OPDs' claims")
    verified: IndexFigures = Field(description="With the verifiers' decisions")


class IndexYears(Model):
    years: list[int]


class ApiIndex(Model):
    name: str
    version: str
    openapi: str
    documentation: str
    resources: dict[str, str]


class FollowupItem(Model):
    kind: str = Field(description="line_to_fix, missing_evidence, recheck or overdue_sheet")
    colour: str = Field(description="green, yellow or red, by the item's age and the region's thresholds")
    since: datetime
    age_days: int
    actor: str = Field(description="Who must act: operator, verifier or judge")
    innovation_id: int
    innovation: str
    indicator_no: int | None = None


class OpdFollowup(Model):
    opd_id: int
    code: str
    name: str
    colour: str = Field(description="The OPD's worst item's colour; green when nothing waits")
    red: int
    yellow: int
    green: int
    items: list[FollowupItem] = Field(description="Red first, then oldest first")


class Followup(Model):
    yellow_after_days: float
    red_after_days: float
    data: list[OpdFollowup]
