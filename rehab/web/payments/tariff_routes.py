"""The tariff screen: every version with its forfaits and caps, and a new version effective from a future
date (gestionnaire and administrateur; the coordinateur reads). See rehab.services.tariffs for the rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from rehab.db import Session
from rehab.domain import tariffs as rules
from rehab.domain.roles import Role
from rehab.services import tariffs as service
from rehab.services.errors import ServiceError
from rehab.web.common import now, roles_required, user
from rehab.web.forms import form_int, paris_today
from rehab.web.payments.forms import TariffForm, WithdrawForm
from rehab.web.payments.routes import bp

READERS = (*service.EDITORS, Role.COORDINATEUR)


@dataclass(frozen=True)
class VersionView:
    tariff: rules.Tariff
    row_id: int | None
    note: str | None
    created_at: datetime | None
    used: bool
    in_force: bool

    @property
    def future(self) -> bool:
        return self.tariff.effective_from > paris_today()


def _typed(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",").removesuffix(",00")


def _versions() -> list[VersionView]:
    db, today = Session(), paris_today()
    tariffs, used = service.all_tariffs(db), service.used_versions(db)
    rows = {row.version: row for row in service.rows(db)}
    in_force = max((t for t in tariffs if t.effective_from <= today), key=lambda t: t.effective_from, default=None)
    return [VersionView(t, rows[t.version].id if t.version in rows else None,
                        rows[t.version].note if t.version in rows else None,
                        rows[t.version].created_at if t.version in rows else None, t.version in used,
                        t is in_force) for t in reversed(tariffs)]


def _amounts_typed(base: rules.Tariff) -> dict[str, list[str]]:
    return {f.code: [request.form.get(f"montant-{f.code}-{i}", "") for i in range(len(f.steps))]
            for f in base.forfaits}


def _render(form: TariffForm, amounts: dict[str, list[str]] | None = None, status: int = 200) -> ResponseReturnValue:
    base = service.all_tariffs(Session())[-1]
    if amounts is None:
        amounts = {f.code: [_typed(s.amount) for s in f.steps] for f in base.forfaits}
    return render_template("payments/tariffs.html", versions=_versions(), base=base, form=form, amounts=amounts,
                           withdraw_form=WithdrawForm(formdata=None), can_edit=user().has_role(*service.EDITORS),
                           today=paris_today()), status


@bp.get("/tarifs")
@roles_required(*READERS)
def tariffs() -> ResponseReturnValue:
    latest = service.all_tariffs(Session())[-1]
    return _render(TariffForm(formdata=None, lump_sum=_typed(latest.lump_sum)))


@bp.post("/tarifs")
@roles_required(*service.EDITORS)
def add_tariff() -> ResponseReturnValue:
    form = TariffForm()
    amounts = _amounts_typed(service.all_tariffs(Session())[-1])
    if not form.validate_on_submit():
        return _render(form, amounts, 400)
    effective_from: date | None = form.effective_from.data
    assert effective_from is not None  # noqa: S101 — InputRequired and the date field guarantee it
    try:
        row = service.add_version(Session(), version=form.version.data or "", effective_from=effective_from,
                                  lump_sum=form.lump_sum.data or "", amounts=amounts, note=form.note.data or "",
                                  user=user(), now=now(), today=paris_today())
    except ServiceError as exc:
        Session.rollback()
        flash(str(exc), "error")
        return _render(form, amounts, 409 if isinstance(exc, service.TariffConflict) else 400)
    Session.commit()
    flash(f"Version « {row.version} » enregistrée : elle s'appliquera aux programmes dont le J0 est à partir "
          f"du {row.effective_from:%d/%m/%Y}.", "success")
    return redirect(url_for("payments.tariffs"))


@bp.post("/tarifs/retirer")
@roles_required(*service.EDITORS)
def withdraw_tariff() -> ResponseReturnValue:
    form = WithdrawForm()
    if not form.validate_on_submit() or not form.confirm.data:
        flash("Le formulaire a expiré : rechargez la page puis recommencez." if form.errors.get("csrf_token")
              else "Cochez la confirmation pour retirer la version.", "error")
        return _render(TariffForm(formdata=None), None, 400)
    try:
        name = service.withdraw_version(Session(), version_id=form_int(form.tariff_id.data), user=user(), now=now(),
                                        today=paris_today())
    except ServiceError as exc:
        Session.rollback()
        flash(str(exc), "error")
        return _render(TariffForm(formdata=None), None, 409)
    Session.commit()
    flash(f"Version « {name} » retirée.", "success")
    return redirect(url_for("payments.tariffs"))
