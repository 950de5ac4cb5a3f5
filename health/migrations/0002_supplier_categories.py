"""The supplier directory's starting categories (the secretariat may rename or add in admin)."""

from django.db import migrations

CATEGORIES = [
    ("protective-equipment", "Personal protective equipment"),
    ("testing-diagnostics", "Testing and diagnostics"),
    ("medical-devices", "Medical devices and equipment"),
    ("digital-health", "Telemedicine and digital health"),
    ("disinfection-hygiene", "Disinfection and hygiene"),
    ("data-software", "Data, dashboards and software"),
    ("training", "Training programs"),
]


def add_categories(apps, schema_editor):
    SupplierCategory = apps.get_model("health", "SupplierCategory")
    for position, (slug, name) in enumerate(CATEGORIES, start=1):
        SupplierCategory.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )


def remove_categories(apps, schema_editor):
    SupplierCategory = apps.get_model("health", "SupplierCategory")
    SupplierCategory.objects.filter(slug__in=[slug for slug, _name in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("health", "0001_initial")]

    operations = [migrations.RunPython(add_categories, remove_categories)]
