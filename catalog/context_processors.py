from catalog.selectors import numbering_range_warnings


def numbering_range_health(request):
    """Every signed-in page warns when a sales-invoice range is running out of numbers or days."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"numbering_range_warnings": numbering_range_warnings()}
