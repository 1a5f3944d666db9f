"""Demo data for 企业赋码保护: a year of visits to the 52 pilot enterprises of Hengyang.

``manage.py load_demo`` calls ``load`` after the core demo (regions, units, enterprises, one login per
role). What it adds:

- visiting officials: two or three more in each inspecting department, county government and park (and
  in the departments that come to do research), password ``DEMO_PASSWORD``; one enterprise user
  (``ent-<last six of the USCC>``) per pilot enterprise, who rates that enterprise's visits;
- about 600 visits over the past twelve months and a few in the coming weeks, joint visits among them,
  with their requests, visitors, passes, check-ins and check-outs, scans and ratings;
- for the demo logins: an approved visit by ``danwei`` to ``qiye``'s enterprise today, 09:00–17:00, and
  another next week, so the pass page and the scanner can be tried at once;
- five no-pass reports handled by ``yingshangban``.

The data keep the rules ``rules.check`` enforces when an official files: planned visits on working days,
filed at least ``lead_working_days`` ahead; no planned inspection of an exempt or grade-A enterprise; at
most ``cap_per_enterprise`` planned inspection visits per enterprise and year (a joint visit counts once)
and ``cap_per_unit_per_enterprise`` per unit (refused and cancelled requests are counted too, as they
were when filed); enforcement by two officers with certificates; only emergencies filed late, within
``late_filing_hours``; research with few visitors approved automatically, everything else decided by the
office. Rows are written with bulk_create, not through ``actions`` (which stamp the current time), and
the ``auto_now_add`` timestamps, which bulk_create overwrites, are set again with bulk_update.

Safe to run twice: people are found by username, requests and no-pass reports by ``submission_key``
(``demo-…``), and a visit whose first request exists is left as it is. Only the two visits of the demo
logins follow the calendar: run on a later day, they move to that day and the next week.
Everything random comes from seeded ``random.Random``: the same day gives the same demo.
"""

import bisect
import hashlib
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from yancheng.core import workdays
from yancheng.core.management.commands.load_demo import DEMO_LOGINS, DEMO_PASSWORD
from yancheng.core.models import Enterprise, Person, PersonRole, Unit
from yancheng.core.roles import Role

from . import passes
from .choices import (
    INSPECTING,
    CaseStatus,
    Direction,
    Kind,
    Purpose,
    RequestStatus,
    ScanMethod,
    ScanResult,
    Trigger,
)
from .models import (
    CheckEvent,
    NoPassReport,
    NoPassReportStep,
    Pass,
    Rating,
    ScanAttempt,
    Visit,
    Visitor,
    VisitRequest,
    VisitRules,
)

SEED = 430400
HISTORY_VISITS = 600
UPCOMING_VISITS = 14
DANWEI_PAST_VISITS = 5
MAX_EMERGENCIES = 5
KEY_PREFIX = "demo-"
TODAY_KEY = "demo-today"
NEXT_WEEK_KEY = "demo-next-week"
OFFICE_LOGIN, SAMR_LOGIN, ENTERPRISE_LOGIN = "yingshangban", "danwei", "qiye"

# Purpose of a visit's first request. Joint partners are mostly inspections, so the mix over all
# requests comes out near research 35%, inspection 45%, enforcement 20%.
PRIMARY_MIX = {Purpose.RESEARCH: 0.38, Purpose.INSPECTION: 0.41, Purpose.ENFORCEMENT: 0.21}
# Share of inspection/enforcement visits that are planned (when the enterprise and the caps allow it).
PLANNED_SHARE = {Purpose.INSPECTION: 0.85, Purpose.ENFORCEMENT: 0.45}
# Chance that an inspecting visit becomes joint (综合查一次): about 12% of all visits.
JOINT_SHARE = {Kind.PLANNED: 0.4, Kind.TRIGGERED: 0.12}
TRIGGER_WEIGHTS = {
    Trigger.COMPLAINT: 0.42,
    Trigger.REFERRAL: 0.25,
    Trigger.DATA_ALERT: 0.28,
    Trigger.EMERGENCY: 0.12,
}
DURATIONS = {Purpose.RESEARCH: (60, 120), Purpose.INSPECTION: (90, 180), Purpose.ENFORCEMENT: (120, 210)}

COUNTY_LOGINS = {
    "430405": "zhuhui",
    "430406": "yanfeng",
    "430407": "shigu",
    "430408": "zhengxiang",
    "430412": "nanyue",
    "430421": "hengyangxian",
    "430422": "hengnan",
    "430423": "hengshan",
    "430424": "hengdong",
    "430426": "qidong",
    "430481": "leiyang",
    "430482": "changning",
}
COUNTY_TITLES = ("安委办专职副主任", "政府办公室经济股股长", "优化营商环境服务中心主任")
PARK_TITLES = ("安全环保局副局长", "企业服务中心主任", "经济发展局科员")

# unit code: (username stem, how many officials, their titles)
OFFICIALS = {
    "city-samr": (
        "samr",
        3,
        ("市场监管综合行政执法支队队员", "特种设备安全监察科科员", "食品生产监管科副科长"),
    ),
    "city-eco": ("eco", 3, ("生态环境保护综合行政执法支队队员", "执法支队副支队长", "环境监测站工程师")),
    "city-emergency": (
        "yingji",
        3,
        ("应急管理综合行政执法支队队员", "危险化学品安全监管科科员", "工贸行业安全监管科副科长"),
    ),
    "city-fire": ("xiaofang", 3, ("防火监督处监督员", "防火监督处参谋", "火灾事故调查科科员")),
    "city-tax": ("shuiwu", 2, ("第一稽查局检查员", "税政科科员")),
    "city-housing": ("zhujian", 2, ("建设工程质量安全监督站监督员", "建筑市场监管科科员")),
    "city-hrss": ("renshe", 2, ("劳动保障监察支队监察员", "就业促进科科员")),
    "city-health": ("weijian", 2, ("卫生健康综合监督执法局监督员", "职业健康科科员")),
    "city-miit": ("gongxin", 2, ("运行监测协调科科长", "中小企业科科员")),
    "city-commerce": ("shangwu", 2, ("外资外贸科副科长", "开放型经济科科员")),
    "city-drc": ("fagai", 2, ("重点项目办公室科员", "产业发展科副科长")),
    "hi-tech-zone": ("gaoxin", 3, PARK_TITLES),
    "baishazhou-park": ("baishazhou", 2, PARK_TITLES),
    "songmu-zone": ("songmu", 2, PARK_TITLES),
    **{f"county-{code}": (stem, 2, COUNTY_TITLES) for code, stem in COUNTY_LOGINS.items()},
}
# The departments with enforcement powers: their officials carry certificates (执法证).
ENFORCING = (
    "city-samr",
    "city-eco",
    "city-emergency",
    "city-fire",
    "city-tax",
    "city-housing",
    "city-hrss",
    "city-health",
)
PARKS = {"430408": "hi-tech-zone", "430406": "baishazhou-park", "430407": "songmu-zone"}
NOT_IN_PARKS = ("现代物流", "农产品加工")
ENTERPRISE_TITLES = ("办公室主任", "行政部经理", "安全环保部部长", "综合管理部经理")

