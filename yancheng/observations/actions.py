"""What is done to observation rounds, each checked, atomic and audited; refusals raise ActionRefused
with a message for the person and change nothing.

- the development and reform commission (projects.models.is_commission) sets up a round — its date,
  the sites chosen from the ledger, the observers (leaders and unit heads), the weighted criteria — and
  publishes its ranking;
- each observer scores each site from a phone while the round is open, and may correct their score
  until it is published; a problem seen there goes on the project's list (problems) in the same step."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from yancheng.core import audit, clock
from yancheng.core.actions import refuse_unless
from yancheng.problems.actions import raise_problem
from yancheng.projects.models import is_commission, sees_whole_ledger
from yancheng.projects.photos import MAX_PHOTOS, read_photo, store_photo

from .choices import RoundState
from .models import Criterion, CriterionScore, ObservationRound, Observer, Score, ScorePhoto, Site


def create_round(*, by, name: str, held_on, projects, observers, criteria) -> ObservationRound:
    """A round over `projects` (in visiting order) scored by `observers` (Persons) on `criteria`, a list
    of (name, weight) whose weights sum to 100."""
    refuse_unless(is_commission(by), _("只有市发展改革委可以组织现场观摩。"), "forbidden")
    projects, observers = list(dict.fromkeys(projects)), list(dict.fromkeys(observers))
    refuse_unless(bool(name.strip()), _("请填写观摩活动名称。"), "name")
    refuse_unless(bool(projects), _("请至少选择一个观摩项目。"), "no_sites")
    refuse_unless(bool(observers), _("请至少选择一名观摩人员。"), "no_observers")
    names = [n.strip() for n, _w in criteria]
    refuse_unless(
        bool(criteria) and all(names) and len(set(names)) == len(names),
        _("请填写评分项目，名称不能为空或重复。"),
        "criteria",
    )
    refuse_unless(
        all(1 <= w <= 100 for _n, w in criteria) and sum(w for _n, w in criteria) == 100,
        _("各评分项目的权重应为 1 到 100，合计 100。"),
        "weights",
    )
    with transaction.atomic():
        observation_round = ObservationRound.objects.create(
            name=name.strip()[:100], held_on=held_on, created_by=by, created_at=clock.now()
        )
        Site.objects.bulk_create(
            Site(round=observation_round, project=p, order=n) for n, p in enumerate(projects, start=1)
        )
        Observer.objects.bulk_create(Observer(round=observation_round, person=p) for p in observers)
        Criterion.objects.bulk_create(
            Criterion(round=observation_round, name=n.strip()[:50], weight=w, order=k)
            for k, (n, w) in enumerate(criteria, start=1)
        )
        changes = {"name": [None, observation_round.name], "sites": [None, len(projects)]}
        audit.record("observation_round_created", observation_round, actor=by, changes=changes)
    return observation_round


def observer_of(user, observation_round) -> Observer | None:
    person = getattr(user, "person", None)
    if person is None:
        return None
    return Observer.objects.filter(round=observation_round, person=person).first()


def sees_results(user, observation_round) -> bool:
    """The commission and who sees the whole ledger follow the scores as they come; everyone else who
    may open the round sees them once published."""
    return sees_whole_ledger(user) or observation_round.state == RoundState.PUBLISHED


def score_site(site, *, by, values: dict, note: str = "", photos=(), problem: dict | None = None) -> Score:
    """The observer's score of `site`: `values` maps each of the round's criteria (their pk) to 0–100.
    Scoring the site again replaces the values (a correction), keeps earlier photos and adds new ones.
    `problem` (raise_problem's description, measures, unit, person, due_on, submission_key), when
    given, is the problem the observer saw there: put on the project's list with the score, or neither."""
    observation_round = site.round
    observer = observer_of(by, observation_round)
    refuse_unless(observer is not None, _("您不是本次观摩的观摩人员。"), "forbidden")
    refuse_unless(
        observation_round.state == RoundState.OPEN, _("本次观摩已发布结果，不能再评分。"), "published"
    )
    criteria = list(observation_round.criteria.all())
    refuse_unless(
        set(values) == {c.pk for c in criteria} and all(0 <= int(v) <= 100 for v in values.values()),
        _("请为每个评分项目打 0 到 100 分。"),
        "values",
    )
    photos = list(photos)
    read = [(upload, read_photo(upload)) for upload in photos]  # refuses what is not a photo, first
    with transaction.atomic():
        locked = ObservationRound.objects.select_for_update().get(pk=observation_round.pk)
        refuse_unless(locked.state == RoundState.OPEN, _("本次观摩已发布结果，不能再评分。"), "published")
        now = clock.now()
        try:
            with transaction.atomic():
                score, _created = Score.objects.update_or_create(
                    site=site, observer=observer, defaults={"note": note.strip(), "scored_at": now}
                )
        except IntegrityError:  # the same observer's other tab won the race: correct that one
            score = Score.objects.get(site=site, observer=observer)
            score.note, score.scored_at = note.strip(), now
            score.save(update_fields=["note", "scored_at"])
        refuse_unless(
            score.photos.count() + len(read) <= MAX_PHOTOS,
            _("每个观摩点最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS},
            "photos",
        )
        before = dict(score.values.values_list("criterion__name", "value"))
        score.values.all().delete()
        CriterionScore.objects.bulk_create(
            CriterionScore(score=score, criterion=c, value=int(values[c.pk])) for c in criteria
        )
        _save_photos(score, read, now)
        after = {c.name: int(values[c.pk]) for c in criteria}
        audit.record("observation_scored", score, actor=by, changes=audit.changes_between(before, after))
        if problem:
            raise_problem(site.project, by=by, site=site, **problem)
    return score


def _save_photos(score, read, now) -> None:
    for upload, facts in read:
        name = upload.name[:200]
        photo = ScorePhoto(
            score=score, name=name, size=upload.size, uploaded_at=now, taken_at=facts["taken_at"]
        )
        store_photo(photo, upload, facts)


def publish(observation_round, *, by) -> ObservationRound:
    """Fix the round's ranking: no score is taken after this. Publishing twice changes nothing."""
    refuse_unless(is_commission(by), _("只有市发展改革委可以发布观摩结果。"), "forbidden")
    with transaction.atomic():
        locked = ObservationRound.objects.select_for_update().get(pk=observation_round.pk)
        if locked.state == RoundState.PUBLISHED:
            return locked
        refuse_unless(
            Score.objects.filter(site__round=locked).exists(), _("还没有任何评分，不能发布。"), "no_scores"
        )
        locked.state, locked.published_at = RoundState.PUBLISHED, clock.now()
        locked.save(update_fields=["state", "published_at"])
        audit.record(
            "observation_round_published", locked, actor=by, changes={"state": ["open", "published"]}
        )
    return locked
