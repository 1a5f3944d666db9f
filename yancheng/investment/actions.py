"""What is done to investment leads, each checked, atomic, recorded as an event and audited; refusals
raise ActionRefused with a message for the person and change nothing.

- a unit's official files a lead for their own unit; the investment office for any unit;
- the responsible unit (and the office) move it forward, each step with its evidence; co-units and the
  responsible unit follow it up;
- the same investor and project filed a second time is refused with who has it (AlreadyFiled), and
  the second unit may join it as a co-unit."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yancheng.core import audit, clock, evidence
from yancheng.core.actions import ActionRefused, refuse_unless, submission_key_taken
from yancheng.core.models import Enterprise
from yancheng.core.reference.industries import division_label, section_of
from yancheng.core.roles import official_unit
from yancheng.core.validators import is_valid_uscc, normalise_code, validate_project_code
from yancheng.projects.actions import record_event
from yancheng.projects.choices import EventKind as ProjectEventKind
from yancheng.projects.models import Project, ProjectLevel, keeps_ledger

from . import summary
from .choices import ACTIVE, CONTRACTED, EVIDENCE_REQUIRED, FUNNEL, EventKind, Stage
from .models import (
    FundsLine,
    InvestmentRules,
    Lead,
    LeadEvent,
    LeadFile,
    LeadUnit,
    Transfer,
    is_investment_office,
)

MAX_AMOUNT = 10**15  # 1,000 万亿元: beyond any contract, within a bigint


class AlreadyFiled(ActionRefused):
    """The investor's project is on record: the message names the unit that filed it."""

    def __init__(self, lead: Lead):
        super().__init__(
            _(
                "该投资方的该项目已由%(unit)s（%(person)s）于 %(day)s 登记入库，不能重复登记；可申请作为协办单位加入。"
            )
            % {"unit": lead.unit.name, "person": lead.person.full_name, "day": lead.pooled_on.isoformat()},
            "already_filed",
        )
        self.lead = lead


# --- who may ------------------------------------------------------------------------------------


def may_file(user, unit_id=None) -> bool:
    if is_investment_office(user):
        return True
    mine = official_unit(user)
    return mine is not None and (unit_id is None or mine == unit_id)


def may_move(user, lead) -> bool:
    """The responsible unit and the office move a lead on; a co-unit only follows it up."""
    return is_investment_office(user) or official_unit(user) == lead.unit_id


def may_follow_up(user, lead) -> bool:
    mine = official_unit(user)
    return may_move(user, lead) or (
        mine is not None and LeadUnit.objects.filter(lead=lead, unit_id=mine).exists()
    )


# --- one record per investor and project --------------------------------------------------------

# Spaces and the punctuation a name may be typed with either way: （）()·-—、,，. and the like.
_NOISE = re.compile(r"[\s\u3000()（）\[\]【】·.。,，、\-—_/\\'\"“”‘’]+")


def _plain(text: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text or "")).casefold()


def identity(*, investor_name: str, investor_uscc: str, investor_country: str, name: str) -> tuple[str, str]:
    """(investor_key, name_key): a Chinese investor by its USCC, any other by its name and country;
    the project by its name, spaces, punctuation and full-width forms aside."""
    if investor_uscc:
        investor = f"uscc:{normalise_code(investor_uscc)}"
    else:
        investor = f"name:{_plain(investor_name)}|{_plain(investor_country)}"
    return investor[:140], _plain(name)[:100]


def find_filed(**who) -> Lead | None:
    investor_key, name_key = identity(**who)
    return (
        Lead.objects.select_related("unit", "person")
        .filter(investor_key=investor_key, name_key=name_key)
        .first()
    )


# --- filing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    name: str
    investor_name: str
    industry: str
    source: str
    region: object
    unit: object
    person: object
    contracted_amount: int
    investor_uscc: str = ""
    investor_country: str = "中国"
    park: object = None
    content: str = ""
    expands: Lead | None = None


