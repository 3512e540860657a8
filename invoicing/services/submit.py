"""The one submission machinery of every Factus document: lock and mark (a), call Factus outside any
transaction (b, resolve.py), record (c). A document type is a ``kinds.DocumentKind``."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from factus.client import FactusClient, get_client
from factus.deadline import budget
from invoicing.models import FactusDocument, Invoice, request_budget
from invoicing.payloads import factus_totals
from invoicing.totals import compare

from . import resolve
from .events import Action, InvoiceActionError, Outcome, record_event, timed
from .kinds import INVOICE, DocumentKind
from .resolve import Resolution

logger = logging.getLogger(__name__)
Status = FactusDocument.Status
BUSY = Outcome.BUSY  # kept for callers that compare with it


@dataclass
class SubmitResult:
    """What a submission did: the document (as recorded) and the Resolution that decided it.

    ``recorded``: an attempt was made and recorded as an event (else: refused before it, nothing sent).
    """

    document: FactusDocument
    resolution: Resolution
    recorded: bool = False

    @property
    def outcome(self) -> Outcome:
        # A document not found after an uncertain attempt reads as a failure the user may retry.
        shown = self.resolution.outcome
        return Outcome.FAILED if shown == Outcome.NOT_FOUND else Outcome(shown)

    @property
    def message(self) -> str:
        return self.resolution.message

    @property
    def field_errors(self) -> dict:
        return self.resolution.field_errors

    @property
    def retry_after(self) -> int | None:
        return self.resolution.retry_after

    @property
    def blocking(self) -> dict | None:
        return self.resolution.blocking

    @property
    def invoice(self) -> FactusDocument:
        """The document (the name the invoice callers know)."""
        return self.document

    @property
    def ok(self) -> bool:
        return self.outcome == Outcome.VALIDATED


@dataclass
class _Claim:
    document: FactusDocument
    action: str = Action.SUBMIT
    lookup_first: bool = False
    refusal: SubmitResult | None = None


def invoice_submit(*, invoice_id: int, user, client: FactusClient | None = None) -> SubmitResult:
    """Send the invoice to Factus once, whatever the clicks: see docs/invoicing.md."""
    return document_submit(INVOICE, document_id=invoice_id, user=user, client=client)


def document_submit(
    kind: DocumentKind, *, document_id: int, user, client: FactusClient | None = None
) -> SubmitResult:
    """Send the document to Factus once, whatever the clicks: see docs/invoicing.md.

    Every Factus call of the attempt (token, lookups, validate) shares one deadline,
    ``settings.FACTUS_REQUEST_BUDGET``; the row is never left SUBMITTING (UNVERIFIED when unsure).
    """
    claim = _claim(kind, document_id)
    if claim.refusal is not None:
        return claim.refusal
    document = claim.document
    payload = ours = None
    with timed() as watch:
        try:
            payload, ours = kind.build(document)
            client = client or get_client()
            with budget(request_budget()):
                outcome = resolve.attempt(
                    kind, client, document.reference_code, payload, lookup_first=claim.lookup_first
                )
        except Exception:  # a bug, not a Factus answer: never leave the row SUBMITTING
            _finish(kind, document, user, claim.action, payload, watch.ms, resolve.internal_error(kind))
            raise
    try:
        try:
            return _finish(kind, document, user, claim.action, payload, watch.ms, outcome, ours)
        except IntegrityError:
            # The number Factus gave is already recorded on another of our documents (the unique
            # constraint caught it; Factus never gives one number twice, so it is an odd answer):
            # recorded again with the check, which names the holder -> UNVERIFIED. The check is not
            # made before every save: the constraint already makes it, for no query.
            logger.warning(
                "%s %s: its number is already recorded; checking which document holds it",
                kind.title,
                document.pk,
            )
            if outcome.fields:
                document.refresh_from_db(fields=list(outcome.fields))
            return _finish(
                kind, document, user, claim.action, payload, watch.ms, outcome, ours, check_number=True
            )
    except Exception:  # what Factus said could not be stored: record that much, never SUBMITTING
        logger.exception("Could not record the outcome of %s %s", kind.title, document.pk)
        _finish(kind, document, user, claim.action, payload, watch.ms, resolve.internal_error(kind))
        raise


# A first send: no earlier attempt can exist at Factus (no lookup first, no "Reintentar").
FIRST_SEND = (Status.DRAFT, Status.INVALID)


def _claim(kind: DocumentKind, document_id: int) -> _Claim:
    """Phase (a): mark the row SUBMITTING, or refuse when it is not submittable."""
    return _claim_first_send(kind, document_id) or _claim_locked(kind, document_id)


def _claim_first_send(kind: DocumentKind, document_id: int) -> _Claim | None:
    """The everyday case, a draft (or one Factus refused with a 422) sent for the first time: one
    conditional UPDATE (compare-and-set). Of two clicks, two tabs or two workers exactly one finds the
    row still a draft and makes it SUBMITTING; SUBMITTING is not editable, so what is read after it
    (``kind.send_fields`` and ``send_related``, one query) is what is sent. The UPDATE commits on its
    own; a kind with a claim check (a credit note's limits) makes it in one transaction with the
    check, under the locks the check takes, and a refused check rolls the claim back.

    None: not a first send (a retry, a refusal, a row another request holds): ``_claim_locked`` decides.
    """
    now = timezone.now()
    claimed = kind.model.objects.filter(pk=document_id, status__in=FIRST_SEND)
    sent = kind.model.objects.select_related(*kind.send_related).only(*kind.send_fields)

    def mark() -> bool:
        return bool(claimed.update(status=Status.SUBMITTING, submitting_since=now, updated_at=now))

    if kind.claim_check is None:
        return _Claim(sent.get(pk=document_id)) if mark() else None
    if kind.send_locks:
        sent = sent.select_for_update(of=kind.send_locks)
    try:
        with transaction.atomic():
            if not mark():
                return None
            document = sent.get(pk=document_id)
            kind.claim_check(document)
    except InvoiceActionError as exc:  # rolled back: the row is as it was, nothing was sent
        document = kind.model.objects.get(pk=document_id)
        return _Claim(document, refusal=_refused(document, Outcome.INVALID, exc.message, _errors_of(exc)))
    return _Claim(document)


def _errors_of(exc: InvoiceActionError) -> dict:
    return getattr(exc, "field_errors", {})


def _claim_locked(kind: DocumentKind, document_id: int) -> _Claim:
    """Lock the row, refuse when it is not submittable, mark it SUBMITTING (a retry after a failure,
    a pending DIAN or a stale send, which may look Factus up first)."""
    with transaction.atomic():
        # The lock takes the document row (and a note's invoice, ``send_locks``); what the payload
        # names besides it (the numbering range, an invoice's customer) is read in the same query,
        # unlocked.
        document = (
            kind.model.objects.select_for_update(of=("self", *kind.send_locks))
            .select_related(*kind.send_related)
            .get(pk=document_id)
        )
        refusal = _refusal(kind, document)
        if refusal is not None:
            return _Claim(document, refusal=refusal)
        if kind.claim_check is not None and document.is_editable:  # not yet at Factus: checked
            try:
                kind.claim_check(document)
            except InvoiceActionError as exc:
                return _Claim(
                    document, refusal=_refused(document, Outcome.INVALID, exc.message, _errors_of(exc))
                )
        # FAILED means "certainly not created" (or not found after a lookup): it is sent directly;
        # the same reference is never duplicated by Factus. UNVERIFIED or a stale SUBMITTING row may
        # exist at Factus: looked up by reference first.
        retry = document.can_retry
        claim = _Claim(document, Action.RETRY if retry else Action.SUBMIT, lookup_first=document.needs_lookup)
        document.status, document.submitting_since = Status.SUBMITTING, timezone.now()
        document.save(update_fields=["status", "submitting_since", "updated_at"])
    return claim


def _refused(document, outcome: Outcome, message: str, field_errors=None) -> SubmitResult:
    return SubmitResult(
        document, Resolution(document.status, outcome, message, field_errors=field_errors or {})
    )


def _refusal(kind: DocumentKind, document) -> SubmitResult | None:
    if document.status == Status.SUBMITTING and not document.is_stale_submitting:
        since = timezone.localtime(document.submitting_since).strftime("%H:%M:%S")
        return _refused(
            document,
            Outcome.BUSY,
            f"{kind.subject} ya se está enviando (desde las {since}). "
            "Espere unos segundos y recargue la página.",
        )
    if document.status == Status.SUBMITTING or document.is_submittable:
        return None
    if document.status == Status.VALIDATED:
        return _refused(document, Outcome.VALIDATED, f"{kind.subject} {document.number} ya está validada.")
    if document.status == Status.REJECTED:
        return _refused(
            document,
            Outcome.REJECTED,
            f"La DIAN rechazó esta {kind.noun.split(' ', 1)[1]}." + resolve.DELETE_HINT,
        )
    return _refused(
        document,
        Outcome.FAILED,
        f"{kind.a_noun[:1].upper()}{kind.a_noun[1:]} «{document.get_status_display()}» no se "
        f"puede enviar; {kind.resend_hint}.",
    )


# What phase (c) writes besides ``Resolution.fields``; every other column keeps its stored value.
OUTCOME_FIELDS = ("status", "submitting_since", "field_errors", "totals_mismatch", "updated_at")


def apply(document: FactusDocument, outcome: Resolution) -> None:
    """Recording: copy what Factus said onto the (locked) document; it leaves SUBMITTING."""
    for name, value in outcome.fields.items():
        setattr(document, name, value)
    document.status, document.submitting_since = outcome.status, None
    document.field_errors = outcome.field_errors


def _finish(
    kind: DocumentKind,
    document,
    user,
    action,
    payload,
    duration_ms,
    outcome: Resolution,
    ours=None,
    *,
    check_number: bool = False,
) -> SubmitResult:
    """Phase (c): store what Factus said and the event, in one short transaction.

    ``document`` is the instance claimed in phase (a); it is not re-read: only the outcome columns are
    written (one UPDATE of those columns, which locks the row), so nothing read before the Factus
    call can overwrite a column, and no wide SELECT/UPDATE of every column (QR, raw response...) is
    needed.
    ``check_number``: first look, row locked, for another document holding the answer's number (after
    the unique constraint refused it).
    """
    with transaction.atomic():
        if check_number:
            kind.model.objects.select_for_update().filter(pk=document.pk).values_list("pk", flat=True).get()
            outcome = resolve.number_taken(kind, outcome, document_pk=document.pk)
        if outcome.field_errors and kind.form_errors is not None:
            outcome = dataclasses.replace(
                outcome, field_errors=kind.form_errors(document, outcome.field_errors)
            )
        apply(document, outcome)
        outcome = dataclasses.replace(
            outcome, message=outcome.message + _mismatch(kind, document, outcome, ours)
        )
        document.updated_at = timezone.now()
        written = (*OUTCOME_FIELDS, *outcome.fields)
        kind.model.objects.filter(pk=document.pk).update(
            **{name: getattr(document, name) for name in written}
        )
        record_event(
            document,
            user=user,
            action=Action.RECONCILE if outcome.reconciled else action,
            outcome=outcome.outcome,
            message=outcome.message,
            http_status=outcome.http_status,
            request=payload,
            response=outcome.response,
            duration_ms=duration_ms,
            detail={"reference": document.reference_code, **outcome.detail},
        )
    return SubmitResult(document, outcome, recorded=True)


def _mismatch(kind: DocumentKind, document, outcome: Resolution, ours) -> str:
    """Compare Factus' totals with ours; record and flag any difference."""
    if outcome.status != Status.VALIDATED or ours is None:
        return ""
    document.totals_mismatch = compare(ours.as_factus(), factus_totals(outcome.fields))
    if not document.totals_mismatch:
        return ""
    logger.warning(
        "Totals differ from Factus for %s %s: %s", kind.title, document.pk, sorted(document.totals_mismatch)
    )
    return " Atención: los totales de Factus difieren de los calculados por la aplicación."


__all__ = ["BUSY", "Invoice", "SubmitResult", "apply", "document_submit", "invoice_submit"]
