"""Demo ledger for 重大项目调度 (issue 11 item 8): Hengyang's major projects of the current year, with
their plans, monthly reports to last month, site photos and history.

``manage.py load_demo`` calls ``load`` after the core demo (regions, units, the 200 enterprises, one login
per role) and the other apps' demos. What it adds:

- the development and reform commission (衡阳市发展和改革委员会, unit ``city-drc``) named in
  ``ProjectRules`` (row 1; an administrator's choice, once made, is kept); its official ``fagaiwei`` keeps
  the ledger; six city leaders (联系市领导) besides ``leader``, who have no login (an unusable password);
  two officials in each responsible unit that has fewer (the parks the core demo adds have none), and
  one owner user (``yz-<last six of the USCC>``, password ``DEMO_PASSWORD``) for each owner enterprise
  that has no enterprise user yet;
- the ledger (about 220 projects over the 12 counties and the five parks): the seed's 9 + 15 + 148
  industrial projects (产业项目, GB/T 4754 manufacturing divisions 13–43 and power 44), and about 50
  non-industrial ones (roads 48/54, schools 83, hospitals 84, water 76, urban renewal 47, sewage 77 …),
  owned by enterprises of the register or, for government investment, by a unit;
- for each project a plan for the year with two to four milestones, and its monthly reports from January
  (or the month it entered the ledger) to last month, with milestone statuses, a few corrections, a few
  returned and filed again, a few waiting for confirmation, a few missing; site photos (generated JPEGs
  with EXIF time and place) on the reports of the last two months of about a third of the projects; the
  project events (entry, plan, stage changes, reports, confirmations, reminders).

Levels. The seed counts 9, 15 and 148 separately; in reality the nine provincial major projects are
usually provincial and city key projects too. Here every industrial project carries exactly one of the
three levels (Level.PROVINCIAL_MAJOR, PROVINCIAL_KEY, CITY_KEY), so the counts are exactly 9, 15 and 148;
the non-industrial projects are provincial key (8) or city key (34); a few projects (8, three of them
industrial) are county key only, some of them entered the ledger during the year.

The figures. Completion rate (figures.completion) = the in-force reports' completed investment this year
through last month ÷ the year's planned investment. The plans and reports are generated so that, for the
industrial projects of each level, it comes out at the seed's 121.6 %, 125.1 % and 117.3 %: the
year-to-date total of a level is its planned total × the rate (in units of 100 yuan, so the quotient is
the rate to within 10⁻⁶ %), spread over its projects (by stage: a project in 前期 has spent little, one
completed this year more) and over the months that have a report in force (lower at the Spring Festival,
higher towards the year's end); the last project's share takes the rounding. Versions that are not in
force (superseded, returned, waiting for confirmation) carry their own amounts and change nothing. The
non-industrial city key plans are sized so that the industrial share of the city key plan
(figures.industrial_share) is 65.6 % (at least 65.60 before rounding: the seed's "65.6%以上"). Nothing of
this is stored: the platform computes the figures from the rows, and ``load`` prints what it computed.

The year. "Current year" and "last month" come from the platform's clock (yancheng.core.clock.now(),
Asia/Shanghai) through reporting.period_due: on 2 December 2026 the ledger is 2026's with reports for
January–November. Loaded in January, there is no last month this year: the ledger is then the previous
year's, reported to December (period_due gives December of the previous year), which is also what the
commission looks at in January.

Late and missing reports, as the platform shows them (reporting.status_of, reporting.overdue_projects):

- last month: most reports are confirmed, about one in six is waiting for confirmation (待确认: it counts
  only once the responsible unit confirms it — ``leiyangshi`` has some for 耒阳市, ``yezhu`` has one of its
  own waiting and one still to file), about one in five is not filed yet and one in twenty-five was
  returned and must be filed again. Before the deadline (the 5th working day, 7 December 2026) these show
  as 待报送; after it, as 逾期未报, and reporting.overdue_projects lists them;
- so that lateness is visible on any day, five projects have no report for the month before last (two
  of them none for the month before that either): 逾期未报 in red, with the reminder (催报) the worker
  would have sent the day after the deadline (ReportReminder and a REMINDED event);
- eight reports of the last few months were filed after their deadline (filed_at past reporting.due_at),
  confirmed, with the reminder that preceded them.

Plans (备案监督制, plans.py): every project's year plan is an approved version 1 set by the commission,
with a monthly plan shaped by the season (``SEASON``); four projects had a version 2 approved during
the year with its reason (a milestone added, another's day moved a month later), and two, one of them
``yezhu``'s, have a version 2 filed by the owner and waiting for ``fagaiwei``'s approval.

Rows are written with bulk_create, not through ``actions`` (which stamp the current time and write an
audit entry per change); the demo writes no audit entries, like the other apps' demos.

Safe to run twice: people are found by username, and the ledger is written once — when a demo report
(``submission_key`` ``demo-prj-…``) or a demo project code exists, it is left as it is (run in a later
month, the months since show as missing, which is what they would be). Photos are files named after
what they show (project code, month, a digest of the picture's text), so a second load over the same
media directory reuses them. Everything random comes from seeded ``random.Random``."""

import bisect
import functools
import hashlib
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from yancheng.core import clock, workdays
from yancheng.core.management.commands.load_demo import DEMO_PASSWORD
from yancheng.core.models import Enterprise, Person, PersonRole, Unit
from yancheng.core.roles import Role
from yancheng.core.validators import make_project_code

from . import figures
from .choices import REPORTING_STAGES, EventKind, Level, MilestoneStatus, PlanState, ReportState, Stage
from .models import (
    AnnualPlan,
    Milestone,
    MilestoneProgress,
    MonthlyReport,
    PlanVersion,
    Project,
    ProjectEvent,
    ProjectLevel,
    ProjectRules,
    ReportPhoto,
    ReportReminder,
    refresh_completed,
    refresh_met,
)
from .reporting import due_at, month_end, overdue_projects, period_due, statuses_for

SEED = 430400 + 11
KEY_PREFIX = "demo-prj-"
COMMISSION = "city-drc"
COMMISSION_LOGIN, COUNTY_LOGIN, OWNER_LOGIN = "fagaiwei", "leiyangshi", "yezhu"
COUNTY_LOGIN_UNIT = "county-430481"

# The seed's figures: industrial projects per level and their completion rates; the industrial share of
# the city key plan.
TARGETS = {
    Level.PROVINCIAL_MAJOR: (9, Decimal("121.6")),
    Level.PROVINCIAL_KEY: (15, Decimal("125.1")),
    Level.CITY_KEY: (148, Decimal("117.3")),
}
INDUSTRIAL_SHARE = Decimal("65.6")
COUNTY_INDUSTRIAL = 3
# Amounts: plans in whole 万元, monthly reports in 0.01 万元 (100 yuan), as officials write them.
PLAN_UNIT = 10_000
REPORT_UNIT = 100
PHOTO_BUDGET = 260
PHOTO_SIZE = (800, 600)
THUMB_SIZE = (400, 300)  # within photos.THUMBNAIL_SIZE, made by halving

# City leaders who are contacts of projects (联系市领导), besides the ``leader`` login (周建华, 副市长).
LEADERS = [
    ("leader-tan", "谭湘平", "市委副书记、市长"),
    ("leader-he", "贺国栋", "市委常委、常务副市长"),
    ("leader-luo", "罗振华", "副市长"),
    ("leader-zeng", "曾德胜", "副市长"),
    ("leader-yi", "易春梅", "副市长"),
    ("leader-liao", "廖立军", "市委常委、副市长"),
]
MAJOR_LEADERS = ("leader-tan", "leader-he", "leader")
KEY_LEADERS = ("leader-he", "leader", "leader-luo", "leader-zeng", "leader-yi", "leader-liao")

# Officials created for units that have fewer than two (username stem).
OFFICIAL_STEMS = {"leiyang-zone": "leiyangjk", "shuikoushan-zone": "shuikoushan"}
OFFICIAL_TITLES = ("重点项目服务中心主任", "项目建设办公室副主任", "经济发展局科员")

SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗谢彭曾邓唐蒋谭廖邹欧阳贺龚文旷颜"
_GIVEN_NAMES = (
    "建军 海波 晓玲 志华 湘东 岳峰 卫平 丽娟 文杰 国华 新华 红艳 小军 永平 德华 春林 秋云 衡军 雁平 振宇 "
    "俊峰 明辉 佳琪 宏亮 子涵 立新 建湘 思源 家乐 平安 学军 爱华 桂英 玉兰 向东 志明 雪梅 金花 光辉 胜利"
)
GIVEN_NAMES = _GIVEN_NAMES.split()

# County seats and towns: (name, latitude, longitude, towns). All inside Hengyang (26.1–27.5 N,
# 111.9–113.3 E).
COUNTY_PLACES = {
    "430405": ("珠晖区", 26.895, 112.650, ("茶山坳镇", "和平乡", "酃湖乡")),
    "430406": ("雁峰区", 26.870, 112.605, ("岳屏镇", "白沙洲街道")),
    "430407": ("石鼓区", 26.945, 112.600, ("角山镇", "松木街道")),
    "430408": ("蒸湘区", 26.895, 112.565, ("雨母山镇", "呆鹰岭镇")),
    "430412": ("南岳区", 27.245, 112.730, ("南岳镇", "寿岳乡")),
    "430421": ("衡阳县", 26.970, 112.370, ("西渡镇", "演陂镇", "界牌镇")),
    "430422": ("衡南县", 26.740, 112.680, ("云集街道", "三塘镇", "车江街道")),
    "430423": ("衡山县", 27.230, 112.870, ("开云镇", "店门镇", "东湖镇")),
    "430424": ("衡东县", 27.080, 112.950, ("城关镇", "大浦镇", "吴集镇")),
    "430426": ("祁东县", 26.800, 112.090, ("洪桥街道", "白地市镇", "归阳镇")),
    "430481": ("耒阳市", 26.420, 112.860, ("灶市街街道", "大市乡", "公平圩镇")),
    "430482": ("常宁市", 26.420, 112.400, ("宜阳街道", "水口山镇", "松柏镇")),
}
# Parks: unit code → (region, the name a project's name starts with, latitude, longitude, roads).
PARKS = {
    "hi-tech-zone": ("430408", "衡阳高新区", 26.905, 112.545, ("蒸湘北路", "华新大道", "长丰大道")),
    "baishazhou-park": ("430406", "白沙洲工业园", 26.845, 112.585, ("白沙大道", "工业大道")),
    "songmu-zone": ("430407", "松木经开区", 27.005, 112.615, ("松木大道", "园区一路", "化工大道")),
    "leiyang-zone": ("430481", "耒阳经开区", 26.445, 112.885, ("南京路", "蔡伦大道", "创业大道")),
    "shuikoushan-zone": ("430482", "水口山经开区", 26.565, 112.595, ("松江大道", "工业园路")),
}

