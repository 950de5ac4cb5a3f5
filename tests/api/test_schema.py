from io import StringIO

from django.core.management import call_command


def test_schema_validates_without_a_single_warning():
    out, err = StringIO(), StringIO()

    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out, stderr=err)

    assert "Warning" not in err.getvalue()
    assert "/api/v1/me/applications/{id}/sections/{key}/" in out.getvalue()


def test_every_paginated_list_documents_the_404_of_a_cursor_it_did_not_give(api, db):
    import yaml

    out = StringIO()
    call_command("spectacular", stdout=out)
    schema = yaml.safe_load(out.getvalue())
    paginated = {
        (path, method): operation["responses"]
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if {p["name"] for p in operation.get("parameters", [])} & {"cursor", "page"}
    }
    assert ("/api/v1/organizations/", "get") in paginated
    assert all("404" in responses for responses in paginated.values())

    response = api.get("/api/v1/organizations/", {"cursor": "not-a-cursor"})
    assert response.status_code == 404
    assert response.json()["error"]["detail"] == "Invalid cursor"
