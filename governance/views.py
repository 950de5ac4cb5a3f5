"""The Governance pages (public) and voting in the member portal.

Thin views: check the permission, validate a form, call one service, turn a domain error into
a message. A ballot's receipt code is rendered in the response to the POST that cast it and
kept nowhere else (not in the session, not in a message, not in a URL).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members.models import Organization
from wego_portal.files import private_file_response
from wego_portal.permissions import get_permitted_object_or_404

from . import selectors, services
from .enums import BodyKind, MeetingStatus
from .errors import GovernanceError
from .forms import BallotForm, DelegateForm, ProxyForm, ReceiptForm
from .models import Decision, Delegate, Meeting, MeetingDocument, Vote

PAGE_SIZE = 20
RECEIPTS_PAGE_SIZE = 200


# --- Public ------------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    meetings = selectors.public_meetings()
    today = timezone.now()
    upcoming = [
        m for m in meetings if m.status in {MeetingStatus.PLANNED, MeetingStatus.IN_SESSION}
    ]
    past = Paginator([m for m in meetings if m.status == MeetingStatus.HELD], PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "governance/index.html",
        {
            "bodies": selectors.bodies_with_current_seats(),
            "upcoming": upcoming,
            "past": past,
            "decisions": selectors.published_decisions()[:10],
            "now": today,
            "excom": BodyKind.EXECUTIVE_COMMITTEE,
        },
    )


def decisions(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.published_decisions(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "governance/decisions.html", {"page": page})


def meeting(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        item = selectors.meeting_for_page(slug)
    except Meeting.DoesNotExist:
        raise Http404 from None
    if not request.user.has_perm("governance.view_meeting", item):
        raise Http404
    return render(
        request,
        "governance/meeting.html",
        {
            "meeting": item,
            "documents": selectors.documents_visible_to(request.user, item),
            "resolutions": [
                r for r in item.resolutions.all() if hasattr(r, "decision") and r.decision.published
            ],
        },
    )


def decision(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = selectors.decision_for_page(pk)
    except Decision.DoesNotExist:
        raise Http404 from None
    if not request.user.has_perm("governance.view_decision", item):
        raise Http404
    vote = getattr(item.resolution, "vote", None)
    context = {"decision": item, "vote": vote, "resolution": item.resolution}
    if vote is not None and vote.status == "closed":
        form = ReceiptForm(request.GET or None)
        if form.is_bound and form.is_valid():
            context["receipt_checked"] = form.cleaned_data["receipt"]
            context["receipt_counted"] = (
                selectors.receipts(vote).filter(receipt=form.cleaned_data["receipt"]).exists()
            )
        context["receipt_form"] = form
        context["receipts"] = Paginator(
            selectors.receipts(vote).values_list("receipt", flat=True), RECEIPTS_PAGE_SIZE
        ).get_page(request.GET.get("page"))
        if not vote.secret:
            context["open_ballots"] = selectors.open_ballots(vote)
        candidates = {str(c.pk): c for c in item.resolution.candidates.all()}
        context["candidate_results"] = [
            (candidates[k], n)
            for k, n in sorted(item.results.items(), key=lambda kv: -kv[1])
            if k in candidates
        ]
    return render(request, "governance/decision.html", context)


def document(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_permitted_object_or_404(
        request.user,
        "governance.view_document",
        MeetingDocument.objects.select_related("meeting"),
        pk=pk,
    )
    if not item.file:
        raise Http404
    return private_file_response(item.file, download_name=f"wego-governance-{item.pk}.pdf")


# --- Member portal -----------------------------------------------------------------------------


@login_required
def my_votes(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.votes_for_delegate(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    organizations = [
        link.organization for link in request.user.organization_roles.select_related("organization")
    ]
    return render(
        request,
        "governance/my_votes.html",
        {"page": page, "organizations": organizations, "now": timezone.now()},
    )


def _vote_or_404(request, pk: int) -> Vote:
    return get_permitted_object_or_404(
        request.user,
        "governance.view_vote",
        Vote.objects.select_related("resolution__body", "resolution__meeting"),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    item = _vote_or_404(request, pk)
    resolution = item.resolution
    now = timezone.now()
    electors = {
        e.organization_id: e
        for e in item.electors.filter(
            organization__in=[o for o, _h in services.voting_organizations_for(request.user, item)]
        )
    }
    ballots = []
    receipt = None
    for organization, holder in services.voting_organizations_for(request.user, item):
        elector = electors.get(organization.pk)
        ballots.append(
            {
                "organization": organization,
                "holder": holder,
                "has_voted": elector.has_voted if elector else False,
                "form": BallotForm(resolution=resolution, prefix=f"org{organization.pk}"),
            }
        )
    if request.method == "POST":
        organization_id = request.POST.get("organization", "")
        target = next(
            (b for b in ballots if str(b["organization"].pk) == organization_id.strip()), None
        )
        if target is None:
            raise Http404
        form = BallotForm(
            request.POST, resolution=resolution, prefix=f"org{target['organization'].pk}"
        )
        target["form"] = form
        if form.is_valid():
            try:
                receipt = services.ballot_cast(
                    vote=item,
                    organization=target["organization"],
                    cast_by=request.user,
                    choice=form.cleaned_data.get("choice", ""),
                    candidate_ids=form.cleaned_data.get("candidates", []),
                )
            except GovernanceError as exc:
                form.add_error(None, str(exc))
            else:
                return render(
                    request,
                    "governance/ballot_cast.html",
                    {
                        "vote": item,
                        "resolution": resolution,
                        "organization": target["organization"],
                        "receipt": receipt,
                    },
                )
    return render(
        request,
        "governance/vote.html",
        {
            "vote": item,
            "resolution": resolution,
            "ballots": ballots,
            "is_open": item.is_open_at(now),
            "decision": getattr(resolution, "decision", None),
            "can_give_proxy": any(not b["has_voted"] and b["holder"] is None for b in ballots),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def proxy(request: HttpRequest, pk: int) -> HttpResponse:
    item = _vote_or_404(request, pk)
    own = [o for o, holder in services.voting_organizations_for(request.user, item) if not holder]
    if not own:
        raise Http404
    on_roll = [e.organization for e in item.electors.select_related("organization")]
    holders = [o for o in on_roll if o.pk not in {g.pk for g in own}]
    form = ProxyForm(request.POST or None, givers=own, holders=holders)
    if request.method == "POST" and form.is_valid():
        giver = next(o for o in own if str(o.pk) == form.cleaned_data["giver"])
        holder = next(o for o in holders if str(o.pk) == form.cleaned_data["holder"])
        try:
            services.proxy_give(vote=item, giver=giver, holder=holder, given_by=request.user)
        except GovernanceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(giver)s gave its proxy to %(holder)s; their delegates have been told.")
                % {"giver": giver.name, "holder": holder.name},
            )
            return redirect("governance:vote", pk=item.pk)
    return render(
        request,
        "governance/proxy.html",
        {"vote": item, "resolution": item.resolution, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def delegates(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_permitted_object_or_404(
        request.user, "governance.name_delegates", Organization.objects.all(), slug=slug
    )
    people = [link.user for link in organization.people.select_related("user")]
    form = DelegateForm(request.POST or None, people=people)
    if request.method == "POST":
        try:
            if "end" in request.POST:
                delegate = get_object_or_404(
                    Delegate, pk=request.POST.get("end", "0") or 0, organization=organization
                )
                services.delegate_end(delegate=delegate, ended_by=request.user)
                messages.success(request, _("Delegation withdrawn."))
                return redirect("governance:delegates", slug=organization.slug)
            if form.is_valid():
                person = next(u for u in people if str(u.pk) == form.cleaned_data["person"])
                services.delegate_name(
                    organization=organization, user=person, named_by=request.user
                )
                messages.success(
                    request,
                    _("%(name)s can now vote for %(org)s.")
                    % {"name": person.get_full_name(), "org": organization.name},
                )
                return redirect("governance:delegates", slug=organization.slug)
        except (GovernanceError, ValueError) as exc:
            form.add_error(None, str(exc))
        except PermissionDenied:
            raise Http404 from None
    return render(
        request,
        "governance/delegates.html",
        {
            "organization": organization,
            "delegates": selectors.active_delegates(organization),
            "form": form,
            "seats": selectors.seats_of(organization),
        },
        status=400 if request.method == "POST" else 200,
    )
