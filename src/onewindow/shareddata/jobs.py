def discard_prefills() -> dict:
    """Prefilled register data not filed within the set hours is deleted (hourly)."""
    from .services import discard_prefills as discard

    return {"discarded": discard()}