def _check(draft: Draft) -> None:
    refuse_unless(bool(draft.name.strip()), _("请填写项目名称。"), "name")
    refuse_unless(bool(draft.investor_name.strip()), _("请填写投资方名称。"), "investor")
    uscc = normalise_code(draft.investor_uscc)
    refuse_unless(
        not uscc or is_valid_uscc(uscc),
        _("“%(v)s”不是有效的统一社会信用代码（18 位，末位为校验码）。") % {"v": draft.investor_uscc},
        "uscc",
    )
    refuse_unless(
        bool(uscc) or draft.investor_country.strip() not in ("", "中国"),
        _("境内投资方请填写统一社会信用代码；境外投资方请填写国家或地区。"),
        "uscc",
    )
    refuse_unless(
        0 <= draft.contracted_amount <= MAX_AMOUNT, _("请填写合同（意向）投资额，单位为元。"), "amount"
    )
    refuse_unless(draft.person.unit_id == draft.unit.pk, _("责任人须是责任单位的工作人员。"), "person")
    if draft.expands is not None:
        refuse_unless(
            draft.contracted_amount > draft.expands.contracted_amount,
            _("扩建或增资项目的投资额须大于原项目（%(amount)s 元），只计入增加的部分。")
            % {"amount": f"{draft.expands.contracted_amount:,}"},
            "amount",
        )


def file_lead(draft: Draft, *, by, submission_key: str) -> Lead:
    """Put a lead in the pool (入库). The same submission twice is one lead; the same investor and
    project filed again is refused with who has it."""
    refuse_unless(
        may_file(by, draft.unit.pk),
        _("只能为本单位登记招商项目；市商务局可为任何单位登记。"),
        "forbidden",
    )
    _check(draft)
    done = _submitted(submission_key, by)
    if done is not None:
        return done
    who = {
        "investor_name": draft.investor_name.strip(),
        "investor_uscc": normalise_code(draft.investor_uscc),
        "investor_country": draft.investor_country.strip() or "中国",
        "name": draft.name.strip(),
    }
    filed = find_filed(**who)
    if filed is not None:
        raise AlreadyFiled(filed)
    investor_key, name_key = identity(**who)
    today = timezone.localdate(clock.now())
    base = draft.expands.contracted_amount if draft.expands is not None else 0
    try:
        with transaction.atomic():
            lead = Lead.objects.create(
                **who, investor_key=investor_key, name_key=name_key, industry=draft.industry,
                source=draft.source, region=draft.region, park=draft.park, unit=draft.unit,
                person=draft.person, content=draft.content.strip(),
                contracted_amount=draft.contracted_amount, expands=draft.expands,
                counted_amount=draft.contracted_amount - base, stage=Stage.POOLED, stage_since=today,
                pooled_on=today, last_activity_on=today, created_by=by, created_at=clock.now(),
                submission_key=submission_key[:64],
            )  # fmt: skip
            _event(lead, EventKind.FILED, by, stage=Stage.POOLED)
            summary.update(lead)
    except IntegrityError:
        # Two units filing the same project at once: the second is told who has it.
        filed = find_filed(**who)
        if filed is not None:
            raise AlreadyFiled(filed) from None
        done = _submitted(submission_key, by)  # the same submission twice at once
        if done is None:
            raise
        return done
    return lead


def _submitted(submission_key: str, by) -> Lead | None:
    """The lead this submission made already (its key taken by another person is refused)."""
    done = Lead.objects.filter(submission_key=submission_key[:64]).first()
    if done is not None and done.created_by_id != by.pk:
        raise submission_key_taken()
    return done


def join(lead, *, by) -> LeadUnit:
    """A unit told that another has the project joins it as a co-unit."""
    mine = official_unit(by)
    refuse_unless(mine is not None, _("只有单位工作人员可以申请作为协办单位加入。"), "forbidden")
    refuse_unless(mine != lead.unit_id, _("本单位是该项目的责任单位。"), "state")
    with transaction.atomic():
        joined, created = LeadUnit.objects.get_or_create(
            lead=lead, unit_id=mine, defaults={"joined_at": clock.now()}
        )
        if created:
            _event(lead, EventKind.JOINED, by, note=by.person.unit.name)
    return joined


