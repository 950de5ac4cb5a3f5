import factory
from django.core.files.base import ContentFile

from publications.models import Kind, Publication, Topic

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication

    title = factory.Sequence(lambda n: f"Smart city guidelines {n}")
    slug = factory.Sequence(lambda n: f"smart-city-guidelines-{n}")
    kind = Kind.GUIDELINES
    topic = Topic.SMART_CITY
    summary = "How cities plan smart city projects."
    year = 2020
    languages = factory.LazyFunction(lambda: ["en"])
    file = factory.LazyAttribute(lambda o: ContentFile(PDF_BYTES, name=f"{o.slug}.pdf"))
