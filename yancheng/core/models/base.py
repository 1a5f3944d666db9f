from django.db import models


class ScopedQuerySet(models.QuerySet):
    """Reads go through `for_user(user)`: what that user may see, and nothing else.

    A record outside the scope is simply absent, so a view that looks it up answers 404, exactly as
    for a record that does not exist.
    """

    def for_user(self, user):
        raise NotImplementedError(f"{self.model.__name__} must say who may read it")