# The register's industries that build industrial projects: how many projects, what they build
# (GB/T 4754 division, name, content, capacities for "{n}") and where ((region, park or None), weight).
INDUSTRIAL = {
    "电子信息": (
        22,
        [
            ("39", "5G智能终端产业园项目", "建设智能手机、平板电脑及可穿戴设备组装测试生产线"),
            ("39", "高端印制电路板项目", "建设高多层、HDI印制电路板生产线及配套电镀废水处理设施"),
            ("39", "半导体封装测试项目", "建设集成电路封装、测试生产线及万级洁净厂房"),
            ("39", "新型显示模组项目", "建设液晶显示模组、触控模组生产线"),
            ("39", "电子元器件产业园项目", "建设片式电感、电容等电子元器件生产线"),
            ("39", "北斗导航终端及模组项目", "建设北斗导航模组、车载终端生产线及检测中心"),
            ("39", "光通信器件项目", "建设光通信器件、光模块生产线"),
            ("39", "年产{n}万台智能家电控制器项目", "建设智能家电控制器贴片、组装生产线", (300, 500, 800)),
        ],
        [
            (("430408", "hi-tech-zone"), 5),
            (("430481", "leiyang-zone"), 4),
            (("430407", None), 1),
            (("430422", None), 1),
            (("430426", None), 1),
        ],
    ),
    "输变电装备制造": (
        18,
        [
            ("38", "智能变压器产业园项目", "建设智能变压器、干式变压器生产车间及试验大厅"),
            ("38", "特高压电力装备生产线项目", "建设特高压换流变压器、电抗器生产线及试验站"),
            ("38", "新能源箱式变电站生产基地项目", "建设风电、光伏配套箱式变电站生产线"),
            ("38", "智能电网成套装备制造项目", "建设智能开关柜、环网柜及配电自动化成套设备生产线"),
            ("38", "高压电缆及附件生产线项目", "建设110千伏及以上高压电缆、电缆附件生产线"),
            ("38", "储能变流器及系统集成项目", "建设储能变流器、储能系统集成生产线及测试中心"),
            ("34", "电力金具及输电铁塔智能制造项目", "建设电力金具、角钢塔智能化生产线"),
        ],
        [
            (("430406", "baishazhou-park"), 5),
            (("430408", "hi-tech-zone"), 3),
            (("430422", None), 1),
            (("430421", None), 1),
        ],
    ),
    "有色金属冶炼": (
        18,
        [
            (
                "32",
                "年产{n}万吨再生铅资源循环利用项目",
                "建设废铅蓄电池破碎分选、富氧熔炼及精炼生产线",
                (5, 10, 20),
            ),
            (
                "32",
                "铅锌冶炼烟气治理及稀贵金属综合回收项目",
                "建设冶炼烟气制酸、稀贵金属综合回收车间及配套环保设施",
            ),
            ("32", "高纯锌基新材料项目", "建设高纯锌、锌合金及超细锌粉生产线"),
            ("32", "铜基新材料产业园项目", "建设高精度铜板带、铜合金线材生产线"),
            ("32", "锑品深加工项目", "建设高纯氧化锑、锑基阻燃材料生产线"),
            ("33", "高端精密金属结构件项目", "建设精密铸造、机加工及表面处理生产线"),
            ("32", "年产{n}万吨铝合金新材料项目", "建设铝合金熔铸、挤压及深加工生产线", (10, 15, 30)),
        ],
        [
            (("430482", "shuikoushan-zone"), 5),
            (("430405", None), 2),
            (("430481", "leiyang-zone"), 2),
            (("430407", "songmu-zone"), 1),
        ],
    ),
    "新能源": (
        18,
        [
            ("38", "年产{n}GWh储能电池项目", "建设储能电芯、电池模组及PACK生产线", (2, 5, 10)),
            (
                "26",
                "年产{n}万吨磷酸铁锂正极材料项目",
                "建设磷酸铁锂正极材料合成、烧结及粉碎生产线",
                (2, 5, 10),
            ),
            ("44", "{n}万千瓦农光互补光伏发电项目", "建设光伏组件阵列、逆变升压站及送出线路", (5, 10, 20)),
            ("44", "{n}万千瓦风电场项目", "建设风力发电机组、220千伏升压站及集电线路", (5, 10)),
            ("38", "氢燃料电池系统产业化项目", "建设燃料电池电堆、系统集成生产线及测试中心"),
            ("44", "生物质热电联产项目", "建设生物质锅炉、汽轮发电机组及供热管网"),
        ],
        [
            (("430424", None), 3),
            (("430423", None), 2),
            (("430426", None), 2),
            (("430422", None), 1),
            (("430482", None), 1),
            (("430408", "hi-tech-zone"), 2),
        ],
    ),
    "精细化工": (
        16,
        [
            ("26", "精细化工新材料项目", "建设精细化学品合成车间、罐区及配套公用工程"),
            ("26", "电子级化学品项目", "建设电子级氢氟酸、硫酸等湿电子化学品生产装置"),
            ("26", "盐化工循环经济项目", "建设离子膜烧碱、氯产品深加工装置"),
            ("29", "高分子新材料项目", "建设工程塑料改性、高分子复合材料生产线"),
            ("26", "年产{n}万吨水处理剂项目", "建设聚合氯化铝、聚丙烯酰胺等水处理剂生产装置", (5, 10, 20)),
            ("26", "氟化工新材料项目", "建设含氟精细化学品及氟聚合物生产装置"),
        ],
        [
            (("430407", "songmu-zone"), 6),
            (("430421", None), 1),
            (("430482", None), 1),
            (("430422", None), 1),
        ],
    ),
    "汽车零部件": (
        16,
        [
            ("36", "新能源汽车零部件产业园项目", "建设电池包壳体、电驱动总成等零部件生产线"),
            ("36", "铝合金轮毂智能制造项目", "建设低压铸造、旋压及涂装生产线"),
            ("36", "汽车线束及连接器项目", "建设汽车线束、高压连接器生产线"),
            ("38", "新能源汽车驱动电机项目", "建设驱动电机定转子、总装及测试生产线"),
            ("36", "专用汽车及改装车生产项目", "建设专用车底盘改装、涂装及总装生产线"),
        ],
        [
            (("430423", None), 2),
            (("430422", None), 2),
            (("430408", "hi-tech-zone"), 2),
            (("430406", "baishazhou-park"), 1),
        ],
    ),
    "建筑材料": (
        16,
        [
            ("30", "装配式建筑产业园项目", "建设预制混凝土构件、钢结构构件生产线"),
            ("30", "新型墙体材料项目", "建设蒸压加气混凝土砌块、墙板生产线"),
            ("30", "高性能玻璃纤维项目", "建设玻璃纤维池窑拉丝生产线及制品深加工车间"),
            ("30", "光伏玻璃生产线项目", "建设超白压延光伏玻璃窑炉及深加工生产线"),
            ("30", "绿色建材产业园项目", "建设机制砂、商品混凝土及干混砂浆生产线"),
        ],
        [
            (("430424", None), 2),
            (("430423", None), 1),
            (("430482", None), 2),
            (("430426", None), 2),
            (("430421", None), 1),
        ],
    ),
    "生物医药": (
        14,
        [
            ("27", "生物医药产业园项目", "建设生物制药、化学制剂生产车间及研发中心"),
            ("27", "原料药及制剂生产基地项目", "建设原料药合成车间、固体制剂车间及质检中心"),
            ("27", "中药饮片精深加工项目", "建设中药材初加工、中药饮片及配方颗粒生产线"),
            ("35", "医疗器械产业园项目", "建设医用耗材、体外诊断试剂及医疗设备生产线"),
            ("27", "兽用生物制品产业化项目", "建设兽用疫苗生产车间及GMP质检中心"),
        ],
        [
            (("430408", "hi-tech-zone"), 3),
            (("430412", None), 1),
            (("430421", None), 1),
            (("430423", None), 1),
            (("430426", None), 1),
        ],
    ),
    "食品加工": (
        14,
        [
            ("14", "预制菜产业园项目", "建设预制菜中央厨房、速冻生产线及冷链仓储设施"),
            ("14", "酱卤休闲食品生产基地项目", "建设酱卤制品、休闲食品生产线及物流仓储中心"),
            ("15", "白酒酿造及文化产业园项目", "建设酿造车间、陈酿库及灌装生产线"),
            ("14", "乳制品加工项目", "建设液态奶、酸奶生产线及冷库"),
            ("13", "年产{n}万吨饲料项目", "建设配合饲料、预混料生产线及原料筒仓", (10, 20, 30)),
        ],
        [
            (("430421", None), 2),
            (("430422", None), 2),
            (("430426", None), 2),
            (("430424", None), 1),
            (("430412", None), 1),
        ],
    ),
    "农产品加工": (
        12,
        [
            ("13", "油茶精深加工项目", "建设茶油压榨、精炼生产线及油茶果初加工中心"),
            ("13", "粮油精深加工项目", "建设稻谷加工、食用油精炼生产线及仓储设施"),
            ("13", "生猪屠宰及冷链加工项目", "建设生猪屠宰、分割生产线及冷链仓储设施"),
            ("15", "茶叶精深加工项目", "建设茶叶加工、包装生产线及仓储中心"),
            ("20", "竹木精深加工项目", "建设竹木地板、竹制品生产线"),
            ("13", "黄花菜精深加工项目", "建设黄花菜烘干、分级包装生产线及冷库"),
        ],
        [
            (("430482", None), 2),
            (("430426", None), 2),
            (("430422", None), 1),
            (("430421", None), 1),
            (("430481", None), 1),
            (("430423", None), 1),
        ],
    ),
    "纺织服装": (
        11,
        [
            ("18", "纺织服装产业园项目", "建设服装智能裁剪、缝制生产线及仓储物流中心"),
            ("17", "高档面料及家纺项目", "建设高档面料织造、印染及家纺制品生产线"),
            ("28", "功能性纤维新材料项目", "建设功能性涤纶、锦纶纤维纺丝生产线"),
            ("18", "智能制衣项目", "建设智能吊挂制衣生产线及设计研发中心"),
        ],
        [
            (("430481", "leiyang-zone"), 2),
            (("430422", None), 1),
            (("430424", None), 1),
            (("430426", None), 1),
        ],
    ),
}
# The industries of the provincial projects (先进制造、新材料、新能源、电子信息、生物医药 …).
BIG_TRADES = ("电子信息", "输变电装备制造", "有色金属冶炼", "新能源", "精细化工", "汽车零部件", "生物医药")
# A short name for an owner in a project name: the register's name head + the trade.
SHORT_TRADES = {
    "有色金属冶炼": "有色",
    "输变电装备制造": "电气",
    "电子信息": "电子",
    "精细化工": "化工",
    "生物医药": "药业",
    "食品加工": "食品",
    "汽车零部件": "汽配",
    "建筑材料": "建材",
    "新能源": "新能源",
    "纺织服装": "纺织",
    "农产品加工": "农业",
}