# --- moving on ----------------------------------------------------------------------------------


def _locked(lead) -> Lead:
    return Lead.objects.select_for_update().get(pk=lead.pk)


def _mark_funds_behind(lead) -> None:
    """After its schedule or its funds changed: the day the lead falls behind, marked again."""
    Lead.objects.filter(pk=lead.pk).mark_funds_behind(InvestmentRules.current().funds_margin)


def _event(lead, kind, by, *, stage="", note="") -> LeadEvent:
    made = LeadEvent.objects.create(lead=lead, at=clock.now(), by=by, kind=kind, stage=stage, note=note)
    audit.record(f"lead_{kind}", lead, actor=by, changes={"stage": [None, lead.stage]})
    return made


@dataclass(frozen=True)
class Signing:
    """What a contract says: when it was signed, for how much, when building starts, and when funds
    arrive (a list of (day, cumulative amount))."""

    signed_on: date
    contracted_amount: int
    start_due_on: date
    schedule: tuple[tuple[date, int], ...] = ()


def move(lead, stage: str, *, by, files=(), note: str = "", signing: Signing | None = None) -> Lead:
    """Declare the lead's next stage with its evidence. Forward only, steps may be skipped up to 签约
    (a contract signed on first contact); 到位 comes from transfers, never declared."""
    files = list(files)
    refuse_unless(may_move(by, lead), _("只有责任单位或市商务局可以推进该项目。"), "forbidden")
    refuse_unless(stage in FUNNEL and stage != Stage.FUNDED, _("该阶段不能直接申报。"), "stage")
    if stage in EVIDENCE_REQUIRED:
        refuse_unless(bool(files), str(EVIDENCE_REQUIRED[stage]), "no_evidence")
    evidence.check_files(files)
    refuse_unless(
        stage != Stage.SIGNED or signing is not None,
        _("请填写合同的签约日期、金额和约定开工日期。"),
        "signing",
    )
    if signing is not None:
        _check_signing(signing)
    with transaction.atomic():
        locked = _locked(lead)
        refuse_unless(locked.stage in ACTIVE, _("该项目已终止或已投产。"), "state")
        # Funds may arrive before building starts: the start is still declared, the stage stays 到位.
        late_start = stage == Stage.STARTED and locked.stage == Stage.FUNDED and locked.started_on is None
        refuse_unless(
            late_start or FUNNEL.index(stage) > FUNNEL.index(locked.stage),
            _("该项目已处于“%(now)s”阶段，只能向后推进。") % {"now": locked.get_stage_display()},
            "state",
        )
        refuse_unless(
            stage in (Stage.NEGOTIATING, Stage.SIGNED) or locked.stage in CONTRACTED,
            _("请先签约。"),
            "state",
        )
        counted = summary.contribution(locked)
        today = timezone.localdate(clock.now())
        changed = ["stage", "stage_since", "last_activity_on"]
        if stage == Stage.NEGOTIATING:
            locked.negotiating_on = today
            changed.append("negotiating_on")
        elif stage == Stage.SIGNED:
            changed += _sign(locked, signing)
        elif stage == Stage.STARTED:
            locked.started_on = today
            changed.append("started_on")
        elif stage == Stage.PRODUCING:
            locked.producing_on = today
            changed.append("producing_on")
        if not late_start:
            locked.stage, locked.stage_since = stage, today
        locked.last_activity_on = today
        locked.save(update_fields=changed)
        summary.update(locked, counted)
        if stage == Stage.SIGNED:  # the schedule is new
            _mark_funds_behind(locked)
        made = _event(locked, EventKind.STAGE, by, stage=stage, note=note.strip())
        evidence.store(LeadFile, files, by=by, at=made.at, event=made)
    return locked


