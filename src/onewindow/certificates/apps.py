from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "onewindow.certificates"
    label = "certificates"
    verbose_name = _("E-certificates")

    def ready(self):
        from onewindow.core import seals
        from onewindow.core.events import event_recorded

        from .issuing import on_event
        from .pdf import sign_pdf
        from .services import attest, check_attestation

        event_recorded.connect(on_event, dispatch_uid="certificates-issue-on-approval")
        seals.register(sign_pdf)  # the cases' receipts and decisions are sealed like certificates
        seals.register_attestation(attest, check_attestation)  # the windows' scans