# Non-industrial projects: (name, division, region, owner unit, responsible unit, kind, level).
NON_INDUSTRIAL = [
    ("衡阳市二环东路快速化改造工程", "48", "430405", "city-housing", "city-housing", "road", Level.PROVINCIAL_KEY),
    ("湘江衡阳段综合治理及防洪保安工程", "76", "430407", "county-430407", "county-430407", "water", Level.PROVINCIAL_KEY),
    ("衡阳市中心医院东院区建设项目", "84", "430405", "city-health", "city-health", "hospital", Level.PROVINCIAL_KEY),
    ("衡阳市职业教育园区建设项目", "83", "430408", "county-430408", "county-430408", "school", Level.PROVINCIAL_KEY),
    ("衡山县九观桥灌区续建配套与节水改造工程", "76", "430423", "county-430423", "county-430423", "water", Level.PROVINCIAL_KEY),
    ("G322衡阳东绕城段改扩建工程", "54", "430422", "city-transport", "city-transport", "road", Level.PROVINCIAL_KEY),
    ("南岳衡山旅游集散中心及景区提质改造项目", "78", "430412", "county-430412", "county-430412", "park", Level.PROVINCIAL_KEY),
    ("衡阳市城区污水处理厂提标扩能工程", "77", "430406", "city-housing", "city-housing", "sewage", Level.PROVINCIAL_KEY),
    ("衡州大道东延线道路工程", "48", "430405", "city-housing", "city-housing", "road", Level.CITY_KEY),
    ("船山大道北延线工程", "48", "430407", "city-housing", "city-housing", "road", Level.CITY_KEY),
    ("蒸湘北路提质改造工程", "48", "430408", "county-430408", "county-430408", "road", Level.CITY_KEY),
    ("衡阳县西渡至界牌公路提质改造工程", "54", "430421", "county-430421", "city-transport", "road", Level.CITY_KEY),
    ("衡南县云集至三塘快速通道工程", "54", "430422", "county-430422", "county-430422", "road", Level.CITY_KEY),
    ("祁东县城区至归阳公路改扩建工程", "54", "430426", "county-430426", "city-transport", "road", Level.CITY_KEY),
    ("常宁市宜阳大道南延工程", "48", "430482", "county-430482", "county-430482", "road", Level.CITY_KEY),
    ("耒阳市蔡伦大道提质改造工程", "48", "430481", "county-430481", "county-430481", "road", Level.CITY_KEY),
    ("衡东县洣水大桥及接线工程", "48", "430424", "county-430424", "county-430424", "road", Level.CITY_KEY),
    ("衡山县开云大道延伸工程", "48", "430423", "county-430423", "county-430423", "road", Level.CITY_KEY),
    ("衡阳市第八中学新校区建设项目", "83", "430408", "county-430408", "county-430408", "school", Level.CITY_KEY),
    ("珠晖区茶山坳学校建设项目", "83", "430405", "county-430405", "county-430405", "school", Level.CITY_KEY),
    ("雁峰区岳屏中学扩建项目", "83", "430406", "county-430406", "county-430406", "school", Level.CITY_KEY),
    ("衡阳县第一中学新校区建设项目", "83", "430421", "county-430421", "county-430421", "school", Level.CITY_KEY),
    ("衡南县第一中学扩建项目", "83", "430422", "county-430422", "county-430422", "school", Level.CITY_KEY),
    ("耒阳市第二中学迁建项目", "83", "430481", "county-430481", "county-430481", "school", Level.CITY_KEY),
    ("常宁市人民医院门急诊综合楼建设项目", "84", "430482", "county-430482", "county-430482", "hospital", Level.CITY_KEY),
    ("祁东县人民医院传染病区建设项目", "84", "430426", "county-430426", "county-430426", "hospital", Level.CITY_KEY),
    ("衡东县中医医院迁建项目", "84", "430424", "county-430424", "county-430424", "hospital", Level.CITY_KEY),
    ("衡阳市第三人民医院精神卫生中心建设项目", "84", "430407", "city-health", "city-health", "hospital", Level.CITY_KEY),
    ("衡阳市妇幼保健院新院建设项目", "84", "430408", "city-health", "city-health", "hospital", Level.CITY_KEY),
    ("耒阳市人民医院医技综合楼建设项目", "84", "430481", "county-430481", "county-430481", "hospital", Level.CITY_KEY),
    ("蒸水河衡阳市区段综合治理工程", "76", "430407", "county-430407", "county-430407", "water", Level.CITY_KEY),
    ("衡阳县斗山桥水库除险加固工程", "76", "430421", "county-430421", "county-430421", "water", Level.CITY_KEY),
    ("祁东县四明山水库灌区续建配套工程", "76", "430426", "county-430426", "county-430426", "water", Level.CITY_KEY),
    ("常宁市宜水河防洪治理工程", "76", "430482", "county-430482", "county-430482", "water", Level.CITY_KEY),
    ("耒阳市耒水城区段防洪堤提质工程", "76", "430481", "county-430481", "county-430481", "water", Level.CITY_KEY),
    ("珠晖区老旧小区改造及配套基础设施工程", "47", "430405", "county-430405", "county-430405", "renewal", Level.CITY_KEY),
    ("石鼓区老城区城市更新项目", "47", "430407", "county-430407", "county-430407", "renewal", Level.CITY_KEY),
    ("雁峰区白沙洲片区棚户区改造项目", "47", "430406", "county-430406", "county-430406", "renewal", Level.CITY_KEY),
    ("衡阳市城区雨污分流管网改造工程", "77", "430406", "city-housing", "city-housing", "sewage", Level.CITY_KEY),
    ("南岳古镇风貌提质改造项目", "78", "430412", "county-430412", "county-430412", "park", Level.CITY_KEY),
    ("衡山县城乡供水一体化工程", "46", "430423", "county-430423", "county-430423", "water", Level.CITY_KEY),
    ("衡阳市中心城区公共停车场建设项目", "78", "430408", "city-housing", "city-housing", "park", Level.CITY_KEY),
    ("衡南县车江镇农村人居环境整治项目", "77", "430422", "county-430422", "county-430422", "sewage", Level.COUNTY_KEY),
    ("衡阳县演陂镇集镇提质改造项目", "47", "430421", "county-430421", "county-430421", "renewal", Level.COUNTY_KEY),
    ("衡山县店门镇污水处理设施建设项目", "77", "430423", "county-430423", "county-430423", "sewage", Level.COUNTY_KEY),
    ("祁东县白地市镇农村公路提质改造工程", "54", "430426", "county-430426", "county-430426", "road", Level.COUNTY_KEY),
    ("南岳区寿岳乡游客服务中心建设项目", "78", "430412", "county-430412", "county-430412", "park", Level.COUNTY_KEY),
]  # fmt: skip
# Relative size of a non-industrial city key project's plan, by kind.
KIND_WEIGHTS = {
    "road": 3.0,
    "water": 2.0,
    "renewal": 2.5,
    "sewage": 2.0,
    "hospital": 1.3,
    "school": 0.9,
    "park": 1.0,
}

# What a month's money looks like: low at the Spring Festival, high towards the year's end.
SEASON = (0.55, 0.45, 0.85, 0.95, 1.0, 1.1, 1.0, 1.0, 1.05, 1.1, 1.15, 1.3)
# How far along a project is in the year (its completion ratio before scaling to the level's rate).
RATIOS = {
    Stage.PREPARATION: (0.25, 0.7),
    Stage.NEW_START: (0.85, 1.45),
    Stage.CONTINUING: (0.95, 1.55),
    Stage.COMPLETED: (1.0, 1.35),
    Stage.IN_PRODUCTION: (1.05, 1.4),
}

# 形象进度: what a month's report says, by kind of project and phase ({p}: per cent, {f}: floor).
PROGRESS = {
    "prep": (
        "完成项目备案和节能审查，用地报批材料已报省自然资源厅审查",
        "完成地质勘察和初步设计，施工图设计完成{p}%",
        "完成土地摘牌，正在办理建设工程规划许可和施工许可",
        "场地平整完成{p}%，施工、监理招标公告已发布",
        "完成环评批复，施工图审查中",
    ),
    "prep_public": (
        "完成可行性研究报告批复，初步设计审查中",
        "完成征地拆迁摸底调查，施工图设计完成{p}%",
        "完成施工、监理招标，施工单位进场准备",
        "完成财政评审，正在办理施工许可",
    ),
    "start": (
        "项目正式开工，施工单位进场，完成临建设施搭建和场地平整",
        "举行集中开工仪式，桩基施工完成{p}%",
    ),
    "industrial": (
        "1号生产车间主体结构施工完成{p}%，2号车间基础施工中",
        "主厂房钢结构吊装完成{p}%，屋面板安装同步推进",
        "综合楼主体施工至第{f}层，生产车间地坪施工中",
        "主要生产设备已到货{p}%，设备基础施工完成，进入安装调试阶段",
        "厂区道路、管网及配套设施施工完成{p}%",
        "生产线设备安装完成{p}%，配套变电站送电调试中",
        "仓库及辅助用房主体封顶，厂区绿化及围墙施工中",
    ),
    "road": (
        "路基工程完成{p}%，桥涵工程同步推进，路面工程施工中",
        "征地拆迁完成{p}%，路基土石方施工中",
        "水稳层铺筑完成{p}%，交通安全设施及绿化施工中",
    ),
    "school": (
        "教学楼主体结构施工至第{f}层，综合楼基础施工中",
        "教学楼主体封顶，砌体及装饰装修施工完成{p}%",
        "室外运动场及配套工程施工完成{p}%",
    ),
    "hospital": (
        "门急诊医技楼主体施工至第{f}层",
        "住院楼主体封顶，机电安装完成{p}%",
        "医疗专项工程及设备安装完成{p}%",
    ),
    "water": (
        "堤防填筑完成{p}%，护坡施工中",
        "主体工程施工完成{p}%，汛期安全度汛措施已落实",
        "渠道衬砌及渠系建筑物施工完成{p}%",
    ),
    "renewal": (
        "完成{p}%楼栋外立面改造，雨污分流管网施工中",
        "房屋征收完成{p}%，安置房主体施工中",
    ),
    "sewage": (
        "污水管网铺设完成{p}%，提升泵站施工中",
        "土建工程完成{p}%，工艺设备安装中",
    ),
    "park": (
        "主体建筑施工完成{p}%，景观及配套工程同步推进",
        "街巷风貌改造完成{p}%，给排水及强弱电管网施工中",
    ),
    "complete": (
        "项目完成竣工验收，生产线进入试生产阶段",
        "完成竣工验收备案，设备联动调试完成",
    ),
    "complete_public": ("完成交工验收，已交付使用", "工程完工并通过竣工验收"),
}
PROBLEMS = (
    "项目用地报批进度滞后，需市自然资源和规划局协调加快组卷报批",
    "10千伏供电专线接入方案尚未批复，影响设备调试，需供电公司协调",
    "受持续降雨影响，土方及基础工程进度滞后约{d}天",
    "项目融资尚未完全到位，资金缺口约{x}亿元，需协调银行加快授信",
    "部分地块征拆未完成，需{county}人民政府加快协调",
    "主要设备供货周期延长，安装进度滞后",
    "施工图审查意见回复较慢，影响施工许可办理",
)
CORRECTIONS = (
    "本月完成投资误将设备订金计入，按统计口径更正",
    "漏报二期厂房桩基工程量，补充更正",
    "财务结算后核实，更正本月完成投资",
    "与统计联网直报数据核对后更正",
)
RETURNS = (
    "形象进度描述过于简单，请补充主要工程量和现场照片后重新报送",
    "本月完成投资与统计联网直报数据不一致，请核实后重新报送",
    "未上传现场照片，请补充后重新报送",
)
MILESTONES = {
    Stage.PREPARATION: ("完成项目备案（核准）", "取得建设用地规划许可证", "完成施工图审查", "取得施工许可证"),
    Stage.NEW_START: ("完成土地摘牌及规划许可", "项目开工建设", "主体结构施工过半", "厂房主体封顶"),
    Stage.CONTINUING: ("主体结构封顶", "主要设备进场", "设备安装完成", "具备试生产条件"),
    Stage.COMPLETED: ("设备安装调试完成", "竣工验收", "试生产"),
    "public": ("完成施工招标", "主体工程开工", "主体工程完工", "交工验收"),
}


@dataclass
class Spec:
    """One project of the demo ledger, before it is written."""

    name: str
    industrial: bool
    industry: str
    region: str
    park: str | None
    level: str
    kind: str
    content: str
    total: int
    planned: int
    stage: str
    started_ago: int
    owner_enterprise: Enterprise | None = None
    owner_unit: str | None = None
    responsible: str = ""
    leader: str | None = None
    code: str = ""
    latitude: Decimal = Decimal(0)
    longitude: Decimal = Decimal(0)
    address: str = ""
    lagging: bool = False
    # filled in by _schedule
    entered_on: date | None = None
    starts_on: date | None = None
    completes_on: date | None = None
    started_on: date | None = None
    completed_on: date | None = None
    in_production_on: date | None = None
    first_month: int = 1
    last_month: int = 12
    start_month: int = 0  # NEW_START: the month works began
    milestones: list = field(default_factory=list)  # (name, due_on, done_month)
    cases: dict = field(default_factory=dict)  # month → case
    amounts: dict = field(default_factory=dict)  # month → yuan, the in-force report's
    completed: int = 0  # yuan, year to date


# --- people ---------------------------------------------------------------------------------------


