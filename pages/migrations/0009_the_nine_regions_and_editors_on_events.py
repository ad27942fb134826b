"""The nine regions of England, with nothing but their names (editors fill in
the rest), and the Editors' rights on events (all) and regions (change and
view: the nine are fixed)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils.text import slugify

REGIONS = [
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
]
EDITOR_CODENAMES = [
    *(f"{action}_event" for action in ("add", "change", "delete", "view")),
    "change_region",
    "view_region",
]


def create_regions(apps, schema_editor):
    Region = apps.get_model("pages", "Region")
    for order, name in enumerate(REGIONS, start=1):
        Region.objects.get_or_create(slug=slugify(name), defaults={"name": name, "order": order})


def remove_regions(apps, schema_editor):
    apps.get_model("pages", "Region").objects.filter(name__in=REGIONS).delete()


def grant_editors(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="pages", codename__in=EDITOR_CODENAMES)
    )


def revoke_editors(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Editors"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="pages", codename__in=EDITOR_CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0008_regions_and_events"),
        ("pages", "0004_editors_group"),
    ]

    operations = [
        migrations.RunPython(create_regions, remove_regions),
        migrations.RunPython(grant_editors, revoke_editors),
    ]