# Which departments a factory of each industry sees most, in order.
INDUSTRY_UNITS = {
    "有色金属冶炼": ("city-eco", "city-emergency", "city-health", "city-samr", "city-fire"),
    "输变电装备制造": ("city-samr", "city-emergency", "city-fire", "city-health"),
    "电子信息": ("city-fire", "city-samr", "city-hrss", "city-eco"),
    "精细化工": ("city-emergency", "city-eco", "city-fire", "city-health"),
    "生物医药": ("city-eco", "city-samr", "city-emergency", "city-fire"),
    "食品加工": ("city-samr", "city-fire", "city-eco", "city-health"),
    "汽车零部件": ("city-samr", "city-emergency", "city-fire", "city-health"),
    "建筑材料": ("city-eco", "city-emergency", "city-health", "city-samr"),
    "新能源": ("city-emergency", "city-fire", "city-samr", "city-eco"),
    "现代物流": ("city-fire", "city-emergency", "city-hrss", "city-tax"),
    "纺织服装": ("city-fire", "city-hrss", "city-eco", "city-samr"),
    "农产品加工": ("city-samr", "city-eco", "city-fire", "city-hrss"),
}
RESEARCH_UNITS = {
    "city-miit": 3.0,
    "city-commerce": 1.5,
    "city-drc": 1.0,
    "city-hrss": 0.5,
    "city-tax": 0.5,
    "city-samr": 0.3,
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董曹袁邓许曾彭吕苏卢蒋蔡丁魏叶余潘杜"
    "夏钟汪田任姜范方石姚谭廖邹熊陆郝孔白崔毛邱秦江史顾侯邵孟龙万段雷汤尹黎易贺赖龚文阳刘旷欧"
)
_GIVEN_NAMES = (
    "建国 志刚 海涛 晓峰 丽华 红霞 卫东 文军 俊 敏 静 磊 涛 勇 斌 燕 琳 娟 杰 波 强 军 平 辉 鹏 婷 颖 霞 宇 "
    "湘平 衡生 雁飞 岳明 国平 建平 新民 立军 海燕 春梅 志勇 文华 小龙 晓红 亚军 德胜 振华 永红 建湘 楚雄 "
    "雪峰 思远 一鸣 浩然 欣怡 家豪 俊杰 伟 芳 娜 秀兰 湘云 卫国 爱民 小平 晓燕 国强 宏伟 明亮 建军 艳 "
    "玲 慧 洁 刚 健 超 毅 峰 亮 琦 晶 蕾 丹 瑶 昊 睿 哲 蔚 湘衡 岳林 南山 石泉 蒸湘 云飞 朝阳 冬梅 秋菊"
)
GIVEN_NAMES = _GIVEN_NAMES.split()


@dataclass(frozen=True)
class Topic:
    """What a unit looks at: the inspection items, the enforcement items, the legal basis, and the notes
    of the triggers that can send it (trigger: note)."""

    unit_codes: tuple
    inspection: str
    enforcement: str
    basis: str
    industries: tuple = ()  # empty: every industry
    triggers: dict = field(default_factory=dict)


SAFETY_LAW = "《中华人民共和国安全生产法》第六十五条"
LOCAL_SAFETY = "《中华人民共和国安全生产法》第九条"
TOPICS = [
    Topic(
        ("city-samr",),
        "食品生产许可条件保持情况；原辅料进货查验及生产过程控制记录；出厂检验记录及产品留样；从业人员健康管理",
        "对涉嫌生产不符合食品安全标准食品的行为现场检查、抽样取证，查阅、复制生产和检验记录",
        "《中华人民共和国食品安全法》第一百一十条",
        ("食品加工", "农产品加工"),
        {
            Trigger.COMPLAINT: "12345政务服务便民热线转来消费者投诉：所购该企业产品疑似变质，要求核查",
            Trigger.REFERRAL: "省市场监督管理局转办：食品安全监督抽检不合格产品核查处置",
            Trigger.DATA_ALERT: "食品安全追溯平台预警：同一批次原料进货查验记录缺失",
        },
    ),
    Topic(
        ("city-samr",),
        "特种设备（起重机械、压力容器、场（厂）内专用机动车辆）使用登记、定期检验及作业人员持证上岗情况",
        "对涉嫌使用未经定期检验的特种设备的行为现场检查，查封、扣押存在严重事故隐患的设备",
        "《中华人民共和国特种设备安全法》第六十一条",
        (),
        {
            Trigger.DATA_ALERT: "特种设备安全监管平台预警：该企业3台叉车、1台桥式起重机超期未检",
            Trigger.COMPLAINT: "员工举报车间桥式起重机制动异常仍在使用",
        },
    ),
    Topic(
        ("city-samr",),
        "产品质量监督检查：原材料进货查验、出厂检验记录及不合格品处置情况",
        "对监督抽查不合格产品涉嫌违法行为调查取证，查阅、复制有关合同、发票和账簿",
        "《中华人民共和国产品质量法》第十八条",
        ("输变电装备制造", "电子信息", "汽车零部件", "建筑材料", "新能源", "纺织服装", "有色金属冶炼"),
        {
            Trigger.REFERRAL: "省市场监督管理局转办：产品质量监督抽查不合格后续处置",
            Trigger.COMPLAINT: "下游客户投诉该企业一批次产品质量不合格",
        },
    ),
    Topic(
        ("city-eco",),
        "大气污染防治设施运行情况；排污许可证载明事项执行情况；自动监测设备运行维护记录",
        "对涉嫌超标排放大气污染物的行为现场检查、采样监测，调取自动监测数据",
        "《中华人民共和国环境保护法》第二十四条；《中华人民共和国大气污染防治法》第二十九条",
        ("有色金属冶炼", "精细化工", "建筑材料", "生物医药", "新能源", "汽车零部件"),
        {
            Trigger.DATA_ALERT: "污染源自动监控平台预警：颗粒物小时均值连续3小时超过排放限值",
            Trigger.COMPLAINT: "群众通过12345热线反映该企业夜间排放刺激性气味",
        },
    ),
    Topic(
        ("city-eco",),
        "废水处理设施运行情况；排放口规范化设置及自行监测记录",
        "对涉嫌通过暗管排放水污染物的行为现场检查、采样取证",
        "《中华人民共和国环境保护法》第二十四条；《中华人民共和国水污染防治法》第三十条",
        ("精细化工", "生物医药", "食品加工", "纺织服装", "农产品加工", "电子信息", "有色金属冶炼"),
        {
            Trigger.COMPLAINT: "群众举报该企业排放口下游河段水体发黑、有异味",
            Trigger.DATA_ALERT: "水质自动监测站预警：下游断面氨氮浓度异常升高",
            Trigger.EMERGENCY: "厂区污水处理站调节池发生泄漏，赶赴现场开展应急监测和处置",
        },
    ),
    Topic(
        ("city-eco",),
        "危险废物贮存场所规范化管理、管理台账及转移联单执行情况",
        "对涉嫌非法转移、处置危险废物的行为调查取证",
        "《中华人民共和国固体废物污染环境防治法》第二十六条",
        ("有色金属冶炼", "精细化工", "生物医药", "电子信息", "汽车零部件", "新能源"),
        {
            Trigger.REFERRAL: "省生态环境厅转办：危险废物规范化环境管理评估发现问题复查",
            Trigger.DATA_ALERT: "固体废物管理信息系统预警：危险废物申报量与产生量明显不符",
        },
    ),
    Topic(
        ("city-emergency",),
        "安全生产主体责任落实情况；安全风险分级管控和隐患排查治理双重预防机制运行情况；从业人员安全培训记录",
        "对安全生产违法行为立案调查：现场勘验，询问有关人员，调阅安全生产管理资料",
        SAFETY_LAW,
        (),
        {
            Trigger.COMPLAINT: "员工举报车间违章动火作业、未办理危险作业审批",
            Trigger.REFERRAL: "市安委办转办：上级安全生产明查暗访发现隐患的整改复查",
            Trigger.EMERGENCY: "厂区发生一起机械伤害事故，1人受伤送医，赶赴现场调查处置",
        },
    ),
    Topic(
        ("city-emergency",),
        "危险化学品储存场所安全条件、重大危险源监测监控及应急预案演练情况",
        "对危险化学品储存不符合安全条件的行为调查取证",
        f"{SAFETY_LAW}；《危险化学品安全管理条例》第七条",
        ("精细化工", "生物医药", "新能源", "有色金属冶炼"),
        {
            Trigger.DATA_ALERT: "危险化学品重大危险源监测预警系统报警：储罐区可燃气体浓度异常",
            Trigger.EMERGENCY: "储罐区发生少量物料泄漏，赶赴现场指导处置并调查原因",
        },
    ),
    Topic(
        ("city-emergency",),
        "粉尘涉爆、有限空间作业安全管理及作业审批情况",
        "对有限空间作业未执行审批和监护制度的行为调查取证",
        SAFETY_LAW,
        ("有色金属冶炼", "建筑材料", "食品加工", "农产品加工", "纺织服装", "汽车零部件"),
        {Trigger.REFERRAL: "省应急管理厅转办：工贸行业重大事故隐患专项排查整治复查"},
    ),
    Topic(
        ("city-fire",),
        "消防设施、器材配置及维护保养情况；疏散通道、安全出口畅通情况；消防安全责任人、管理人履职情况",
        "对占用、堵塞疏散通道和消防设施未保持完好有效的行为调查取证",
        "《中华人民共和国消防法》第五十三条",
        (),
        {
            Trigger.COMPLAINT: "群众举报该企业仓库疏散通道堆放货物",
            Trigger.DATA_ALERT: "城市消防远程监控系统显示该企业火灾自动报警系统连续多日故障",
            Trigger.EMERGENCY: "厂区仓库发生火情（已扑灭），赶赴现场开展火灾事故调查",
        },
    ),
    Topic(
        ("city-fire",),
        "仓储场所防火分隔、电气线路敷设及电动自行车集中充电管理情况",
        "对仓储场所违规设置员工宿舍、擅自改变防火分隔的行为调查取证",
        "《中华人民共和国消防法》第五十三条",
        ("现代物流", "纺织服装", "电子信息", "农产品加工"),
        {Trigger.COMPLAINT: "员工反映仓库内私拉电线为电动车充电"},
    ),
    Topic(
        ("city-tax",),
        "研发费用加计扣除、高新技术企业税收优惠政策享受情况核实",
        "对涉嫌取得异常增值税扣税凭证的线索开展税务检查，调取账簿、记账凭证",
        "《中华人民共和国税收征收管理法》第五十四条",
        (),
        {
            Trigger.DATA_ALERT: "税收大数据风险模型推送疑点：进项发票异常，税负率明显低于行业均值",
            Trigger.COMPLAINT: "收到实名举报，反映该企业涉嫌隐匿销售收入",
            Trigger.REFERRAL: "省税务局转办：增值税留抵退税事后核查",
        },
    ),
    Topic(
        ("city-housing",),
        "厂区在建工程施工质量安全管理、施工许可及安全文明施工情况",
        "对厂区扩建工程涉嫌未取得施工许可擅自施工的行为调查取证",
        "《建设工程质量管理条例》第四十八条；《建设工程安全生产管理条例》第四十三条",
        (),
        {
            Trigger.COMPLAINT: "群众举报厂区扩建工程夜间施工、疑似未办理施工许可",
            Trigger.REFERRAL: "市安委办转办：建筑施工安全专项整治发现问题复查",
        },
    ),
    Topic(
        ("city-hrss",),
        "劳动合同签订、工资支付、工时制度及社会保险参保缴费情况",
        "对拖欠劳动者工资的投诉开展劳动保障监察调查，调阅工资台账和考勤记录",
        "《劳动保障监察条例》第十五条",
        (),
        {
            Trigger.COMPLAINT: "12名员工联名投诉该企业拖欠两个月工资",
            Trigger.DATA_ALERT: "农民工工资支付监控预警平台提示：工资专用账户连续两个月未发放工资",
            Trigger.REFERRAL: "省人力资源和社会保障厅转办：欠薪线索核查",
        },
    ),
    Topic(
        ("city-health",),
        "职业病危害项目申报、工作场所职业病危害因素检测评价及劳动者职业健康检查情况",
        "对未按规定组织职业健康检查、未申报职业病危害项目的行为调查取证",
        "《中华人民共和国职业病防治法》第六十三条",
        ("有色金属冶炼", "精细化工", "建筑材料", "电子信息", "汽车零部件", "纺织服装", "生物医药", "新能源"),
        {
            Trigger.COMPLAINT: "员工反映车间粉尘大、两年未组织职业健康检查",
            Trigger.REFERRAL: "省卫生健康委转办：尘肺病新发病例所在企业职业卫生调查",
        },
    ),
    Topic(
        ("county", "park"),
        "安全生产大检查：企业安全生产主体责任落实、隐患排查整改台账、应急预案及演练记录",
        "",
        LOCAL_SAFETY,
        (),
        {
            Trigger.REFERRAL: "市安委会统一部署：重大节日前安全生产督查检查",
            Trigger.COMPLAINT: "12345热线反映该企业运输车辆沿途抛洒、周边道路扬尘严重",
            Trigger.EMERGENCY: "强降雨致厂区部分区域进水，赶赴现场督导防汛抢险",
        },
    ),
    Topic(
        ("county", "park"),
        "汛期防汛备汛和高温时段安全生产措施落实情况督查",
        "",
        LOCAL_SAFETY,
        (),
        {Trigger.REFERRAL: "县防汛抗旱指挥部统一部署：汛期企业安全度汛督查"},
    ),
]

