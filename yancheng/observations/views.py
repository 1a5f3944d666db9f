"""Pages of site observation (现场观摩): the rounds, setting one up (the commission), scoring a site
from a phone (the observers), the results with their Excel and bulletin exports, publishing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yancheng.core import clock
from yancheng.core.actions import ActionRefused
from yancheng.core.output.official_document import docx_response
from yancheng.core.output.xlsx import xlsx_response
from yancheng.projects.models import is_commission

from . import actions, bulletin, scoring
from .choices import RoundState
from .forms import RoundForm, ScoreForm, SeenProblemForm
from .models import ObservationRound, Score, ScorePhoto, Site

SITE_COLUMNS = ["排名", "项目代码", "项目名称", "县市区", "评分人数", "得分"]


def _round(request, pk) -> ObservationRound:
    return get_object_or_404(ObservationRound.objects.for_user(request.user), pk=pk)


@login_required
def rounds(request):
    found = ObservationRound.objects.for_user(request.user).prefetch_related("sites")
    return render(
        request, "observations/rounds.html", {"rounds": found, "may_create": is_commission(request.user)}
    )


@login_required
def round_new(request):
    if not is_commission(request.user):
        raise Http404
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = actions.create_round(
                by=request.user,
                name=form.cleaned_data["name"],
                held_on=form.cleaned_data["held_on"],
                projects=list(form.cleaned_data["projects"]),
                observers=list(form.cleaned_data["observers"]),
                criteria=form.criteria(),
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("已创建观摩活动。"))
            return redirect("observations:round", created.pk)
    return render(request, "observations/round_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def round_detail(request, pk):
    observation_round = _round(request, pk)
    observer = actions.observer_of(request.user, observation_round)
    mine = set()
    if observer is not None:
        mine = set(Score.objects.filter(observer=observer).values_list("site_id", flat=True))
    results = (
        scoring.results(observation_round) if actions.sees_results(request.user, observation_round) else None
    )
    if results is not None and request.GET.get("export") == "xlsx":
        return xlsx_response(f"{observation_round.name}.xlsx", "观摩得分", SITE_COLUMNS, _site_lines(results))
    if results is not None and request.GET.get("export") == "docx":
        issued = timezone.localdate(clock.now())
        document = bulletin.build(
            observation_round, results, issued=issued, number=request.GET.get("number", "")
        )
        return docx_response(f"{bulletin.title_text(observation_round)}.docx", document)
    sites = observation_round.sites.select_related("project__region")
    context = {
        "round": observation_round,
        "sites": [(site, site.pk in mine) for site in sites],
        "observer": observer,
        "results": results,
        "may_publish": is_commission(request.user) and observation_round.state == RoundState.OPEN,
        "criteria": observation_round.criteria.all(),
    }
    return render(request, "observations/round.html", context)


def _site_lines(results) -> list:
    return [
        [r.rank or "", r.site.project.code, r.site.project.name, r.site.project.region.name, r.observers,
         "" if r.score is None else float(r.score)]
        for r in results.sites
    ]  # fmt: skip


@login_required
def score(request, pk):
    site = get_object_or_404(Site.objects.select_related("round", "project__region"), pk=pk)
    observation_round = site.round
    if actions.observer_of(request.user, observation_round) is None:
        raise Http404  # only the round's observers score, and a site of another round is not theirs
    criteria = list(observation_round.criteria.all())
    existing = Score.objects.filter(site=site, observer__person__user=request.user).first()
    initial = dict(existing.values.values_list("criterion_id", "value")) if existing else {}
    form = ScoreForm(
        request.POST or None, request.FILES or None, criteria=criteria, initial_values=initial,
        initial={"note": existing.note if existing else ""},
    )  # fmt: skip
    seen = SeenProblemForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and seen.is_valid():
        try:
            actions.score_site(
                site, by=request.user, values=form.values(), note=form.cleaned_data["note"],
                photos=form.cleaned_data["photos"], problem=seen.problem(),
            )  # fmt: skip
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("已提交对“%(name)s”的评分。") % {"name": site.project.name})
            return redirect("observations:round", observation_round.pk)
    context = {"site": site, "round": observation_round, "form": form, "seen": seen, "existing": existing}
    failed = form.errors or seen.errors
    return render(request, "observations/score_form.html", context, status=400 if failed else 200)


@login_required
@require_POST
def publish(request, pk):
    observation_round = _round(request, pk)
    try:
        actions.publish(observation_round, by=request.user)
    except ActionRefused as refusal:
        if refusal.code == "forbidden":
            raise Http404 from None
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("观摩结果已发布。"))
    return redirect("observations:round", observation_round.pk)


@login_required
def photo(request, pk, thumbnail=False):
    visible = ObservationRound.objects.for_user(request.user).values("pk")
    found = get_object_or_404(ScorePhoto.objects.filter(score__site__round__in=visible), pk=pk)
    file = found.thumbnail if thumbnail else found.image
    return FileResponse(file.open("rb"), content_type="image/jpeg" if thumbnail else None)
