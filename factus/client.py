"""FactusClient: one typed method per Factus API v1 endpoint, returning ``data``."""

from __future__ import annotations

import base64
import binascii
import functools
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

from .auth import TokenManager
from .conf import FactusSettings
from .errors import FactusBadResponse, error_from_response, parse_json
from .http import build_session, send
from .types import DownloadedFile, Page

logger = logging.getLogger(__name__)

# The list filters of bills and credit notes (API.md §3.4, §4.1).
DOCUMENT_FILTERS = frozenset({"identification", "names", "number", "prefix", "reference_code", "status"})
RANGE_FILTERS = frozenset({"id", "document", "resolution_number", "technical_key", "is_active"})
MAX_PAGES = 1000  # INFERRED: a walk over more pages than this is an answer that makes no sense


def _segment(value) -> str:
    return quote(str(value), safe="")


@dataclass(frozen=True)
class DocumentRoutes:
    """Where one Factus document family lives. Validate, list, downloads and e-mail follow one
    pattern under ``base``; show and delete differ per family (bills: ``/show/{number}`` and
    ``/destroy/reference/{ref}``; credit notes: ``/{number}`` and ``/reference/{ref}``)."""

    base: str
    show_path: str
    delete_path: str

    @property
    def validate(self) -> str:
        return f"{self.base}/validate"

    def show(self, number) -> str:
        return self.base + self.show_path.format(number=_segment(number))

    def delete(self, reference_code) -> str:
        return self.base + self.delete_path.format(reference_code=_segment(reference_code))

    def file(self, kind: str, number) -> str:
        return f"{self.base}/download-{kind}/{_segment(number)}"

    def send_email(self, number) -> str:
        return f"{self.base}/send-email/{_segment(number)}"

    def email_content(self, number) -> str:
        return f"{self.base}/{_segment(number)}/email-content"


BILLS = DocumentRoutes(
    "/v1/bills", show_path="/show/{number}", delete_path="/destroy/reference/{reference_code}"
)
CREDIT_NOTES = DocumentRoutes(
    "/v1/credit-notes", show_path="/{number}", delete_path="/reference/{reference_code}"
)
# Download kind -> (base64 key in ``data``, extension added to ``file_name``, content type).
FILE_KINDS = {
    "pdf": ("pdf_base_64_encoded", ".pdf", "application/pdf"),
    "xml": ("xml_base_64_encoded", ".xml", "application/xml"),
}


def _filters(filters: dict, allowed: frozenset, page: int) -> dict:
    unknown = set(filters) - allowed
    if unknown:
        raise TypeError(f"Filtros no soportados por Factus: {', '.join(sorted(unknown))}")
    params = {f"filter[{name}]": value for name, value in filters.items() if value is not None}
    return {**params, "page": page}


