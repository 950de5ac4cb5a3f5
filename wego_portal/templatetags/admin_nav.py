"""The admin's navigation sidebar, rendered in Python.

Django's ``admin/nav_sidebar.html`` includes ``admin/app_list.html``, which encodes the current
path three times for each of the fifty-odd models of the portal: about a tenth of every admin
page's time. ``nav_sidebar`` writes the same markup (the app list as the sidebar shows it,
without change links) from the same ``available_apps``.
"""

from urllib.parse import quote

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()

# Django's own messages, translated by Django's catalogues.
TOGGLE = "Toggle navigation"
SIDEBAR = "Sidebar"
FILTER_PLACEHOLDER = "Start typing to filter…"
FILTER_LABEL = "Filter navigation items"
MODEL_NAME = "Model name"
ADD_LINK = "Add link"
CHANGE_LINK = "Change or view list link"
ADD = "Add"
NOTHING = "You don’t have permission to view or edit anything."


def _within(url, current: str) -> bool:
    """The template's ``url in current`` (false when the model has no URL)."""
    try:
        return url in current
    except TypeError:
        return False


def _model_row(app, model, current: str, add_label: str) -> SafeString:
    model_name = str(model["object_name"]).lower()
    row_id = f"{app['app_label']}-{model_name}"
    url = model.get("admin_url")
    if url:
        name = format_html(
            '<a href="{}"{}>{}</a>',
            url,
            format_html(' aria-current="{}"', "page") if _within(url, current) else "",
            model["name"],
        )
    else:
        name = format_html("{}", model["name"])
    if model.get("add_url"):
        add = format_html(
            '<td><a href="{}" class="addlink" aria-describedby="{}">{}</a></td>',
            model["add_url"],
            row_id,
            add_label,
        )
    else:
        add = format_html("<td>{}</td>", "")
    return format_html(
        '<tr class="model-{}{}"><th scope="row" id="{}">{}</th>{}</tr>',
        model_name,
        " current-model" if _within(url, current) else "",
        row_id,
        name,
        add,
    )


def _app(app, current: str, headers: SafeString, add_label: str) -> SafeString:
    rows = format_html_join(
        "", "{}", ((_model_row(app, model, current, add_label),) for model in app["models"])
    )
    return format_html(
        '<div class="app-{} module{}"><table><caption><a href="{}" class="section">{}</a>'
        "</caption>{}{}</table></div>",
        app["app_label"],
        " current-app" if _within(app.get("app_url"), current) else "",
        app.get("app_url"),
        app["name"],
        headers,
        rows,
    )


@register.simple_tag(takes_context=True)
def nav_sidebar(context) -> SafeString:
    apps = context.get("available_apps")
    request = context.get("request")
    current = quote(request.path) if request is not None else ""
    if apps:
        headers = format_html(
            '<thead class="visually-hidden"><tr><th scope="col">{}</th><th scope="col">{}</th>'
            '<th scope="col">{}</th></tr></thead>',
            gettext(MODEL_NAME),
            gettext(ADD_LINK),
            gettext(CHANGE_LINK),
        )
        add_label = gettext(ADD)
        body = format_html_join(
            "", "{}", ((_app(app, current, headers, add_label),) for app in apps)
        )
    else:
        body = format_html("<p>{}</p>", gettext(NOTHING))
    return format_html(
        '<button class="sticky toggle-nav-sidebar" id="toggle-nav-sidebar" aria-label="{}">'
        '</button><nav class="sticky" id="nav-sidebar" aria-label="{}">'
        '<input type="search" id="nav-filter" placeholder="{}" aria-label="{}">{}</nav>',
        gettext(TOGGLE),
        gettext(SIDEBAR),
        gettext(FILTER_PLACEHOLDER),
        gettext(FILTER_LABEL),
        body,
    )
