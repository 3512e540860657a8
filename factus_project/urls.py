from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from core import views as core_views
from factus_project.api import api, not_found
from reports import views as report_views

urlpatterns = [
    path("", report_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("facturas/", include("invoicing.urls")),
    path("notas-credito/", include("invoicing.credit_note_urls")),
    path("catalogo/", include("catalog.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/", not_found),
    path("perfil/", include("api.urls")),
    path("informes/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
