from yancheng.core.navigation import items_for
from yancheng.core.roles import Role, has_role, roles_of


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "role_labels": [], "may_supervise": False}
    return {
        "nav_items": items_for(user),
        "role_labels": [Role(role).label for role in sorted(roles_of(user))],
        # Who may turn a red figure into a supervision item (the "督办" beside it, core/_supervise.html).
        "may_supervise": has_role(user, Role.SUPERVISION_OFFICE, Role.LEADER),
    }