REFUSALS = [
    "该企业本月已接受同类检查，检查结果可在平台共享调阅，请勿重复检查。",
    "检查事项与所列法律依据不对应，请核实后重新申请。",
    "该企业一周内已有其他部门安排检查，请申请加入联合检查，实行“综合查一次”。",
    "检查事项表述笼统，未列明具体检查内容，请细化后重新申请。",
]
PRAISE = [
    "提前预约、准时到达，检查过程规范，没有影响正常生产。",
    "检查人员业务熟练，对发现的问题讲解清楚，整改建议很实用。",
    "认真听取了我们关于用工和物流成本的诉求，并当场协调解决了部分问题。",
    "服务意识强，主动宣讲了研发费用加计扣除等惠企政策。",
    "出示通行码、扫码签到签退，流程规范透明。",
    "检查重点突出，时间控制得好。",
    "帮助我们梳理了安全隐患清单，对企业很有帮助。",
]
JOINT_PRAISE = "几个部门一次查完，减少了重复迎检，点赞“综合查一次”。"
MIDDLING = [
    "检查总体规范，但部分要求与上次检查不一致，希望统一标准。",
    "提前通知时间较短，企业准备资料比较仓促。",
    "希望检查后能及时反馈书面意见。",
]
REPEATED = [
    "一个月内已有部门检查过同样的内容，希望部门之间共享检查结果，减少重复检查。",
    "本月已接受过同类检查，此次检查内容基本重复，占用了生产时间。",
]
OVERSTAYED = "检查超出预约时段较长，影响了当天的生产安排。"
FAVOURS = "检查结束后有工作人员暗示企业安排用餐，企业感到为难，希望加强作风建设。"

# (days ago, pilot number, unit code or None, unit as the enterprise put it, visitors, what happened,
#  steps: (working days after the report, status, note))
NO_PASS_REPORTS = [
    (
        290,
        5,
        "city-housing",
        "",
        "两名男性，自称市住建局质量安全监督站工作人员",
        "上午10时许，两人到我公司扩建厂房施工现场要求查看施工资料。门卫请其出示访企通行码，对方表示“临时过来看一下，"
        "不需要”，未扫码签到即进入现场，停留约一小时。",
        [
            (1, CaseStatus.HANDLING, "已转衡阳市住房和城乡建设局核实，请于3个工作日内书面反馈。"),
            (
                4,
                CaseStatus.CLOSED,
                "经核实，市住建局质量安全监督站2名工作人员因处理工程质量投诉到企业现场核查，未按规定提前申请访企预约。"
                "已责成市住建局作出书面说明，对相关人员进行约谈提醒，并在全市优化营商环境工作通报中予以通报。已向企业反馈处理结果。",
            ),
        ],
    ),
    (
        200,
        17,
        None,
        "自称环保部门",
        "一男一女，未出示执法证件",
        "下午3时左右，两人自称环保部门工作人员，要求进入污水处理站采样。我公司请其出示通行码和执法证件，对方未能出示，"
        "采样后离开。",
        [
            (1, CaseStatus.HANDLING, "已请市生态环境局核查当日执法及监测安排。"),
            (
                3,
                CaseStatus.CLOSED,
                "经市生态环境局核查，当日无该局人员到企业执法或监测。来访人员系某第三方检测公司员工，冒用环保部门名义推销检测服务。"
                "已将线索移交公安机关，并提醒企业对自称执法人员的来访一律查验通行码和执法证件，可拨打12345核实。",
            ),
        ],
    ),
    (
        110,
        29,
        "county",
        "",
        "三人，自称县里的安全生产检查组",
        "检查组未预约、未扫码即进入车间检查，提出整改要求后离开。",
        [
            (1, CaseStatus.HANDLING, "已转所在县（市、区）人民政府核实。"),
            (
                5,
                CaseStatus.CLOSED,
                "经核实，系县安委办组织的安全生产暗查暗访组。暗查暗访按规定不提前通知企业，但应在平台申请访企并报营商办备案。"
                "已要求该县今后暗查暗访一律在平台备案，对本次未备案情况予以提醒。已向企业说明情况。",
            ),
        ],
    ),
    (
        18,
        38,
        "city-fire",
        "",
        "两名穿制服人员，自称消防检查",
        "上午9时许，两人未出示通行码即进入仓库检查消防设施，企业安全员陪同。",
        [(1, CaseStatus.HANDLING, "已转市消防救援支队核实当日监督检查安排，待反馈。")],
    ),
    (
        2,
        46,
        None,
        "自称市场监管部门",
        "两名男性，未出示通行码",
        "两人自称市场监管部门工作人员，要求查看食品原料进货台账，企业请其扫码签到，对方称系统有问题，未签到即开始检查。",
        [],
    ),
]


