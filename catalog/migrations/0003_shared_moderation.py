"""The catalog's projects on the shared moderation (wego_portal.moderation): "proposed" is
stored as "submitted", and proposed_at/by are renamed submitted_at/by (no data is lost)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def proposed_to_submitted(apps, schema_editor):
    Project = apps.get_model("catalog", "Project")
    Project.objects.filter(status="proposed").update(status="submitted")


def submitted_to_proposed(apps, schema_editor):
    Project = apps.get_model("catalog", "Project")
    Project.objects.filter(status="submitted").update(status="proposed")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_translations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="project", name="catalog_project_status_valid"),
        migrations.RenameField(
            model_name="project", old_name="proposed_at", new_name="submitted_at"
        ),
        migrations.RenameField(
            model_name="project", old_name="proposed_by", new_name="submitted_by"
        ),
        migrations.AlterField(
            model_name="project",
            name="submitted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="submitted"),
        ),
        migrations.AlterField(
            model_name="project",
            name="submitted_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="submitted by",
            ),
        ),
        migrations.AlterField(
            model_name="project",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("submitted", "Awaiting review"),
                    ("published", "Published"),
                    ("returned", "Returned for changes"),
                ],
                default="draft",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(proposed_to_submitted, submitted_to_proposed, elidable=False),
        migrations.AddConstraint(
            model_name="project",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["draft", "submitted", "published", "returned"])),
                name="catalog_project_status_valid",
            ),
        ),
    ]
