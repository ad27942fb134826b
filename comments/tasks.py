from django.tasks import task

from . import services


@task
def check_comment_task(comment_id: int) -> str:
    """The spam check, run inline or by a worker (see TASKS in settings)."""
    comment = services.check_comment(comment_id=comment_id)
    return comment.verdict if comment else "missing"
