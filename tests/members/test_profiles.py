"""Member profiles worth visiting: facts, roles, gallery, programs, events and a map, with
empty fields simply not shown; members keep their own profile (and only their own)."""

from django.urls import reverse
from PIL import Image

from members.models import AboutPage, Organization, OrganizationPhoto
from members.selectors import bump_directory_version
from tests.factories.accounts import UserFactory
from tests.factories.members import OrganizationFactory
from tests.members.files import png_upload, polyglot_upload, renamed_executable_upload


def test_seoul_and_makati_profiles_show_roles_awards_programs_events_and_a_map(client, wego_data):
    seoul = client.get("/members/seoul/").content.decode()
    makati = client.get("/members/makati/").content.decode()

    assert "President city" in seoul and "Seat of the WeGO Secretariat" in seoul
    assert "Jeong Hyup Seo" in seoul  # the head, published by WeGO's report
    assert "Events it took part in" in seoul and "Webinar on CJK Smart Cities" in seoul
    assert '<figure class="location-map"><svg' in seoul and "<circle" in seoul
    assert "The Makatizen Card Project" in makati and "Special mention" in makati
    assert "JICA Seminar on Effects of COVID-19" in makati
    assert "Projects in the WeGO catalog" in makati
    assert "Greetings from the President of WeGO, Acting Mayor of Seoul" in seoul  # news
    assert "The 4th WeGO Awards recognize cities in six categories" in makati
    assert "tile" not in makati and "https://" not in makati.split('class="location-map"')[1][:2000]


def test_a_program_beneficiary_shows_its_public_outcome(client, wego_data):
    html = client.get("/members/cauayan/").content.decode()

    assert "WeGO programs" in html
    assert "Project Implementer 2020 · Beneficiary selected" in html


def test_an_empty_profile_hides_empty_fields_and_still_says_what_it_is(client, db):
    OrganizationFactory(name="Quiet Town", slug="quiet-town", country="CM", region="africa")

    html = client.get("/members/quiet-town/").content.decode()

    assert "Quiet Town is a WeGO member" in html
    for absent in ("Not recorded", "Population", "Website", "Photos", "Social media", "Head"):
        assert absent not in html, absent


def test_the_head_is_shown_only_when_the_member_publishes_it(client, db):
    org = OrganizationFactory(slug="town", leader_name="A. Mayor", leader_title="Mayor")

    hidden = client.get("/members/town/").content.decode()
    Organization.objects.filter(pk=org.pk).update(leader_public=True)
    bump_directory_version()  # what every write of an organization does after commit
    shown = client.get("/members/town/").content.decode()

    assert "A. Mayor" not in hidden
    assert "A. Mayor" in shown


def test_the_editor_keeps_facts_links_head_and_location(client, seoul, seoul_editor):
    client.force_login(seoul_editor)

    response = client.post(
        reverse("members:profile_edit", args=[seoul.slug]),
        {
            "description": "Capital",
            "social_links": "https://twitter.example/seoul\n\nhttps://facebook.example/seoul",
            "population": "9500000",
            "population_year": "2020",
            "area_km2": "605.2",
            "leader_name": "A. Mayor",
            "leader_title": "Mayor",
            "leader_public": "on",
            "latitude": "37.56",
            "longitude": "126.99",
        },
    )

    seoul.refresh_from_db()
    assert response.status_code == 302
    assert seoul.social_links == ["https://twitter.example/seoul", "https://facebook.example/seoul"]
    assert (seoul.population, str(seoul.area_km2), seoul.leader_public) == (9500000, "605.2", True)
    html = client.get(seoul.get_absolute_url()).content.decode()
    assert "9,500,000" in html and "605.2 km²" in html and "https://facebook.example/seoul" in html


