from onewindow.catalog.advice import ONLINE, ONLINE_THEN_WINDOW, POST, WINDOW, Route, channel_advice


def test_advice():
    assert channel_advice([Route(("online",), 0, False)]) == (ONLINE, 0)
    assert channel_advice([Route(("online", "window"), 0, True)]) == (ONLINE, 0)
    assert channel_advice([Route(("online", "window"), 1, True)]) == (ONLINE_THEN_WINDOW, 1)
    assert channel_advice([Route(("window", "post"), 1, True)]) == (WINDOW, 1)
    assert channel_advice([Route(("mobile",), 1, False), Route(("online",), 0, False)]) == (
        ONLINE_THEN_WINDOW,
        1,
    )
    assert channel_advice([Route(("window", "post"), 1, False)]) == (POST, 0)
    assert channel_advice([Route(("window",), 2, True), Route(("online",), 0, False)]) == (WINDOW, 2)
