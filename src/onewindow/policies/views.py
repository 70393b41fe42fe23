"""Pages of the policy library (public), an enterprise's matches, profile, applications and payouts,
a citizen's proactive offers, and the staff's reports: a policy's matches, the test against sample
profiles before publishing, the offers' take-up."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onewindow.core import clock
from onewindow.core.errors import InvalidInput
from onewindow.core.exports import SafeCsvWriter
from onewindow.core.models import APPLICANTS, SUPERVISORS, Role
from onewindow.core.permissions import Forbidden, NotFound

from . import eligibility, outreach, profiles, selectors, services
from .models import TOPICS, Application, EnterpriseProfile, NoticePreference, Payout, Policy, PolicyStatus


def _visible_policy(request, code) -> Policy:
    policy = get_object_or_404(Policy.objects.select_related("item"), code=code)
    if policy.status != PolicyStatus.PUBLISHED and getattr(request.user, "role", "") not in SUPERVISORS:
        raise Http404(_("No such policy."))
    return policy


def library(request):
    today = clock.today()
    topic = request.GET.get("topic", "")
    policies = selectors.open_policies(today, topic if topic in TOPICS else "")
    return render(
        request,
        "policies/library.html",
        {
            "policies": policies,
            "calendar": selectors.calendar(policies),
            "topics": TOPICS,
            "topic": topic,
        },
    )


def calendar_ics(request):
    """The open policies' deadlines as an iCalendar feed (RFC 5545), for a calendar application."""
    today = clock.today()
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//OneWindow//Policy calendar//ZH",
        "CALSCALE:GREGORIAN",
    ]
    for policy in selectors.open_policies(today):
        if policy.valid_until is None:
            continue
        day = policy.valid_until
        lines += [
            "BEGIN:VEVENT",
            f"UID:policy-{policy.code}@onewindow",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
            "SUMMARY:" + _ics_text(_("Deadline: %(title)s") % {"title": policy.title}),
            "URL:" + request.build_absolute_uri(f"/policies/{policy.code}/"),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return HttpResponse("\r\n".join(lines) + "\r\n", content_type="text/calendar; charset=utf-8")


def _ics_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def policy(request, code):
    policy = _visible_policy(request, code)
    context = {"policy": policy, "topic": TOPICS.get(policy.topic, policy.topic)}
    user = request.user
    if user.is_authenticated and user.role == Role.ENTERPRISE and user.verified_id_number:
        profile = services.own_profile(user)
        today = clock.today()
        verdict = selectors.explained(policy, profile.as_profile(), today)
        context.update(
            verdict=verdict,
            reasons=verdict.reasons,
            application=Application.objects.filter(policy=policy, profile=profile)
            .select_related("case")
            .first(),
            payout=Payout.objects.filter(policy=policy, profile=profile).first(),
        )
    context["staff"] = user.is_authenticated and user.role in SUPERVISORS
    return render(request, "policies/policy.html", context)


def _enterprise(request) -> EnterpriseProfile:
    try:
        return services.own_profile(request.user)
    except Forbidden:
        raise Http404(_("Only a verified enterprise account has policy matches.")) from None


@login_required
def my_policies(request):
    profile = _enterprise(request)
    eligible, near = selectors.enterprise_matches(profile, clock.today())
    preference = NoticePreference.objects.filter(user=request.user).first()
    return render(
        request,
        "policies/my_policies.html",
        {
            "profile": profile,
            "eligible": eligible,
            "near": near,
            "applications": Application.objects.filter(profile=profile).select_related("policy", "case"),
            "payouts": Payout.objects.filter(profile=profile).select_related("policy"),
            "topics": TOPICS,
            "preference": preference,
            "chosen": set(preference.topics) if preference else set(),
        },
    )


@login_required
@require_POST
def subscriptions(request):
    _enterprise(request)
    chosen = [t for t in request.POST.getlist("topics") if t in TOPICS]
    outreach.set_preference(request.user, policy_notices="policy_notices" in request.POST, topics=chosen)
    messages.success(request, _("Your notice settings are saved."))
    return redirect("my-policies")


FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "industry": gettext_lazy("Industry (GB/T 4754)"),
    "region": gettext_lazy("Registered region"),
    "size": gettext_lazy("Size class"),
    "founded": gettext_lazy("Founded"),
    "employees": gettext_lazy("Headcount"),
    "revenue": gettext_lazy("Revenue last year (10,000 yuan)"),
    "tax_credit": gettext_lazy("Tax credit grade"),
    "tags": gettext_lazy("Recognitions"),
    "certificates": gettext_lazy("E-certificates held"),
    "approved_items": gettext_lazy("Services with an approved case"),
}
SOURCE_LABELS = {
    "register:enterprise": gettext_lazy("Enterprise register"),
    "certificates": gettext_lazy("Your e-certificates"),
    "cases": gettext_lazy("Your approved cases"),
    "trading": gettext_lazy("Public resource trading"),
    "credit records": gettext_lazy("Credit records"),
    "declared": gettext_lazy("Declared by you"),
}
TAG_LABELS = {
    "high_tech": gettext_lazy("High-tech enterprise"),
    "specialised_new": gettext_lazy("Specialised and new SME"),
    "tech_sme": gettext_lazy("Technology-based SME"),
    "little_giant": gettext_lazy("'Little giant' enterprise"),
    "export": gettext_lazy("Exporter"),
    "startup": gettext_lazy("Start-up"),
    "bid_winner": gettext_lazy("Won a public tender"),
    "credit_barred": gettext_lazy("On a credit bar list"),
}


