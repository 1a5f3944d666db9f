"""A ladder step's document, for its recipients and for whoever may see the record."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404

from yancheng.core import ladder as ladders
from yancheng.core.models import LadderStep
from yancheng.core.output.official_document import docx_response


def may_read(user, step: LadderStep) -> bool:
    ladder = ladders.registry.get(step.kind)
    if ladder is None:
        return False
    return (
        step.recipients.filter(pk=user.pk).exists() or ladder.visible(user).filter(pk=step.object_id).exists()
    )


@login_required
def document(request, step_id: int):
    # A step one may not read answers exactly like one that does not exist (architecture, habit 2).
    step = get_object_or_404(LadderStep, pk=step_id)
    if not step.number or not may_read(request.user, step):
        raise Http404
    return docx_response(f"{step.number}.docx", ladders.document_bytes(step))
