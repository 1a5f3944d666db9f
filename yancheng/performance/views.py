"""Pages of performance scoring (云绩效): the schemes and their versions, computing and publishing a
period's scorecard, its ranking, a unit's score opened to its indicators and each indicator to its
records (for the unit itself too), and objections with the office's decisions beside the original."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yancheng.core import clock, indicators
from yancheng.core.actions import ActionRefused
from yancheng.core.indicators import Grouping, Period
from yancheng.core.output.official_document import docx_response
from yancheng.core.record_views import act_on
from yancheng.core.roles import GOVERNMENT_ROLES, has_role

from . import actions, bulletin
from .forms import DecisionForm, ObjectionForm, SchemeForm, ScorecardForm, VersionForm
from .models import Objection, Scheme, Score, Scorecard, ScoreLine, sees_every_score

RECORDS_PER_PAGE = 50


def _government(request):
    if not has_role(request.user, *GOVERNMENT_ROLES):
        raise Http404


@login_required
def index(request):
    _government(request)
    office = actions.is_office(request.user)
    context = {
        "schemes": Scheme.objects.for_user(request.user).prefetch_related("versions"),
        "scorecards": Scorecard.objects.for_user(request.user).select_related("scheme")[:60],
        "mine": [] if sees_every_score(request.user) else Score.objects.for_user(request.user).select_related("scorecard__scheme"),
        "office": office,
        "scorecard_form": ScorecardForm() if office else None,
    }  # fmt: skip
    return render(request, "performance/index.html", context)


def _refused_to_form(form, call):
    try:
        return call()
    except ActionRefused as refusal:
        form.add_error(None, refusal.message)
        return None


@login_required
def scheme_new(request):
    if not actions.is_office(request.user):
        raise Http404
    form = SchemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        scheme = _refused_to_form(form, lambda: actions.create_scheme(
            by=request.user, name=data["name"], unit_kind=data["unit_kind"], in_force_from=data["in_force_from"],
            lines=form.lines))  # fmt: skip
        if scheme is not None:
            messages.success(request, _("考核方案已发布。"))
            return redirect("performance:scheme", scheme.pk)
    return render(request, "performance/scheme_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def scheme(request, pk):
    _government(request)
    found = get_object_or_404(Scheme.objects.for_user(request.user), pk=pk)
    form = VersionForm(request.POST or None) if actions.is_office(request.user) else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        version = _refused_to_form(form, lambda: actions.publish_version(
            found, by=request.user, in_force_from=data["in_force_from"], lines=form.lines, reason=data["reason"]))  # fmt: skip
        if version is not None:
            messages.success(request, _("已发布第 %(n)d 版。") % {"n": version.number})
            return redirect("performance:scheme", found.pk)
    versions = found.versions.prefetch_related("lines").order_by("-in_force_from")
    for version in versions:
        for line in version.lines.all():
            line.about = indicators.registry.get(line.indicator)
    context = {"scheme": found, "versions": versions, "form": form}
    return render(
        request, "performance/scheme.html", context, status=400 if form is not None and form.errors else 200
    )


@login_required
@require_POST
def scorecard_compute(request):
    if not actions.is_office(request.user):
        raise Http404
    form = ScorecardForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("performance:index")
    try:
        card = actions.compute(form.cleaned_data["scheme"], form.cleaned_data["period"], by=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("performance:index")
    messages.success(request, _("已按第 %(n)d 版方案计算得分。") % {"n": card.version.number})
    return redirect("performance:scorecard", card.pk)


@login_required
def scorecard(request, pk):
    _government(request)
    card = get_object_or_404(
        Scorecard.objects.for_user(request.user).select_related("scheme", "version"), pk=pk
    )
    scores = (
        Score.objects.for_user(request.user)
        .filter(scorecard=card)
        .select_related("unit")
        .prefetch_related("objections")
    )
    for score in scores:
        score.final = actions.final_total(score)
    lines = list(card.version.lines.all())
    for line in lines:
        line.about = indicators.registry.get(line.indicator)
    context = {
        "card": card,
        "period": Period.parse(card.period),
        "scores": scores,
        "lines": lines,
        "office": actions.is_office(request.user),
    }
    return render(request, "performance/scorecard.html", context)


@login_required
def scorecard_bulletin(request, pk):
    """The scorecard as the office's ranking bulletin (.docx); ?number=15."""
    if not sees_every_score(request.user):
        raise Http404  # it names every unit's score
    card = get_object_or_404(Scorecard.objects.select_related("scheme", "version"), pk=pk)
    scores = list(
        card.scores.select_related("unit").prefetch_related("objections").order_by("rank", "unit__code")
    )
    content = bulletin.build(
        card, scores, issued=timezone.localdate(clock.now()), number=request.GET.get("number", "")
    )
    return docx_response(f"{bulletin.title_text(card)}.docx", content)


