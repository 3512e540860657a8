"""The project's URLs minus `invoicing`, so catalog tests do not depend on another app's pages."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("catalogo/", include("catalog.urls")),
    path("admin/", admin.site.urls),
]
