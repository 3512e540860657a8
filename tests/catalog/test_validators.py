import pytest

from catalog.validators import compute_dv, identification_error


@pytest.mark.parametrize(
    ("nit", "dv"),
    [
        ("900825759", 7),
        ("901724254", 1),
        ("800197268", 4),
        ("890903938", 8),
        ("899999068", 1),
        ("1000789002", 2),
    ],
)
def test_dv_of_known_nits(nit, dv):
    assert compute_dv(nit) == dv


@pytest.mark.parametrize("bad", ["", "90082575A", "900-825", "1" * 16, "٣٣٣"])
def test_dv_rejects_non_digits(bad):
    with pytest.raises(ValueError, match="NIT"):
        compute_dv(bad)


@pytest.mark.parametrize(
    ("document_id", "number", "message"),
    [
        (6, "900.825.759", "Escriba el NIT con dígitos"),
        (6, "900825759-7", "Escriba el NIT con dígitos"),
        (6, "1" * 16, "más de 15"),
        (3, "12 345", "solo admite dígitos"),
        (7, "AB 123", "letras, dígitos y guiones"),
    ],
)
def test_identification_errors(document_id, number, message):
    assert message in identification_error(document_id, number)


@pytest.mark.parametrize(("document_id", "number"), [(6, "900825759"), (3, "1020304050"), (7, "AB-123")])
def test_identification_ok(document_id, number):
    assert identification_error(document_id, number) is None
