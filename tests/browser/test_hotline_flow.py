"""A phone call from the agent desk round the whole closed loop, in a real browser without JavaScript:
dispatch, a return, re-dispatch, handling, reply, an unhappy callback, reopening and closure."""

import pytest

from onewindow.hotline.models import Ticket

from .test_case_flow import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def step(page, action, **fields):
    form = page.locator(f"#act-{action}")
    for name, value in fields.items():
        control = form.locator(f"[name={name}]")
        if name == "satisfied":
            form.locator(f"input[name=satisfied][value={value}]").check()
        elif control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.get_by_role("button").click()


def status(page) -> str:
    return page.locator("#ticket-status").get_attribute("data-status")


def test_a_phone_ticket_round_the_closed_loop(browser, live_server, demo):
    from onewindow.hotline.demo import load_routes

    load_routes()
    agent = signed_in(browser, live_server, "agent", locale="en-US")
    agent.goto("/hotline/desk/")
    agent.get_by_label("Type").select_option("complaint")
    agent.get_by_label("Subject").fill("单位拖欠三个月薪水")
    agent.get_by_label("What happened, what is asked").fill(
        "我在南城一家电子厂上班，老板已经三个月没发钱了。"
    )
    agent.get_by_label("Name", exact=True).fill("王女士")
    agent.get_by_label("Phone").fill("13800138000")
    agent.get_by_label("Region").select_option("441900003")
    agent.get_by_role("button", name="Register the ticket").click()
    assert "registered" in agent.get_by_role("status").inner_text()
    number = agent.get_by_role("heading", level=1).inner_text().split()[-1]
    assert status(agent) == "registered"  # no routing rule or model is sure: it waits for an agent

    step(agent, "dispatch", department="zj")
    assert status(agent) == "dispatched"

    housing = signed_in(browser, live_server, "reviewer-zj", locale="en-US")
    housing.goto("/hotline/inbox/")
    housing.get_by_role("link", name=number).click()
    step(housing, "return", note="工资拖欠由人社局劳动监察处理")
    assert number not in housing.content()  # back in the inbox, without it

    agent.reload()
    assert status(agent) == "registered"
    step(agent, "dispatch", department="rsj", category="劳动和社会保障")

    labour = signed_in(browser, live_server, "reviewer-rsj", locale="en-US")
    labour.goto("/hotline/inbox/")
    labour.get_by_role("link", name=number).click()
    step(labour, "sign")
    step(labour, "handle", note="劳动监察大队已立案，责令限期支付")
    step(labour, "reply", note="已责令企业在十日内支付拖欠工资。")
    assert status(labour) == "replied"

    agent.goto("/hotline/callbacks/")
    agent.get_by_role("link", name=number).click()
    step(agent, "callback", satisfied="no", note="还没有拿到钱")
    assert status(agent) == "dispatched" and "reopened" in agent.locator("#ticket-status").inner_text()

    labour.goto(f"/hotline/tickets/{number}/")
    step(labour, "sign")
    step(labour, "handle", note="企业已支付全部工资")
    step(labour, "reply", note="企业已于今日支付全部拖欠工资。")

    agent.goto(f"/hotline/tickets/{number}/")
    step(agent, "callback", satisfied="yes")
    assert status(agent) == "closed"

    ticket = Ticket.objects.get(number=number)
    actions = [e.action for e in ticket.events.order_by("at", "id")]
    assert actions == [
        "register", "dispatch", "return", "dispatch", "sign", "handle", "reply", "callback",
        "sign", "handle", "reply", "callback",
    ]  # fmt: skip
    history = agent.locator("#ticket-history li")
    assert history.count() == len(actions) and "reviewer-zj" in history.nth(2).inner_text()
    assert ticket.returns == 1 and ticket.reopened and ticket.satisfied is True
