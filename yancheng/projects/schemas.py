"""The projects API's request and answer bodies.

Amounts of money are whole yuan (元) as integers, in every field, in and out; rates are percentages as
text with one decimal ("121.6"), so a client shows exactly what the pages show. Every text a caller
sends is bounded (core.schemas.text / Lines), so bad input is a 422 with a reason, never a database
error. Every schema's name starts with the app's words (Project, Report, Plan, Completion, Ranking):
names are global in the OpenAPI document."""

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from yancheng.core.schemas import Id, Lines, SubmissionKey, text

from .choices import Grouping, Level, MilestoneStatus, ReportState, Stage

# The years the ledger holds (the actions refuse others with the same words).
FIRST_YEAR, LAST_YEAR = 2015, 2100
# One project's month or year is far below a trillion yuan (1 万亿元); the bound keeps sums over the
# whole ledger inside a 64-bit integer on every database.
MAX_AMOUNT = 10**12
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2199, 12, 31)


def _within(low: int, high: int, code: str, message: str):
    def check(value: int) -> int:
        if not low <= value <= high:
            raise PydanticCustomError(code, message)
        return value

    # The bounds are in the document too, for clients and for the fuzzer.
    return Annotated[int, AfterValidator(check), Field(json_schema_extra={"minimum": low, "maximum": high})]


Year = _within(FIRST_YEAR, LAST_YEAR, "year", "请填写正确的年度（2015–2100）。")
Month = _within(1, 12, "month", "请选择正确的月份（1–12）。")
Yuan = Annotated[int, Field(ge=0, le=MAX_AMOUNT)]
Day = Annotated[date, Field(ge=EARLIEST_DAY, le=LATEST_DAY)]
Rate = Annotated[
    str | None,
    Field(description='完成率（%），保留一位小数的字符串，如 "121.6"；没有年度计划时为 null'),
]

Ordering = Literal[
    "code",
    "-code",
    "name",
    "-name",
    "total_investment",
    "-total_investment",
    "starts_on",
    "-starts_on",
    "entered_on",
    "-entered_on",
]
# figures.RANKING_GROUPINGS and figures.MEASURES, written out for the document (a test compares them).
RankingGrouping = Literal["region", "park", "unit"]
RankingMeasure = Literal["completed", "rate", "new_starts", "new_start_investment", "finished"]


# --- filters (query parameters) --------------------------------------------------------------------


class ProjectFilterIn(Schema):
    level: Level | None = Field(None, description="项目级别（一个项目可有多个级别）")
    region: text(12) | None = Field(None, description="县市区代码（GB/T 2260）；市的代码含其下各县市区")
    unit: Id | None = Field(None, description="责任单位 id")
    park: Id | None = Field(None, description="所在园区（单位）id")
    leader: Id | None = Field(None, description="联系市领导（人员）id")
    stage: Stage | None = Field(None, description="建设阶段")
    industrial: bool | None = Field(None, description="只看产业项目（true）或非产业项目（false）")
    q: text(100) | None = Field(None, description="项目名称或项目代码包含的文字")


class ProjectPeriodIn(Schema):
    year: Year | None = Field(None, description="年度；默认为正在报送的月份（上月）所在年度")
    month: Month | None = Field(None, description="截至月份（1–12）；默认为正在报送的月份（上月）")


class ReportFilterIn(Schema):
    project: Id | None = Field(None, description="项目 id")
    year: Year | None = Field(None, description="年度")
    month: Month | None = Field(None, description="月份（1–12）")
    state: ReportState | None = Field(None, description="状态")


# --- projects ----------------------------------------------------------------------------------------


class ProjectChoiceOut(Schema):
    code: str
    label: str


class ProjectIndustryOut(Schema):
    division: str = Field(..., description="国民经济行业分类（GB/T 4754）大类代码，两位数字")
    division_label: str
    section: str = Field(..., description="门类，一个字母")
    section_label: str


class ProjectRegionOut(Schema):
    code: str
    name: str


class ProjectUnitOut(Schema):
    id: int
    name: str


class ProjectPersonOut(Schema):
    id: int
    name: str


class ProjectOwnerOut(Schema):
    kind: Literal["enterprise", "unit"] = Field(..., description="企业业主，或政府投资项目的业主单位")
    name: str
    uscc: str | None = Field(None, description="业主企业的统一社会信用代码")
    unit_id: int | None = Field(None, description="业主单位 id（政府投资项目）")


class ProjectFiguresOut(Schema):
    year: int
    through_month: int = Field(..., description="截至月份（含）")
    planned: int = Field(..., description="年度计划投资（元）")
    completed: int = Field(..., description="年初至截至月份已确认的完成投资（元）")
    rate: Rate


class ProjectReportStatusOut(Schema):
    year: int
    month: int
    code: str = Field(..., description="confirmed, submitted, missing, overdue, not_required")
    label: str
    colour: str = Field(..., description="green, yellow, red, grey")
    due_at: datetime = Field(..., description="报送截止时间")


