from io import StringIO

from django.core.management import call_command


def test_schema_validates_without_a_single_warning():
    out, err = StringIO(), StringIO()

    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out, stderr=err)

    assert "Warning" not in err.getvalue()
    assert "/api/v1/me/applications/{id}/sections/{key}/" in out.getvalue()