@dataclass
class PlannedRequest:
    key: str
    unit: Unit
    purpose: str
    kind: str
    visitors: list  # [(user, certificate_no)]
    filed_by: object
    filed_at: datetime
    trigger: str = ""
    trigger_note: str = ""
    items: str = ""
    legal_basis: str = ""
    filed_late: bool = False
    status: str = RequestStatus.APPROVED
    auto_approved: bool = False
    decided_by: object = None
    decided_at: datetime | None = None
    decision_reason: str = ""
    revoked_at: datetime | None = None  # cancelled after approval: the passes were revoked

    @property
    def has_passes(self) -> bool:
        return self.decided_at is not None and self.status in (
            RequestStatus.APPROVED,
            RequestStatus.CANCELLED,
        )


@dataclass
class PlannedVisit:
    enterprise: Enterprise
    starts_at: datetime
    ends_at: datetime
    requests: list = field(default_factory=list)


def load(stdout) -> str:
    with transaction.atomic():
        return _load(timezone.now())


def _load(now) -> str:
    rules = VisitRules.current()
    units = {unit.code: unit for unit in Unit.objects.all()}
    pilots = list(Enterprise.objects.filter(pilot=True).order_by("uscc"))
    users, new_people = _ensure_people(units, pilots)
    User = get_user_model()
    logins = {
        u.username: u for u in User.objects.filter(username__in=[OFFICE_LOGIN, SAMR_LOGIN, ENTERPRISE_LOGIN])
    }
    qiye_enterprise = Enterprise.objects.get(people__user=logins[ENTERPRISE_LOGIN])
    raters = {e.pk: users[_enterprise_login(e)] for e in pilots}
    raters[qiye_enterprise.pk] = logins[ENTERPRISE_LOGIN]  # the demo login rates its own enterprise's visits

    officials = defaultdict(list)
    unit_codes = {unit.pk: code for code, unit in units.items()}
    for _username, user in sorted(users.items()):
        if user.person.unit_id:
            officials[unit_codes[user.person.unit_id]].append(user)
    planner = Planner(
        rng=random.Random(SEED),
        now=now,
        rules=rules,
        units=units,
        officials=officials,
        pilots=pilots,
        office=logins[OFFICE_LOGIN],
        danwei=logins[SAMR_LOGIN],
        home=qiye_enterprise,
    )
    plan = planner.plan()

    existing = set(
        VisitRequest.objects.filter(submission_key__startswith=KEY_PREFIX).values_list(
            "submission_key", flat=True
        )
    )
    # The history is written in one go: once it is there, a run on another day (which plans other
    # dates) adds nothing to it.
    history_loaded = any(key[len(KEY_PREFIX)].isdigit() for key in existing)
    new_visits = [
        v
        for v in plan
        if v.requests[0].key not in existing
        and not (history_loaded and v.requests[0].key[len(KEY_PREFIX)].isdigit())
    ]
    _create(new_visits, plan, now, rules, raters)
    moved = _keep_demo_visits_current(plan, existing, now)
    new_reports = _ensure_no_pass_reports(pilots, units, users, logins, now)

    visits = Visit.objects.filter(enterprise__pilot=True)
    joint = visits.annotate(n=Count("requests")).filter(n__gt=1).count()
    return (
        f"访企演示数据：{len(pilots)} 家试点企业，{visits.count()} 次访企活动（联合检查 {joint} 次），"
        f"{VisitRequest.objects.count()} 份访企预约，{Pass.objects.count()} 张通行码，"
        f"{CheckEvent.objects.count()} 次签到签退，{Rating.objects.count()} 条评价，"
        f"{NoPassReport.objects.count()} 件无码入企报告；本次新增访企活动 {len(new_visits)} 次、"
        f"人员账号 {new_people} 个、无码入企报告 {new_reports} 件"
        + ("，演示登录的访企已调整到今天和下周" if moved else "")
        + f"（访企人员密码均为 {DEMO_PASSWORD}）"
    )


# --- people ---------------------------------------------------------------------------------------


def _enterprise_login(enterprise) -> str:
    return f"ent-{enterprise.uscc[-6:].lower()}"


def certificate_no(user, unit) -> str:
    """A stable enforcement certificate number (湘执法 + region + six digits) for an official."""
    digits = int(hashlib.sha256(user.username.encode()).hexdigest(), 16) % 10**6
    return f"湘执法{unit.region_id}{digits:06d}"


def _ensure_people(units, pilots) -> tuple[dict, int]:
    """The demo's officials and enterprise users, by username; created when missing."""
    rng = random.Random(SEED + 1)
    taken = {full_name for _username, full_name, *_rest in DEMO_LOGINS}
    wanted = []  # (username, full name, title, unit, enterprise, role)
    for code, (stem, count, titles) in OFFICIALS.items():
        for n in range(count):
            name = _new_name(rng, taken)
            wanted.append(
                (f"{stem}{n + 1:02d}", name, titles[n % len(titles)], units[code], None, Role.UNIT_OFFICIAL)
            )
    for index, enterprise in enumerate(pilots):
        name = _new_name(rng, taken)
        title = ENTERPRISE_TITLES[index % len(ENTERPRISE_TITLES)]
        wanted.append((_enterprise_login(enterprise), name, title, None, enterprise, Role.ENTERPRISE_USER))
    User = get_user_model()
    existing = set(
        User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", flat=True)
    )
    missing = [w for w in wanted if w[0] not in existing]
    if missing:
        password = make_password(DEMO_PASSWORD)  # hashed once: the real hasher costs ~0.3 s a user
        made = User.objects.bulk_create([User(username=w[0], password=password) for w in missing])
        people = Person.objects.bulk_create(
            [
                Person(user=user, full_name=w[1], title=w[2], unit=w[3], enterprise=w[4])
                for user, w in zip(made, missing, strict=True)
            ]
        )
        PersonRole.objects.bulk_create(
            [PersonRole(person=person, role=w[5]) for person, w in zip(people, missing, strict=True)]
        )
    found = User.objects.filter(username__in=[w[0] for w in wanted]).select_related("person")
    return {user.username: user for user in found}, len(missing)


def _new_name(rng, taken) -> str:
    while True:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
        if name not in taken:
            taken.add(name)
            return name


# --- the plan ------------------------------------------------------------------------------------


