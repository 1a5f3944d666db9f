from yancheng.core.navigation import items_for
from yancheng.core.roles import Role, roles_of


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "role_labels": []}
    return {
        "nav_items": items_for(user),
        "role_labels": [Role(role).label for role in sorted(roles_of(user))],
    }
