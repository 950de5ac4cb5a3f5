from django.db import migrations
from django.utils.text import slugify

# The 16 areas of the Smart City Driver framework, as the 2020 annual report lists them.
AREAS = [
    "Agriculture",
    "Civic Engagement",
    "Connectivity",
    "Disaster Risk Management",
    "Education",
    "Energy Efficiency",
    "Healthcare",
    "Innovation & Startups",
    "Public Safety",
    "Public Transportation",
    "Renewables & Circular Economy",
    "Tourism",
    "Traffic Management",
    "Waste Management",
    "Water Management",
    "e-Government",
]


def load(apps, schema_editor):
    area_model = apps.get_model("programs", "SmartCityArea")
    for position, name in enumerate(AREAS, start=1):
        area_model.objects.update_or_create(
            slug=slugify(name), defaults={"name": name, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_smart_city_areas")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
