from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from onewindow.api import api
from onewindow.core import views as core_views
from onewindow.core.login import LoginView

urlpatterns = [
    # First: every API request would otherwise be tried against each page's pattern before it.
    path("api/v1/", api.urls),
    path("", include("onewindow.catalog.urls")),
    path("", include("onewindow.cases.urls")),
    path("", include("onewindow.hall.urls")),
    path("", include("onewindow.evaluation.urls")),
    path("", include("onewindow.workbench.urls")),
    path("", include("onewindow.hotline.urls")),
    path("", include("onewindow.knowledge.urls")),
    path("", include("onewindow.certificates.urls")),
    path("", include("onewindow.shareddata.urls")),
    path("", include("onewindow.crossregion.urls")),
    path("", include("onewindow.trading.urls")),
    path("", include("onewindow.policies.urls")),
    path("", include("onewindow.payments.urls")),
    path("", include("onewindow.chat.urls")),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", core_views.healthz, name="healthz"),
    path("display/large-text/", core_views.large_text, name="large-text"),
    # The admin's own login would be a second, unthrottled door: it is the same throttled view.
    path("admin/login/", LoginView.as_view(), name="admin-login"),
    path("admin/", admin.site.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    # Blank forms and samples published by departments; uploads are type-checked when stored.
    path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", core_views.media, name="media"),
]
