"""`manage.py verify_register`: walk the register's hash chain, check every mortgage right against the
entries that record it, and name every entry, right and column that was changed."""

import copy
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from yancheng.mortgage.choices import Operation
from yancheng.mortgage.models import (
    GENESIS_HASH,
    PAYLOAD_ONLY_SCHEME,
    REGISTER_SCHEME,
    MortgageRight,
    PropertyUnit,
    RegisterEntry,
    RegisterHead,
    entry_hash,
    right_payload,
)

SCHEMES = (PAYLOAD_ONLY_SCHEME, REGISTER_SCHEME)
# A right's column, and the key of its mortgage entry's payload that recorded it.
RIGHT_COLUMNS = {
    "rank": "rank",
    "amount": "amount",
    "bank_id": "bank",
    "kind": "kind",
    "term_start": "term_start",
    "term_end": "term_end",
}


@dataclass
class Fault:
    where: str
    columns: list[str] = field(default_factory=list)
    reason: str = ""

    def __str__(self):
        altered = f"{'、'.join(self.columns)} 被改动" if self.columns else ""
        return f"{self.where}：{'；'.join(part for part in (altered, self.reason) if part)}"


@dataclass
class Chain:
    """Where the walk is: the seq and link the next entry must have, and what the entries recorded."""

    seq: int = 1
    link: str = GENESIS_HASH
    mortgages: dict = field(default_factory=dict)  # right id → its mortgage entry
    cancellations: dict = field(default_factory=dict)  # right id → its cancellation entry
    unreadable: set = field(default_factory=set)  # applications of entries whose payload was changed


def register_faults() -> list[Fault]:
    """Everything found changed, in the chain's order, then the rights; empty when the register holds."""
    head = RegisterHead.objects.filter(pk=1).first()
    chain, faults = Chain(), []
    for entry, next_link in _with_next_link(head):
        found = _entry_faults(entry, next_link, chain)
        faults += found
        if any("payload" in fault.columns for fault in found):  # what it says of its right is lost
            chain.unreadable.add(entry.application_id)
            continue
        payload = _payload(entry)
        recorded = (
            chain.cancellations if payload.get("operation") == Operation.CANCELLATION else chain.mortgages
        )
        recorded[payload.get("right")] = entry
    if head is not None and (head.seq, head.hash) != (chain.seq - 1, chain.link):
        faults.append(Fault("链尾", reason="与最后一条记载不符（记载被删除，或链尾被改动）"))
    return faults + _right_faults(chain)


def _with_next_link(head):
    """Each entry with the hash that the one after it (or the head) says it has."""
    entries = RegisterEntry.objects.select_related("property_unit").order_by("seq").iterator(chunk_size=2000)
    previous = None
    for entry in entries:
        if previous is not None:
            yield previous, entry.prev_hash
        previous = entry
    if previous is not None:
        yield previous, head.hash if head is not None else None


def _entry_faults(entry, next_link, chain) -> list[Fault]:
    where = f"第 {entry.seq} 条记载（id={entry.pk}）"
    faults = []
    # Intact itself, linked to another entry than the last one seen: the entries between are gone.
    if entry.seq > chain.seq and entry.prev_hash != chain.link and entry_hash(entry) == entry.hash:
        faults.append(Fault(where, reason=f"此前第 {chain.seq}–{entry.seq - 1} 条记载被删除"))
        chain.seq, chain.link = entry.seq, entry.prev_hash
    expected = {"seq": chain.seq, "prev_hash": chain.link} | _columns_by_payload(entry)
    candidates = {name: value for name, value in expected.items() if getattr(entry, name) != value}
    columns, link = _explain(entry, candidates, next_link)
    if columns:
        faults.append(Fault(where, columns))
    chain.seq, chain.link = entry.seq + 1, link
    return faults


def _columns_by_payload(entry) -> dict:
    """The entry's columns as its payload (sealed by the hash) records them."""
    payload = _payload(entry)
    expected = {}
    if "operation" in payload:
        expected["kind"] = payload["operation"]
    if "at" in payload:
        expected["at"] = _recorded_at(entry)
    if "application" in payload:
        expected["application_id"] = payload["application"]
    if "unit" in payload and payload["unit"] != entry.property_unit.number:
        recorded_unit = PropertyUnit.objects.filter(number=payload["unit"]).values_list("pk", flat=True)
        expected["property_unit_id"] = recorded_unit.first()
    return expected