def _source_of(source: dict | None, profile: EnterpriseProfile) -> tuple[str, str]:
    """(where from, as of) of a profile value, for the page."""
    source = source or profile.sources.get("*") or {}
    kind = source.get("source", "")
    return SOURCE_LABELS.get(kind, kind), source.get("at", "")


@login_required
def my_profile(request):
    profile = _enterprise(request)
    errors = []
    if request.method == "POST":
        try:
            profile, new = profiles.declare(request.user, request.POST)
        except InvalidInput as error:
            errors = error.pairs
        else:
            if new:
                messages.success(
                    request,
                    _("Saved. You now meet the conditions of: %(titles)s.")
                    % {"titles": "; ".join(p.title for p in new)},
                )
            else:
                messages.success(request, _("Saved."))
            return redirect("my-policies-profile")
    rows = []
    for name, label in FIELD_LABELS.items():
        if name == "tags":  # each tag with its own source
            by_tag = profile.sources.get("tag_sources", {})
            rows += [
                (label, TAG_LABELS.get(tag, tag), *_source_of(by_tag.get(tag), profile))
                for tag in profile.tags
            ]
            continue
        value = getattr(profile, name)
        if isinstance(value, list):
            value = ", ".join(value)
        rows.append((label, value, *_source_of(profile.sources.get(name), profile)))
    declared = {name: entry["value"] for name, entry in profile.declared.items()}
    return render(
        request,
        "policies/my_profile.html",
        {
            "profile": profile,
            "rows": rows,
            "declared": declared,
            "declared_tags": set(declared.get("tags", [])),
            "tags": [(code, TAG_LABELS[code]) for code in profiles.TAGS],
            "sizes": eligibility.SIZES,
            "grades": list(reversed(eligibility.TAX_GRADES)),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def apply(request, code):
    policy = _visible_policy(request, code)
    try:
        application = services.apply(request.user, policy)
    except InvalidInput as error:
        messages.error(request, "; ".join(message for _field, message in error.pairs))
        return redirect("policy", code)
    except Forbidden as error:
        raise Http404(str(error)) from None
    messages.success(request, _("Case %(number)s is filed.") % {"number": application.case.number})
    return redirect("case", application.case.pk)


@login_required
def confirm(request, code):
    policy = _visible_policy(request, code)
    profile = _enterprise(request)
    errors = []
    if request.method == "POST":
        try:
            services.confirm_payout(
                request.user, policy, request.POST.get("bank_name", ""), request.POST.get("bank_account", "")
            )
        except InvalidInput as error:
            errors = error.pairs
        else:
            messages.success(
                request, _("Confirmed: the payout is recorded and will be paid into that account.")
            )
            return redirect("policy", code)
    return render(
        request,
        "policies/confirm.html",
        {"policy": policy, "profile": profile, "errors": errors, "values": request.POST},
        status=400 if errors else 200,
    )


def _supervisor(request) -> None:
    if request.user.role not in SUPERVISORS:
        raise Http404(_("Only supervisors and administrators see this."))


@login_required
def matches(request, code):
    _supervisor(request)
    policy = _visible_policy(request, code)
    report = selectors.policy_report(policy, clock.today())
    return render(request, "policies/matches.html", {"policy": policy, "report": report})


@login_required
def matches_csv(request, code):
    """Every eligible enterprise and near miss of a policy as CSV (the page shows the first 50)."""
    _supervisor(request)
    policy = _visible_policy(request, code)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{policy.code}-matches.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read the Chinese names as UTF-8
    out = SafeCsvWriter(response)
    out.writerow(["name", "uscc", "eligible", "missing requirement"])
    out.writerows(
        (name, uscc, "yes" if eligible else "no", missing)
        for name, uscc, eligible, missing in selectors.policy_rows(policy, clock.today())
    )
    return response


SAMPLE_FIELDS = ("industry", "region", "size", "founded", "employees", "revenue", "tax_credit")


@login_required
def test(request, code):
    """The administrator tries a policy against sample profiles before publishing: some enterprises on
    the platform (by USCC) and one typed in."""
    if request.user.role != Role.ADMIN:
        raise Http404(_("Only administrators publish policies."))
    policy = get_object_or_404(Policy, code=code)
    today = clock.today()
    problems = eligibility.validate(policy.rule)
    usccs = request.GET.get("usccs", "")
    samples = []
    chosen = EnterpriseProfile.objects.filter(uscc__in=usccs.split()) if usccs else (
        EnterpriseProfile.objects.order_by("pk")[:5])  # fmt: skip
    if not problems:
        named = [(profile.name, profile.as_profile()) for profile in chosen]
        typed = _typed_profile(request.GET)
        if typed is not None:
            named.append((_("Typed sample"), typed))
        for name, facts in named:
            verdict = selectors.explained(policy, facts, today)
            samples.append((name, verdict, verdict.reasons))
    return render(
        request,
        "policies/test.html",
        {"policy": policy, "problems": problems, "samples": samples, "usccs": usccs, "values": request.GET,
         "sizes": eligibility.SIZES, "grades": list(reversed(eligibility.TAX_GRADES))},
    )  # fmt: skip


def _typed_profile(data) -> eligibility.Profile | None:
    if not any(data.get(name) for name in SAMPLE_FIELDS) and not data.get("tags"):
        return None

    def number(name, kind):
        try:
            return kind(data.get(name, ""))
        except ValueError:
            return None

    try:
        founded = dt.date.fromisoformat(data.get("founded", ""))
    except ValueError:
        founded = None
    return eligibility.Profile(
        industry=data.get("industry", "").strip(),
        region=data.get("region", "").strip(),
        size=data.get("size", ""),
        founded=founded,
        employees=number("employees", int),
        revenue=number("revenue", float),
        tax_credit=data.get("tax_credit", ""),
        tags=frozenset(data.get("tags", "").split()),
        certificates=frozenset(data.get("certificates", "").split()),
    )


@login_required
@require_POST
def publish(request, code):
    policy = get_object_or_404(Policy, code=code)
    try:
        services.publish(request.user, policy)
    except Forbidden:
        raise Http404(_("Only administrators publish policies.")) from None
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return redirect("policy-test", code)
    messages.success(request, _("Published: the enterprises that meet it are being found and told."))
    return redirect("policy", code)


@login_required
def my_offers(request):
    if request.user.role not in APPLICANTS or not request.user.verified_id_number:
        raise Http404(_("Only a verified applicant account has offers."))
    preference = NoticePreference.objects.filter(user=request.user).first()
    return render(
        request,
        "policies/my_offers.html",
        {
            "offers": selectors.offers_of(request.user.verified_id_number),
            "wants_offers": preference.proactive_offers if preference else True,
        },
    )


@login_required
@require_POST
def take_up(request, offer_id):
    try:
        url = outreach.take_up(request.user, offer_id)
    except NotFound:
        raise Http404(_("No such offer.")) from None
    except Forbidden as error:
        messages.error(request, str(error))
        return redirect("my-offers")
    return redirect(url)


@login_required
@require_POST
def decline(request, offer_id):
    try:
        outreach.decline(request.user, offer_id)
    except NotFound:
        raise Http404(_("No such offer.")) from None
    messages.success(request, _("Noted: we will not remind you of it again."))
    return redirect("my-offers")


@login_required
@require_POST
def offer_settings(request):
    if request.user.role not in APPLICANTS:
        raise Http404(_("Only applicants receive offers."))
    outreach.set_preference(request.user, proactive_offers="proactive_offers" in request.POST)
    messages.success(request, _("Your notice settings are saved."))
    return redirect("my-offers")


@login_required
def take_up_report(request):
    _supervisor(request)
    return render(request, "policies/take_up.html", {"rows": selectors.take_up_report()})