def _names(rng, count, taken) -> list[str]:
    names = []
    while len(names) < count:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def _create_people(rows) -> int:
    """rows: (username, full name, title, unit, enterprise, role, password) for users still missing."""
    if not rows:
        return 0
    User = get_user_model()
    made = User.objects.bulk_create([User(username=r[0], password=r[6]) for r in rows])
    people = Person.objects.bulk_create(
        [
            Person(user=u, full_name=r[1], title=r[2], unit=r[3], enterprise=r[4])
            for u, r in zip(made, rows, strict=True)
        ]
    )
    PersonRole.objects.bulk_create(
        [PersonRole(person=p, role=r[5]) for p, r in zip(people, rows, strict=True)]
    )
    return len(rows)


def _ensure_leaders() -> int:
    User = get_user_model()
    existing = set(
        User.objects.filter(username__in=[u for u, *_ in LEADERS]).values_list("username", flat=True)
    )
    office = Unit.objects.filter(code="city-gov-office").first()
    unusable = make_password(None)  # contacts on the ledger, without a login
    return _create_people(
        [(u, n, t, office, None, Role.LEADER, unusable) for u, n, t in LEADERS if u not in existing]
    )


def _unit_officials(codes, password) -> tuple[dict, int]:
    """Two active officials at least in each of the units ``codes``: {unit code: [users]}, the demo logins
    first, then by username."""
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    User = get_user_model()

    def found():
        officials = defaultdict(list)
        users = (
            User.objects.filter(
                is_active=True, person__unit__code__in=list(units), person__roles__role=Role.UNIT_OFFICIAL
            )
            .select_related("person__unit")
            .order_by("username")
            .distinct()
        )
        for user in users:
            officials[user.person.unit.code].append(user)
        for code in officials:
            officials[code].sort(
                key=lambda u: (u.username not in (COMMISSION_LOGIN, COUNTY_LOGIN), u.username)
            )
        return officials

    officials = found()
    rng = random.Random(f"{SEED}:officials")
    taken = set(Person.objects.values_list("full_name", flat=True))
    missing = []
    for code in sorted(units):
        have = len(officials.get(code, []))
        stem = OFFICIAL_STEMS.get(code, f"{code}-xm")
        for n in range(have, 2):
            username = f"{stem}{n + 1:02d}"
            if not User.objects.filter(username=username).exists():
                name = _names(rng, 1, taken)[0]
                missing.append(
                    (
                        username,
                        name,
                        OFFICIAL_TITLES[n % 3],
                        units[code],
                        None,
                        Role.UNIT_OFFICIAL,
                        password(),
                    )
                )
    created = _create_people(missing)
    return (found() if created else officials), created


def _owner_users(enterprises, password) -> tuple[dict, int]:
    """An enterprise user for each owner enterprise: {enterprise pk: [users]}, the demo logins first."""
    User = get_user_model()

    def found():
        users = defaultdict(list)
        rows = (
            User.objects.filter(
                is_active=True, person__enterprise__in=enterprises, person__roles__role=Role.ENTERPRISE_USER
            )
            .select_related("person")
            .order_by("username")
            .distinct()
        )
        for user in rows:
            users[user.person.enterprise_id].append(user)
        for key in users:
            users[key].sort(key=lambda u: (u.username not in (OWNER_LOGIN, "qiye"), u.username))
        return users

    users = found()
    rng = random.Random(f"{SEED}:owners")
    taken = set(Person.objects.values_list("full_name", flat=True))
    missing = []
    for enterprise in sorted({e.pk: e for e in enterprises}.values(), key=lambda e: e.uscc):
        username = f"yz-{enterprise.uscc[-6:].lower()}"
        if enterprise.pk not in users and not User.objects.filter(username=username).exists():
            name = _names(rng, 1, taken)[0]
            missing.append((username, name, "项目部经理", None, enterprise, Role.ENTERPRISE_USER, password()))
    created = _create_people(missing)
    return (found() if created else users), created


# --- the ledger -----------------------------------------------------------------------------------


def _wan(rng, low_yi: float, high_yi: float, skew: float = 1.0) -> int:
    """An amount between ``low_yi`` and ``high_yi`` 亿元, in whole 百万元 (in yuan)."""
    value = low_yi + (high_yi - low_yi) * rng.random() ** skew
    return int(value * 100) * 1_000_000


