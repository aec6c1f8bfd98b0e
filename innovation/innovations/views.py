"""Innovation pages: the list, a new innovation, its page, the profile form and the indicator answers.

Evidence routes are in ``evidence_views.py``; both sit on the blueprint of ``blueprint.py``.
"""
from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from innovation import drafts, web
from innovation.extensions import db
from innovation.innovations import carry, duplicates, policy, readiness, services
from innovation.innovations.blueprint import bp
from innovation.innovations.forms import AnswerForm, NewInnovationForm, ProfileForm
from innovation.innovations.models import Innovation
from innovation.numbers import page_locale
from innovation.orgs.models import Opd
from innovation.rules import available_years, get_rules, latest_year
from innovation.web import ensure, role_required


@bp.app_template_global("gap_summary")
def gap_summary(count: int, blocking: int = 0) -> str:
    """The one wording of a gap count (``readiness.summary``), for lists that show the stored figures.

    Kept per request: a page of 25 rows has a handful of distinct counts, and each wording costs two
    catalog look-ups (about 60 us). Keyed by the locale too: ``force_locale`` may change it mid-request."""
    known = g.setdefault("gap_summaries", {})
    key = (page_locale(), count or 0, blocking or 0)
    if key not in known:
        known[key] = readiness.summary(*key[1:])
    return known[key]


@bp.app_template_global("gap_kind_label")
def gap_kind_label(kind: readiness.GapKind) -> str:
    return str(readiness.KIND_LABELS[kind])


def _load(innovation_id: int, *, edit: bool = False) -> Innovation:
    innovation = web.get_or_404(Innovation, innovation_id)
    user = web.current()
    ensure(innovation.can_edit(user) if edit else innovation.can_view(user))
    return innovation


@bp.route("/")
@role_required(*policy.READERS)
def index():
    rules = get_rules(latest_year())
    user = web.current()
    own_opd = policy.own_opd_id(user)
    opd_filter = own_opd if own_opd is not None else web.int_arg("opd", minimum=1)
    query = services.list_query(
        opd_id=opd_filter,
        search=request.args.get("q", ""),
        tahapan=request.args.get("tahapan") or None,
        urusan=request.args.get("urusan") or None,
    )
    page = db.paginate(query, per_page=25, error_out=False)
    opds = None
    if own_opd is None:
        opds = db.session.execute(select(Opd.id, Opd.name).order_by(Opd.name)).all()
    return render_template("innovations/index.html", page=page, rules=rules, opds=opds, opd_filter=opd_filter,
                           own_opd=own_opd, can_create=policy.can_create(user))


def _carry_facts(innovation: Innovation) -> dict:
    """What the page says about carry-over: where it came from (and the report), where it went, which lines
    hold data taken over, and whether a later year's rules exist to carry it to."""
    source = db.session.get(Innovation, innovation.carried_from_id) if innovation.carried_from_id else None
    target = carry.carried_to(innovation)
    carried_lines = {a.indicator_no for a in innovation.answers if a.carried_at is not None}
    carried_lines |= {e.indicator_no for e in innovation.evidence if e.is_current and e.carried_from_id is not None}
    return {"source": source, "target": target, "carried_lines": carried_lines,
            "report": [carry.describe(item) for item in innovation.carry_report or []],
            "can_carry": target is None and any(y > innovation.rules_year for y in available_years())}


def _viewable(similar: list[duplicates.Similar], user) -> set[int]:
    return {item.id for item in similar if policy.can_view_opd_innovations(user, item.opd_id)}


@bp.route("/new", methods=["GET", "POST"])
@role_required(*policy.EDITORS)
def new():
    user = web.current()
    own_opd = policy.own_opd_id(user)
    opd_choices = None
    if own_opd is None:  # an admin picks the OPD
        opd_choices = [SelectChoice(o.id, o.name) for o in db.session.scalars(
            select(Opd).where(Opd.active.is_(True)).order_by(Opd.name))]
    form = NewInnovationForm().setup(opd_choices)
    if form.validate_on_submit():
        if own_opd is not None:
            opd = user.opd
        else:  # the admin's choice (the field exists only for them)
            opd = db.session.get(Opd, form.opd_id.data) if form.opd_id.data else None
        similar = []
        if opd is None:
            form.opd_id.errors = [_("Pilih OPD.")]
        elif not web.attempt(lambda: services.refuse_same_name(opd.id, form.nama.data, form.rules_year.data),
                             form=form):
            pass
        elif (similar := duplicates.similar_innovations(form.nama.data)) and not form.confirm_distinct.data:
            form.confirm_distinct.errors = [_("Ada inovasi yang mirip. Periksa daftarnya, lalu centang bila ini "
                                              "memang inovasi lain.")]
            return render_template("innovations/new.html", form=form, similar=similar,
                                   viewable=_viewable(similar, user))
        else:
            created = web.attempt(
                lambda: services.create_innovation(opd, nama=form.nama.data, by=user, rules_year=form.rules_year.data),
                success=_("Inovasi dibuat. Lengkapi profilnya."), form=form)
            if created:
                return redirect(url_for("innovations.profile", innovation_id=created.value.id))
    return render_template("innovations/new.html", form=form, similar=[], viewable=set())


