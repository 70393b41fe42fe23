"""The hotline's demo data: categories and their departments, synonyms, a knowledge base linked to
the catalog, and months of tickets with a spike (written by ops.history through the real services)."""

from __future__ import annotations

from onewindow.catalog.models import Department
from onewindow.core.models import User

from .models import CategoryRoute

# The seven first-level categories of the development data (docs/hotline.md), the demo city's
# departments that take them, and a few rule keywords (a keyword decides without the model).
ROUTES = [
    ("劳动和社会保障", "labour", "rsj", "社保,养老金,工资,劳动合同"),
    ("城乡建设", "urban", "zj", "物业,供暖,小区,房屋"),
    ("教育文体", "education", "mz", "学校,幼儿园"),
    ("卫生计生", "health", "wjj", "医院,疫苗"),
    ("交通运输", "transport", "ga", "公交,路口,红绿灯"),
    ("商贸旅游", "commerce", "scjg", "商家,消费,退款"),
    ("环境保护", "environment", "zrzy", "噪音,污染,排放"),
]


def load_routes() -> int:
    made = 0
    for category, code, department, keywords in ROUTES:
        _route, created = CategoryRoute.objects.update_or_create(
            category=category,
            defaults={
                "code": code,
                "department": Department.objects.get(code=department),
                "keywords": keywords,
            },
        )
        made += created
    return made


SYNONYMS = ["社保, 社会保险", "医保, 医疗保险, 医疗保障", "公积金, 住房公积金", "营业执照, 执照",
            "身份证, 居民身份证", "退休, 养老, 领取养老金", "不动产, 房产, 房产证"]  # fmt: skip

# Ordinary requests per category: (type, title, body); {place} and {n} vary. The demo's model learns
# from these (the product needs no outside data), and months of them make the hot spots' baseline.
MESSAGES = {
    "劳动和社会保障": [
        ("complaint", "公司拖欠工资", "{place}一家工厂已经拖欠{n}个月工资，老板一直推脱，请劳动监察处理。"),
        ("consultation", "社保断缴怎么补", "换工作中间断缴了{n}个月社保，请问可以补缴吗？去哪里办？"),
        ("consultation", "养老金什么时候到账", "我上个月刚办完退休，养老金什么时候开始发放？"),
        ("complaint", "单位不签劳动合同", "在{place}上班{n}个月了，单位一直不签劳动合同也不买社保。"),
    ],
    "城乡建设": [
        (
            "complaint",
            "小区物业乱收费",
            "{place}某小区物业今年突然上调物业费，业主没有同意，请住建部门核查。",
        ),
        ("report", "路面塌陷", "{place}路口有一处路面塌陷，直径约{n}米，晚上很危险。"),
        ("help", "楼道灯坏了没人修", "{place}老旧小区楼道灯坏了{n}周，物业不管，老人上下楼不方便。"),
        ("suggestion", "建议增加停车位", "{place}附近停车太难，建议规划建设公共停车场。"),
    ],
    "教育文体": [
        (
            "consultation",
            "孩子入学需要什么材料",
            "孩子今年上一年级，非户籍学生在{place}入学需要准备哪些材料？",
        ),
        ("complaint", "培训机构不退费", "{place}一家培训机构关门了，交的{n}千元学费不退。"),
        ("suggestion", "建议开放学校操场", "建议周末开放{place}中小学操场给居民锻炼。"),
    ],
    "卫生计生": [
        ("complaint", "医院挂号难", "{place}人民医院专家号很难挂，排队{n}个小时还挂不上。"),
        ("consultation", "新生儿疫苗在哪里打", "宝宝刚出生，在{place}哪个社区卫生服务中心可以打疫苗？"),
        ("praise", "感谢医护人员", "感谢{place}医院急诊科的医生护士，耐心细致。"),
    ],
    "交通运输": [
        ("complaint", "公交车经常晚点", "{place}方向的公交车经常晚点{n}十分钟，上班很不方便。"),
        ("suggestion", "建议增设红绿灯", "{place}学校门口路口车多，建议增设红绿灯和斑马线。"),
        ("report", "出租车拒载", "在{place}打车，出租车司机拒载还态度恶劣。"),
    ],
    "商贸旅游": [
        ("complaint", "商家拒绝退款", "在{place}商场买的东西质量有问题，商家拒绝退款。"),
        ("report", "超市销售过期食品", "{place}一家超市在卖过期{n}天的牛奶。"),
        ("consultation", "消费券怎么使用", "政府发的消费券在{place}哪些商家可以用？"),
    ],
    "环境保护": [
        ("complaint", "夜间施工噪音扰民", "{place}工地每天晚上施工到十二点，噪音很大，影响休息。"),
        ("report", "工厂偷排污水", "{place}河边有工厂晚上偷排污水，河水发黑发臭。"),
        ("complaint", "餐馆油烟污染", "{place}楼下餐馆油烟直排，家里窗户都不敢开。"),
    ],
}
PLACES = [("南城街道", "441900003"), ("石龙镇", "441900109"), ("石龙镇西湖社区", "441900109001")]
# The demo's hot spot: heating in one estate goes cold in the last days.
SPIKE = (
    "complaint",
    "翠湖花园暖气不热",
    "翠湖花园{n}栋暖气一直不热，室温只有十几度，物业说是锅炉故障，一直没修好。",
)
SPIKE_PLACE = ("石龙镇西湖社区翠湖花园", "441900109001")


