def send():
    """The scheduler's sweep of the outbox (the worker's task does the same right after each change)."""
    from .services import send_pending

    return send_pending()
