import pytest


@pytest.fixture
def routes(demo):
    """The demo's categories and the departments that take them."""
    from onewindow.hotline.demo import load_routes

    load_routes()
