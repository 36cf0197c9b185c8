"""The policy table's rule for hidden objects: NOT_HIDDEN[target] holds for a row no moderator
hid and whose member is not suspended (app/moderation/suspensions.py hides their listings).

Modules add `visible_unless_hidden(Target.X)` to the `see` of the types that can be reported,
so the interpreter, DataLoaders, `node(id:)` and the compiled reads all hide the same rows.
"""

from app.moderation.models import HiddenObject, Target
from app.people.models import Role
from app.policy import HasRole, Rule, Unlisted


def not_hidden(target: Target) -> Rule:
    return Unlisted(
        name=f"not_hidden:{target.value}",
        field="id",
        model=HiddenObject,
        key="object_id",
        where={"target": target},
    )


async def is_hidden(*, hub_id: int, target: Target, object_id: int) -> bool:
    """Hidden by a moderator or by its member's suspension: it takes no new business."""
    return await HiddenObject.exists(hub_id=hub_id, target=target, object_id=object_id)


# Who sees hidden objects (to review them and decide appeals).
MODERATING: Rule = HasRole(Role.MODERATOR, Role.HUB_ADMIN)