class Planner:
    """Decides every visit: enterprise, unit, purpose, window, visitors, filing and decision, keeping
    the caps and the officials' diaries (nobody is at two enterprises in the same half-day)."""

    def __init__(self, *, rng, now, rules, units, officials, pilots, office, danwei, home):
        self.rng, self.now, self.rules = rng, now, rules
        self.units, self.officials, self.pilots = units, officials, pilots
        self.office, self.danwei, self.home = office, danwei, home
        self.tz = timezone.get_current_timezone()
        self.today = timezone.localdate(now)
        first, last = self.today - timedelta(days=400), self.today + timedelta(days=40)
        overrides = workdays.load_overrides(first, last)
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        self.workdays = [d for d in days if workdays.is_workday(d, overrides)]
        quiet = set(rules.quiet_days or [])
        year_ago = self.today - timedelta(days=365)
        self.past_workdays = [d for d in self.workdays if year_ago <= d < self.today and d.day not in quiet]
        self.past_days = [d for d in days if year_ago <= d < self.today - timedelta(days=1)]
        self.busy = set()  # (user pk, day, "am"/"pm")
        # (enterprise pk, year): the visits with a planned inspection
        self.planned_visits = defaultdict(set)
        self.unit_planned = Counter()  # (unit pk, enterprise pk, year): planned inspection requests
        self.emergencies = 0
        self.danwei_left = DANWEI_PAST_VISITS

    # -- calendar helpers

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz)

    def workday_before(self, day: date, k: int) -> date:
        """The k-th working day before ``day`` (``day`` itself not counted)."""
        return self.workdays[bisect.bisect_left(self.workdays, day) - k]

    def next_workday(self, day: date) -> date:
        return self.workdays[bisect.bisect_right(self.workdays, day)]

    def office_hours(self, day: date) -> datetime:
        """A moment in office hours on ``day``."""
        return self.at(day, 8, 30) + timedelta(minutes=self.rng.randrange(0, 540))

    @staticmethod
    def halves(starts_at, ends_at) -> tuple:
        start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
        found = []
        if start.hour < 12:
            found.append("am")
        if end.hour > 12 or (end.hour == 12 and end.minute > 30):
            found.append("pm")
        return tuple(found) or ("am",)

    def eligible(self, enterprise) -> bool:
        """May get planned inspections: not on the exempt list, not risk grade A."""
        return not enterprise.exempt and enterprise.risk_grade != "A"

    # -- the plan

    def plan(self) -> list[PlannedVisit]:
        plan = [self.demo_visit(TODAY_KEY, self.home, self.today, today=True)]
        week = self.today + timedelta(days=7 - self.today.weekday() + 1)  # Tuesday of next week
        while week not in self.workdays:
            week += timedelta(days=1)
        others = [e for e in self.pilots if e.pk != self.home.pk and self.eligible(e)]
        plan.append(self.demo_visit(NEXT_WEEK_KEY, self.rng.choice(others), week, today=False))
        for number in range(HISTORY_VISITS + UPCOMING_VISITS):
            upcoming = number >= HISTORY_VISITS
            purpose = self.rng.choices(list(PRIMARY_MIX), weights=list(PRIMARY_MIX.values()))[0]
            for _attempt in range(60):
                visit = self.try_visit(number, purpose, upcoming=upcoming)
                if visit is not None:
                    plan.append(visit)
                    break
        # The draw is weighted and seeded by the day, so on some days a pilot the rules spare (exempt,
        # grade A) drew no visit at all; every pilot gets at least a research visit, so each has a record.
        seen = {visit.enterprise.pk for visit in plan}
        number = HISTORY_VISITS + UPCOMING_VISITS
        for enterprise in [e for e in self.pilots if e.pk not in seen]:
            for _attempt in range(60):
                visit = self.try_visit(number, Purpose.RESEARCH, upcoming=False, enterprise=enterprise)
                if visit is not None:
                    plan.append(visit)
                    number += 1
                    break
        return plan

    def demo_visit(self, key, enterprise, day, *, today) -> PlannedVisit:
        """danwei's visit for the demo logins: 09:00–17:00, approved, with a colleague."""
        samr = self.units["city-samr"]
        starts_at, ends_at = self.at(day, 9), self.at(day, 17)
        year = day.year
        planned = (
            day in self.workdays  # run on a rest day, the visit of today is a triggered one
            and self.eligible(enterprise)
            and len(self.planned_visits[(enterprise.pk, year)]) < self.rules.cap_per_enterprise
            and self.unit_planned[(samr.pk, enterprise.pk, year)] < self.rules.cap_per_unit_per_enterprise
        )
        topic = next(t for t in TOPICS if "特种设备" in t.inspection)
        colleague = self.officials["city-samr"][0 if today else 1]
        filed_day = self.workday_before(day, self.rules.lead_working_days + (1 if today else 0))
        filed_at = self.at(filed_day, 10, 20)
        if filed_at > self.now:
            filed_at = self.now - timedelta(minutes=30)
        decided_at = min(self.at(self.next_workday(filed_day), 9, 15), self.now - timedelta(minutes=5))
        request = PlannedRequest(
            key=f"{key}-0",
            unit=samr,
            purpose=Purpose.INSPECTION,
            kind=Kind.PLANNED if planned else Kind.TRIGGERED,
            trigger="" if planned else Trigger.REFERRAL,
            trigger_note="" if planned else "省市场监督管理局转办：特种设备安全专项检查",
            visitors=[
                (self.danwei, certificate_no(self.danwei, samr)),
                (colleague, certificate_no(colleague, samr)),
            ],
            filed_by=self.danwei,
            filed_at=filed_at,
            items=topic.inspection,
            legal_basis=topic.basis,
            decided_by=self.office,
            decided_at=max(decided_at, filed_at + timedelta(minutes=1)),
        )
        visit = PlannedVisit(enterprise, starts_at, ends_at, [request])
        self.book(visit, key)
        return visit

    def try_visit(self, number: int, purpose: str, *, upcoming: bool, enterprise=None) -> PlannedVisit | None:
        rng = self.rng
        enterprise = enterprise or self.pick_enterprise(purpose)
        if upcoming:
            day = rng.choice([d for d in self.workdays if self.today < d <= self.today + timedelta(days=21)])
        else:
            day = rng.choice(self.past_workdays)
        year = day.year
        kind = Kind.PLANNED
        if purpose in INSPECTING:
            room = (
                self.eligible(enterprise)
                and len(self.planned_visits[(enterprise.pk, year)]) < self.rules.cap_per_enterprise
            )
            if upcoming and not room and rng.random() < 0.5:
                purpose = Purpose.RESEARCH  # the year's planned inspections are used up
            elif self.eligible(enterprise) and not room and not upcoming and rng.random() < 0.6:
                return None  # this enterprise has had its planned inspections this year: look elsewhere
            elif not (room and rng.random() < PLANNED_SHARE[purpose]):
                kind = Kind.TRIGGERED
        unit = self.pick_unit(purpose, kind, enterprise, year, exclude=())
        if unit is None:
            return None
        topic = self.pick_topic(unit, enterprise)
        if topic is None and purpose in INSPECTING:
            return None
        trigger = ""
        if kind == Kind.TRIGGERED:
            trigger = self.pick_trigger(topic, emergency=not upcoming)
            if trigger == Trigger.EMERGENCY:
                day = rng.choice(self.past_days)  # emergencies keep no office hours
        starts_at, ends_at = self.window(purpose, day, emergency=trigger == Trigger.EMERGENCY)
        with_danwei = (
            unit.code == "city-samr"
            and purpose in INSPECTING
            and not upcoming
            and self.danwei_left > 0
            and rng.random() < 0.15
        )
        visitors = self.pick_visitors(unit, purpose, starts_at, ends_at, with_danwei=with_danwei)
        if visitors is None:
            return None
        first = self.make_request(
            f"{KEY_PREFIX}{number:04d}-0",
            unit,
            purpose,
            kind,
            trigger,
            topic,
            visitors,
            starts_at,
            upcoming=upcoming,
        )
        visit = PlannedVisit(enterprise, starts_at, ends_at, [first])
        if purpose in INSPECTING and trigger != Trigger.EMERGENCY and rng.random() < JOINT_SHARE[kind]:
            for index in range(1, 2 if rng.random() < 0.75 else 3):
                partner = self.partner_request(visit, index, number, kind, year, upcoming=upcoming)
                if partner is not None:
                    visit.requests.append(partner)
        if with_danwei and any(user.pk == self.danwei.pk for r in visit.requests for user, _c in r.visitors):
            self.danwei_left -= 1
        self.book(visit, number)
        return visit

    def book(self, visit: PlannedVisit, number):
        year = timezone.localdate(visit.starts_at).year
        day = timezone.localdate(visit.starts_at)
        for request in visit.requests:
            if request.kind == Kind.PLANNED and request.purpose in INSPECTING:
                self.planned_visits[(visit.enterprise.pk, year)].add(number)
                self.unit_planned[(request.unit.pk, visit.enterprise.pk, year)] += 1
            if request.trigger == Trigger.EMERGENCY:
                self.emergencies += 1
            for user, _certificate in request.visitors:
                for half in self.halves(visit.starts_at, visit.ends_at):
                    self.busy.add((user.pk, day, half))

    def pick_enterprise(self, purpose):
        def weight(enterprise):
            if purpose == Purpose.RESEARCH:
                return 1.0
            if not self.eligible(enterprise):
                return 0.25  # spared routine inspection: only complaints and the like bring inspectors
            return {"B": 1.0, "C": 1.4, "D": 1.8}[enterprise.risk_grade]

        return self.rng.choices(self.pilots, weights=[weight(e) for e in self.pilots])[0]

    def local_unit(self, enterprise, kind: str):
        """The county government, or the park committee if the enterprise sits in a park."""
        park = PARKS.get(enterprise.region_id)
        if kind == "park":
            return self.units[park] if park and enterprise.industry not in NOT_IN_PARKS else None
        return self.units[f"county-{enterprise.region_id}"]

    def pick_unit(self, purpose, kind, enterprise, year, exclude):
        weights = {}
        if purpose == Purpose.RESEARCH:
            weights.update(RESEARCH_UNITS)
            weights[self.local_unit(enterprise, "county").code] = 3.0
            park = self.local_unit(enterprise, "park")
            if park:
                weights[park.code] = 2.5
        else:
            for rank, code in enumerate(INDUSTRY_UNITS[enterprise.industry]):
                weights[code] = 4.0 - rank * 0.7
            for code in ENFORCING:
                weights.setdefault(code, 0.5)
            if purpose == Purpose.INSPECTION:
                weights[self.local_unit(enterprise, "county").code] = 1.2
                park = self.local_unit(enterprise, "park")
                if park:
                    weights[park.code] = 1.5
        candidates = []
        for code, weight in weights.items():
            unit = self.units[code]
            if unit.code in exclude:
                continue
            if (
                kind == Kind.PLANNED
                and purpose in INSPECTING
                and self.unit_planned[(unit.pk, enterprise.pk, year)]
                >= self.rules.cap_per_unit_per_enterprise
            ):
                continue
            candidates.append((unit, weight))
        if not candidates:
            return None
        return self.rng.choices([u for u, _w in candidates], weights=[w for _u, w in candidates])[0]

    def pick_topic(self, unit, enterprise) -> Topic:
        group = "county" if unit.code.startswith("county-") else "park" if unit.kind == "park" else unit.code
        topics = [
            t
            for t in TOPICS
            if group in t.unit_codes and (not t.industries or enterprise.industry in t.industries)
        ]
        return self.rng.choice(topics) if topics else None

    def pick_trigger(self, topic, *, emergency=True) -> str:
        choices = {
            t: w
            for t, w in TRIGGER_WEIGHTS.items()
            if topic is None or t in topic.triggers or t == Trigger.REFERRAL
        }
        if self.emergencies >= MAX_EMERGENCIES or not emergency:
            choices.pop(Trigger.EMERGENCY, None)
        return self.rng.choices(list(choices), weights=list(choices.values()))[0]

    def window(self, purpose, day, *, emergency=False) -> tuple[datetime, datetime]:
        rng = self.rng
        if emergency:
            starts_at = self.at(day, rng.randrange(7, 20), rng.choice((0, 10, 20, 30, 40, 50)))
            return starts_at, starts_at + timedelta(minutes=rng.randrange(90, 241, 10))
        if purpose == Purpose.ENFORCEMENT and rng.random() < 0.15:
            return self.at(day, 9), self.at(day, 17)
        low, high = DURATIONS[purpose]
        minutes = rng.randrange(low, high + 1, 15)
        if rng.random() < 0.6:
            starts_at, limit = (
                self.at(day, *rng.choice(((8, 30), (9, 0), (9, 0), (9, 30), (10, 0)))),
                self.at(day, 12, 30),
            )
        else:
            starts_at, limit = (
                self.at(day, *rng.choice(((14, 0), (14, 30), (14, 30), (15, 0)))),
                self.at(day, 17, 30),
            )
        return starts_at, min(starts_at + timedelta(minutes=minutes), limit)

    def pick_visitors(self, unit, purpose, starts_at, ends_at, *, with_danwei=False):
        rng = self.rng
        day = timezone.localdate(starts_at)
        halves = self.halves(starts_at, ends_at)

        def free(user):
            return all((user.pk, day, half) not in self.busy for half in halves)

        pool = [u for u in self.officials[unit.code] if free(u)]
        if purpose == Purpose.ENFORCEMENT:
            wanted = 2
        elif purpose == Purpose.INSPECTION:
            wanted = rng.choices((1, 2, 3), weights=(0.15, 0.6, 0.25))[0]
        else:
            wanted = rng.choices((1, 2, 3), weights=(0.35, 0.5, 0.15))[0]
        chosen = []
        if with_danwei and free(self.danwei):
            chosen.append(self.danwei)
            wanted = max(wanted, 2)
        if len(pool) < wanted - len(chosen):
            if purpose == Purpose.ENFORCEMENT or not pool:
                return None
            wanted = len(pool) + len(chosen)
        chosen += rng.sample(pool, wanted - len(chosen))
        with_certificates = purpose in INSPECTING and unit.code in ENFORCING
        return [(user, certificate_no(user, unit) if with_certificates else "") for user in chosen]

    def make_request(
        self, key, unit, purpose, kind, trigger, topic, visitors, starts_at, *, upcoming, after=None
    ):
        """The request with its filing and its decision. ``after``: a joint partner files after the first."""
        rng = self.rng
        lead = self.rules.lead_working_days
        day = timezone.localdate(starts_at)
        items = legal_basis = trigger_note = ""
        if purpose in INSPECTING:
            legal_basis = topic.basis
            if purpose == Purpose.ENFORCEMENT and kind == Kind.PLANNED:
                items = f"“双随机、一公开”监管抽查：{topic.inspection}"
            else:
                items = topic.enforcement if purpose == Purpose.ENFORCEMENT else topic.inspection
        if kind == Kind.TRIGGERED:
            trigger_note = (topic.triggers.get(trigger) if topic else None) or "上级部门交办事项核查"
        # Filing
        if kind == Kind.PLANNED:
            # Filed at least `lead` working days ahead, and (for the coming weeks) not after now.
            latest_day = self.workday_before(day, lead)
            if after is not None:
                filed_day = max(
                    timezone.localdate(after), rng.choice([latest_day, self.workday_before(day, lead + 1)])
                )
            else:
                filed_day = self.workday_before(day, rng.randint(lead, lead + 7))
            filed_day = min(filed_day, latest_day, self.today)
            filed_at = self.office_hours(filed_day)
            if after is not None:
                filed_at = max(filed_at, after + timedelta(minutes=rng.randrange(5, 90)))
            if filed_at > self.now - timedelta(minutes=10):
                filed_at = self.now - timedelta(minutes=rng.randrange(10, 120))
                if after is not None:
                    filed_at = max(filed_at, after + timedelta(minutes=1))
        elif trigger == Trigger.EMERGENCY:
            filed_at = starts_at + timedelta(
                minutes=rng.randrange(120, self.rules.late_filing_hours * 60 - 60)
            )
        else:
            earliest = after or starts_at - timedelta(hours=rng.choice((2, 3, 5, 20, 24)))
            filed_at = earliest + (starts_at - earliest) * rng.uniform(0.05, 0.5)
            if upcoming:  # filed in the last hours, for a visit in the coming days
                filed_at = self.now - timedelta(minutes=rng.randrange(10, 600))
                if after is not None:
                    filed_at = max(filed_at, after + timedelta(minutes=1))
        request = PlannedRequest(
            key=key,
            unit=unit,
            purpose=purpose,
            kind=kind,
            visitors=visitors,
            filed_by=visitors[0][0],
            filed_at=filed_at,
            trigger=trigger if kind == Kind.TRIGGERED else "",
            trigger_note=trigger_note,
            items=items,
            legal_basis=legal_basis,
            filed_late=filed_at > starts_at,
        )
        # Decision
        if (
            purpose == Purpose.RESEARCH
            and self.rules.auto_approve_research
            and len(visitors) <= self.rules.auto_approve_max_visitors
        ):
            request.auto_approved = True
            request.decided_at = filed_at + timedelta(seconds=rng.randrange(1, 4))
            return request
        if trigger == Trigger.EMERGENCY:
            decided_at = filed_at + timedelta(minutes=rng.randrange(20, 150))
        elif kind == Kind.TRIGGERED:
            decided_at = filed_at + (starts_at - filed_at) * rng.uniform(0.2, 0.7)
        else:
            decided_at = filed_at + timedelta(minutes=rng.randrange(20, 240))
            local = timezone.localtime(decided_at)
            if local.date() not in self.workdays or not time(8, 30) <= local.time() <= time(17, 50):
                decided_at = self.at(self.next_workday(local.date()), 8, 40) + timedelta(
                    minutes=rng.randrange(0, 120)
                )
        if upcoming and (decided_at > self.now - timedelta(minutes=5) or rng.random() < 0.4):
            request.status = RequestStatus.PENDING  # waiting for the office
            return request
        roll = rng.random()
        request.decided_by, request.decided_at = self.office, decided_at
        if upcoming or trigger == Trigger.EMERGENCY:
            return request
        if roll < 0.03:
            request.status, request.decision_reason = RequestStatus.REFUSED, rng.choice(REFUSALS)
        elif roll < 0.04:
            request.status, request.decided_by, request.decided_at = RequestStatus.CANCELLED, None, None
        elif roll < 0.055:
            request.status = RequestStatus.CANCELLED  # withdrawn after approval: the passes are revoked
            request.revoked_at = decided_at + (starts_at - decided_at) * rng.uniform(0.3, 0.9)
        return request

    def partner_request(self, visit: PlannedVisit, index, number, kind, year, *, upcoming):
        """Another unit joins the visit (综合查一次)."""
        rng = self.rng
        used = {r.unit.code for r in visit.requests}
        purpose = Purpose.ENFORCEMENT if rng.random() < 0.15 else Purpose.INSPECTION
        unit = self.pick_unit(purpose, kind, visit.enterprise, year, exclude=used)
        if unit is None:
            return None
        topic = self.pick_topic(unit, visit.enterprise)
        if topic is None or (purpose == Purpose.ENFORCEMENT and not topic.enforcement):
            return None
        visitors = self.pick_visitors(unit, purpose, visit.starts_at, visit.ends_at)
        if visitors is None:
            return None
        first = visit.requests[0]
        trigger = first.trigger if kind == Kind.TRIGGERED else ""
        request = self.make_request(
            f"{KEY_PREFIX}{number:04d}-{index}",
            unit,
            purpose,
            kind,
            trigger,
            topic,
            visitors,
            visit.starts_at,
            upcoming=upcoming,
            after=first.filed_at,
        )
        if trigger:
            request.trigger_note = f"市优化办统筹，与{first.unit.short_name}联合检查（{first.trigger_note}）"
        return request


