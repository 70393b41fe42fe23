from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel, IdType, MaterialStatus
from .services import STAFF_MATERIAL_STATUSES, Applicant


class ApplicantForm(forms.Form):
    name = forms.CharField(label=_("Applicant's name"), max_length=200)
    id_type = forms.ChoiceField(label=_("ID type"), choices=IdType.choices)
    id_number = forms.CharField(label=_("ID number"), max_length=32)
    phone = forms.CharField(label=_("Mobile phone"), max_length=32, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.WINDOW)

    def __init__(self, *args, materials=(), staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.material_fields = []
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

    def material_statuses(self) -> dict[str, str]:
        return {name[2:]: self.cleaned_data[name] for name in self.material_fields}
