"""Sign-in events go to the audit log: successes, failures (with the name that was typed) and lockouts."""

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from yancheng.core import audit


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit.record("login", user, actor=user, request=request)


@receiver(user_logged_in)
def forget_the_accounts_failures(sender, request, user, **kwargs):
    # Only this account's: failures on other accounts from the same address keep counting towards its lock.
    AccessAttempt.objects.filter(username=user.get_username()).delete()


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record("logout", user, actor=user, request=request)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    audit.record("login_failed", actor_label=str(credentials.get("username", ""))[:150], request=request)


@receiver(user_locked_out)
def audit_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    audit.record("login_locked_out", actor_label=str(username or "")[:150], request=request)