@bp.route("/<int:innovation_id>")
@role_required(*policy.READERS)
def detail(innovation_id: int):
    innovation = _load(innovation_id)
    assessment = services.assess(innovation)
    current = services.current_evidence(innovation)
    return render_template(
        "innovations/detail.html",
        innovation=innovation,
        rules=innovation.rules,
        assessment=assessment,
        evidence_by_slot={slot.slot: [e for e in current if e.profile_slot == slot.slot]
                          for slot in innovation.rules.profile_files},
        evidence_count={line.no: sum(1 for e in current if e.indicator_no == line.no) for line in assessment.lines},
        can_edit=innovation.can_edit(web.current()),
        carry=_carry_facts(innovation),
    )


@bp.route("/<int:innovation_id>/profile", methods=["GET", "POST"])
@role_required(*policy.EDITORS)
def profile(innovation_id: int):
    innovation = _load(innovation_id, edit=True)
    rules = innovation.rules
    form = ProfileForm(obj=innovation if request.method == "GET" else None).setup(rules)
    if request.method == "GET":
        form.urusan_lain.data = list(innovation.urusan_lain or [])
    similar = []
    if form.validate_on_submit():
        renamed = duplicates.normalise_name(form.nama.data) != duplicates.normalise_name(innovation.nama)
        if renamed and not form.confirm_distinct.data:
            similar = duplicates.similar_innovations(form.nama.data, form.rancang_bangun.data or "", exclude=innovation)
        if similar:
            form.confirm_distinct.errors = [_("Nama baru ini mirip inovasi lain. Periksa daftarnya, lalu centang "
                                              "bila ini memang inovasi lain.")]
        else:
            saved = web.attempt(
                lambda: services.update_profile(innovation, form.values(), by=web.current(),
                                                version=form.version.data),
                success=lambda changes: _("Profil tersimpan.") if changes else _("Tidak ada perubahan."), form=form)
            if saved:
                drafts.confirm_saved(f"draft:innovation-{innovation.id}-profile")
                return redirect(url_for("innovations.detail", innovation_id=innovation.id))
    current = services.current_evidence(innovation)
    return render_template(
        "innovations/profile.html", form=form, innovation=innovation, rules=rules, similar=similar,
        viewable=_viewable(similar, web.current()),
        evidence_by_slot={slot.slot: [e for e in current if e.profile_slot == slot.slot] for slot in rules.profile_files},
    )


@bp.route("/<int:innovation_id>/indicators/<int:no>", methods=["GET", "POST"])
@role_required(*policy.READERS)
def indicator(innovation_id: int, no: int):
    innovation = _load(innovation_id)
    rules = innovation.rules
    try:
        item = rules.indicator(no)
    except KeyError:
        abort(404)
    can_edit = innovation.can_edit(web.current())
    answer = services.get_answer(innovation, no)
    form = AnswerForm(
        parameter=str(answer.parameter) if answer and answer.parameter else None,
        basis=answer.basis if answer else None,
        informasi=answer.informasi if answer else "",
        version=str(answer.version) if answer else "0",
    )
    form.parameter.choices = [SelectChoice(str(i + 1), label) for i, label in enumerate(item.parameters)]
    form.basis.choices = [SelectChoice(b.code, f"{b.code}) {b.label}") for b in item.bases]
    if request.method == "POST":
        ensure(can_edit)
        if form.validate_on_submit():
            raw = form.parameter.data
            saved = web.attempt(
                lambda: services.save_answer(
                    innovation, no,
                    parameter=int(raw) if raw in ("1", "2", "3") else None,
                    basis=form.basis.data or None,
                    informasi=form.informasi.data or "",
                    by=web.current(),
                    version=form.version.data,
                ),
                success=_("Indikator %(no)d tersimpan.", no=no), form=form)
            if saved:
                drafts.confirm_saved(f"draft:innovation-{innovation.id}-indicator-{no}")
                following = [i.no for i in rules.indicators if i.no > no]
                if request.form.get("next") == "1" and following:
                    return redirect(url_for("innovations.indicator", innovation_id=innovation.id, no=following[0]))
                return redirect(url_for("innovations.indicator", innovation_id=innovation.id, no=no))
    assessment = services.assess(innovation)
    line = next(x for x in assessment.lines if x.no == no)
    items = [e for e in services.current_evidence(innovation) if e.indicator_no == no]
    numbers = [i.no for i in rules.indicators]
    position = numbers.index(no)
    return render_template(
        "innovations/indicator.html",
        innovation=innovation, rules=rules, item=item, form=form, line=line, assessment=assessment,
        items=items, can_edit=can_edit,
        prev_no=numbers[position - 1] if position > 0 else None,
        next_no=numbers[position + 1] if position + 1 < len(numbers) else None,
    )