def example_messages(rng) -> list[dict]:
    """Training examples for the demo's model, written like the tickets (other places and numbers)."""
    examples = []
    for category, messages in MESSAGES.items():
        for _round in range(6):
            for _type, title, body in messages:
                place = rng.choice(["东城街道", "万江街道", "虎门镇", "长安镇", "松山湖"])
                examples.append(
                    {
                        "title": title,
                        "body": body.format(place=place, n=rng.randint(2, 9)),
                        "category": category,
                    }
                )
    return examples


DEMO_DAYS, DEMO_SEED, TICKETS_PER_DAY = 120, 12345, 3.0


def load_synonyms() -> None:
    from onewindow.knowledge.models import Synonym

    for words in SYNONYMS:
        Synonym.objects.get_or_create(words=words)


def load_articles() -> int:
    """Two articles per published catalog item (its materials; its time limit and where to go), each
    written by the item's department and published by a supervisor, like any other."""
    from onewindow.catalog.selectors import published_items
    from onewindow.knowledge import services as knowledge
    from onewindow.knowledge.models import Article

    if Article.objects.exists():
        return 0
    author, reviewer = User.objects.get(username="admin"), User.objects.get(username="supervisor")
    made = 0
    for item in published_items().select_related("department").prefetch_related("materials"):
        name = item.name
        materials = "、".join(m.name for m in item.materials.all()) or "无需提交材料"
        days = item.promised_days
        when = "当场办结" if item.immediate else (f"承诺 {days} 个工作日内办结" if days else "按规定时限办结")
        where = item.location or item.department.address or item.department.name
        drafts = [
            (f"办理{name}需要什么材料？", f"办理{name}一般需要：{materials}。具体以情形引导给出的清单为准。"),
            (
                f"{name}要多久？在哪里办？",
                f"{name}{when}。办理地点：{where}。咨询电话：{item.department.phone}。",
            ),
        ]
        for question, answer in drafts:
            draft = knowledge.ArticleDraft(question, answer, item.department.code, [item.code])
            knowledge.review_article(knowledge.write_article(draft, author), reviewer, publish=True)
            made += 1
    return made


def _act(ticket, action, user, moment, **kwargs):
    from onewindow.core import clock

    from . import services

    with clock.at(moment):
        return services.act(ticket, action, user, **kwargs)