# --- writing the plan ----------------------------------------------------------------------------


def _create(new_visits: list[PlannedVisit], plan: list[PlannedVisit], now, rules, raters):
    if not new_visits:
        return
    visits = Visit.objects.bulk_create(
        [
            Visit(
                enterprise=v.enterprise,
                starts_at=v.starts_at,
                ends_at=v.ends_at,
                year=timezone.localdate(v.starts_at).year,
            )
            for v in new_visits
        ]
    )
    for visit, planned in zip(visits, new_visits, strict=True):
        visit.created_at = min(r.filed_at for r in planned.requests)
    Visit.objects.bulk_update(visits, ["created_at"])

    pairs = [
        (visit, planned, request)
        for visit, planned in zip(visits, new_visits, strict=True)
        for request in planned.requests
    ]
    requests = VisitRequest.objects.bulk_create(
        [
            VisitRequest(
                visit=visit,
                unit=r.unit,
                purpose=r.purpose,
                kind=r.kind,
                trigger=r.trigger,
                trigger_note=r.trigger_note,
                items=r.items,
                legal_basis=r.legal_basis,
                filed_by=r.filed_by,
                filed_late=r.filed_late,
                submission_key=r.key,
                status=r.status,
                auto_approved=r.auto_approved,
                decided_by=r.decided_by,
                decided_at=r.decided_at,
                decision_reason=r.decision_reason,
            )
            for visit, _planned, r in pairs
        ]
    )
    for request, (_visit, _planned, r) in zip(requests, pairs, strict=True):
        request.filed_at = r.filed_at  # bulk_create stamped auto_now_add
    VisitRequest.objects.bulk_update(requests, ["filed_at"])

    visitor_rows = []  # (Visitor, planned request, visit)
    for request, (visit, _planned, r) in zip(requests, pairs, strict=True):
        for user, certificate in r.visitors:
            visitor_rows.append((Visitor(request=request, user=user, certificate_no=certificate), r, visit))
    Visitor.objects.bulk_create([row[0] for row in visitor_rows])

    # Passes for the visitors of every approved request (and of those withdrawn after approval).
    codes = set(Pass.objects.values_list("short_code", flat=True))
    pass_rows = []
    for visitor, r, visit in visitor_rows:
        if not r.has_passes:
            continue
        code = passes.new_short_code()
        while code in codes:
            code = passes.new_short_code()
        codes.add(code)
        green_pass = Pass(visitor=visitor, token="", short_code=code)
        if r.revoked_at:
            green_pass.revoked_at, green_pass.revoked_reason = r.revoked_at, "访企申请已撤回"
        pass_rows.append((green_pass, r, visit, visitor))
    Pass.objects.bulk_create([row[0] for row in pass_rows])
    for green_pass, r, visit, visitor in pass_rows:
        green_pass.token = _sign(green_pass, visit, visitor.user_id)
        green_pass.issued_at = r.decided_at
    Pass.objects.bulk_update([row[0] for row in pass_rows], ["token", "issued_at"])

    _create_checks_and_ratings(visits, new_visits, pass_rows, plan, now, rules, raters)