@login_required
@require_POST
def scorecard_recompute(request, pk):
    card = get_object_or_404(Scorecard, pk=pk)
    if not actions.is_office(request.user):
        raise Http404
    try:
        actions.compute(card.scheme, Period.parse(card.period), by=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    return redirect("performance:scorecard", card.pk)


@login_required
@require_POST
def scorecard_publish(request, pk):
    card = get_object_or_404(Scorecard, pk=pk)
    if not actions.is_office(request.user):
        raise Http404
    try:
        actions.publish(card, by=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("考核结果已公布，申诉期开始。"))
    return redirect("performance:scorecard", card.pk)


def _score(request, pk) -> Score:
    return get_object_or_404(
        Score.objects.for_user(request.user).select_related(
            "scorecard__scheme", "scorecard__version", "unit"
        ),
        pk=pk,
    )


@login_required
def score(request, pk):
    found = _score(request, pk)
    lines = list(found.lines.select_related("line"))
    for line in lines:
        line.about = indicators.registry.get(line.line.indicator)
    objections = found.objections.select_related("filed_by__person", "decided_by__person", "line__line")
    office = actions.is_office(request.user)
    context = {
        "score": found, "card": found.scorecard, "period": Period.parse(found.scorecard.period), "lines": lines,
        "objections": objections, "final": actions.final_total(found),
        "objection_form": ObjectionForm() if actions.may_object(request.user, found) else None,
        "decision_form": DecisionForm() if office else None,
    }  # fmt: skip
    return render(request, "performance/score.html", context)


@login_required
def records(request, pk, line_id):
    """The records behind one line of a score, each marked counted or not, linked to its page."""
    found = _score(request, pk)
    line = get_object_or_404(ScoreLine.objects.select_related("line"), pk=line_id, score=found)
    about = indicators.get(line.line.indicator)
    if not about.records_shown_to_subject and not sees_every_score(request.user):
        raise Http404  # e.g. enterprises' ratings: a unit sees its figure, never a single rating
    period = Period.parse(found.scorecard.period)
    rows = about.records(Grouping.UNIT, found.unit_id, period, now=found.scorecard.computed_at)
    page = Paginator(rows, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    for record in page.object_list:
        record.link = about.link(record)
    context = {"score": found, "line": line, "about": about, "period": period, "page": page}
    return render(request, "performance/records.html", context)


@login_required
@require_POST
def object_to(request, pk):
    found = _score(request, pk)

    def do(score, data):
        line = ScoreLine.objects.filter(pk=request.POST.get("line") or 0, score=score).first()
        actions.object_to(score, by=request.user, reason=data["reason"], line=line)

    return act_on(request, found, do, ObjectionForm, "performance:score")


@login_required
@require_POST
def decide(request, pk, objection_id):
    found = _score(request, pk)
    objection = get_object_or_404(Objection, pk=objection_id, score=found)

    def do(score, data):
        actions.decide(
            objection,
            by=request.user,
            upheld=data["upheld"],
            decision=data["decision"],
            corrected_total=data["corrected_total"],
        )

    return act_on(request, found, do, DecisionForm, "performance:score")
