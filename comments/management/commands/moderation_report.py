from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.timesince import timesince

from comments.notifications import MODERATORS_GROUP, SAFEGUARDING_GROUP, send_queue_alert
from comments.queue import queue_health

FLAGGED_ALERT_HOURS = 24


class Command(BaseCommand):
    help = (
        "How the moderation queue is doing. E-mails the moderators when a held comment "
        "has waited longer than MODERATION_ALERT_HOURS, and the safeguarding leads when a "
        "comment the safeguarding screen flagged has waited a day. Run daily from cron."
    )

    def handle(self, *args, **options):
        health = queue_health()
        now = timezone.now()

        def oldest(since):
            return f", the oldest for {timesince(since, now)}" if since else ""

        self.stdout.write(
            f"{health.held} comment(s) held{oldest(health.oldest)}; {health.flagged} "
            f"flagged by the safeguarding screen{oldest(health.oldest_flagged)}."
        )
        hours = settings.MODERATION_ALERT_HOURS
        if health.oldest and now - health.oldest > timedelta(hours=hours):
            sent = send_queue_alert(
                group=MODERATORS_GROUP,
                subject=f"Comments have waited more than {hours} hours for moderation",
                lines=[
                    f"{health.held} comment(s) are waiting for moderation.",
                    f"The oldest has waited {timesince(health.oldest, now)}.",
                ],
                query="?status=held",
            )
            self.stdout.write("Moderators e-mailed." if sent else "No moderator to e-mail.")
        if health.oldest_flagged and now - health.oldest_flagged > timedelta(
            hours=FLAGGED_ALERT_HOURS
        ):
            sent = send_queue_alert(
                group=SAFEGUARDING_GROUP,
                subject="Safeguarding: flagged comments have waited more than a day",
                lines=[
                    f"{health.flagged} comment(s) flagged by the safeguarding screen are waiting.",
                    f"The oldest has waited {timesince(health.oldest_flagged, now)}.",
                ],
                query="?status=all&concern=any",
            )
            self.stdout.write(
                "Safeguarding leads e-mailed." if sent else "No safeguarding lead to e-mail."
            )
