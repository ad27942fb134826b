from django import template

from ..queue import queue_health

register = template.Library()


@register.inclusion_tag("admin/comments/queue_summary.html", takes_context=True)
def moderation_queue(context):
    """The admin front page's note of what waits for moderators (nothing for
    anyone who may not moderate)."""
    user = context["request"].user
    if not user.has_perm("comments.can_moderate"):
        return {"health": None}
    return {"health": queue_health()}