class ProjectSummaryOut(Schema):
    id: int
    code: str = Field(..., description="项目代码（GB/T 40058，24 位）")
    name: str
    levels: list[ProjectChoiceOut]
    industrial: bool = Field(..., description="产业项目")
    industry: ProjectIndustryOut
    region: ProjectRegionOut
    park: ProjectUnitOut | None
    owner: ProjectOwnerOut
    responsible_unit: ProjectUnitOut
    leader: ProjectPersonOut | None = Field(None, description="联系市领导")
    stage: ProjectChoiceOut
    starts_on: date = Field(..., description="计划开工")
    completes_on: date = Field(..., description="计划竣工")
    total_investment: int = Field(..., description="总投资（元）")
    figures: ProjectFiguresOut = Field(..., description="所查年度的计划、完成投资和完成率")
    report_status: ProjectReportStatusOut = Field(..., description="所查月份月报的报送情况")


class ProjectPage(Schema):
    count: int
    items: list[ProjectSummaryOut]


class PlanMilestoneOut(Schema):
    id: int
    name: str
    due_on: date


class PlanOut(Schema):
    year: int
    planned_investment: int = Field(..., description="年度计划投资（元）")
    monthly_plan: list[int] | None = Field(
        None, description="分月计划投资（元），1 至 12 月；没有分月计划时为 null（按全年平均进度监督）"
    )
    milestones: list[PlanMilestoneOut] = Field(..., description="现行的计划节点（已撤销的不列）")


class ProjectAllowedOut(Schema):
    """What the caller may do to the project (the actions check it again)."""

    report: bool = Field(..., description="报送月报")
    confirm: bool = Field(..., description="确认或退回月报")
    move_stage: bool = Field(..., description="变更建设阶段")
    set_plan: bool = Field(..., description="直接设置年度计划（项目主管单位）")
    file_plan: bool = Field(..., description="报送年度计划的新版本")
    decide_plan: bool = Field(..., description="批准或退回报送的年度计划（发展改革委）")


class ProjectOut(ProjectSummaryOut):
    address: str
    latitude: float | None
    longitude: float | None
    content: str = Field(..., description="建设内容")
    started_on: date | None = Field(None, description="实际开工")
    completed_on: date | None = Field(None, description="实际竣工")
    in_production_on: date | None = Field(None, description="投产日期")
    entered_on: date = Field(..., description="入库日期；从入库当月起按月报送")
    next_stages: list[ProjectChoiceOut] = Field(..., description="可以变更到的建设阶段")
    plans: list[PlanOut]
    allowed: ProjectAllowedOut


class ProjectStageIn(Schema):
    to: Stage
    on: Day | None = Field(None, description="实际开工、竣工或投产的日期；默认今天，不能晚于今天")
    note: Lines = Field("", max_length=500)


class PlanMilestoneIn(Schema):
    name: text(100, 1)
    due_on: Day


class PlanIn(Schema):
    planned_investment: Yuan = Field(..., description="年度计划投资（元）")
    milestones: list[PlanMilestoneIn] = Field(
        [], max_length=50, description="当年的计划节点；与原节点同名同日的保留（已报送的完成情况随之保留）"
    )


class PlanVersionIn(Schema):
    year: Year
    planned_investment: Yuan = Field(..., description="年度计划投资（元）")
    monthly: list[Yuan] = Field(
        ..., min_length=12, max_length=12, description="1 至 12 月的计划投资（元），合计须等于年度计划投资"
    )
    milestones: list[PlanMilestoneIn] = Field(
        [], max_length=50, description="计划节点；名称不能重复，与现行基线同名的节点视为同一节点（可改日期）"
    )
    reason: text(300) = Field("", description="变更理由：变更已批准的计划时必填")
    submission_key: SubmissionKey = Field(..., description="每次报送唯一；重复提交返回同一版本")


class PlanVersionReturnIn(Schema):
    reason: Lines = Field(..., max_length=300, description="退回理由：告诉报送人需要修改什么")


class PlanVersionMilestoneOut(Schema):
    name: str
    due_on: date


class PlanMonthChangeOut(Schema):
    month: int
    before: int = Field(..., description="元")
    after: int = Field(..., description="元")


class PlanMilestoneMoveOut(Schema):
    name: str
    before: date
    after: date


class PlanChangesOut(Schema):
    """What a version changes against the baseline it was filed to replace (empty for a first version)."""

    planned_investment: list[int] | None = Field(None, description="[原计划, 新计划]（元）；未变为 null")
    months: list[PlanMonthChangeOut]
    added: list[str] = Field(..., description="新增的节点")
    retired: list[str] = Field(..., description="撤销的节点")
    moved: list[PlanMilestoneMoveOut] = Field(..., description="调整日期的节点")
    words: list[str] = Field(..., description="以上变化的文字说明，与项目页面一致")


