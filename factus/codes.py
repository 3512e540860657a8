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