def _check_signing(signing: Signing) -> None:
    refuse_unless(0 < signing.contracted_amount <= MAX_AMOUNT, _("请填写合同投资额，单位为元。"), "amount")
    refuse_unless(
        signing.signed_on <= timezone.localdate(clock.now()), _("签约日期不能晚于今天。"), "signing"
    )
    refuse_unless(signing.start_due_on >= signing.signed_on, _("约定开工日期不能早于签约日期。"), "signing")
    days = [day for day, _amount in signing.schedule]
    amounts = [amount for _day, amount in signing.schedule]
    refuse_unless(
        days == sorted(set(days)) and amounts == sorted(amounts) and all(a > 0 for a in amounts),
        _("资金到位计划须按日期先后填写，累计金额逐期不减。"),
        "schedule",
    )
    refuse_unless(
        not amounts or amounts[-1] <= signing.contracted_amount,
        _("资金到位计划的累计金额不能超过合同投资额。"),
        "schedule",
    )


def _sign(lead, signing: Signing) -> list[str]:
    """The contract's facts on the lead. The first signing is the one counted: a lead signed once keeps
    that day (``move`` only goes forward, so it is signed once)."""
    base = lead.expands.contracted_amount if lead.expands_id else 0
    refuse_unless(
        signing.contracted_amount > base,
        _("扩建或增资项目的合同投资额须大于原项目，只计入增加的部分。"),
        "amount",
    )
    lead.signed_on = signing.signed_on
    lead.contracted_amount, lead.counted_amount = signing.contracted_amount, signing.contracted_amount - base
    lead.start_due_on = signing.start_due_on
    FundsLine.objects.bulk_create(
        [FundsLine(lead=lead, due_on=day, amount=amount) for day, amount in signing.schedule]
    )
    return ["signed_on", "contracted_amount", "counted_amount", "start_due_on"]


def record_transfer(lead, *, by, amount: int, received_on: date, files, note: str = "") -> Transfer:
    """Funds arrived, with the bank's receipt: the running total rises, and a signed or started lead is
    now 到位."""
    files = list(files)
    refuse_unless(may_move(by, lead), _("只有责任单位或市商务局可以登记到位资金。"), "forbidden")
    refuse_unless(0 < amount <= MAX_AMOUNT, _("请填写到位金额，单位为元。"), "amount")
    refuse_unless(received_on <= timezone.localdate(clock.now()), _("到账日期不能晚于今天。"), "received_on")
    refuse_unless(bool(files), _("请上传银行到账凭证。"), "no_evidence")
    evidence.check_files(files)
    with transaction.atomic():
        locked = _locked(lead)
        refuse_unless(locked.stage in CONTRACTED, _("项目签约后才能登记到位资金。"), "state")
        refuse_unless(received_on >= locked.signed_on, _("到账日期不能早于签约日期。"), "received_on")
        counted = summary.contribution(locked)
        today = timezone.localdate(clock.now())
        changed = ["last_activity_on"]
        if locked.stage in (Stage.SIGNED, Stage.STARTED):
            locked.stage, locked.stage_since = Stage.FUNDED, today
            changed += ["stage", "stage_since"]
        if locked.funded_on is None:
            locked.funded_on = received_on
            changed.append("funded_on")
        locked.last_activity_on = today
        locked.funded_total += amount  # the row is locked: no other transfer adds to it meanwhile
        locked.save(update_fields=[*changed, "funded_total"])
        made = _event(locked, EventKind.TRANSFER, by, stage=locked.stage, note=note.strip())
        transfer = Transfer.objects.create(lead=locked, event=made, amount=amount, received_on=received_on)
        summary.update(locked, counted)
        _mark_funds_behind(locked)
        evidence.store(LeadFile, files, by=by, at=made.at, event=made)
    return transfer


def follow_up(lead, *, by, note: str) -> LeadEvent:
    refuse_unless(
        may_follow_up(by, lead), _("只有责任单位、协办单位或市商务局可以填写跟进记录。"), "forbidden"
    )
    refuse_unless(bool(note.strip()), _("请填写跟进情况。"), "note")
    with transaction.atomic():
        locked = _locked(lead)
        refuse_unless(locked.stage in ACTIVE, _("该项目已终止或已投产。"), "state")
        locked.last_activity_on = timezone.localdate(clock.now())
        locked.save(update_fields=["last_activity_on"])
        return _event(locked, EventKind.FOLLOW_UP, by, stage=locked.stage, note=note.strip()[:2000])


