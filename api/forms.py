from django import forms


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Nombre del token",
        max_length=100,
        help_text="Para reconocerlo después, p. ej. «Tienda en línea» o «Caja 1».",
        error_messages={
            "required": "Escriba un nombre para el token.",
            "max_length": "Use como máximo 100 caracteres.",
        },
    )
