"""Each role's start page: where a person lands after logging in."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from onewindow.core.charts import bars
from onewindow.core.models import APPLICANTS, SUPERVISORS, Role

from . import selectors


@login_required
def start(request):
    user = request.user
    if user.role in APPLICANTS:
        from onewindow.policies.selectors import applicant_summary

        context = {"kind": "applicant", **selectors.applicant(user), **applicant_summary(user)}
    elif user.role == Role.CLERK:
        context = {"kind": "clerk", **selectors.clerk(user)}
    elif user.role == Role.AGENT:
        context = {"kind": "agent", **selectors.agent(user)}
    elif user.role == Role.REVIEWER:
        context = {"kind": "reviewer", **selectors.reviewer(user)}
    elif user.role == Role.TRADING:
        from onewindow.trading.selectors import staff_summary

        context = {"kind": "trading", **staff_summary()}
    elif user.role in SUPERVISORS:
        context = {"kind": "supervisor", **selectors.supervisor(user)}
        context["filed_chart"] = bars(context["filed_by_day"], _("Cases filed per day"))
        from onewindow.catalog import calendars
        from onewindow.core import clock

        context["calendar_warnings"] = calendars.missing_next_year(clock.today())
        context["next_year"] = clock.today().year + 1
    else:
        context = {"kind": "other"}
    from onewindow.core import clock

    context["today"] = clock.today()
    return render(request, "workbench/start.html", context)
