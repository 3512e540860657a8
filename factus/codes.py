"""Factus API v1 codes the application speaks (the emulator keeps its own copy: it imports nothing
of the app). One home for each: catalog and invoicing import them from here.

Sources: ../shared/factus/API.md and fixtures/static (reference tables).
"""

# Identification document types (Factus ids): the NIT carries a check digit (DV).
NIT_DOCUMENT_ID = 6

# payment_form of a bill.
PAYMENT_FORM_CASH = "1"
PAYMENT_FORM_CREDIT = "2"

# Withholding tribute codes of an item's withholding_taxes, and their names.
RETE_IVA, RETE_RENTA, RETE_ICA = "05", "06", "07"
WITHHOLDING_NAMES = {RETE_IVA: "ReteIVA", RETE_RENTA: "ReteRenta", RETE_ICA: "ReteICA"}
# ReteIVA is a share of the item's IVA; the others of its taxable base.
WITHHOLDING_ON_TAX = frozenset({RETE_IVA})

# A DIAN rule message that rejects the document (others are notifications).
REJECTION_WORD = "Rechazo"

# Credit notes (API.md 4.1; fixtures/static credit_note_correction_codes, credit_note_customization_ids).
# correction_concept_code: why the note corrects the bill.
CORRECTION_PARTIAL_RETURN = "1"  # Devolución parcial de los bienes y/o no aceptación parcial del servicio
CORRECTION_VOID = "2"  # Anulación de factura electrónica
CORRECTION_DISCOUNT = "3"  # Rebaja o descuento parcial o total
CORRECTION_PRICE_ADJUSTMENT = "4"  # Ajuste de precio
CORRECTION_PROMPT_PAYMENT = "5"  # Descuento comercial por pronto pago
CORRECTION_VOLUME = "6"  # Descuento comercial por volumen de ventas
# customization_id: 20 = the note references a bill (the only kind this app issues); 22 = without.
CREDIT_NOTE_REFERENCES_BILL = "20"