class FactusClient:
    """Factus API v1. Every method raises a ``factus.errors.FactusError`` subclass on failure."""

    def __init__(self, base_url: str | None = None, token_manager: TokenManager | None = None, session=None):
        conf = None if base_url and token_manager and session else FactusSettings.from_django()
        self.base_url = (base_url or conf.base_url).rstrip("/")
        self.session = session or build_session(conf)
        self.token_manager = token_manager or TokenManager(conf, session=self.session)

    def __repr__(self) -> str:
        return f"FactusClient(base_url={self.base_url!r})"

    # -- transport -----------------------------------------------------------------------
    def _request(self, method: str, path: str, *, params=None, json=None) -> dict:
        """Send with a bearer token; after a 401 invalidate it (compare-and-delete) and retry once."""
        token = self.token_manager.get_token()
        response = self._send(method, path, token, params, json)
        if response.status_code == 401:
            self.token_manager.invalidate(token)
            response = self._send(method, path, self.token_manager.get_token(), params, json)
        if response.status_code >= 400:
            raise error_from_response(response)
        if not 200 <= response.status_code < 300:  # redirects are not followed (factus.http)
            raise FactusBadResponse(
                f"Factus respondió con un estado inesperado (HTTP {response.status_code}).",
                status_code=response.status_code,
            )
        body = parse_json(response)
        if not isinstance(body, dict):
            raise FactusBadResponse(
                "Factus respondió sin un objeto JSON válido.", status_code=response.status_code, body=body
            )
        return body

    def _send(self, method, path, token, params, json):
        started = time.monotonic()
        response = send(
            self.session,
            method,
            self.base_url + path,
            params=params,
            json=json,
            headers={"Authorization": f"Bearer {token}"},
        )
        logger.info(
            "%s %s -> %s (%.0f ms)", method, path, response.status_code, (time.monotonic() - started) * 1000
        )
        return response

    def _data(self, method: str, path: str, **kwargs):
        return self._request(method, path, **kwargs).get("data")

    def _object(self, method: str, path: str, **kwargs) -> dict:
        """``data`` where Factus documents an object; anything else is a bad answer."""
        data = self._data(method, path, **kwargs)
        if not isinstance(data, dict):
            raise FactusBadResponse(
                f"Factus respondió sin los datos esperados: `data` es {_kind(data)}, no un objeto."
            )
        return data

    def _list(self, method: str, path: str, **kwargs) -> list:
        """``data`` where Factus documents a list of objects (a missing ``data`` is an empty list)."""
        data = self._data(method, path, **kwargs)
        data = [] if data is None else data
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise FactusBadResponse(
                f"Factus respondió sin los datos esperados: `data` es {_kind(data)}, no una lista de objetos."
            )
        return data

    def _download(self, path: str, key: str, extension: str, content_type: str) -> DownloadedFile:
        data = self._object("GET", path)
        encoded = data.get(key) or ""
        try:
            if not isinstance(encoded, str):
                raise ValueError(key)
            content = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise FactusBadResponse("Factus envió un archivo con una codificación inválida.") from exc
        name = data.get("file_name")
        name = name if isinstance(name, str) and name.strip() else "documento"
        if not name.lower().endswith(extension):
            name += extension
        return DownloadedFile(file_name=name, content=content, content_type=content_type)

    # -- documents (shared by every family; the public methods below name the family) -------
    def _validate_document(self, routes: DocumentRoutes, payload: dict) -> dict:
        return self._object("POST", routes.validate, json=payload)

    def _list_documents(self, routes: DocumentRoutes, *, page: int = 1, **filters) -> Page:
        params = _filters(filters, DOCUMENT_FILTERS, page)
        return Page.from_data(self._data("GET", routes.base, params=params))

    def _iter_documents(self, routes: DocumentRoutes, filters: dict) -> Iterator[dict]:
        return self._iterate(functools.partial(self._list_documents, routes), filters)

    def _find_document_by_reference(self, routes: DocumentRoutes, reference_code: str) -> dict | None:
        # INFERRED: filter[reference_code] may be a partial match, so only an exact one counts.
        rows = self._iter_documents(routes, {"reference_code": reference_code})
        found = [row for row in rows if str(row.get("reference_code")) == str(reference_code)]
        distinct = [row for index, row in enumerate(found) if row not in found[:index]]
        if len(distinct) > 1:
            # Factus never holds two documents under one reference (the second validate is a 422 "ya
            # ha sido registrado"): such a list is an answer that makes no sense, not a pick. The
            # same row repeated (a page that shifted during the walk) is one document.
            raise FactusBadResponse(
                f"Factus respondió {len(distinct)} documentos con la referencia «{reference_code}»; "
                "una referencia identifica un solo documento."
            )
        return distinct[0] if distinct else None

    def _download_document(self, routes: DocumentRoutes, number: str, kind: str) -> DownloadedFile:
        key, extension, content_type = FILE_KINDS[kind]
        return self._download(routes.file(kind, number), key, extension, content_type)

    def _delete_document(self, routes: DocumentRoutes, reference_code: str) -> str:
        return str(self._request("DELETE", routes.delete(reference_code)).get("message", ""))

    def _send_document_email(
        self, routes: DocumentRoutes, number: str, email: str, pdf_base64: str | None
    ) -> str:
        body = {"email": email}
        if pdf_base64:
            body["pdf_base_64_encoded"] = pdf_base64
        return str(self._request("POST", routes.send_email(number), json=body).get("message", ""))

    # -- bills ---------------------------------------------------------------------------
    def validate_bill(self, payload: dict) -> dict:
        """Create a bill and send it to the DIAN; returns ``data`` (bill, items, totals, CUFE...).

        Raises:
            FactusValidationError, FactusRejected, FactusConflict, FactusConnectionError (never retried:
            look the bill up with ``find_bill_by_reference`` before resending).
        """
        return self._validate_document(BILLS, payload)

    def list_bills(self, *, page: int = 1, **filters) -> Page:
        """One page of bills; filters: identification, names, number, prefix, reference_code, status."""
        return self._list_documents(BILLS, page=page, **filters)

    def iter_bills(self, **filters) -> Iterator[dict]:
        """Every bill matching the filters, across all pages."""
        return self._iter_documents(BILLS, filters)

    def get_bill(self, number: str) -> dict:
        """One bill by number (e.g. ``SETP990000493``). Raises: FactusNotFound."""
        return self._object("GET", BILLS.show(number))

    def find_bill_by_reference(self, reference_code: str) -> dict | None:
        """The bill list row whose reference_code is exactly ``reference_code``, or None.

        Raises: FactusBadResponse when the list holds two different rows with that exact reference.
        """
        return self._find_document_by_reference(BILLS, reference_code)

    def download_bill_pdf(self, number: str) -> DownloadedFile:
        """The bill's PDF. Raises: FactusNotFound, FactusConflict (not validated)."""
        return self._download_document(BILLS, number, "pdf")

    def download_bill_xml(self, number: str) -> DownloadedFile:
        """The bill's XML. Raises: FactusNotFound, FactusConflict (not validated)."""
        return self._download_document(BILLS, number, "xml")

    def delete_bill(self, reference_code: str) -> str:
        """Delete a non-validated bill; returns Factus' message. Raises: FactusConflict, FactusNotFound."""
        return self._delete_document(BILLS, reference_code)

    def send_bill_email(self, number: str, email: str, pdf_base64: str | None = None) -> str:
        """Have Factus e-mail the bill to ``email``; returns Factus' message."""
        return self._send_document_email(BILLS, number, email, pdf_base64)

    def get_bill_email_content(self, number: str) -> dict:
        """Subject and base64 ZIP for integrators that send the e-mail themselves."""
        return self._object("GET", BILLS.email_content(number))

    def list_bill_events(self, number: str) -> list:
        """RADIAN events of a bill. Raises: FactusNotFound."""
        return self._list("GET", f"{BILLS.base}/{_segment(number)}/radian/events")

    # -- credit notes (API.md §4.1) --------------------------------------------------------
    def validate_credit_note(self, payload: dict) -> dict:
        """Create a credit note and send it to the DIAN; returns ``data`` (credit_note, items, CUDE...).

        Raises:
            FactusValidationError, FactusRejected, FactusConflict (a pending note blocks new ones),
            FactusConnectionError (never retried: look the note up with
            ``find_credit_note_by_reference`` before resending).
        """
        return self._validate_document(CREDIT_NOTES, payload)

    def list_credit_notes(self, *, page: int = 1, **filters) -> Page:
        """One page of credit notes; the filters of ``list_bills``."""
        return self._list_documents(CREDIT_NOTES, page=page, **filters)

    def iter_credit_notes(self, **filters) -> Iterator[dict]:
        """Every credit note matching the filters, across all pages."""
        return self._iter_documents(CREDIT_NOTES, filters)

    def get_credit_note(self, number: str) -> dict:
        """One credit note by number (e.g. ``NC76``). Raises: FactusNotFound."""
        return self._object("GET", CREDIT_NOTES.show(number))

    def find_credit_note_by_reference(self, reference_code: str) -> dict | None:
        """The credit-note list row whose reference_code is exactly ``reference_code``, or None.

        Raises: FactusBadResponse when the list holds two different rows with that exact reference.
        """
        return self._find_document_by_reference(CREDIT_NOTES, reference_code)

    def download_credit_note_pdf(self, number: str) -> DownloadedFile:
        """The credit note's PDF. Raises: FactusNotFound, FactusConflict (not validated)."""
        return self._download_document(CREDIT_NOTES, number, "pdf")

    def download_credit_note_xml(self, number: str) -> DownloadedFile:
        """The credit note's XML. Raises: FactusNotFound, FactusConflict (not validated)."""
        return self._download_document(CREDIT_NOTES, number, "xml")

    def delete_credit_note(self, reference_code: str) -> str:
        """Delete a non-validated credit note by reference code; returns Factus' message.

        Raises: FactusConflict (validated), FactusNotFound.
        """
        return self._delete_document(CREDIT_NOTES, reference_code)

    def send_credit_note_email(self, number: str, email: str, pdf_base64: str | None = None) -> str:
        """Have Factus e-mail the credit note to ``email``; returns Factus' message."""
        return self._send_document_email(CREDIT_NOTES, number, email, pdf_base64)

    def get_credit_note_email_content(self, number: str) -> dict:
        """Subject (document code 91) and base64 ZIP, for integrators that send the e-mail themselves."""
        return self._object("GET", CREDIT_NOTES.email_content(number))

    # -- lookups -------------------------------------------------------------------------
    def _lookup(self, path: str, name: str | None) -> list:
        return self._list("GET", path, params={"name": name} if name else None)

    def list_municipalities(self, name: str | None = None) -> list:
        """Municipalities ``{id, code, name, department}``, optionally filtered by name."""
        return self._lookup("/v1/municipalities", name)

    def list_product_tributes(self, name: str | None = None) -> list:
        """Product tributes ``{id, code, name, description}``."""
        return self._lookup("/v1/tributes/products", name)

    def list_measurement_units(self, name: str | None = None) -> list:
        """Measurement units ``{id, code, name}``."""
        return self._lookup("/v1/measurement-units", name)

    def list_countries(self, name: str | None = None) -> list:
        """Countries ``{id, code, name}``."""
        return self._lookup("/v1/countries", name)

    def list_numbering_ranges(self, *, page: int = 1, **filters) -> Page:
        """One page of ranges; filters: id, document, resolution_number, technical_key, is_active."""
        params = _filters(filters, RANGE_FILTERS, page)
        return Page.from_data(self._data("GET", "/v1/numbering-ranges", params=params))

    def iter_numbering_ranges(self, **filters) -> Iterator[dict]:
        """Every numbering range matching the filters, across all pages."""
        return self._iterate(self.list_numbering_ranges, filters)

    def get_numbering_range(self, id: int) -> dict:
        """One numbering range. Raises: FactusNotFound."""
        return self._object("GET", f"/v1/numbering-ranges/{_segment(id)}")

    def get_acquirer(self, identification_document_id: int, identification_number: str) -> dict:
        """The DIAN's ``{name, email}`` for an identification."""
        params = {
            "identification_document_id": identification_document_id,
            "identification_number": identification_number,
        }
        return self._object("GET", "/v1/dian/acquirer", params=params)

    def get_company(self) -> dict:
        """The issuing company's profile."""
        return self._object("GET", "/v1/company")

    @staticmethod
    def _iterate(lister, filters: dict) -> Iterator[dict]:
        for page in range(1, MAX_PAGES + 1):
            current = lister(page=page, **filters)
            yield from current.items
            if not current.has_next or not current.items:
                return
        raise FactusBadResponse(f"Factus respondió una lista de más de {MAX_PAGES} páginas.")


def _kind(value) -> str:
    """How a bad ``data`` is described in a message (its type, never its content)."""
    if value is None:
        return "nulo"
    if isinstance(value, list):
        return "una lista vacía" if not value else "una lista"
    return {dict: "un objeto", str: "un texto", bool: "un booleano"}.get(type(value), "un número")


@functools.lru_cache(maxsize=4)
def _shared_session(conf: FactusSettings, pid: int):
    # Keyed by pid: a pooled connection inherited through fork() must not be shared.
    return build_session(conf)


def get_client() -> FactusClient:
    """A FactusClient from settings (one Session per process; the token lives in the Django cache)."""
    conf = FactusSettings.from_django()
    session = _shared_session(conf, os.getpid())
    return FactusClient(conf.base_url, TokenManager(conf, session=session), session)
