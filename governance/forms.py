from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import Choice, Majority


class BallotForm(forms.Form):
    """One organization's ballot: For / Against / Abstain, or candidates in an election."""

    choice = forms.ChoiceField(
        label=_("Your vote"), choices=Choice.choices, widget=forms.RadioSelect, required=False
    )
    candidates = forms.MultipleChoiceField(
        label=_("Candidates"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, resolution, **kwargs):
        super().__init__(*args, **kwargs)
        self.resolution = resolution
        if resolution.majority == Majority.ELECTION:
            del self.fields["choice"]
            self.fields["candidates"].choices = [
                (c.pk, str(c)) for c in resolution.candidates.select_related("organization")
            ]
            self.fields["candidates"].help_text = _("Choose up to %(n)d.") % {
                "n": resolution.seats_to_fill
            }
        else:
            del self.fields["candidates"]
            self.fields["choice"].required = True

    def clean_candidates(self):
        chosen = self.cleaned_data.get("candidates") or []
        if not chosen:
            raise forms.ValidationError(_("Choose at least one candidate."))
        if len(chosen) > self.resolution.seats_to_fill:
            raise forms.ValidationError(
                _("Choose at most %(n)d candidates.") % {"n": self.resolution.seats_to_fill}
            )
        return [int(c) for c in chosen]


class ProxyForm(forms.Form):
    giver = forms.ChoiceField(label=_("Member giving its proxy"))
    holder = forms.ChoiceField(
        label=_("Member that will vote for it"),
        help_text=_("Another member on this vote's roll."),
    )

    def __init__(self, *args, givers, holders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["giver"].choices = [(o.pk, o.name) for o in givers]
        self.fields["holder"].choices = [("", "—")] + [(o.pk, o.name) for o in holders]


class DelegateForm(forms.Form):
    person = forms.ChoiceField(
        label=_("Person"),
        help_text=_("One of your organization's people in the portal."),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—")] + [
            (u.pk, f"{u.get_full_name() or u.email} <{u.email}>") for u in people
        ]


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt code"),
        max_length=20,
        help_text=_("As shown when you voted, e.g. ABCD-EFGH-JKLM."),
    )

    def clean_receipt(self):
        return self.cleaned_data["receipt"].strip().upper()
