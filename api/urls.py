from django.urls import path

from api import views

urlpatterns = [
    path("", views.profile, name="profile"),
    path("tokens/", views.tokens, name="api_tokens"),
    path("tokens/<int:pk>/revocar/", views.token_revoke, name="api_token_revoke"),
]