def _sign(green_pass, visit, user_id) -> str:
    return passes.sign_pass(
        pass_id=green_pass.pk,
        visit_id=visit.pk,
        visitor_user_id=user_id,
        enterprise_uscc=visit.enterprise.uscc,
        not_before=visit.starts_at,
        expires=visit.ends_at,
    )


def _create_checks_and_ratings(visits, new_visits, pass_rows, plan, now, rules, raters):
    """Check-ins for ~92% of the approved past visits, check-outs for most, ratings for ~80% of those."""
    passes_of = defaultdict(list)  # visit pk: [(pass, visitor user)]
    for green_pass, r, visit, visitor in pass_rows:
        if r.status == RequestStatus.APPROVED:
            passes_of[visit.pk].append((green_pass, visitor.user))
    inspections = defaultdict(list)  # enterprise pk: starts of inspecting visits (for "repeated" flags)
    for planned in plan:
        if any(r.purpose in INSPECTING and r.status == RequestStatus.APPROVED for r in planned.requests):
            inspections[planned.enterprise.pk].append(planned.starts_at)
    checks, attempts, ratings = [], [], []
    favours_left = 1
    for visit, planned in zip(visits, new_visits, strict=True):
        held = passes_of.get(visit.pk)
        if not held or planned.ends_at >= now or any(r.filed_late for r in planned.requests):
            continue  # nothing approved, still to come, or filed after the fact (no pass at the gate)
        if planned.requests[0].key.startswith((TODAY_KEY, NEXT_WEEK_KEY)):
            continue  # left for whoever tries the demo
        rng = random.Random(f"{SEED}:{planned.requests[0].key}")
        rater = raters[planned.enterprise.pk]
        first_out = None
        overstayed = False
        if rng.random() < 0.92:
            # The scanner honours a pass only within its window (give or take a minute): check-ins from
            # the start, check-outs before the end. Who stays longer cannot check out.
            arrive = planned.starts_at + timedelta(minutes=rng.randrange(0, 25))
            leave = None
            roll = rng.random()
            if roll < 0.04:
                overstayed = True
            elif roll < 0.9:
                leave = max(
                    planned.ends_at - timedelta(minutes=rng.randrange(0, 45)), arrive + timedelta(minutes=30)
                )
            method = rng.choices(
                (
                    ScanMethod.VISITOR_SCANS_ENTERPRISE,
                    ScanMethod.ENTERPRISE_SCANS_PASS,
                    ScanMethod.SHORT_CODE,
                ),
                weights=(0.6, 0.3, 0.1),
            )[0]
            refused = []
            if rng.random() < 0.05:  # came early and scanned before the window opened
                refused.append((Direction.IN, planned.starts_at - timedelta(minutes=rng.randrange(10, 40))))
            if overstayed:
                refused.append((Direction.OUT, planned.ends_at + timedelta(minutes=rng.randrange(25, 70))))
            for direction, at in refused:
                attempts.append(
                    ScanAttempt(
                        user=held[0][1],
                        enterprise=planned.enterprise,
                        green_pass=held[0][0],
                        direction=direction,
                        method=ScanMethod.VISITOR_SCANS_ENTERPRISE,
                        result=ScanResult.OUTSIDE_WINDOW,
                        at=at,
                    )
                )
            for offset, (green_pass, user) in enumerate(held):
                by = user if method == ScanMethod.VISITOR_SCANS_ENTERPRISE else rater
                moments = [(Direction.IN, arrive + timedelta(seconds=20 * offset))]
                if leave:
                    moments.append((Direction.OUT, leave - timedelta(seconds=20 * offset)))
                for direction, at in moments:
                    checks.append(
                        CheckEvent(
                            green_pass=green_pass, direction=direction, at=at, method=method, recorded_by=by
                        )
                    )
                    attempts.append(
                        ScanAttempt(
                            user=by,
                            enterprise=planned.enterprise,
                            green_pass=green_pass,
                            direction=direction,
                            method=method,
                            result=ScanResult.OK,
                            at=at,
                        )
                    )
            if leave:
                first_out = leave - timedelta(seconds=20 * (len(held) - 1))
        opens = min(first_out, planned.ends_at) if first_out else planned.ends_at
        if rng.random() >= (0.8 if first_out else 0.3):
            continue
        rated_at = opens + timedelta(minutes=rng.randrange(5, 60 * 48))
        if rated_at > now or rated_at > planned.ends_at + timedelta(days=rules.rating_days):
            continue
        repeated = any(
            timedelta(0) < planned.starts_at - other <= timedelta(days=30)
            for other in inspections[planned.enterprise.pk]
        ) and any(r.purpose in INSPECTING for r in planned.requests)
        ratings.append(
            _rating(
                rng,
                visit,
                planned,
                rater,
                rated_at,
                repeated=repeated,
                overstayed=overstayed,
                favours=favours_left > 0 and rng.random() < 0.006,
            )
        )
        favours_left -= ratings[-1].flag_favours
    _restamp(CheckEvent, checks, "at")
    _restamp(ScanAttempt, attempts, "at")
    _restamp(Rating, ratings, "rated_at")


