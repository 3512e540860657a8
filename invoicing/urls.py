from django.urls import path

from invoicing import views

app_name = "invoicing"

urlpatterns = [
    path("", views.invoice_list, name="invoice_list"),
    path("nueva/", views.invoice_create, name="invoice_create"),
    path("totales/", views.invoice_totals, name="invoice_totals"),
    path("exportar.csv", views.invoice_export, name="invoice_export"),
    path("importar/", views.invoice_import, name="invoice_import"),
    path("emitir/", views.invoice_bulk_issue, name="invoice_bulk_issue"),
    path("emisiones/<int:pk>/", views.bulk_run_detail, name="bulk_run_detail"),
    path("<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("<int:pk>/editar/", views.invoice_update, name="invoice_update"),
    path("<int:pk>/emitir/", views.invoice_submit, name="invoice_submit"),
    path("<int:pk>/duplicar/", views.invoice_duplicate, name="invoice_duplicate"),
    path("<int:pk>/imprimir/", views.invoice_print, name="invoice_print"),
    path("<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("<int:pk>/xml/", views.invoice_xml, name="invoice_xml"),
    path("<int:pk>/correo/", views.invoice_email, name="invoice_email"),
    path("<int:pk>/eliminar/", views.invoice_delete, name="invoice_delete"),
    # Credit notes made from the invoice (the notes themselves: invoicing/credit_note_urls.py).
    path("<int:pk>/notas-credito/anular/", views.credit_note_void, name="credit_note_void"),
    path("<int:pk>/notas-credito/nueva/", views.credit_note_create, name="credit_note_create"),
    path("<int:pk>/notas-credito/totales/", views.credit_note_totals, name="credit_note_totals"),
]
