"""A POST on a record's page that runs one action (actions.py) and goes back to the page: the form's
errors and the action's refusals shown as messages; a refusal for who may not act at all is a 404, as
for a record they cannot see."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect

from yancheng.core.actions import ActionRefused


def act_on(request, record, do, form_class, page: str):
    """`do(record, cleaned_data)` with `form_class` (or None: no fields) read from the POST; then back
    to the URL named `page` of the record."""
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(page, record.pk)
    try:
        do(record, form.cleaned_data if form else {})
    except ActionRefused as refusal:
        if refusal.code == "forbidden":
            raise Http404 from None
        messages.error(request, refusal.message)
    return redirect(page, record.pk)
