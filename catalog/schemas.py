"""Wire format of the catalogue endpoints (catalog/api.py): amounts are decimal strings, ids ours."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field, PlainSerializer

from core import bounds

# Our records' ids as a caller sends them: a positive BigAutoField value, so an id the database
# cannot hold is a 422 of the schema, never an overflow in a query.
RecordId = Annotated[int, Field(ge=1, le=bounds.MAX_RECORD_ID)]
# Amounts and rates: accepted as a JSON number or a decimal string with a point; always answered as
# a string with two places ("1234.50"), never a float.
Money = Annotated[
    Decimal,
    Field(max_digits=16, decimal_places=2, ge=0),
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str, when_used="always"),
]
Rate = Annotated[
    Decimal,
    Field(max_digits=5, decimal_places=2, ge=0, le=100),
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str, when_used="always"),
]
Text = Annotated[str, Field(max_length=200)]


class Strict(Schema):
    """Input schemas refuse unknown fields (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid")


class CustomerIn(Strict):
    identification_document_id: RecordId = Field(description="id de /lookups/identification-types")
    identification: Annotated[str, Field(min_length=1, max_length=20)]
    dv: Annotated[int, Field(ge=0, le=9)] | None = None
    legal_organization_id: RecordId = Field(description="id de /lookups/legal-organizations")
    tribute_id: RecordId = Field(description="id de /lookups/customer-tributes")
    company: Text = ""
    names: Text = ""
    trade_name: Text = ""
    municipality_id: RecordId | None = Field(None, description="id de /lookups/municipalities")
    address: Text = ""
    email: Text = ""
    phone: Annotated[str, Field(max_length=30)] = ""


class CustomerPatch(Strict):
    identification_document_id: RecordId | None = None
    identification: Annotated[str, Field(min_length=1, max_length=20)] | None = None
    dv: Annotated[int, Field(ge=0, le=9)] | None = None
    legal_organization_id: RecordId | None = None
    tribute_id: RecordId | None = None
    company: Text | None = None
    names: Text | None = None
    trade_name: Text | None = None
    municipality_id: RecordId | None = None
    address: Text | None = None
    email: Text | None = None
    phone: Annotated[str, Field(max_length=30)] | None = None


class CustomerOut(Schema):
    id: int
    display_name: str
    identification_document_id: int
    identification: str
    dv: int | None
    legal_organization_id: int
    tribute_id: int
    company: str
    names: str
    trade_name: str
    municipality_id: int | None
    address: str
    email: str
    phone: str


class AcquirerOut(Schema):
    found: bool
    message: str
    name: str
    email: str


class WithholdingIn(Strict):
    code: Annotated[str, Field(pattern="^(05|06|07)$", description="05 ReteIVA, 06 ReteRenta, 07 ReteICA")]
    rate: Rate


class WithholdingOut(Schema):
    code: str
    rate: Rate


class ProductIn(Strict):
    code_reference: Annotated[str, Field(min_length=1, max_length=50)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    price: Money = Field(description="precio unitario con IVA incluido")
    tax_rate: Rate = Decimal("19.00")
    is_excluded: bool = False
    unit_id: RecordId = Field(description="id de /lookups/units")
    standard_code_id: RecordId = Field(description="id de /lookups/standard-codes")
    tribute_id: RecordId = Field(description="id de /lookups/tributes")
    is_active: bool = True
    withholdings: Annotated[list[WithholdingIn], Field(max_length=3)] = []


class ProductPatch(Strict):
    code_reference: Annotated[str, Field(min_length=1, max_length=50)] | None = None
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    price: Money | None = None
    tax_rate: Rate | None = None
    is_excluded: bool | None = None
    unit_id: RecordId | None = None
    standard_code_id: RecordId | None = None
    tribute_id: RecordId | None = None
    is_active: bool | None = None
    withholdings: Annotated[list[WithholdingIn], Field(max_length=3)] | None = None


class ProductOut(Schema):
    id: int
    code_reference: str
    name: str
    price: Money
    tax_rate: Rate
    is_excluded: bool
    unit_id: int
    standard_code_id: int
    tribute_id: int
    is_active: bool
    withholdings: list[WithholdingOut]


class LookupOut(Schema):
    id: int
    factus_id: int | None = None
    code: str
    name: str


class MunicipalityOut(Schema):
    id: int
    factus_id: int
    code: str
    name: str
    department: str


class NumberingRangeOut(Schema):
    id: int
    factus_id: int
    document: str
    document_name: str
    prefix: str
    from_number: int
    to_number: int
    current: int
    numbers_left: int
    end_date: date | None
    days_left: int | None
    is_expired: bool
