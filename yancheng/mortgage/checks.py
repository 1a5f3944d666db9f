"""The automatic review: named checks, each with a Chinese reason, all stored with the application.
A failed check sends the application to a registry official, who records or refuses it. Only questions
of the register are checked here: malformed input (a unit number, an ID number, an amount, a term) is
refused at filing (`actions.file_application`), since a person could only refuse it."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from yancheng.core.validators import (
    PARCEL_KINDS,
    PARCEL_OWNERSHIPS,
    mask_id_number,
    old_id_number_to_new,
    parse_property_unit_number,
)

from .choices import LAND_OWNERSHIP, LIVE, MORTGAGEABLE_LAND, ApplicationStatus, LandKind, Operation
from .models import Application, CheckResult, Encumbrance, MortgageRight

IDENTITY_FRESHNESS = timedelta(days=30)
REASON_LENGTH = CheckResult._meta.get_field("reason").max_length


def _unit_exists(app):
    if app.property_unit is None:
        return False, "登记簿中没有这个不动产单元，请核对单元号。"
    return True, ""


def _mortgagors_are_holders(app):
    """Every current holder mortgages, each under the name and ID number of the register. A holder
    registered before 1999 may still hold a 15-digit number: it is matched by its 18-digit form."""
    holders = {
        old_id_number_to_new(h.id_number): h
        for h in app.property_unit.holdings.filter(ended_at__isnull=True).order_by("pk")
    }
    problems = []
    for person in app.mortgagors:
        name, id_number = person["name"].strip(), person["id_number"]
        holder = holders.get(id_number)
        if holder is None:
            problems.append(f"{name}（{mask_id_number(id_number)}）不是该单元的现权利人")
        elif holder.holder_name.strip() != name:
            problems.append(f"{name}（{mask_id_number(id_number)}）的姓名与登记簿记载不一致")
    given = {person["id_number"] for person in app.mortgagors}
    left_out = [mask_id_number(h.id_number) for id_number, h in holders.items() if id_number not in given]
    if left_out:
        problems.append(f"现权利人 {'、'.join(left_out)} 未列为抵押人")
    if not problems:
        return True, ""
    return False, f"抵押人须为全部现权利人，姓名、证件号与登记簿一致：{'；'.join(problems)}。"[:REASON_LENGTH]


def _no_encumbrance(app):
    today = timezone.localdate()
    in_force = Encumbrance.objects.filter(
        property_unit=app.property_unit, starts_on__lte=today, lifted_on__isnull=True
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    found = in_force.first()
    if found is None:
        return True, ""
    return False, f"该单元存在{found.get_kind_display()}（{found.reference}），须人工审核。"


def _no_pending_application(app):
    pending = Application.objects.filter(
        property_unit=app.property_unit, status=ApplicationStatus.TO_PERSON
    ).exclude(pk=app.pk)
    if pending.exists():
        return False, "该单元有正在人工审核的其他申请。"
    return True, ""


def _no_existing_mortgage(app):
    if MortgageRight.objects.filter(property_unit=app.property_unit, cancelled_at__isnull=True).exists():
        return False, "该单元已设定抵押，再次抵押（第二顺位）须人工审核。"
    return True, ""


def _land_mortgageable(app):
    unit = app.property_unit
    if unit.land_kind in MORTGAGEABLE_LAND:
        return True, ""
    return False, f"土地性质为{unit.get_land_kind_display()}，抵押须人工审核。"


def _land_code_agrees(app):
    """The unit number's parcel code says what land the unit stands on (GB/T 37346): a code and a land
    kind that disagree are a question for a person, whichever of the two is wrong."""
    unit = app.property_unit
    try:
        number = parse_property_unit_number(unit.number)
    except ValidationError as error:
        return False, f"登记簿中的单元号有误：{error.messages[0]}"
    land = unit.get_land_kind_display()
    if number.is_homestead and unit.land_kind != LandKind.HOMESTEAD:
        disagreement = f"第 14 位为 C（{PARCEL_KINDS['C']}），而登记簿记载的土地性质为{land}"
    elif unit.land_kind == LandKind.HOMESTEAD and not number.is_homestead:
        disagreement = f"第 14 位不是 C，而登记簿记载的土地性质为{land}"
    elif number.parcel_ownership != LAND_OWNERSHIP[unit.land_kind]:
        owner = number.parcel_ownership
        disagreement = f"第 13 位为 {owner}（{PARCEL_OWNERSHIPS[owner]}），而登记簿记载的土地性质为{land}"
    else:
        return True, ""
    return False, f"不动产单元号{disagreement}，二者不一致，须人工核实。"


def _term(app):
    end = app.property_unit.land_use_term_end
    if end is not None and app.term_end > end:
        return False, f"债务履行期限超出土地使用期限（{end:%Y年%m月%d日}）。"
    return True, ""


def _contract_new(app):
    # The same number written otherwise (case, spaces) by an older filing; a refused or withdrawn
    # application has given its number up.
    normalized = app.contract_number.strip()
    reused = Application.objects.filter(
        bank=app.bank, operation=Operation.MORTGAGE, contract_number__iexact=normalized, status__in=LIVE
    ).exclude(pk=app.pk)
    if reused.exists():
        return False, "该银行已用此合同编号申请过抵押登记。"
    return True, ""


def _identity(app):
    now = timezone.now()
    if app.identity_verified_at > now + timedelta(minutes=5):
        return False, "身份核验时间晚于现在。"
    if now - app.identity_verified_at > IDENTITY_FRESHNESS:
        return False, "身份核验已超过 30 日，请重新核验抵押人身份。"
    return True, ""


def _cancels_active_right(app):
    right = app.cancels
    if right is None or right.property_unit_id != app.property_unit_id:
        return False, "没有找到要注销的抵押权。"
    if right.bank_id != app.bank_id:
        return False, "只有抵押权人银行可以申请注销。"
    if right.cancelled_at is not None:
        return False, "该抵押权已注销。"
    return True, ""


# (code, label, function, needs the unit to exist)
MORTGAGE_CHECKS = [
    ("unit_exists", "不动产单元存在", _unit_exists, False),
    ("mortgagors_are_holders", "抵押人为全部现权利人", _mortgagors_are_holders, True),
    ("no_encumbrance", "无查封、异议、预告或限制", _no_encumbrance, True),
    ("no_pending_application", "无其他在办申请", _no_pending_application, True),
    ("no_existing_mortgage", "无已设抵押", _no_existing_mortgage, True),
    ("land_mortgageable", "土地可以抵押", _land_mortgageable, True),
    ("land_code_agrees", "单元号与土地性质一致", _land_code_agrees, True),
    ("term_valid", "债务履行期限在土地使用期限内", _term, True),
    ("contract_new", "合同编号未使用", _contract_new, False),
    ("identity_verified", "身份已核验", _identity, False),
]
CANCELLATION_CHECKS = [
    ("unit_exists", "不动产单元存在", _unit_exists, False),
    ("cancels_active_right", "注销的抵押权有效", _cancels_active_right, True),
    ("no_pending_application", "无其他在办申请", _no_pending_application, True),
]


def run(app) -> list[tuple[str, str, bool, str]]:
    checks = CANCELLATION_CHECKS if app.operation == Operation.CANCELLATION else MORTGAGE_CHECKS
    results = []
    for code, label, function, needs_unit in checks:
        if needs_unit and app.property_unit is None:
            results.append((code, label, False, "不动产单元不存在，无法审核此项。"))
            continue
        passed, reason = function(app)
        results.append((code, label, passed, reason))
    return results
