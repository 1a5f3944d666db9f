from datetime import datetime

from ninja import Field, Schema

from yancheng.core.schemas import Id, Lines, SubmissionKey

from .choices import RequestKind, Satisfaction


class KindOut(Schema):
    kind: str
    label: str
    accept_days: int = Field(..., description="受理时限（工作日）")
    reply_days: int = Field(..., description="答复时限（工作日）")


class RequestIn(Schema):
    kind: RequestKind
    # Not stripped here: a blank subject gets the action's own message (text_required).
    subject: Lines = Field(..., min_length=1, max_length=120)
    text: Lines = Field(..., min_length=1)
    visit_id: Id | None = Field(None, description="相关访企活动（可选）")
    submission_key: SubmissionKey = Field(..., description="每次提交唯一；重复提交返回同一诉求")


class DeadlinesOut(Schema):
    accept: datetime = Field(..., description="受理期限")
    reply: datetime = Field(..., description="答复期限")
    extended: datetime | None = Field(None, description="延期后答复期限")
    effective_reply: datetime = Field(..., description="实际适用的答复期限")


class StateOut(Schema):
    code: str = Field(..., description="unrouted, awaiting_acceptance, in_progress, replied, closed")
    label: str
    colour: str = Field(..., description="green, yellow, red")
    accepted: bool
    accepted_on_time: bool
    deemed_accepted_at: datetime | None = Field(None, description="逾期未受理、视作默认受理的时间")
    replied: bool
    replied_on_time: bool | None
    due_soon: bool
    overdue: bool
    deadline: datetime | None = Field(None, description="当前要紧的期限")
    deadlines: DeadlinesOut


class RequestSummaryOut(Schema):
    id: int
    enterprise_uscc: str
    enterprise_name: str
    kind: str
    kind_label: str
    subject: str
    filed_at: datetime
    unit_id: int | None
    unit: str | None
    state: StateOut


class RequestPage(Schema):
    count: int
    items: list[RequestSummaryOut]


class AttachmentOut(Schema):
    id: int
    event_id: int
    name: str
    size: int
    url: str


class EventOut(Schema):
    id: int
    at: datetime
    kind: str
    kind_label: str
    by: str | None = Field(None, description="经办人；系统自动处理时为空")
    note: str
    attachments: list[AttachmentOut]


class ExtensionOut(Schema):
    pending: bool
    days: int | None = Field(None, description="申请延期的工作日数（待审批时）")
    reason: str
    extended_deadline: datetime | None


class RequestOut(RequestSummaryOut):
    text: str
    visit_id: int | None
    routed_at: datetime | None
    transferred_from: str | None
    accepted_at: datetime | None
    replied_at: datetime | None
    reply_text: str
    satisfaction: str
    satisfaction_label: str
    rated_at: datetime | None
    reopened_at: datetime | None
    extension: ExtensionOut
    events: list[EventOut]
    attachments: list[AttachmentOut]


class UnitIn(Schema):
    unit_id: Id


class TransferIn(Schema):
    unit_id: Id
    reason: Lines


class ExtensionIn(Schema):
    days: int = Field(..., description="延期工作日数（1–15）")
    reason: Lines


class ExtensionDecisionIn(Schema):
    approve: bool
    note: Lines = ""


class ReplyIn(Schema):
    text: Lines


class RequestRatingIn(Schema):
    satisfaction: Satisfaction


class RequestReasonIn(Schema):
    reason: Lines