def _restamp(model, objects, name):
    """bulk_create, then put back the ``auto_now_add`` value that bulk_create overwrote."""
    if not objects:
        return
    wanted = [getattr(obj, name) for obj in objects]
    model.objects.bulk_create(objects)
    for obj, value in zip(objects, wanted, strict=True):
        setattr(obj, name, value)
    model.objects.bulk_update(objects, [name], batch_size=500)


def _rating(rng, visit, planned, rater, rated_at, *, repeated, overstayed, favours) -> Rating:
    overall = rng.choices((5, 4, 3, 2, 1), weights=(0.64, 0.27, 0.07, 0.015, 0.005))[0]
    flags = {"flag_repeated": False, "flag_favours": False, "flag_no_pass": False, "flag_overstayed": False}
    comment = ""
    if favours:
        overall, flags["flag_favours"], comment = 2, True, FAVOURS
    elif repeated and rng.random() < 0.15:
        overall, flags["flag_repeated"], comment = rng.choice((2, 3, 3, 3)), True, rng.choice(REPEATED)
    elif overstayed:
        overall, flags["flag_overstayed"], comment = rng.choice((3, 4)), True, OVERSTAYED
    elif overall == 3 or (overall < 3 and rng.random() < 0.7):
        comment = rng.choice(MIDDLING)
    elif overall >= 4 and rng.random() < 0.45:
        comment = JOINT_PRAISE if len(planned.requests) > 1 and rng.random() < 0.5 else rng.choice(PRAISE)

    def near(score, low=1):
        return max(low, min(5, score + rng.choice((-1, 0, 0, 0, 1))))

    rating = Rating(
        visit=visit,
        overall=overall,
        conduct=near(overall),
        necessity=2 if flags["flag_repeated"] else near(overall),
        efficiency=2 if flags["flag_overstayed"] else near(overall),
        integrity=1 if flags["flag_favours"] else max(4, near(overall)),
        comment=comment,
        rated_by=rater,
        rated_at=rated_at,
        **flags,
    )
    return rating


# --- the demo logins' visits follow the calendar ---------------------------------------------------


def _keep_demo_visits_current(plan, existing, now) -> bool:
    """Run on a later day, the visits of today and next week move to this day and the next week."""
    moved = False
    for planned in plan:
        key = planned.requests[0].key
        if not key.startswith((TODAY_KEY, NEXT_WEEK_KEY)) or key not in existing:
            continue
        request = VisitRequest.objects.select_related("visit__enterprise").get(submission_key=key)
        visit = request.visit
        if timezone.localdate(visit.starts_at) == timezone.localdate(planned.starts_at):
            continue
        moved = True
        visit.starts_at, visit.ends_at = planned.starts_at, planned.ends_at
        visit.year = timezone.localdate(planned.starts_at).year
        visit.created_at = planned.requests[0].filed_at
        visit.save(update_fields=["starts_at", "ends_at", "year", "created_at"])
        wanted = planned.requests[0]
        VisitRequest.objects.filter(pk=request.pk).update(
            filed_at=wanted.filed_at,
            decided_at=wanted.decided_at,
            status=RequestStatus.APPROVED,
            kind=wanted.kind,
            trigger=wanted.trigger,
            trigger_note=wanted.trigger_note,
        )
        green_passes = list(Pass.objects.filter(visitor__request__visit=visit).select_related("visitor"))
        CheckEvent.objects.filter(green_pass__in=green_passes).delete()
        Rating.objects.filter(visit=visit).delete()
        for green_pass in green_passes:
            green_pass.token = _sign(green_pass, visit, green_pass.visitor.user_id)
            green_pass.revoked_at, green_pass.revoked_reason = None, ""
            green_pass.issued_at = wanted.decided_at
        Pass.objects.bulk_update(green_passes, ["token", "revoked_at", "revoked_reason", "issued_at"])
    return moved


# --- no-pass reports -------------------------------------------------------------------------------


def _ensure_no_pass_reports(pilots, units, users, logins, now) -> int:
    tz = timezone.get_current_timezone()
    today = timezone.localdate(now)
    office = logins[OFFICE_LOGIN]
    created = 0
    for number, (days_ago, pilot, unit_code, unit_text, visitors_text, description, steps) in enumerate(
        NO_PASS_REPORTS
    ):
        key = f"{KEY_PREFIX}no-pass-{number + 1}"
        if NoPassReport.objects.filter(submission_key=key).exists():
            continue
        enterprise = pilots[pilot % len(pilots)]
        day = today - timedelta(days=days_ago)
        while not workdays.is_workday(day):
            day -= timedelta(days=1)
        occurred_at = datetime.combine(day, time(9 + number % 6, 10 * number), tzinfo=tz)
        reported_at = min(occurred_at + timedelta(hours=2, minutes=17), now - timedelta(minutes=1))
        unit = None
        if unit_code == "county":
            unit = units[f"county-{enterprise.region_id}"]
        elif unit_code:
            unit = units[unit_code]
        status = steps[-1][1] if steps else CaseStatus.OPEN
        report = NoPassReport.objects.create(
            enterprise=enterprise,
            unit=unit,
            unit_text=unit_text,
            occurred_at=occurred_at,
            visitors_text=visitors_text,
            description=description,
            reported_by=users[_enterprise_login(enterprise)],
            status=status,
            submission_key=key,
        )
        NoPassReport.objects.filter(pk=report.pk).update(reported_at=reported_at)
        for after, step_status, note in steps:
            step_day = day
            for _ in range(after):
                step_day += timedelta(days=1)
                while not workdays.is_workday(step_day):
                    step_day += timedelta(days=1)
            at = min(
                datetime.combine(step_day, time(10 + after % 5, 25), tzinfo=tz), now - timedelta(minutes=1)
            )
            step = NoPassReportStep.objects.create(report=report, by=office, status=step_status, note=note)
            NoPassReportStep.objects.filter(pk=step.pk).update(at=at)
        created += 1
    return created