def _payload(entry) -> dict:
    return entry.payload if isinstance(entry.payload, dict) else {}


def _recorded_at(entry) -> datetime:
    """When the entry was recorded, by its payload (sealed in every scheme) rather than its `at`."""
    recorded = _payload(entry).get("at")
    if recorded is None:
        return entry.at
    try:
        return datetime.fromisoformat(recorded)
    except (TypeError, ValueError):  # a payload changed into nonsense: reported as changed
        return None


def _explain(entry, candidates, next_link) -> tuple[list[str], str]:
    """The altered columns and the hash the next entry must link to. Put back what the columns should
    hold (and try the other scheme): if the entry then hashes to its own hash or to the one the next
    entry links to, exactly those columns were changed; if nothing does, its payload was."""
    for scheme in (entry.scheme, *(s for s in SCHEMES if s != entry.scheme)):
        restored = copy.copy(entry)
        for name, value in candidates.items():
            setattr(restored, name, value)
        restored.scheme = scheme
        sealed = entry_hash(restored) if scheme in SCHEMES else None
        for original in (entry.hash, next_link):
            if sealed == original:
                changed = [*candidates, *(["scheme"] if scheme != entry.scheme else [])]
                return _names(changed) + (["hash"] if original != entry.hash else []), original
    structural = [name for name in candidates if name in ("seq", "prev_hash")]
    return [*structural, "payload"], entry.hash


def _names(columns) -> list[str]:
    return [name.removesuffix("_id") for name in columns]


def _right_faults(chain) -> list[Fault]:
    faults = []
    for right in (
        MortgageRight.objects.select_related("property_unit").order_by("pk").iterator(chunk_size=2000)
    ):
        where = f"抵押权 #{right.pk}（{right.property_unit.number} 第{right.rank}顺位）"
        entry = chain.mortgages.pop(right.pk, None)
        if entry is None and right.application_id in chain.unreadable:
            continue  # its entry's payload was changed: named there, nothing left to check it against
        if entry is None:
            faults.append(Fault(where, reason="登记簿中没有它的登簿记载（不经登簿写入）"))
            continue
        columns = _unlike_its_entry(right, entry)
        cancellation = chain.cancellations.get(right.pk)
        if right.cancelled_at != (_recorded_at(cancellation) if cancellation else None):
            columns.append("cancelled_at")
        if columns:
            faults.append(Fault(where, columns, "与登记簿记载不符"))
    faults += [
        Fault(f"第 {entry.seq} 条记载（id={entry.pk}）", reason=f"所登记的抵押权 #{right} 已不存在（被删除）")
        for right, entry in chain.mortgages.items()
    ]
    return faults


def _unlike_its_entry(right, entry) -> list[str]:
    """The right's columns that differ from what its mortgage entry's payload recorded."""
    payload = _payload(entry)
    columns = [
        name
        for name, now, recorded in (
            ("property_unit", right.property_unit.number, payload.get("unit", entry.property_unit.number)),
            ("application", right.application_id, payload.get("application", entry.application_id)),
            ("recorded_at", right.recorded_at, _recorded_at(entry)),
        )
        if now != recorded
    ]
    now = right_payload(right)
    for key, column in RIGHT_COLUMNS.items():
        if key not in payload:  # scheme 1 entries recorded less of the right
            continue
        if not _same(key, now[key], payload[key]):
            columns.append(column)
    return columns


def _same(key, now, recorded) -> bool:
    if key != "amount":
        return now == recorded
    try:
        return Decimal(now) == Decimal(recorded)
    except (TypeError, ArithmeticError):  # decimal.InvalidOperation: a payload changed into nonsense
        return False


class Command(BaseCommand):
    help = "核验不动产登记簿哈希链，以及每项抵押权与登记簿记载是否一致"

    def handle(self, *args, **options):
        faults = register_faults()
        if faults:
            raise CommandError("登记簿被改动：\n" + "\n".join(str(fault) for fault in faults))
        count = RegisterEntry.objects.count()
        rights = MortgageRight.objects.count()
        self.stdout.write(
            self.style.SUCCESS(f"登记簿完整：{count} 条记载，哈希链无断点；{rights} 项抵押权与记载一致。")
        )
