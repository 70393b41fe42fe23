from django import forms
from django.utils.translation import gettext_lazy as _

from onewindow.shareddata.models import SignedVia
from onewindow.shareddata.services import SharedChoices

from .models import Channel, IdType, MaterialStatus
from .services import STAFF_MATERIAL_STATUSES, Applicant


class ApplicantForm(forms.Form):
    name = forms.CharField(label=_("Applicant's name"), max_length=200)
    id_type = forms.ChoiceField(label=_("ID type"), choices=IdType.choices)
    id_number = forms.CharField(label=_("ID number"), max_length=32)
    phone = forms.CharField(label=_("Mobile phone"), max_length=32, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    # A case from another region's window comes through the cross-region API, never this form.
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(c, label) for c, label in Channel.choices if c != Channel.CROSS_REGION],
        initial=Channel.WINDOW,
    )

    def __init__(self, *args, materials=(), staff=False, held=None, receivers=(), **kwargs):
        """`receivers`: where the item may be filed, the implementing department first; a choice
        only when there is more than one."""
        super().__init__(*args, **kwargs)
        if len(receivers) > 1:
            self.fields["receiving_unit"] = forms.ChoiceField(
                label=_("Received at") if staff else _("Where you file and collect the result"),
                choices=[(d.code, d.tr()) for d in receivers],
                help_text=_("Its one-stop section takes the application in and hands back the result."),
            )
        self.material_fields = []
        self.commitment_fields = []
        self.held = held or {}
        # Data instead of paper: the applicant's e-certificates (with consent) and signed commitments.
        if self.held or staff:
            self.fields["use_certificates"] = forms.BooleanField(
                label=_(
                    "The applicant agrees that the departments use their e-certificates for this application"
                )
                if staff
                else _("I agree that the departments use these e-certificates of mine for this application"),
                required=False,  # never ticked in advance: consent is the applicant's act
            )
        for material in materials:
            if material.commitment_allowed and material.code not in self.held:
                name = f"commit.{material.code}"
                self.fields[name] = forms.BooleanField(
                    label=_("Sign a commitment instead of providing “%(material)s”")
                    % {"material": material.tr()},
                    help_text=material.tr("commitment_text"),
                    required=False,
                )
                self.commitment_fields.append(name)
        if self.commitment_fields:
            if staff:
                self.fields["signed_via"] = forms.ChoiceField(
                    label=_("The commitment is signed"),
                    choices=[(v, label) for v, label in SignedVia.choices if v != SignedVia.ONLINE],
                )
            else:
                self.fields["signed_name"] = forms.CharField(
                    label=_("Your name, as your signature of the commitments you tick"),
                    max_length=200,
                    required=False,
                )
        if not staff:
            self.fields["channel"].choices = [
                (c, label)
                for c, label in Channel.choices
                if c in (Channel.ONLINE, Channel.MOBILE, Channel.POST)
            ]
            self.fields["channel"].initial = Channel.ONLINE
        # Only the window records what it received; applicants upload their files after filing.
        for material in materials if staff else ():
            name = f"m.{material.code}"
            self.fields[name] = forms.ChoiceField(
                label=material.tr(),
                choices=[(c, label) for c, label in MaterialStatus.choices if c in STAFF_MATERIAL_STATUSES],
                initial=MaterialStatus.RECEIVED,
                required=True,
            )
            self.material_fields.append(name)

    def applicant(self) -> Applicant:
        return Applicant(
            **{name: self.cleaned_data[name] for name in ("name", "id_type", "id_number", "phone", "email")}
        )

    def shared_choices(self, prefilled=None) -> SharedChoices:
        commitments = [
            name[len("commit.") :] for name in self.commitment_fields if self.cleaned_data.get(name)
        ]
        signed_via = self.cleaned_data.get("signed_via") or SignedVia.ONLINE
        name = (
            self.cleaned_data["name"]
            if signed_via != SignedVia.ONLINE
            else self.cleaned_data.get("signed_name", "")
        )
        return SharedChoices(
            use_certificates=bool(self.cleaned_data.get("use_certificates")),
            commitments={code: name for code in commitments},
            signed_via=signed_via,
            prefill=prefilled.token if prefilled else "",
        )

    def material_statuses(self) -> dict[str, str]:
        return {name[2:]: self.cleaned_data[name] for name in self.material_fields}