def test_profile_form_explains_its_errors(client, seoul, seoul_editor):
    client.force_login(seoul_editor)

    response = client.post(
        reverse("members:profile_edit", args=[seoul.slug]),
        {"social_links": "javascript:alert(1)", "latitude": "37.5", "leader_public": "on"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "is not an address starting with https://" in html
    assert "Give both the latitude and the longitude, or neither." in html
    assert "Name the head of the organization to publish it." in html


def test_gallery_photo_is_reencoded_with_its_text_alternative(client, seoul, seoul_editor):
    client.force_login(seoul_editor)

    response = client.post(
        reverse("members:photos_edit", args=[seoul.slug]),
        {"image": png_upload(width=2400, height=1200), "alt_text": "The Han River at dusk"},
    )

    photo = OrganizationPhoto.objects.get(organization=seoul)
    assert response.status_code == 302
    with Image.open(photo.image.path) as image, Image.open(photo.thumbnail.path) as thumb:
        assert image.format == "PNG" and image.size == (1600, 800)
        assert max(thumb.size) == 480
    html = client.get(seoul.get_absolute_url()).content.decode()
    assert 'alt="The Han River at dusk"' in html


def test_gallery_refuses_a_photo_without_text_or_a_hostile_file(client, seoul, seoul_editor):
    client.force_login(seoul_editor)
    url = reverse("members:photos_edit", args=[seoul.slug])

    no_text = client.post(url, {"image": png_upload(), "alt_text": ""})
    hostile = client.post(url, {"image": renamed_executable_upload(), "alt_text": "A photo"})
    client.post(url, {"image": polyglot_upload(), "alt_text": "Polyglot"})

    assert no_text.status_code == 200 and "This field is required." in no_text.content.decode()
    assert "The file must be an image" in hostile.content.decode()
    polyglot = OrganizationPhoto.objects.get(organization=seoul)
    assert b"<script" not in polyglot.image.read()


def test_another_organizations_editor_cannot_remove_a_photo(
    client, seoul, seoul_editor, makati_editor
):
    client.force_login(seoul_editor)
    client.post(
        reverse("members:photos_edit", args=[seoul.slug]),
        {"image": png_upload(), "alt_text": "City hall"},
    )
    photo = OrganizationPhoto.objects.get(organization=seoul)
    client.force_login(makati_editor)

    response = client.post(reverse("members:photo_remove", args=[seoul.slug, photo.pk]))

    assert response.status_code == 404
    assert OrganizationPhoto.objects.filter(pk=photo.pk).exists()


def test_the_editor_removes_a_photo(client, seoul, seoul_editor):
    client.force_login(seoul_editor)
    client.post(
        reverse("members:photos_edit", args=[seoul.slug]),
        {"image": png_upload(), "alt_text": "City hall"},
    )
    photo = OrganizationPhoto.objects.get(organization=seoul)

    response = client.post(reverse("members:photo_remove", args=[seoul.slug, photo.pk]))

    assert response.status_code == 302
    assert not OrganizationPhoto.objects.filter(pk=photo.pk).exists()


def test_about_page_shows_the_reports_people_masterplan_and_history(client, wego_data):
    html = client.get("/about/").content.decode()

    assert "Jeong Hyup Seo" in html and "Kyong-yul Lee" in html
    assert "Digital transformation of services" in html
    assert "Jean-Francois Habeau" in html and "Gwangjin-gu Office" in html
    assert "Opening of the WeGO Secretariat in Seoul" in html
    assert AboutPage.objects.count() == 1


def test_about_page_is_edited_by_the_secretariat_only(client, wego_data):
    page = AboutPage.objects.get()
    url = reverse("admin:members_aboutpage_change", args=[page.pk])

    client.force_login(UserFactory(is_staff=True))
    refused = client.get(url)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    allowed = client.get(url)

    assert refused.status_code in (302, 403, 404)
    assert allowed.status_code == 200 and 'name="introduction_ko"' in allowed.content.decode()


def test_a_second_about_page_cannot_be_added(client, wego_data):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:members_aboutpage_add"))

    assert response.status_code == 403


def test_office_seats_are_cities_not_namesakes(wego_data):
    from members.selectors import wego_roles

    def roles(name):
        return wego_roles(Organization.objects.get(name=name))

    assert roles("Ulyanovsk Region") == ["Seat of the Eurasia Regional Office"]
    assert roles("Abuja") == ["Seat of the Africa Regional Office"]
    assert roles("Seoul Digital Foundation") == []
    assert roles("Anyang") == []