def load_demo_hotline(days: int = DEMO_DAYS, seed: int = DEMO_SEED) -> dict:
    """Routes, synonyms, the knowledge base, a routing model trained on the demo's own examples, and
    `days` of tickets through the real services (the last days with a burst about one estate's
    heating). Only into an empty ticket table; returns what was made."""
    import datetime as dt
    import random
    from pathlib import Path

    from django.conf import settings
    from django.utils import timezone

    from onewindow.cases.notifications import notices_held_back
    from onewindow.core import clock

    from . import services
    from .models import HotlineSettings, Ticket
    from .routing import META_FILE, RoutingModel

    load_routes()
    load_synonyms()
    made = {"articles": load_articles()}
    if Ticket.objects.exists():
        return made
    if not HotlineSettings.objects.exists():
        HotlineSettings.objects.create()
    rng = random.Random(seed)
    folder = Path(settings.HOTLINE_MODEL_DIR)
    if not (folder / META_FILE).is_file():
        RoutingModel.train(example_messages(rng)).save(folder)
    routes = {r.category: r for r in CategoryRoute.objects.select_related("department")}
    users = {u.username: u for u in User.objects.filter(username__in=["agent", "supervisor"])}
    reviewers = {u.department_id: u for u in User.objects.filter(username__startswith="reviewer-")}
    today = clock.today()
    tickets = 0
    with notices_held_back():
        for back in range(days, 0, -1):
            day = today - dt.timedelta(days=back)
            count = max(0, round(rng.gauss(TICKETS_PER_DAY, 1.2)))
            plan = [(rng.choice(list(MESSAGES)), None) for _ in range(count)]
            if back <= 5:
                plan += [(None, SPIKE)] * rng.randint(4, 6)
            for category, spike in plan:
                ticket_type, title, body = spike or rng.choice(MESSAGES[category])
                place, region = SPIKE_PLACE if spike else rng.choice(PLACES)
                moment = timezone.make_aware(dt.datetime.combine(day, dt.time(8))) + dt.timedelta(
                    minutes=rng.randint(0, 600)
                )
                data = services.TicketInput(
                    ticket_type=ticket_type, title=title, body=body.format(place=place, n=rng.randint(2, 9)),
                    caller_name=rng.choice(["陈先生", "李女士", "王先生", "张女士", "刘先生"]),
                    caller_phone=f"139{rng.randint(10000000, 99999999)}", address=place, region=region,
                )  # fmt: skip
                with clock.at(moment):
                    ticket = services.register(data, users["agent"])
                tickets += 1
                _work_on(
                    ticket, spike and "城乡建设" or category, back, moment, users, reviewers, routes, rng
                )
    made["tickets"] = tickets
    return made


def _work_on(ticket, category, back, moment, users, reviewers, routes, rng) -> None:
    """Takes a demo ticket as far through the loop as its age allows."""
    import datetime as dt

    from . import states

    agent, supervisor = users["agent"], users["supervisor"]
    step = dt.timedelta(hours=2)
    if ticket.status == states.REGISTERED and ticket.ticket_type == "consultation" and rng.random() < 0.5:
        _act(ticket, "answer", agent, moment + step, note="已按知识库答复来电人。")
        return
    route = routes[category]
    if ticket.status == states.DISPATCHED and ticket.department_id != route.department_id:
        # Routed automatically to the wrong department, which returns it.
        ticket = _act(
            ticket, "return", reviewers[ticket.department_id], moment + step, note="不属于本部门职责"
        )
    if ticket.status == states.REGISTERED:
        if rng.random() < 0.06:  # first sent to the wrong department, which returns it
            wrong = rng.choice([r for r in routes.values() if r.category != category])
            _act(ticket, "dispatch", agent, moment + step, department=wrong.department.code)
            _act(ticket, "return", reviewers[wrong.department_id], moment + 2 * step, note="不属于本部门职责")
        _act(
            ticket, "dispatch", agent, moment + 3 * step, department=route.department.code, category=category
        )
    handler = reviewers[route.department_id]
    if back <= 1:
        return
    _act(ticket, "sign", handler, moment + dt.timedelta(days=1))
    if back <= 3:
        return
    _act(ticket, "handle", handler, moment + dt.timedelta(days=2), note="已联系相关单位处理。")
    _act(
        ticket,
        "reply",
        handler,
        moment + dt.timedelta(days=2, hours=2),
        note="经核查，问题已处理，感谢反映。",
    )
    if back <= 4:
        return
    happy = rng.random() < 0.85
    _act(ticket, "callback", agent, moment + dt.timedelta(days=3), satisfied=happy, note="")
    if not happy:
        _act(ticket, "sign", handler, moment + dt.timedelta(days=3, hours=3))
        _act(ticket, "handle", handler, moment + dt.timedelta(days=4), note="再次到现场处理。")
        _act(ticket, "reply", handler, moment + dt.timedelta(days=4, hours=1), note="已再次处理。")
        _act(ticket, "callback", agent, moment + dt.timedelta(days=5), satisfied=True)
    del supervisor
