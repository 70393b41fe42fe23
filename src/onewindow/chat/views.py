from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from onewindow.core.errors import InvalidInput
from onewindow.core.models import APPLICANTS
from onewindow.integrations import partners

from . import selectors, services


@login_required
def notices(request):
    """How the applicant hears about their cases: email, SMS, chat (and linking their chat account)."""
    if request.user.role not in APPLICANTS:
        raise Http404(_("Only applicants choose their notice channels."))
    errors, status = [], 200
    if request.method == "POST":
        action = request.POST.get("action", "channels")
        try:
            if action == "code":
                services.new_link_code(request.user)
            elif action == "unlink":
                services.unlink(request.user)
            else:
                services.set_channels(
                    request.user, **{name: bool(request.POST.get(name)) for name in ("email", "sms", "chat")}
                )
                messages.success(request, _("Your notice channels are saved."))
        except InvalidInput as error:
            errors, status = [(e.field, e.message) for e in error.errors], 400
        else:
            return redirect("notices")
    return render(
        request,
        "chat/notices.html",
        {**selectors.notice_settings(request.user), "errors": errors},
        status=status,
    )


@csrf_exempt
@require_POST
def events(request):
    """Users' messages from the chat platform, signed (Standard Webhooks over method, path and body)."""
    try:
        outcome = services.receive_event(request.method, request.path, dict(request.headers), request.body)
    except partners.VerificationError as refused:
        return JsonResponse({"error": str(refused)}, status=401)
    except ValueError as bad:
        return JsonResponse({"error": str(bad)}, status=400)
    return JsonResponse({"status": outcome})
