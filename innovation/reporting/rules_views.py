"""Kemendagri's rule files per assessment year, for admins: the list, a read-only view of one year (its
indicators, index constants and bands, and the file itself), and adding a year by uploading its file, which
is validated first ("check only" shows what the file holds or what is wrong, without storing it)."""
from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from innovation import rules as rule_files
from innovation.reporting import policy
from innovation.reporting.blueprint import bp
from innovation.web import role_required


def _year_or_404(year: int) -> rule_files.Rules:
    if year not in rule_files.available_years():
        abort(404)
    return rule_files.get_rules(year)


@bp.route("/rules")
@role_required(*policy.ADMINS)
def rule_years():
    years = [(rule_files.get_rules(y), rule_files.source_of(y)) for y in reversed(rule_files.available_years())]
    return render_template("reporting/rules.html", years=years, checked=None, problems=None)


@bp.route("/rules/<int:year>")
@role_required(*policy.ADMINS)
def rule_year(year: int):
    rules = _year_or_404(year)
    text = json.dumps(json.loads(rule_files.raw_text(year)), ensure_ascii=False, indent=1)
    return render_template("reporting/rule_year.html", rules=rules, source=rule_files.source_of(year), text=text)


@bp.route("/rules/<int:year>.json")
@role_required(*policy.ADMINS)
def rule_file(year: int):
    _year_or_404(year)
    return Response(rule_files.raw_text(year), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{year}.json"'})


@bp.route("/rules/upload", methods=["POST"])
@role_required(*policy.ADMINS)
def rule_upload():
    upload = request.files.get("file")
    data = upload.read(rule_files.MAX_RULES_FILE + 1) if upload else b""
    problems, checked = None, None
    if not data:
        problems = [_("Pilih berkas aturan (.json).")]
    else:
        try:
            if request.form.get("action") == "add":
                checked = rule_files.add_rules_file(data)
                flash(_("Aturan tahun %(year)d ditambahkan. Inovasi baru dan pembawaan dapat memakainya.",
                        year=checked.year), "success")
                return redirect(url_for("reporting.rule_year", year=checked.year))
            checked = rule_files.validate(data)
            if checked.year in rule_files.available_years():
                problems = [_("aturan tahun %(year)d sudah ada dan tidak diganti: angka yang sudah dihitung "
                              "dengannya harus tetap dapat diulang", year=checked.year)]
                checked = None
        except rule_files.RulesFileError as error:
            problems = error.problems
    years = [(rule_files.get_rules(y), rule_files.source_of(y)) for y in reversed(rule_files.available_years())]
    return render_template("reporting/rules.html", years=years, checked=checked, problems=problems), (
        422 if problems else 200)
