"""The Safeguarding lead group: sees comments (flagged ones included) and their
history, and may moderate them; nothing else. Its members are e-mailed when the
safeguarding screen flags a comment."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = ["view_comment", "change_comment", "can_moderate", "view_commenthistory"]


def create_group(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Safeguarding lead")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="comments", codename__in=PERMISSIONS)
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Safeguarding lead").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0005_screening_concerns"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
