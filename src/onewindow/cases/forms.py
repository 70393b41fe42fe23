from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel, IdType, MaterialStatus
from .services import Applicant


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
        for material in materials:
            name = f"m.{material.code}"
            self.fields[name] = forms.ChoiceField(
                label=material.tr(),
                choices=MaterialStatus.choices,
                initial=MaterialStatus.RECEIVED if staff else MaterialStatus.MISSING,
                required=True,
            )
            self.material_fields.append(name)
        if not staff:
            for name in self.material_fields:  # applicants upload later; the window checks the papers
                self.fields[name].widget = forms.HiddenInput()

    def applicant(self) -> Applicant:
        return Applicant(
            **{name: self.cleaned_data[name] for name in ("name", "id_type", "id_number", "phone", "email")}
        )

    def material_statuses(self) -> dict[str, str]:
        return {name[2:]: self.cleaned_data[name] for name in self.material_fields}
