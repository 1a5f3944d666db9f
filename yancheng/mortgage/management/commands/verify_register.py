"""`manage.py verify_register`: walk the register's hash chain and name the first entry that breaks it."""

from django.core.management.base import BaseCommand, CommandError

from yancheng.mortgage.models import GENESIS_HASH, RegisterEntry, RegisterHead, entry_hash


def first_bad_entry():
    """(entry, reason) of the first entry whose hash or link is wrong, or None when the chain holds."""
    previous_hash, expected_seq = GENESIS_HASH, 1
    for entry in RegisterEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return entry, f"序号应为 {expected_seq}"
        if entry.prev_hash != previous_hash:
            return entry, "与前一条记载的哈希不衔接"
        if entry_hash(entry.prev_hash, entry.payload) != entry.hash:
            return entry, "内容与其哈希不符（记载被改动）"
        previous_hash, expected_seq = entry.hash, expected_seq + 1
    head = RegisterHead.objects.filter(pk=1).first()
    if head is not None and (head.seq, head.hash) != (expected_seq - 1, previous_hash):
        return None, "登记簿链尾与最后一条记载不符（记载被删除）"
    return None


class Command(BaseCommand):
    help = "核验不动产登记簿哈希链"

    def handle(self, *args, **options):
        bad = first_bad_entry()
        if bad is None:
            count = RegisterEntry.objects.count()
            self.stdout.write(self.style.SUCCESS(f"登记簿完整：{count} 条记载，哈希链无断点。"))
            return
        entry, reason = bad
        where = f"第 {entry.seq} 条记载（id={entry.pk}）" if entry is not None else "链尾"
        raise CommandError(f"登记簿被改动：{where}：{reason}")
