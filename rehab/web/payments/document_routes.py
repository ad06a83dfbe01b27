"""Statement PDF per professional and CSV/XLSX exports for the accounting software (read-only)."""

from __future__ import annotations

from flask import Response, abort, current_app, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from rehab.db import Session
from rehab.models import PaymentBatch, PaymentLine
from rehab.models.directory import Professional
from rehab.services import audit, documents
from rehab.services import payments as service
from rehab.web.common import client_ip, now, roles_required, user
from rehab.web.forms import paris_today
from rehab.web.payments.routes import READERS, bp
from reports.payment_export import ExportRow, to_csv, to_xlsx
from reports.payment_statement import PaymentStatement, StatementContext, StatementRow

EXPORT_STATUSES = {"paid": ("paid",), "due": ("due", "in_batch"), "all": ("due", "in_batch", "paid", "cancelled")}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _statement_rows(lines: list[PaymentLine]) -> list[StatementRow]:
    return [StatementRow(line.programme_id, line.programme.patient.initials, line.reason, line.amount,
                         line.batch.paid_on if line.batch else None, line.batch.reference if line.batch else None)
            for line in lines]


def _address(pro: Professional) -> tuple[str, ...]:
    town = " ".join(x for x in (pro.postal_code, pro.city) if x)
    return tuple(x for x in (pro.organisation, pro.address, town) if x)


@bp.get("/lots/<int:batch_id>/releve/<int:professional_id>.pdf")
@roles_required(*READERS)
def statement(batch_id: int, professional_id: int) -> ResponseReturnValue:
    """The paid lines of one professional in one batch, ready to send with the transfer."""
    batch, pro = Session.get(PaymentBatch, batch_id), Session.get(Professional, professional_id)
    if batch is None or pro is None or batch.state != "paid":
        abort(404)
    lines = list(Session.scalars(service.lines_query("paid").where(PaymentLine.batch_id == batch_id,
                                                                   PaymentLine.professional_id == pro.id)).unique())
    if not lines:
        abort(404)
    ctx = StatementContext(letterhead=documents.letterhead(current_app.config, current_app.instance_path),
                           professional_name=pro.name, professional_kind=pro.kind_label,
                           professional_address=_address(pro), rpps=pro.rpps, today=paris_today(),
                           rows=_statement_rows(lines), batch_reference=batch.reference)
    audit.record(Session(), now=now(), user_id=user().id, action="view", object_type="payment_statement",
                 object_id=batch.id, ip=client_ip(), detail={"professional_id": pro.id})
    Session.commit()
    name = f"releve-paiement-lot-{batch.id}-{pro.id}.pdf"
    return Response(PaymentStatement(ctx).render(), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _export_rows() -> tuple[list[ExportRow], str]:
    which = request.args.get("statut", "paid")
    if which not in EXPORT_STATUSES:
        abort(400)
    query = service.lines_query(*EXPORT_STATUSES[which])
    batch_id = request.args.get("lot", "")
    if batch_id.isdecimal():
        query = query.where(PaymentLine.batch_id == int(batch_id))
    lines = Session.scalars(query).unique().all()
    batches = {b.id: b for b in Session.scalars(select(PaymentBatch).where(
        PaymentBatch.id.in_({line.batch_id for line in lines if line.batch_id})))}
    rows = []
    for line in lines:
        batch = batches.get(line.batch_id) if line.batch_id else None
        rows.append(ExportRow(line.id, line.professional.name, line.professional.rpps or "",
                              line.professional.kind_label, line.programme_id, line.programme.patient.initials,
                              line.reason, line.amount, line.status_label, line.batch_id,
                              batch.paid_on if batch else None, (batch.reference or "") if batch else ""))
    audit.record(Session(), now=now(), user_id=user().id, action="export", object_type="payment_lines",
                 ip=client_ip(), detail={"statut": which, "lot": batch_id, "rows": len(rows)})
    Session.commit()
    return rows, f"paiements-{which}-{paris_today().isoformat()}"


@bp.get("/export.csv")
@roles_required(*READERS)
def export_csv() -> ResponseReturnValue:
    rows, name = _export_rows()
    return Response(to_csv(rows), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


@bp.get("/export.xlsx")
@roles_required(*READERS)
def export_xlsx() -> ResponseReturnValue:
    rows, name = _export_rows()
    return Response(to_xlsx(rows), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
