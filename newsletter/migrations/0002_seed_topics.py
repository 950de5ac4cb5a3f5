"""The newsletter's four topics, named in every language of the portal."""

from django.db import migrations

TOPICS = [
    (
        "news",
        10,
        {
            "en": "News of the network",
            "ko": "네트워크 소식",
            "zh_hans": "网络新闻",
            "ru": "Новости сети",
            "es": "Noticias de la red",
            "fr": "Actualités du réseau",
            "ar": "أخبار الشبكة",
            "tr": "Ağdan haberler",
        },
    ),
    (
        "events",
        20,
        {
            "en": "Events",
            "ko": "행사",
            "zh_hans": "活动",
            "ru": "Мероприятия",
            "es": "Eventos",
            "fr": "Événements",
            "ar": "الفعاليات",
            "tr": "Etkinlikler",
        },
    ),
    (
        "calls",
        30,
        {
            "en": "Calls for applications and programs",
            "ko": "신청 공모와 프로그램",
            "zh_hans": "申请征集与项目",
            "ru": "Конкурсы заявок и программы",
            "es": "Convocatorias y programas",
            "fr": "Appels à candidatures et programmes",
            "ar": "دعوات تقديم الطلبات والبرامج",
            "tr": "Başvuru çağrıları ve programlar",
        },
    ),
    (
        "awards",
        40,
        {
            "en": "WeGO Awards",
            "ko": "WeGO Awards",
            "zh_hans": "WeGO Awards",
            "ru": "WeGO Awards",
            "es": "WeGO Awards",
            "fr": "WeGO Awards",
            "ar": "WeGO Awards",
            "tr": "WeGO Awards",
        },
    ),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("newsletter", "Topic")
    for slug, position, names in TOPICS:
        Topic.objects.update_or_create(
            slug=slug,
            defaults={
                "position": position,
                "name": names["en"],
                **{f"name_{code}": name for code, name in names.items()},
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("newsletter", "Topic").objects.filter(
        slug__in=[slug for slug, _position, _names in TOPICS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
