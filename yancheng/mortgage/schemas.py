"""The bank API's request and answer bodies. Every text is bounded by its column, so bad input is a 422
with a code, never a database error. Codes are normalised as people type them, then checked by their
standard: a malformed one is a 422 naming the field, with the validator's code and Chinese message."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, BeforeValidator
from pydantic_core import PydanticCustomError

from yancheng.core.schemas import EARLIEST, LATEST, ErrorOut, Id, text
from yancheng.core.validators import normalise_code, validate_id_number, validate_property_unit_number

from .actions import validate_amount
from .choices import IdentityMethod, MortgageKind, Operation


def _checked_by(validate):
    """A Django validator as a pydantic one: its code becomes the error's type, its message the error's."""

    def check(value):
        try:
            validate(value)
        except ValidationError as error:
            raise PydanticCustomError(
                error.code or "invalid", "{reason}", {"reason": error.messages[0]}
            ) from None
        return value

    return AfterValidator(check)


def _normalised(value):
    return normalise_code(value) if isinstance(value, str) else value


def code(max_length: int, validate=None):
    """A code as a person types it (core.validators.normalise_code), bounded, and checked by `validate`."""
    checks = (_checked_by(validate),) if validate else ()
    return Annotated[text(max_length, 1), *checks, BeforeValidator(_normalised)]


# Bounds keep far-off days from overflowing on their way in (EARLIEST, LATEST: the same for times).
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2199, 12, 31)


class MortgagorIn(Schema):
    name: text(50, 1)
    id_number: code(18, validate_id_number) = Field(..., description="18 位居民身份证号码（GB 11643）")


class ApplicationIn(Schema):
    unit_number: code(40, validate_property_unit_number) = Field(
        ..., description="28 位不动产单元号（GB/T 37346）；全角字符、小写字母和首尾空格自动规范"
    )
    contract_number: code(60) = Field(..., description="同一银行同一合同编号重复提交，返回同一申请")
    mortgagors: list[MortgagorIn] = Field(..., min_length=1, max_length=20)
    debtor: text(100, 1)
    kind: MortgageKind = MortgageKind.ORDINARY
    # Greater than zero, checked with the form's Chinese message (json_schema_extra documents it).
    amount: Annotated[Decimal, _checked_by(validate_amount)] = Field(
        ...,
        max_digits=14,
        decimal_places=2,
        description="被担保主债权数额（元），十进制字符串",
        json_schema_extra={"exclusiveMinimum": 0},
    )
    term_start: date = Field(..., ge=EARLIEST_DAY, le=LATEST_DAY)
    term_end: date = Field(..., ge=EARLIEST_DAY, le=LATEST_DAY)
    identity_method: IdentityMethod
    identity_verified_at: AwareDatetime = Field(
        ..., ge=EARLIEST, le=LATEST, description="带时区，例如 2026-11-27T10:00:00+08:00"
    )
    operation: Operation = Operation.MORTGAGE
    cancels_right_id: Id | None = Field(None, description="注销登记时必填：要注销的抵押权")


class ContractInUseOut(ErrorOut):
    application_id: int = Field(..., description="占用该合同编号的申请；在办的可以撤回（…/withdraw）")


class RuleCheckOut(Schema):
    code: str
    label: str
    passed: bool
    reason: str


class MortgagorOut(Schema):
    name: str
    id_number: str


class ApplicationOut(Schema):
    id: int
    bank: str
    contract_number: str
    operation: str
    unit_number: str
    status: str
    status_label: str
    refusal_reason: str
    mortgagors: list[MortgagorOut]
    debtor: str
    kind: str
    amount: Decimal
    term_start: date = Field(..., ge=EARLIEST_DAY, le=LATEST_DAY)
    term_end: date = Field(..., ge=EARLIEST_DAY, le=LATEST_DAY)
    identity_method: str
    identity_verified_at: datetime
    cancels_right_id: int | None
    checks: list[RuleCheckOut]
    certificate_number: str | None
    certificate_url: str | None
    received_at: datetime
    reviewed_at: datetime | None
    recorded_at: datetime | None
    certificate_signed_at: datetime | None
    bank_notified_at: datetime | None
    bank_acknowledged_at: datetime | None
    loan_released_at: datetime | None


class ApplicationPage(Schema):
    count: int
    items: list[ApplicationOut]
