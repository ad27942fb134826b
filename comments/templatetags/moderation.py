from django import template

from ..queue import open_cases, queue_health

register = template.Library()


@register.inclusion_tag("admin/comments/queue_summary.html", takes_context=True)
def moderation_queue(context):
    """The admin front page's note of what waits for moderators (nothing for
    anyone who may not moderate)."""
    user = context["request"].user
    return {
        "health": queue_health() if user.has_perm("comments.can_moderate") else None,
        # The safeguarding lead's open cases (for the lead and superusers).
        "cases": open_cases() if user.has_perm("comments.view_safeguardingcase") else None,
    }
