"""API authentication: a signed-in session (with CSRF) or `Authorization: Bearer <token>`."""

from datetime import timedelta

from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from yancheng.core.models import ApiToken
from yancheng.core.models.tokens import digest

# Writing last_used_at on every call would turn each read into a write; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        found = (
            ApiToken.objects.usable()
            .select_related("user__person__enterprise", "user__person__unit")
            .filter(digest=digest(token))
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found
        return found.user


api_auth = [BearerToken(), django_auth]
