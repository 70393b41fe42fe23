from django.db import connection
from django.http import JsonResponse


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# Public media holds the blank forms and samples departments publish. Uploads are type-checked
# when stored; still, nothing here is ever rendered by the browser as a page or run as a script.
SAFE_MEDIA_TYPES = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def media(request, path):
    from django.conf import settings
    from django.core.exceptions import SuspiciousFileOperation
    from django.http import Http404
    from django.views.static import serve

    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except SuspiciousFileOperation:
        raise Http404("No such file") from None
    content_type = response.get("Content-Type", "").split(";")[0]
    if content_type not in SAFE_MEDIA_TYPES:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def report_refusal(request, error: Exception) -> None:
    """A refused action on a page: each field's message, or the refusal itself, as an error message."""
    from django.contrib import messages

    from .errors import InvalidInput

    problems = (
        [problem.message for problem in error.errors] if isinstance(error, InvalidInput) else [str(error)]
    )
    for text in problems:
        messages.error(request, text)


LARGE_TEXT_COOKIE = "ow_large"


def large_text(request):
    """The ageing-friendly switch (适老化) on every public page: larger text and higher contrast,
    kept in a cookie so that it survives navigation; works without JavaScript (a form post)."""
    from django.http import HttpResponseNotAllowed, HttpResponseRedirect
    from django.utils.http import url_has_allowed_host_and_scheme

    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.POST.get("large") == "1":
        response.set_cookie(LARGE_TEXT_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    else:
        response.delete_cookie(LARGE_TEXT_COOKIE, samesite="Lax")
    return response
