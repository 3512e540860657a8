"""The credit notes' own pages (``/notas-credito/``); those made from an invoice are in invoicing/urls.py."""

from django.urls import path

from invoicing import views

app_name = "credit_notes"

urlpatterns = [
    path("", views.credit_note_list, name="list"),
    path("exportar.csv", views.credit_note_export, name="export"),
    path("<int:pk>/", views.credit_note_detail, name="detail"),
    path("<int:pk>/editar/", views.credit_note_update, name="update"),
    path("<int:pk>/emitir/", views.credit_note_submit, name="submit"),
    path("<int:pk>/pdf/", views.credit_note_pdf, name="pdf"),
    path("<int:pk>/xml/", views.credit_note_xml, name="xml"),
    path("<int:pk>/correo/", views.credit_note_email, name="email"),
    path("<int:pk>/eliminar/", views.credit_note_delete, name="delete"),
]