class PlanVersionOut(Schema):
    id: int
    project_id: int
    year: int
    number: int = Field(..., description="该年度的第几版")
    state: ProjectChoiceOut = Field(..., description="filed, approved, returned, superseded")
    planned_investment: int = Field(..., description="年度计划投资（元）")
    monthly: list[int] = Field(..., description="1 至 12 月的计划投资（元）")
    milestones: list[PlanVersionMilestoneOut]
    reason: str = Field(..., description="变更理由")
    changes: PlanChangesOut
    filed_by: str | None = Field(None, description="报送人；迁移时由现行计划生成的版本为 null")
    filed_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    return_reason: str


# --- reports ---------------------------------------------------------------------------------------


class ReportSummaryOut(Schema):
    id: int
    project_id: int
    project_code: str
    project_name: str
    year: int
    month: int
    version: int = Field(..., description="同一月份的第几版；更正为新的一版")
    state: ProjectChoiceOut = Field(..., description="submitted, confirmed, returned, superseded")
    in_force: bool = Field(..., description="现行版本：统计只读已确认的现行版本")
    completed_investment: int = Field(..., description="本月完成投资（元）")
    correction_reason: str
    return_reason: str
    filed_by: str
    filed_at: datetime
    decided_by: str | None
    decided_at: datetime | None


class ReportPage(Schema):
    count: int
    items: list[ReportSummaryOut]


class ReportMilestoneOut(Schema):
    milestone_id: int
    name: str
    due_on: date
    status: ProjectChoiceOut = Field(..., description="not_started, in_progress, done, behind")


class ReportPhotoOut(Schema):
    """A site photo's facts; the image itself is shown on the report's page."""

    id: int
    name: str
    size: int = Field(..., description="字节")
    taken_at: datetime | None = Field(None, description="拍摄时间（照片 EXIF）")
    latitude: float | None = Field(None, description="拍摄纬度（照片 EXIF）")
    longitude: float | None = Field(None, description="拍摄经度（照片 EXIF）")
    uploaded_at: datetime


class ReportOut(ReportSummaryOut):
    progress: str = Field(..., description="形象进度")
    problems: str = Field(..., description="存在问题")
    milestones: list[ReportMilestoneOut]
    photos: list[ReportPhotoOut]


class ReportMilestoneIn(Schema):
    milestone: Id = Field(..., description="当年计划节点的 id（项目详情的 plans[].milestones[].id）")
    status: MilestoneStatus


class ReportIn(Schema):
    year: Year
    month: Month
    completed_investment: Yuan = Field(..., description="本月完成投资（元，非负整数）")
    progress: Lines = Field(..., description="形象进度")
    problems: Lines = Field("", description="存在问题")
    milestones: list[ReportMilestoneIn] = Field([], max_length=50)
    submission_key: SubmissionKey = Field(..., description="每次提交唯一；重复提交返回同一月报")
    correction_reason: text(300) = Field("", description="更正已确认的月份时必填")


class ReportReturnIn(Schema):
    reason: Lines = Field(..., max_length=300, description="退回理由：告诉填报人需要修改什么")


# --- completion and rankings ------------------------------------------------------------------------


class CompletionRowOut(Schema):
    key: str | None = Field(
        ...,
        description="分组的值：级别代码；产业类别为 true/false；县市区代码；园区、责任单位或联系市领导的 id；"
        "行业门类字母。未填写（无园区、无联系市领导、无级别）为 null",
    )
    label: str
    projects: int
    planned: int = Field(..., description="年度计划投资（元）")
    completed: int = Field(..., description="年初至截至月份已确认的完成投资（元）")
    rate: Rate


class CompletionOut(Schema):
    year: int
    month: int = Field(..., description="截至月份（含）")
    by: Grouping | None
    total: CompletionRowOut
    rows: list[CompletionRowOut] = Field(
        ..., description="按 by 分组；一个项目可有多个级别，按级别分组时各行之和可大于合计"
    )
    industrial_share: Rate = Field(..., description="产业项目占年度计划投资的比重（%），一位小数的字符串")


class RankingRowOut(Schema):
    rank: int = Field(..., description="名次（并列同名次：1, 2, 2, 4）")
    previous_rank: int | None = Field(None, description="上月名次；1 月无")
    change: int | None = Field(None, description="较上月上升的名次（负数为下降）")
    key: str
    label: str
    projects: int
    planned: int = Field(..., description="元")
    completed: int = Field(..., description="元")
    rate: Rate
    new_starts: int = Field(..., description="年内新开工项目数")
    new_start_investment: int = Field(..., description="年内新开工项目总投资（元）")
    finished: int = Field(..., description="年内竣工或投产项目数")


class RankingOut(Schema):
    year: int
    month: int
    by: str
    measure: str
    measure_label: str
    rows: list[RankingRowOut]