def drop(lead, *, by, reason: str) -> Lead:
    refuse_unless(may_move(by, lead), _("只有责任单位或市商务局可以终止该项目。"), "forbidden")
    refuse_unless(bool(reason.strip()), _("请填写终止原因。"), "reason")
    with transaction.atomic():
        locked = _locked(lead)
        refuse_unless(locked.stage in ACTIVE, _("该项目已终止或已投产。"), "state")
        today = timezone.localdate(clock.now())
        locked.stage, locked.stage_since, locked.dropped_on = Stage.DROPPED, today, today
        locked.drop_reason = reason.strip()[:500]
        locked.save(update_fields=["stage", "stage_since", "dropped_on", "drop_reason"])
        _event(locked, EventKind.DROPPED, by, stage=Stage.DROPPED, note=locked.drop_reason)
    return locked


# --- into the major-project ledger ----------------------------------------------------------------


def may_make_project(user, lead) -> bool:
    return keeps_ledger(user) and lead.stage in CONTRACTED and lead.project_id is None


def to_project(
    lead, *, by, code: str, completes_on: date, levels=(), owner_uscc: str = "", owner_name: str = ""
):
    """A signed lead into the major-project ledger in one step, its facts carried over, never retyped:
    name, content, industry, county, park, responsible unit, the contracted investment as the total,
    the contract's start as the planned start. The owner is the project company by its USCC (the
    investor's unless another is given): found in the enterprise register, or entered in it."""
    refuse_unless(keeps_ledger(by), _("只有市发展改革委可以将项目纳入重大项目库。"), "forbidden")
    code = normalise_code(code)
    try:
        validate_project_code(code)
    except ValidationError as error:
        raise ActionRefused(error.messages[0], "code") from None
    owner_uscc = normalise_code(owner_uscc) or lead.investor_uscc
    refuse_unless(is_valid_uscc(owner_uscc), _("请填写项目业主（项目公司）的统一社会信用代码。"), "owner")
    with transaction.atomic():
        locked = _locked(lead)
        refuse_unless(locked.stage in CONTRACTED, _("项目签约后才能纳入重大项目库。"), "state")
        refuse_unless(locked.project_id is None, _("该项目已纳入重大项目库。"), "state")
        starts_on = locked.start_due_on
        refuse_unless(completes_on > starts_on, _("计划竣工日期须晚于合同约定开工日期。"), "completes_on")
        refuse_unless(
            not Project.objects.filter(code=code).exists(),
            _("项目代码 %(c)s 已在重大项目库中。") % {"c": code},
            "code",
        )
        owner, _created = Enterprise.objects.get_or_create(
            uscc=owner_uscc,
            defaults={
                "name": (owner_name.strip() or locked.investor_name)[:100],
                "region": locked.region,
                "industry": division_label(locked.industry)[:50],
            },
        )
        project = Project.objects.create(
            code=code, name=locked.name, industrial=section_of(locked.industry) in ("B", "C", "D"),
            industry=locked.industry, region=locked.region, park=locked.park, owner_enterprise=owner,
            responsible_unit=locked.unit, content=locked.content, starts_on=starts_on,
            completes_on=completes_on, total_investment=locked.contracted_amount,
            entered_on=timezone.localdate(clock.now()),
        )  # fmt: skip
        ProjectLevel.objects.bulk_create(ProjectLevel(project=project, level=level) for level in levels)
        record_event(
            project, ProjectEventKind.CREATED, by, note=_("由招商项目“%(n)s”转入") % {"n": locked.name}
        )
        locked.project = project
        locked.save(update_fields=["project"])
        _event(locked, EventKind.TO_PROJECT, by, stage=locked.stage, note=code)
    return project