def _plan_of(rng, total: int, low: float, high: float) -> int:
    return max(PLAN_UNIT * 100, int(total * rng.uniform(low, high)) // PLAN_UNIT * PLAN_UNIT)


def _place(rng, spec: Spec):
    if spec.park:
        _region, _prefix, lat, lon, roads = PARKS[spec.park]
        spec.address = f"湖南省衡阳市{COUNTY_PLACES[spec.region][0]}{PARKS[spec.park][1]}{rng.choice(roads)}以{rng.choice('东南西北')}"
        spread = 0.012
    else:
        county, lat, lon, towns = COUNTY_PLACES[spec.region]
        spec.address = f"湖南省衡阳市{county}{rng.choice(towns)}"
        spread = 0.035
    spec.latitude = Decimal(f"{lat + rng.uniform(-spread, spread):.6f}")
    spec.longitude = Decimal(f"{lon + rng.uniform(-spread, spread):.6f}")


def _stage(rng, weights) -> str:
    stages, w = zip(*weights.items(), strict=True)
    return rng.choices(stages, weights=w)[0]


INDUSTRIAL_STAGES = {
    Stage.PREPARATION: 0.1,
    Stage.NEW_START: 0.28,
    Stage.CONTINUING: 0.42,
    Stage.COMPLETED: 0.12,
    Stage.IN_PRODUCTION: 0.08,
}
MAJOR_STAGES = {Stage.NEW_START: 0.3, Stage.CONTINUING: 0.6, Stage.IN_PRODUCTION: 0.1}
PUBLIC_STAGES = {Stage.PREPARATION: 0.08, Stage.NEW_START: 0.3, Stage.CONTINUING: 0.45, Stage.COMPLETED: 0.17}


def _industrial_specs(rng, enterprises_by_industry, home) -> list[Spec]:
    trades = [trade for trade, (count, _p, _w) in INDUSTRIAL.items() for _ in range(count)]
    rng.shuffle(trades)
    # The provincial projects are the big ones of the "三高四新" industries; the rest follow.
    big = [n for n, trade in enumerate(trades) if trade in BIG_TRADES][
        : TARGETS[Level.PROVINCIAL_MAJOR][0] + TARGETS[Level.PROVINCIAL_KEY][0]
    ]
    trades = [trades[n] for n in big] + [trade for n, trade in enumerate(trades) if n not in big]
    levels = (
        [Level.PROVINCIAL_MAJOR] * TARGETS[Level.PROVINCIAL_MAJOR][0]
        + [Level.PROVINCIAL_KEY] * TARGETS[Level.PROVINCIAL_KEY][0]
        + [Level.CITY_KEY] * TARGETS[Level.CITY_KEY][0]
        + [Level.COUNTY_KEY] * COUNTY_INDUSTRIAL
    )
    if len(trades) != len(levels):
        raise ValueError(f"{len(trades)} industrial projects for {len(levels)} levels")
    seen_names: dict[str, int] = defaultdict(int)
    pointer: dict[str, int] = defaultdict(int)
    home_projects = 0
    specs = []
    for trade, level in zip(trades, levels, strict=True):
        _count, products, places = INDUSTRIAL[trade]
        division, product, content, *capacities = rng.choice(products)
        if capacities:
            product = product.replace("{n}", str(rng.choice(capacities[0])))
        owners = enterprises_by_industry.get(trade) or [
            e for es in enterprises_by_industry.values() for e in es
        ]
        if home is not None and home.industry == trade and home_projects < 3 and level != Level.COUNTY_KEY:
            owner, home_projects = home, home_projects + 1
            region, park = home.region_id, "baishazhou-park" if home.region_id == "430406" else None
        else:
            owner = owners[pointer[trade] % len(owners)]
            pointer[trade] += 1
            ((region, park),) = rng.choices([p for p, _w in places], weights=[w for _p, w in places])
        if level == Level.PROVINCIAL_MAJOR:
            total, stage = _wan(rng, 30, 80), _stage(rng, MAJOR_STAGES)
            planned = _plan_of(rng, total, 0.16, 0.3)
        elif level == Level.PROVINCIAL_KEY:
            total, stage = _wan(rng, 12, 45), _stage(rng, INDUSTRIAL_STAGES)
            planned = _plan_of(rng, total, 0.18, 0.36)
        elif level == Level.CITY_KEY:
            total, stage = _wan(rng, 1, 20, 2.5), _stage(rng, INDUSTRIAL_STAGES)
            planned = _plan_of(rng, total, 0.2, 0.45)
        else:
            total, stage = _wan(rng, 1, 3), _stage(rng, INDUSTRIAL_STAGES)
            planned = _plan_of(rng, total, 0.3, 0.6)
        if owner is home:
            stage = (Stage.CONTINUING, Stage.NEW_START, Stage.CONTINUING)[home_projects - 1]
        prefix = PARKS[park][1] if park else COUNTY_PLACES[region][0]
        if rng.random() < 0.35:
            county = COUNTY_PLACES[owner.region_id][0] if owner.region_id in COUNTY_PLACES else ""
            head = owner.name.removeprefix("衡阳").removeprefix(county.removesuffix("区").removesuffix("县"))
            prefix = head[:2] + SHORT_TRADES.get(owner.industry, "")
        name = prefix + product
        seen_names[name] += 1
        if seen_names[name] > 1:
            name = f"{name.removesuffix('项目')}{'一二三四五六七八九'[seen_names[name] - 1]}期项目"
        spec = Spec(
            name=name,
            industrial=True,
            industry=division,
            region=region,
            park=park,
            level=level,
            kind="industrial",
            content=f"总用地面积约{rng.randint(8, 60) * 10}亩，{content}，总建筑面积约{rng.randint(3, 40)}万平方米。",
            total=total,
            planned=planned,
            stage=stage,
            started_ago=rng.choice((1, 1, 1, 2, 2, 3)),
            owner_enterprise=owner,
        )
        spec.responsible = park if park and rng.random() < 0.7 else f"county-{region}"
        if owner is home:
            spec.responsible = park or f"county-{region}"
        specs.append(spec)
    return specs


def _public_specs(rng, industrial_city_planned: int) -> list[Spec]:
    """The non-industrial projects; the city key ones sized so that the industrial share of the city key
    plan is INDUSTRIAL_SHARE (and at least that before rounding)."""
    specs = []
    for name, division, region, owner, responsible, kind, level in NON_INDUSTRIAL:
        if level == Level.PROVINCIAL_KEY:
            total = _wan(rng, 20, 60)
            planned = _plan_of(rng, total, 0.12, 0.25)
        elif level == Level.COUNTY_KEY:
            total = _wan(rng, 1, 2.5)
            planned = _plan_of(rng, total, 0.3, 0.6)
        else:
            total, planned = 0, 0  # below
        specs.append(
            Spec(
                name=name,
                industrial=False,
                industry=division,
                region=region,
                park=None,
                level=level,
                kind=kind,
                content="",
                total=total,
                planned=planned,
                stage=_stage(rng, PUBLIC_STAGES),
                started_ago=rng.choice((1, 1, 2, 2, 3)),
                owner_unit=owner,
                responsible=responsible,
            )
        )
    city = [s for s in specs if s.level == Level.CITY_KEY]
    # share = I / (I + N) ≥ 0.6562 (rounds to 65.6 and is at least 65.60): N in whole 万元.
    share = (INDUSTRIAL_SHARE + Decimal("0.02")) / 100
    industrial = Decimal(industrial_city_planned // PLAN_UNIT)
    rest = int(industrial * (1 - share) / share)  # rounded down: the share only grows
    weights = [KIND_WEIGHTS[s.kind] * rng.uniform(0.6, 1.4) for s in city]
    shares = [int(rest * w / sum(weights)) for w in weights]
    shares[weights.index(max(weights))] += rest - sum(shares)
    for spec, wan in zip(city, shares, strict=True):
        spec.planned = wan * PLAN_UNIT
        spec.total = min(8_000_000_000, max(spec.planned * 2, int(spec.planned / rng.uniform(0.22, 0.45))))
        spec.total = -(-spec.total // 1_000_000) * 1_000_000
    for spec in specs:
        spec.content = _public_content(rng, spec)
    return specs


def _public_content(rng, spec: Spec) -> str:
    if spec.kind == "road":
        return f"新建（改造）道路全长约{rng.randint(3, 30)}公里，按城市主干道（一级公路）标准建设，含桥梁{rng.randint(1, 6)}座及排水、照明、绿化等附属工程。"
    if spec.kind == "school":
        return f"总用地面积约{rng.randint(80, 200)}亩，新建教学楼、实验楼、学生宿舍及运动场等，可容纳学生{rng.randint(3, 6) * 1000}人。"
    if spec.kind == "hospital":
        return f"新建门急诊医技楼、住院楼及配套设施，总建筑面积约{rng.randint(5, 20)}万平方米，新增床位{rng.randint(4, 12) * 100}张。"
    if spec.kind == "water":
        return f"综合治理河道（堤防）约{rng.randint(8, 40)}公里，新建（加固）护岸、排涝泵站及配套设施。"
    if spec.kind == "renewal":
        return f"改造老旧小区{rng.randint(20, 90)}个、房屋{rng.randint(3, 12)}千户，同步实施雨污分流、停车及配套服务设施。"
    if spec.kind == "sewage":
        return f"新建（改造）污水管网约{rng.randint(20, 120)}公里，污水处理规模{rng.randint(2, 10)}万吨/日，出水执行一级A标准。"
    return f"新建游客服务、停车及配套设施，总建筑面积约{rng.randint(1, 6)}万平方米，同步实施景观提质工程。"


def _catalogue(year: int, enterprises_by_industry, home) -> list[Spec]:
    """The ledger's projects: names, owners, places, amounts and stages (the same whatever the month)."""
    rng = random.Random(f"{SEED}:catalogue")
    specs = _industrial_specs(rng, enterprises_by_industry, home)
    city_planned = sum(s.planned for s in specs if s.level == Level.CITY_KEY)
    specs += _public_specs(rng, city_planned)
    serials = set()
    majors = iter(MAJOR_LEADERS * 3)
    for spec in specs:
        _place(rng, spec)
        if spec.level == Level.PROVINCIAL_MAJOR:
            spec.leader = next(majors)
        elif spec.level == Level.PROVINCIAL_KEY:
            spec.leader = rng.choice(KEY_LEADERS)
        elif spec.level == Level.CITY_KEY:
            spec.leader = rng.choice(KEY_LEADERS + ("leader-tan",))
        spec.lagging = (
            spec.level != Level.PROVINCIAL_MAJOR
            and spec.owner_enterprise is not home
            and spec.stage in REPORTING_STAGES
            and rng.random() < 0.12
        )
        started_year = (
            year - spec.started_ago if spec.stage not in (Stage.PREPARATION, Stage.NEW_START) else year
        )
        code_year = max(2015, started_year - rng.choice((0, 0, 1)))
        serial = rng.randrange(1, 1_000_000)
        while serial in serials:
            serial = rng.randrange(1, 1_000_000)
        serials.add(serial)
        # 项目类型: 01 审批 (government investment), 02 核准 (power), 03 备案 (enterprise).
        kind = "01" if not spec.industrial else "02" if spec.industry == "44" else "03"
        spec.code = make_project_code(code_year, spec.region, serial, department=spec.industry, kind=kind)
    return specs


def _day(year, month, rng, first=3, last=27) -> date:
    return date(year, month, rng.randint(first, last))


def _schedule(spec: Spec, year: int, last: int, rng) -> None:
    """Stage dates, report months and milestones of a project, up to month ``last`` of ``year``."""
    if spec.level == Level.COUNTY_KEY and rng.random() < 0.6:
        entered = min(last, rng.choice((3, 4, 5, 6)))
    else:
        entered = 1
    spec.entered_on = date(year, entered, rng.randint(4, 12))
    spec.first_month = entered
    spec.last_month = last
    after_entry = spec.entered_on + timedelta(days=3)
    if spec.stage == Stage.PREPARATION:
        spec.starts_on = date(year + rng.choice((0, 1)), rng.randint(1, 12), 1) + timedelta(
            days=rng.randint(0, 27)
        )
        spec.completes_on = spec.starts_on + timedelta(days=365 * rng.randint(1, 3))
    elif spec.stage == Stage.NEW_START:
        month = rng.randint(spec.first_month, max(spec.first_month, min(last, 9)))
        spec.start_month = month
        spec.started_on = max(after_entry, _day(year, month, rng))
        spec.starts_on = spec.started_on - timedelta(days=rng.choice((0, 0, 10, 30, 60)))
        spec.completes_on = spec.started_on + timedelta(days=365 * rng.randint(1, 3) + rng.randint(0, 90))
    else:
        spec.started_on = date(year - spec.started_ago, rng.randint(1, 12), rng.randint(1, 28))
        spec.starts_on = spec.started_on - timedelta(days=rng.choice((0, 0, 15, 45)))
        if spec.stage == Stage.CONTINUING:
            spec.completes_on = date(year + rng.randint(0, 2), rng.randint(1, 12), 28)
            if spec.completes_on <= month_end(year, last):
                spec.completes_on = date(year + 1, spec.completes_on.month, 28)
        else:
            month = rng.randint(min(last, max(spec.first_month, 3)), last)
            spec.completed_on = max(after_entry, _day(year, month, rng, 5, 26))
            spec.completes_on = spec.completed_on + timedelta(days=rng.choice((-20, 0, 0, 15, 40)))
            spec.last_month = spec.completed_on.month
            if spec.stage == Stage.IN_PRODUCTION:
                spec.in_production_on = min(
                    month_end(year, last), spec.completed_on + timedelta(days=rng.randint(7, 35))
                )
    spec.milestones = _milestones(spec, year, rng)


def _milestones(spec: Spec, year: int, rng) -> list:
    """2–4 milestones (name, due_on, month done or 13 for not yet) over the year."""
    if not spec.industrial:
        names = MILESTONES["public"]
        if spec.stage == Stage.PREPARATION:
            names = MILESTONES[Stage.PREPARATION]
        elif spec.stage == Stage.COMPLETED:
            names = names[1:]
    else:
        names = MILESTONES[Stage.COMPLETED if spec.stage == Stage.IN_PRODUCTION else Stage(spec.stage)]
    count = rng.randint(2, min(4, len(names)))
    if spec.completed_on is not None:  # the last ones, the last of them in the month of completion
        chosen, end = names[-count:], spec.completed_on.month
        months = [max(1, end - (count - 1 - i)) for i in range(count)]
    elif spec.start_month:  # the first one (land, permits) before the start, then every three months
        chosen = names[:count]
        months = [min(12, max(1, spec.start_month - 1 + 3 * i)) for i in range(count)]
    else:
        chosen = names[:count]
        months = [max(1, min(12, round(12 * (i + 1) / count) - rng.randint(0, 1))) for i in range(count)]
    milestones = []
    for name, month in zip(chosen, months, strict=True):
        due = date(year, month, rng.randint(15, 28))
        if spec.completed_on is not None and name in ("竣工验收", "交工验收"):
            due = spec.completed_on
        done = month if not spec.lagging or rng.random() < 0.4 else month + rng.randint(1, 3)
        milestones.append((name, due, done if done <= 12 else 13))
    return milestones


def _cases(specs: list[Spec], last: int, rng, home) -> None:
    """What happened to each month's report (see the module's docstring)."""
    for spec in specs:
        spec.cases = dict.fromkeys(range(spec.first_month, spec.last_month + 1), "confirmed")
    reporting = [s for s in specs if s.stage in REPORTING_STAGES and s.last_month == last]
    for spec in reporting:
        roll = rng.random()
        spec.cases[last] = (
            "submitted"
            if roll < 0.16
            else "missing"
            if roll < 0.36
            else "returned"
            if roll < 0.40
            else "confirmed"
        )
    # The demo logins have something waiting: leiyangshi two to confirm, yezhu one to file.
    leiyang = [s for s in reporting if s.responsible == COUNTY_LOGIN_UNIT]
    for spec in leiyang[:2]:
        spec.cases[last] = "submitted"
    mine = [s for s in reporting if home is not None and s.owner_enterprise is home]
    for spec, case in zip(mine, ("confirmed", "submitted", "missing"), strict=False):
        spec.cases[last] = case
    if last >= 2:
        candidates = [
            s
            for s in reporting
            if s.level in (Level.CITY_KEY, Level.COUNTY_KEY) and s not in mine and s not in leiyang[:2]
            and s.first_month <= last - 2
        ]  # fmt: skip
        missing = rng.sample(candidates, min(5, len(candidates)))
        for n, spec in enumerate(missing):
            spec.cases[last - 1] = "missing"
            if n < 2 and last >= 3:
                spec.cases[last - 2] = "missing"
            spec.cases[last] = "missing" if n < 3 else "confirmed"
        late = [s for s in specs if s not in missing and any(m < last for m in s.cases)]
        for spec in rng.sample(late, 8):
            month = rng.choice([m for m in spec.cases if last - 3 <= m < last] or [min(spec.cases)])
            spec.cases[month] = "late"
        earlier = [
            (s, m)
            for s in specs
            if s not in missing
            for m, c in s.cases.items()
            if m < last and c == "confirmed"
        ]
        picked = rng.sample(earlier, 20)
        for spec, month in picked[:12]:
            spec.cases[month] = "corrected"
        for spec, month in picked[12:18]:
            spec.cases[month] = "returned_refiled"
        recent = [(s, m) for s, m in earlier if m >= last - 2 and s.cases[m] == "confirmed"]
        for spec, month in rng.sample(recent, min(2, len(recent))):
            spec.cases[month] = "correction_pending"


IN_FORCE_CASES = ("confirmed", "late", "corrected", "returned_refiled", "correction_pending")


def _phase(spec: Spec, month: int) -> str:
    if spec.stage == Stage.PREPARATION or (spec.start_month and month < spec.start_month):
        return "prep"
    if spec.start_month == month:
        return "start"
    if spec.completed_on is not None and month == spec.completed_on.month:
        return "complete"
    return "build"


PHASE_WEIGHTS = {"prep": 0.25, "start": 0.7, "build": 1.0, "complete": 0.8}


def _spread(spec: Spec, rng) -> None:
    """Spread ``spec.completed`` (yuan) over the months whose report is in force."""
    months = [m for m, c in spec.cases.items() if c in IN_FORCE_CASES]
    spec.amounts = {}
    if not months:
        return
    units = spec.completed // REPORT_UNIT
    weights = [SEASON[m - 1] * PHASE_WEIGHTS[_phase(spec, m)] * rng.uniform(0.75, 1.25) for m in months]
    parts = [int(units * w / sum(weights)) for w in weights]
    parts[weights.index(max(weights))] += units - sum(parts)
    spec.amounts = {m: p * REPORT_UNIT for m, p in zip(months, parts, strict=True)}


def _amounts(specs: list[Spec], year: int, rng) -> None:
    """Each project's year-to-date investment, so that every level's industrial projects come out at the
    seed's rate; then its months."""
    for spec in specs:
        low, high = RATIOS[Stage(spec.stage)]
        ratio = rng.uniform(low, high) * (rng.uniform(0.35, 0.7) if spec.lagging else 1)
        has_months = any(c in IN_FORCE_CASES for c in spec.cases.values())
        spec.completed = int(spec.planned * ratio) // REPORT_UNIT * REPORT_UNIT if has_months else 0
    for level, (count, target) in TARGETS.items():
        group = [s for s in specs if s.industrial and s.level == level]
        if len(group) != count:
            raise ValueError(f"{level}: {len(group)} industrial projects, the seed says {count}")
        planned = sum(s.planned for s in group)
        # In units of 100 yuan: the quotient is the rate to within 10⁻⁶ %, whatever rounding follows.
        wanted = int((Decimal(planned // REPORT_UNIT) * target / 100).quantize(Decimal(1), ROUND_HALF_UP))
        raw = sum(s.completed for s in group) // REPORT_UNIT
        units = [s.completed // REPORT_UNIT * wanted // raw for s in group]
        units[max(range(len(group)), key=lambda i: units[i])] += wanted - sum(units)
        for spec, value in zip(group, units, strict=True):
            spec.completed = value * REPORT_UNIT
        if figures.rate(sum(s.completed for s in group), planned) != target:
            raise AssertionError(f"{level}: the demo's amounts miss {target}")
    for spec in specs:
        _spread(spec, rng)


# --- writing --------------------------------------------------------------------------------------


def _moment(day: date, rng, start=(8, 40), end=(17, 50)) -> datetime:
    minutes = rng.randint(start[0] * 60 + start[1], end[0] * 60 + end[1])
    return timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60, rng.randint(0, 59))))


class Calendar:
    """Working days from the start of the ledger's year to today, answered from one query."""

    def __init__(self, year: int, now: datetime):
        self.now = now
        self.today = timezone.localdate(now)
        start = date(year, 1, 1)
        with workdays.preloaded(start, self.today + timedelta(days=40)):
            overrides = workdays.load_overrides(start, self.today + timedelta(days=40))
            self.days = [
                start + timedelta(days=i)
                for i in range((self.today - start).days + 41)
                if workdays.is_workday(start + timedelta(days=i), overrides)
            ]
            self.rules = ProjectRules.current()
            self.due = {m: due_at(y, m, self.rules) for y, m in self._months(year)}

    def _months(self, year):
        return [(year, m) for m in range(1, 13)]

    def between(self, first: date, last: date) -> list[date]:
        return self.days[bisect.bisect_left(self.days, first) : bisect.bisect_right(self.days, last)] or [
            first
        ]

    def office(self, first: date, last: date, rng) -> datetime:
        return _moment(rng.choice(self.between(first, last)), rng)

    def before_now(self, moment: datetime, earliest: datetime, rng) -> datetime:
        """``moment``, or a moment between ``earliest`` and now if it is not yet past."""
        if moment < self.now - timedelta(minutes=20):
            return moment
        span = max(60, int((self.now - timedelta(minutes=20) - earliest).total_seconds()))
        return earliest + timedelta(seconds=rng.randint(span // 3, span))


class Writer:
    """Collects the rows of the ledger and writes them with bulk_create."""

    def __init__(self, year, last, cal, users):
        self.year, self.last, self.cal = year, last, cal
        self.commission_user, self.officials, self.owners = users
        self.reports = []  # (spec, MonthlyReport, statuses, photos wanted)
        self.events = []
        self.reminders = []

    def filer(self, spec, rng):
        if spec.owner_enterprise is not None:
            owners = self.owners.get(spec.owner_enterprise.pk)
            if owners and rng.random() < 0.85:
                return owners[0]
        elif rng.random() < 0.85:
            officials = self.officials[spec.owner_unit]
            return officials[-1] if spec.owner_unit == spec.responsible else officials[0]
        return self.officials[spec.responsible][-1]

    def confirmer(self, spec, filer, rng):
        officials = [u for u in self.officials[spec.responsible] if u.pk != filer.pk]
        return officials[0] if rng.random() < 0.7 else rng.choice(officials)

    def event(self, project, at, by, kind, note="", changes=None):
        self.events.append(
            ProjectEvent(project=project, at=at, by=by, kind=kind, note=note, changes=changes or {})
        )

    def report(self, spec, project, month, version, state, amount, filed_at, filer, rng, **extra):
        report = MonthlyReport(
            project=project,
            year=self.year,
            month=month,
            version=version,
            state=state,
            in_force=state == ReportState.CONFIRMED,
            completed_investment=amount,
            progress=_progress(spec, month, rng),
            problems=_problem(spec, rng),
            filed_by=filer,
            filed_at=filed_at,
            submission_key=f"{KEY_PREFIX}{spec.code}-{self.year}{month:02d}-v{version}",
            **extra,
        )
        self.reports.append((spec, report))
        reason = extra.get("correction_reason", "")
        kind = EventKind.REPORT_CORRECTED if reason else EventKind.REPORTED
        self.event(
            project,
            filed_at,
            filer,
            kind,
            f"{self.year}-{month:02d}" + (f"：{reason}" if reason else ""),
            {"completed_investment": [None, amount], "version": [None, version]},
        )
        decided_at = extra.get("decided_at")
        if decided_at is not None and state in (ReportState.CONFIRMED, ReportState.SUPERSEDED):
            self.event(
                project,
                decided_at,
                extra["decided_by"],
                EventKind.REPORT_CONFIRMED,
                f"{self.year}-{month:02d} v{version}",
            )
        elif state == ReportState.RETURNED:
            self.event(
                project,
                decided_at,
                extra["decided_by"],
                EventKind.REPORT_RETURNED,
                f"{self.year}-{month:02d}：{extra['return_reason']}",
            )
        return report

    def month(self, spec: Spec, project, month: int, rng):
        case = spec.cases[month]
        if case == "missing":
            return
        cal, due = self.cal, self.cal.due[month]
        due_day = timezone.localdate(due)
        first = month_end(self.year, month) - timedelta(days=2 if month < self.last else 6)
        amount = spec.amounts.get(month, 0)
        typical = max(REPORT_UNIT, spec.completed // max(1, len(spec.amounts)) // REPORT_UNIT * REPORT_UNIT)
        filer = self.filer(spec, rng)
        confirmer = self.confirmer(spec, filer, rng)
        if case == "late":
            filed = cal.office(due_day + timedelta(days=1), due_day + timedelta(days=12), rng)
            self._remind(spec, project, month, filed)
        else:
            filed = cal.office(first, due_day, rng)
        filed = cal.before_now(filed, timezone.make_aware(datetime.combine(first, time(9))), rng)
        decided = cal.before_now(filed + timedelta(hours=rng.uniform(1.5, 50)), filed, rng)

        def other(value):
            return max(REPORT_UNIT, int(value * rng.uniform(0.8, 1.25)) // REPORT_UNIT * REPORT_UNIT)

        confirmed = {"decided_by": confirmer, "decided_at": decided}
        if case in ("confirmed", "late", "correction_pending"):
            self.report(
                spec, project, month, 1, ReportState.CONFIRMED, amount, filed, filer, rng, **confirmed
            )
            if case == "correction_pending":
                again = cal.before_now(decided + timedelta(days=rng.uniform(2, 20)), decided, rng)
                self.report(
                    spec, project, month, 2, ReportState.SUBMITTED, other(amount), again, filer, rng,
                    correction_reason=rng.choice(CORRECTIONS),
                )  # fmt: skip
        elif case == "corrected":
            self.report(
                spec, project, month, 1, ReportState.SUPERSEDED, other(amount), filed, filer, rng, **confirmed
            )
            again = cal.before_now(decided + timedelta(days=rng.uniform(3, 25)), decided, rng)
            decided2 = cal.before_now(again + timedelta(hours=rng.uniform(2, 30)), again, rng)
            self.report(
                spec, project, month, 2, ReportState.CONFIRMED, amount, again, filer, rng,
                correction_reason=rng.choice(CORRECTIONS), decided_by=confirmer, decided_at=decided2,
            )  # fmt: skip
        elif case in ("returned", "returned_refiled"):
            self.report(
                spec, project, month, 1, ReportState.RETURNED, other(amount if amount else typical), filed, filer, rng,
                return_reason=rng.choice(RETURNS), decided_by=confirmer, decided_at=decided,
            )  # fmt: skip
            if case == "returned_refiled":
                again = cal.before_now(decided + timedelta(hours=rng.uniform(3, 60)), decided, rng)
                decided2 = cal.before_now(again + timedelta(hours=rng.uniform(2, 30)), again, rng)
                self.report(
                    spec, project, month, 2, ReportState.CONFIRMED, amount, again, filer, rng,
                    decided_by=confirmer, decided_at=decided2,
                )  # fmt: skip
        elif case == "submitted":
            self.report(spec, project, month, 1, ReportState.SUBMITTED, other(typical), filed, filer, rng)

    def _remind(self, spec, project, month, before=None):
        """The reminder the worker sends the day after a month's deadline, when the report is missing."""
        at = timezone.make_aware(
            datetime.combine(timezone.localdate(self.cal.due[month]) + timedelta(days=1), time(9))
        )
        if at < self.cal.now and (before is None or at < before):
            self.reminders.append(ReportReminder(project=project, year=self.year, month=month, at=at))
            self.event(project, at, None, EventKind.REMINDED, f"{self.year}-{month:02d} 月报逾期未报，已催报")


def _progress(spec: Spec, month: int, rng) -> str:
    phase = _phase(spec, month)
    public = not spec.industrial
    if phase == "prep":
        texts = PROGRESS["prep_public" if public else "prep"]
    elif phase == "complete":
        texts = PROGRESS["complete_public" if public else "complete"]
    elif phase == "start":
        texts = PROGRESS["start"]
    else:
        texts = PROGRESS["industrial" if spec.industrial else spec.kind]
    span = max(1, spec.last_month - spec.first_month + 1)
    done = (month - spec.first_month + 1) / span
    base = 0.15 if spec.stage in (Stage.NEW_START, Stage.PREPARATION) else 0.45
    percent = int(min(98, max(5, 100 * (base + (0.95 - base) * done) * rng.uniform(0.9, 1.05))))
    return rng.choice(texts).format(p=percent, f=max(2, int(percent / 100 * 18)))


def _problem(spec: Spec, rng) -> str:
    if rng.random() > (0.55 if spec.lagging else 0.08):
        return ""
    return rng.choice(PROBLEMS).format(
        d=rng.randint(10, 40), x=rng.randint(1, 6), county=COUNTY_PLACES[spec.region][0]
    )


def _statuses(spec: Spec, month: int) -> list:
    """The milestones' statuses as a report of ``month`` gives them: (index, status)."""
    result = []
    for index, (_name, due, done) in enumerate(spec.milestones):
        if done <= month:
            status = MilestoneStatus.DONE
        elif due.month <= month:
            status = MilestoneStatus.BEHIND
        elif due.month <= month + 1:
            status = MilestoneStatus.IN_PROGRESS
        else:
            status = MilestoneStatus.NOT_STARTED
        result.append((index, status))
    return result


def _monthly_plan(total: int) -> list[int]:
    """``total`` over the months by the season's weights, exact in yuan (December takes the rounding)."""
    weights = sum(SEASON)
    months = [int(total * w / weights) for w in SEASON]
    months[-1] += total - sum(months)
    return months


def _plan_entry(spec: Spec) -> datetime:
    """When the commission set the year's plan: two days after the project entered the ledger."""
    return _moment(spec.entered_on, random.Random(spec.code), (9, 0), (11, 30)) + timedelta(days=2, hours=3)


def _owner_user(writer: Writer, spec: Spec):
    if spec.owner_enterprise is not None:
        return (writer.owners.get(spec.owner_enterprise.pk) or [None])[0]
    return writer.officials[spec.owner_unit][0]


def _stored(milestones) -> list[dict]:
    return [{"name": n, "due_on": d.isoformat()} for n, d in sorted(milestones, key=lambda m: (m[1], m[0]))]


def _plan_versions(writer: Writer, specs, projects, plans) -> list[PlanVersion]:
    """Version 1 of every plan, set by the commission; version 2 approved for four projects (their
    version 1 lacked the last milestone and had the first a month earlier), filed and waiting for two."""
    commission, year = writer.commission_user, writer.year
    ordered = sorted(zip(specs, projects, plans, strict=True), key=lambda row: row[0].code)
    watched = [row for row in ordered if row[0].stage in REPORTING_STAGES and _owner_user(writer, row[0])]
    revised = [row for row in watched if len(row[0].milestones) >= 3 and row[0].milestones[0][1].month >= 3][
        :4
    ]
    waiting = [row for row in watched if row not in revised and _is_home(writer, row[0], OWNER_LOGIN)][:1]
    waiting += [row for row in watched if row not in revised and row not in waiting][: 2 - len(waiting)]
    revised, waiting = {row[0].code for row in revised}, {row[0].code for row in waiting}
    versions = []
    for spec, project, plan in ordered:
        milestones = [(n, d) for n, d, _done in spec.milestones]
        entry = _plan_entry(spec)
        at = writer.cal.before_now(entry, entry - timedelta(days=2, hours=3), random.Random(spec.code))

        version = functools.partial(_version, spec, project, plan, commission)
        baseline = {"monthly": plan.monthly_plan, "milestones": milestones}
        if spec.code in revised:
            (first, first_due), *rest = milestones
            earlier = date(year, first_due.month - 1, min(first_due.day, 28))
            v1 = {"monthly": plan.monthly_plan, "milestones": [(first, earlier), *rest[:-1]]}
            versions.append(version(1, PlanState.SUPERSEDED, v1, commission, at, at))
            filed = writer.cal.before_now(at + timedelta(days=45), at, random.Random(f"{spec.code}:v2"))
            decided = writer.cal.before_now(
                filed + timedelta(days=1, hours=2), filed, random.Random(spec.code)
            )
            reason = f"增加“{rest[-1][0]}”节点；“{first}”因设计变更顺延一个月"
            owner = _owner_user(writer, spec)
            versions.append(version(2, PlanState.APPROVED, baseline, owner, filed, decided, reason))
            note = f"{year} 年第 2 版：{reason}"
            writer.event(project, filed, owner, EventKind.PLAN_FILED, note, {"year": year, "version": 2})
            writer.event(
                project, decided, commission, EventKind.PLAN_APPROVED, note, {"year": year, "version": 2}
            )
            continue
        versions.append(version(1, PlanState.APPROVED, baseline, commission, at, at))
        if spec.code in waiting:
            shifted = list(plan.monthly_plan)
            moved = sum(amount // 5 for amount in shifted[:6])
            shifted = [amount - amount // 5 for amount in shifted[:6]] + shifted[6:11] + [shifted[11] + moved]
            filed = writer.cal.before_now(writer.cal.now - timedelta(days=2), at, random.Random(spec.code))
            reason = "受征地拆迁影响，上半年部分投资后移至 12 月"
            owner = _owner_user(writer, spec)
            content = {"monthly": shifted, "milestones": milestones}
            versions.append(version(2, PlanState.FILED, content, owner, filed, reason=reason))
            note = f"{year} 年第 2 版：{reason}"
            writer.event(project, filed, owner, EventKind.PLAN_FILED, note, {"year": year, "version": 2})
    return versions


def _version(
    spec, project, plan, commission, number, state, content, filed_by, filed_at, decided_at=None, reason=""
):
    return PlanVersion(
        project=project,
        year=plan.year,
        number=number,
        state=state,
        planned_investment=plan.planned_investment,
        monthly=content["monthly"],
        milestones=_stored(content["milestones"]),
        reason=reason,
        filed_by=filed_by,
        filed_at=filed_at,
        decided_by=commission if decided_at else None,
        decided_at=decided_at,
        submission_key=f"{KEY_PREFIX}{spec.code}-plan-v{number}",
    )


def _is_home(writer: Writer, spec: Spec, login) -> bool:
    """Whether ``spec`` is the demo owner's (``yezhu``) project."""
    user = _owner_user(writer, spec)
    return user is not None and user.get_username() == login


def _stage_events(writer: Writer, spec: Spec, project):
    commission = writer.commission_user
    official = writer.officials[spec.responsible][0]
    entry = _moment(spec.entered_on, random.Random(spec.code), (9, 0), (11, 30))
    level = Level(spec.level).label
    writer.event(project, entry, commission, EventKind.CREATED, f"列入{writer.year}年{level}")
    writer.event(
        project,
        entry + timedelta(days=2, hours=3),
        commission,
        EventKind.PLAN_SET,
        str(writer.year),
        {
            "planned_investment": ["None", str(spec.planned)],
            "milestones": ["[]", str([[n, str(d)] for n, d, _done in spec.milestones])],
        },
    )
    steps = []
    if spec.stage == Stage.NEW_START:
        steps.append((Stage.PREPARATION, Stage.NEW_START, spec.started_on, "started_on"))
    if spec.completed_on is not None:
        steps.append((Stage.CONTINUING, Stage.COMPLETED, spec.completed_on, "completed_on"))
    if spec.in_production_on is not None:
        steps.append((Stage.COMPLETED, Stage.IN_PRODUCTION, spec.in_production_on, "in_production_on"))
    for before, after, day, field_name in steps:
        writer.event(
            project,
            _moment(day, random.Random(f"{spec.code}{after}"), (10, 0), (17, 0)),
            official,
            EventKind.STAGE_CHANGED,
            "",
            {"stage": [before, after], field_name: [None, str(day)]},
        )


def _write(specs: list[Spec], year: int, last: int, cal: Calendar, users, regions) -> tuple[int, int]:
    units = {u.code: u for u in Unit.objects.all()}
    leaders = {
        u.username: u.person
        for u in get_user_model().objects.filter(person__roles__role=Role.LEADER).select_related("person")
    }
    projects = Project.objects.bulk_create(
        [
            Project(
                code=s.code,
                name=s.name,
                industrial=s.industrial,
                industry=s.industry,
                region_id=s.region,
                park=units.get(s.park) if s.park else None,
                owner_enterprise=s.owner_enterprise,
                owner_unit=units[s.owner_unit] if s.owner_unit else None,
                responsible_unit=units[s.responsible],
                leader=leaders.get(s.leader) if s.leader else None,
                address=s.address,
                latitude=s.latitude,
                longitude=s.longitude,
                content=s.content,
                starts_on=s.starts_on,
                completes_on=s.completes_on,
                total_investment=s.total,
                stage=s.stage,
                started_on=s.started_on,
                completed_on=s.completed_on,
                in_production_on=s.in_production_on,
                entered_on=s.entered_on,
            )
            for s in specs
        ]
    )
    ProjectLevel.objects.bulk_create(
        ProjectLevel(project=p, level=s.level) for p, s in zip(projects, specs, strict=True)
    )
    plans = AnnualPlan.objects.bulk_create(
        AnnualPlan(project=p, year=year, planned_investment=s.planned, monthly_plan=_monthly_plan(s.planned))
        for p, s in zip(projects, specs, strict=True)
    )
    milestone_rows = [
        (s, Milestone(plan=plan, name=name, due_on=due))
        for s, plan in zip(specs, plans, strict=True)
        for name, due, _done in s.milestones
    ]
    Milestone.objects.bulk_create([m for _s, m in milestone_rows])
    milestones_of = defaultdict(list)
    for spec, milestone in milestone_rows:
        milestones_of[spec.code].append(milestone)

    writer = Writer(year, last, cal, users)
    PlanVersion.objects.bulk_create(_plan_versions(writer, specs, projects, plans))
    for spec, project in zip(specs, projects, strict=True):
        rng = random.Random(f"{SEED}:{spec.code}:{last}")
        _stage_events(writer, spec, project)
        for month in spec.cases:
            writer.month(spec, project, month, rng)
            if spec.cases[month] == "missing" and month < last:
                writer._remind(spec, project, month)
    reports = MonthlyReport.objects.bulk_create([r for _s, r in writer.reports], batch_size=500)
    progress = []
    for (spec, _r), report in zip(writer.reports, reports, strict=True):
        for index, status in _statuses(spec, report.month):
            progress.append(
                MilestoneProgress(report=report, milestone=milestones_of[spec.code][index], status=status)
            )
    MilestoneProgress.objects.bulk_create(progress, batch_size=1000)
    refresh_met(Milestone.objects.all())  # as confirming each report would have
    refresh_completed(AnnualPlan.objects.filter(pk__in=[plan.pk for plan in plans]))  # and this
    photos = _photos(writer, reports, regions)
    writer.events.sort(key=lambda e: (e.project.code, e.at))
    ProjectEvent.objects.bulk_create(writer.events, batch_size=1000)
    ReportReminder.objects.bulk_create(writer.reminders)
    return len(reports), photos


# --- photos -------------------------------------------------------------------------------------


class Painter:
    """Site photos drawn with Pillow: sky, hills, a building rising with the months, a tower crane, the
    site's hoarding with the project's name and a watermark with the time and place, as the camera apps
    officials use write them (水印相机). The CJK font is settings.CJK_FONT when present."""

    def __init__(self):
        from PIL import ImageFont

        path = Path(settings.CJK_FONT)
        self.fonts = {s: ImageFont.truetype(str(path), s) for s in (18, 22, 30)} if path.exists() else None
        self.skies = {}

    def sky(self, top):
        from PIL import Image, ImageOps

        if top not in self.skies:
            gradient = Image.linear_gradient("L").resize(PHOTO_SIZE)
            self.skies[top] = ImageOps.colorize(gradient, top, (215, 228, 238))
        return self.skies[top]

    def paint(
        self, rng, kind, name, when, place, progress, exif_time, latitude, longitude
    ) -> tuple[bytes, bytes]:
        from PIL import Image, ImageDraw

        w, h = PHOTO_SIZE
        image = Image.new("RGB", PHOTO_SIZE)
        horizon = int(h * rng.uniform(0.58, 0.68))
        image.paste(self.sky(rng.choice(((110, 160, 215), (150, 175, 200), (90, 140, 205)))), (0, 0))
        draw = ImageDraw.Draw(image)
        draw.rectangle(
            (0, horizon, w, h), fill=rng.choice(((150, 120, 90), (135, 125, 110), (160, 140, 105)))
        )
        hills = (
            [(0, horizon)]
            + [(x, horizon - rng.randint(10, 45)) for x in range(0, w + 80, 80)]
            + [(w, horizon)]
        )
        draw.polygon(hills, fill=(120, 150, 125))
        if kind in LINEAR_KINDS:
            _road(draw, rng, horizon, progress)
        else:
            left, width = rng.randint(60, 260), rng.randint(220, 340)
            _building(draw, left, width, horizon, progress)
            _crane(draw, rng, min(w - 110, left + width + rng.randint(40, 150)), horizon)
        draw.rectangle((0, h - 120, w, h - 70), fill=(30, 90, 170))
        if self.fonts:
            draw.text((20, h - 112), name[:24], font=self.fonts[30], fill=(255, 255, 255))
            box = Image.new("RGBA", (380, 62), (0, 0, 0, 110))
            image.paste(box, (12, h - 66), box)
            draw.text((22, h - 62), when, font=self.fonts[22], fill=(255, 255, 255))
            draw.text((22, h - 34), place, font=self.fonts[18], fill=(255, 235, 160))
        photo = BytesIO()
        image.save(photo, "JPEG", quality=78, exif=_exif(exif_time, latitude, longitude))
        thumb = BytesIO()
        image.reduce(PHOTO_SIZE[0] // THUMB_SIZE[0]).save(thumb, "JPEG", quality=80)
        return photo.getvalue(), thumb.getvalue()


LINEAR_KINDS = ("road", "water", "sewage")


def _building(draw, left, width, horizon, progress):
    """A frame rising with the year: one floor every tenth of the way, a green safety net on one side."""
    floors = max(1, int(progress * 10))
    top = horizon + 10 - floors * 22
    draw.rectangle(
        (left, top, left + width, horizon + 10), fill=(185, 185, 180), outline=(90, 90, 90), width=2
    )
    for f in range(floors):
        y = horizon + 10 - f * 22
        draw.line((left, y, left + width, y), fill=(110, 110, 110), width=2)
    for x in range(left, left + width, 36):
        draw.line((x, top, x, horizon + 10), fill=(120, 120, 120), width=2)
    draw.rectangle((left + width - 60, top - 10, left + width + 8, horizon + 10), fill=(60, 130, 80))


def _crane(draw, rng, x, horizon):
    colour, mast = (215, 170, 30), rng.randint(60, 120)
    draw.rectangle((x - 6, mast, x + 6, horizon + 10), outline=colour, width=3)
    for y in range(mast, horizon, 16):
        draw.line((x - 6, y, x + 6, y + 16), fill=colour, width=2)
    jib = rng.randint(220, 300)
    draw.rectangle((x - jib, mast - 4, x + 90, mast + 6), outline=colour, width=3)
    draw.line((x, mast - 40, x - jib, mast - 4), fill=colour, width=2)
    draw.line((x, mast - 40, x + 90, mast - 4), fill=colour, width=2)
    draw.line((x, mast - 40, x, mast), fill=colour, width=4)
    draw.rectangle((x + 60, mast + 6, x + 88, mast + 26), fill=(80, 80, 80))
    hook, load = x - rng.randint(60, jib - 20), rng.randint(mast + 60, horizon - 40)
    draw.line((hook, mast + 6, hook, load), fill=(40, 40, 40), width=1)
    draw.rectangle((hook - 14, load, hook + 14, load + 10), fill=(100, 70, 40))


def _road(draw, rng, horizon, progress):
    """A road (or embankment) running to the horizon: earthworks first, then paved and marked, and a
    roller on it."""
    w, h = PHOTO_SIZE
    middle = rng.randint(320, 480)
    bottom = h - 120
    surface = (95, 95, 98) if progress > 0.55 else (170, 140, 100)
    draw.polygon(
        ((middle - 12, horizon), (middle + 12, horizon), (w - 40, bottom), (40, bottom)), fill=surface
    )
    if progress > 0.7:  # the centre line, dashed

        def at(t):
            return middle + (w / 2 - middle) * t, horizon + (bottom - horizon) * t

        for step in range(0, 10, 2):
            draw.line((*at(step / 10), *at((step + 1) / 10)), fill=(240, 240, 240), width=3)
    x, y = rng.randint(120, 520), bottom - rng.randint(50, 110)
    draw.rectangle((x, y, x + 90, y + 38), fill=(220, 170, 30), outline=(60, 60, 60), width=2)
    draw.rectangle((x + 50, y - 30, x + 88, y), fill=(200, 155, 25), outline=(60, 60, 60), width=2)
    draw.ellipse((x - 24, y + 14, x + 26, y + 58), fill=(70, 70, 70))
    draw.ellipse((x + 64, y + 22, x + 100, y + 58), fill=(50, 50, 50))


def _exif(moment: datetime, latitude: Decimal, longitude: Decimal):
    from PIL import ExifTags, Image
    from PIL.TiffImagePlugin import IFDRational

    def dms(value: Decimal):
        value = float(value)
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        seconds = round(((value - degrees) * 60 - minutes) * 60 * 1_000_000)
        return (IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(seconds, 1_000_000))

    exif = Image.Exif()
    text = clock.local_text(moment, "%Y:%m:%d %H:%M:%S")  # EXIF writes local time, no zone
    exif[ExifTags.Base.DateTime] = text
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = text
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", dms(latitude)
    gps[ExifTags.GPS.GPSLongitudeRef], gps[ExifTags.GPS.GPSLongitude] = "E", dms(longitude)
    return exif


WEEKDAYS = "一二三四五六日"


def _photos(writer: Writer, reports, regions) -> int:
    """Photos on the last two months' reports (in force or waiting) of about a third of the projects."""
    storage = ReportPhoto._meta.get_field("image").storage
    painter = Painter()
    wanted = []
    for (spec, report), saved in zip(writer.reports, reports, strict=True):
        if report.month < writer.last - 1 or report.state not in (
            ReportState.CONFIRMED,
            ReportState.SUBMITTED,
        ):
            continue
        if _phase(spec, report.month) == "prep":
            continue
        rng = random.Random(f"{SEED}:photo:{spec.code}:{report.month}")
        if spec.level != Level.PROVINCIAL_MAJOR and rng.random() > 0.4:
            continue
        count = rng.randint(2, 3) if spec.level == Level.PROVINCIAL_MAJOR else rng.randint(1, 2)
        wanted.append((spec, saved, count, rng))
    rows = []
    for spec, report, count, rng in wanted:
        if len(rows) >= PHOTO_BUDGET:
            break
        place_name = PARKS[spec.park][1] if spec.park else regions[spec.region]
        for n in range(count):
            taken = _moment(date(report.year, report.month, rng.randint(15, 28)), rng, (8, 30), (16, 30))
            if taken > report.filed_at - timedelta(hours=1):
                taken = report.filed_at - timedelta(hours=rng.uniform(1, 20))
            latitude = spec.latitude + Decimal(rng.randint(-900, 900)) / 1_000_000
            longitude = spec.longitude + Decimal(rng.randint(-900, 900)) / 1_000_000
            local = timezone.localtime(taken)
            when = f"{clock.local_text(taken, '%Y-%m-%d %H:%M')} 星期{WEEKDAYS[local.weekday()]}"
            place = f"{latitude:.4f}°N {longitude:.4f}°E {place_name}"
            progress = min(1.0, 0.3 + 0.6 * report.month / 12 + 0.1 * n)
            digest = hashlib.sha256(
                f"{spec.kind}|{spec.name}|{when}|{place}|{progress}".encode()
            ).hexdigest()[:10]
            base = f"projects/demo/{spec.code}/{report.year}{report.month:02d}-{n + 1}-{digest}"
            image_name, thumb_name = f"{base}.jpg", f"{base}-thumb.jpg"
            if storage.exists(image_name) and storage.exists(thumb_name):
                size = storage.size(image_name)
            else:
                photo, thumb = painter.paint(
                    random.Random(digest),
                    spec.kind,
                    spec.name,
                    when,
                    place,
                    progress,
                    taken,
                    latitude,
                    longitude,
                )
                image_name = storage.save(image_name, ContentFile(photo))
                thumb_name = storage.save(thumb_name, ContentFile(thumb))
                size = len(photo)
            rows.append(
                ReportPhoto(
                    report=report,
                    image=image_name,
                    thumbnail=thumb_name,
                    name=f"IMG_{clock.local_text(taken, '%Y%m%d_%H%M%S')}.jpg",
                    size=size,
                    taken_at=taken,
                    latitude=latitude,
                    longitude=longitude,
                    uploaded_at=report.filed_at,
                )
            )
    ReportPhoto.objects.bulk_create(rows)
    return len(rows)


# --- loading -------------------------------------------------------------------------------------


def load(stdout) -> str:
    with transaction.atomic():
        return _load(clock.now())


def _load(now: datetime) -> str:
    commission = Unit.objects.filter(code=COMMISSION).first()
    if commission is None:
        return "重大项目调度：缺少发展改革委等单位（请先载入核心演示数据），未载入。"
    rules, _created = ProjectRules.objects.get_or_create(pk=1)
    if rules.commission_id is None:  # an administrator's choice is kept
        rules.commission = commission
        rules.save(update_fields=["commission"])
    year, last = period_due(now)
    User = get_user_model()
    password = functools.cache(lambda: make_password(DEMO_PASSWORD))  # hashed once, if at all
    new_people = _ensure_leaders()
    enterprises = list(Enterprise.objects.order_by("uscc"))
    by_industry = defaultdict(list)
    for enterprise in sorted(enterprises, key=lambda e: (not e.above_designated_size, e.uscc)):
        by_industry[enterprise.industry].append(enterprise)
    owner = User.objects.filter(username=OWNER_LOGIN).select_related("person__enterprise").first()
    home = owner.person.enterprise if owner is not None and hasattr(owner, "person") else None
    specs = _catalogue(year, by_industry, home)

    demo = MonthlyReport.objects.filter(submission_key__startswith=KEY_PREFIX)
    written = photos = 0
    if not demo.exists() and not Project.objects.filter(code__in=[s.code for s in specs]).exists():
        units = {s.responsible for s in specs} | {s.owner_unit for s in specs if s.owner_unit}
        officials, made = _unit_officials(units, password)
        new_people += made
        owners, made = _owner_users([s.owner_enterprise for s in specs if s.owner_enterprise], password)
        new_people += made
        commission_user = User.objects.filter(username=COMMISSION_LOGIN).first()
        rng = random.Random(f"{SEED}:{year}-{last}")
        for spec in specs:
            _schedule(spec, year, last, rng)
        _cases(specs, last, rng, home)
        _amounts(specs, year, rng)
        cal = Calendar(year, now)
        regions = {code: name for code, (name, *_rest) in COUNTY_PLACES.items()}
        written, photos = _write(specs, year, last, cal, (commission_user, officials, owners), regions)
    return _summary(year, last, now, written, photos, new_people)


def _summary(year: int, last: int, now: datetime, written: int, photos: int, new_people: int) -> str:
    """What the platform computes from the ledger now (nothing of it is stored)."""
    rates = []
    for level in TARGETS:
        (row,) = figures.completion(Project.objects.filter(industrial=True, levels__level=level), year, last)
        rates.append(f"{Level(level).label} {row.projects} 个 {row.rate}%")
    share = figures.industrial_share(Project.objects.filter(levels__level=Level.CITY_KEY), year)
    projects = list(Project.objects.all())
    with workdays.preloaded(date(year, 1, 1), timezone.localdate(now) + timedelta(days=60)):
        codes = [s.code for s in statuses_for(projects, year, last, now).values()]
        late = [s.code for s in statuses_for(projects, year, last - 1, now).values()] if last > 1 else []
        overdue = overdue_projects(Project.objects.all(), now).count()
    User = get_user_model()
    county = MonthlyReport.objects.filter(
        state=ReportState.SUBMITTED, project__responsible_unit__code=COUNTY_LOGIN_UNIT
    ).count()
    owner = User.objects.filter(username=OWNER_LOGIN).select_related("person__enterprise").first()
    enterprise = owner.person.enterprise if owner is not None and owner.person.enterprise_id else None
    owned = Project.objects.filter(owner_enterprise=enterprise).count() if enterprise else 0
    reports = MonthlyReport.objects.filter(submission_key__startswith=KEY_PREFIX).count()
    return (
        f"重大项目调度演示数据：{len(projects)} 个项目，{reports} 份月报，{ReportPhoto.objects.count()} 张现场照片"
        f"（本次新增月报 {written} 份、照片 {photos} 张、人员账号 {new_people} 个）\n"
        f"  {year}年1–{last}月产业项目投资完成率（由平台计算）：{'，'.join(rates)}；"
        f"市重点工程计划中产业投资占比 {share}%\n"
        f"  {last}月月报：待确认 {codes.count('submitted')} 个项目，未报送 {codes.count('missing') + codes.count('overdue')} 个"
        f"（已逾期 {overdue} 个）"
        + (f"；{last - 1}月逾期未报 {late.count('overdue')} 个" if late else "")
        + "\n"
        f"  {COMMISSION_LOGIN}：{ProjectRules.current().commission}，维护台账；"
        f"{COUNTY_LOGIN}：耒阳市人民政府，{county} 份月报待确认；"
        f"{OWNER_LOGIN}：{enterprise or '—'}，{owned} 个项目（密码均为 {DEMO_PASSWORD}）"
    )
