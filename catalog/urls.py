from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("clientes/", views.customer_list, name="customer_list"),
    path("clientes/nuevo/", views.CustomerCreate.as_view(), name="customer_create"),
    path("clientes/<int:pk>/editar/", views.CustomerUpdate.as_view(), name="customer_update"),
    path("clientes/<int:pk>/eliminar/", views.customer_delete, name="customer_delete"),
    path("clientes/buscar/", views.customer_search, name="customer_search"),
    path("clientes/dian/", views.acquirer_lookup, name="acquirer_lookup"),
    path("productos/", views.product_list, name="product_list"),
    path("productos/nuevo/", views.ProductCreate.as_view(), name="product_create"),
    path("productos/<int:pk>/editar/", views.ProductUpdate.as_view(), name="product_update"),
    path("productos/<int:pk>/eliminar/", views.product_delete, name="product_delete"),
    path("productos/buscar/", views.product_search, name="product_search"),
    path("unidades/buscar/", views.unit_search, name="unit_search"),
    path("municipios/buscar/", views.municipality_search, name="municipality_search"),
]
