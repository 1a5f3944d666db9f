"""A published round's result as a bulletin (通报) of the development and reform commission, laid out
after GB/T 9704-2012 by core.output.official_document: the round in a sentence, the sites' ranking,
the counties' ranking, and what the bottom sites must do."""

from docx.shared import Mm

from yancheng.core.output.official_document import OfficialDocument, number_text

AUTHORITY = "衡阳市发展和改革委员会"
NUMBER_PREFIX = "衡发改观"
ADDRESSEE = "各县市区人民政府，市直各有关单位，各园区管委会："
SITE_COLUMNS = ["排名", "项目名称", "县市区", "评分人数", "得分"]
SITE_WIDTHS = [Mm(14), Mm(80), Mm(26), Mm(20), Mm(16)]
COUNTY_COLUMNS = ["排名", "县市区", "观摩项目数", "平均得分"]
COUNTY_WIDTHS = [Mm(14), Mm(60), Mm(40), Mm(42)]


def title_text(observation_round) -> str:
    return f"关于{observation_round.name}评分结果的通报"


def _score(value) -> str:
    return "—" if value is None else f"{value}"


def build(observation_round, results, *, issued, number: str = "") -> bytes:
    number = number if number.isdigit() and len(number) <= 4 else ""
    document = OfficialDocument(authority=AUTHORITY, title=title_text(observation_round))
    document.head(number=number_text(NUMBER_PREFIX, issued.year, number), issued=issued, addressee=ADDRESSEE)
    held = observation_round.held_on
    criteria = "、".join(f"{c.name}（{c.weight}%）" for c in observation_round.criteria.all())
    document.text(
        f"为落实重大项目“现场观摩制”，{held.year}年{held.month}月{held.day}日组织开展了{observation_round.name}，"
        f"共观摩项目{len(results.sites)}个。观摩人员按{criteria}现场评分，每个项目的得分为各观摩人员评分的平均值"
        "（评分人员五人及以上的，去掉一个最高分和一个最低分）。现将结果通报如下："
    )
    document.heading("一、项目得分排名")
    site_lines = [
        [
            str(r.rank or "—"),
            r.site.project.name,
            r.site.project.region.name,
            str(r.observers),
            _score(r.score),
        ]
        for r in results.sites
    ]
    document.table(SITE_COLUMNS, site_lines, widths=SITE_WIDTHS)
    document.heading("二、县市区排名")
    county_lines = [[str(r.rank or "—"), r.name, str(r.sites), _score(r.score)] for r in results.counties]
    document.table(COUNTY_COLUMNS, county_lines, widths=COUNTY_WIDTHS)
    document.heading("三、有关要求")
    scored = [r for r in results.sites if r.score is not None]
    if len(scored) > 3:
        tail = "、".join(r.site.project.name for r in scored[-3:])
        document.text(
            f"请{tail}的业主和责任单位对照观摩中发现的问题，于5个工作日内制定整改措施并报市发展改革委。"
        )
    document.text("各地各单位要学习先进、比学赶超，推动重大项目建设提速提质。")
    return document.close(issued)
