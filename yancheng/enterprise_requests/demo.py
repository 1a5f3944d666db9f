"""Demo data for 企业诉求: a year of requests from the 52 pilot enterprises, and a few open ones now.

``manage.py load_demo`` calls ``load`` after the core demo and the visits demo (whose enterprise users,
``ent-<last six of the USCC>``, file the requests; ``qiye`` files those of its own enterprise). What it adds:

- a few officials for the units the visits demo has none in, and a head (负责人) for five units, who
  receives the supervision orders (督办单); password ``DEMO_PASSWORD``;
- about 300 requests filed over the past twelve months (ending at least a month ago), to about twenty
  departments and county governments: routed by ``yingshangban`` (a few sent to the wrong unit first and
  transferred), accepted mostly on time and some deemed accepted (默认受理), replied mostly on time and
  some late (a few units are slower than the rest), one extension approved, a few reopened after a "not
  satisfied" rating, and most rated; with the escalation steps the worker would have taken on the way;
- open requests now, so the demo logins have something waiting: for ``yingshangban`` requests to route
  and an extension to decide; for ``danwei`` (市市场监管局) requests to accept, one due soon, two overdue;
  for ``qiye`` one waiting for routing, one due today, one overdue, one replied and waiting for a rating;
  with their escalation steps and the inbox messages of the people concerned.

Deadlines come from ``workdays.deadline_after`` at the moment of filing, as in ``actions.file_request``;
the escalation steps are placed when the worker would have taken them (the tests check that the worker,
run right after loading, finds nothing left to do). Rows are written with bulk_create, not through
``actions`` (which stamp the current time).

Safe to run twice: people are found by username and requests by ``submission_key`` (``demo-req-…``).
The history is written once. An open request is kept while it is in the state it was made for (same
state, same deadline); run on a later day, the ones that are not are made again for that day. Everything
random comes from a seeded ``random.Random``."""

import bisect
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from yancheng.core import clock, ladder, workdays
from yancheng.core.management.commands.load_demo import DEMO_PASSWORD
from yancheng.core.models import Enterprise, LadderStep, Notification, Person, PersonRole, Unit
from yancheng.core.roles import Role
from yancheng.visits.models import Visit

from . import ladders, tasks
from .choices import Escalation, EventKind, RequestKind, Satisfaction
from .ladders import RUNG_OF_LEVEL
from .models import EnterpriseRequest, EscalationStep, KindDeadline, RequestEvent
from .state import derive

SEED = 430402
HISTORY = 300
KEY_PREFIX = "demo-req-"
OPEN_PREFIX = "demo-req-open-"
OFFICE_LOGIN, SAMR_LOGIN, ENTERPRISE_LOGIN = "yingshangban", "danwei", "qiye"
HOME_SHARE = 12  # requests of qiye's enterprise in the history

D, C, P, S = RequestKind.DEMAND, RequestKind.COMPLAINT, RequestKind.CONSULTATION, RequestKind.SUGGESTION

# Officials for the units the visits demo has none in: (unit code, username, full name, title).
EXTRA_OFFICIALS = [
    ("city-natural-resources", "ziranziyuan01", "谭志勇", "耕地保护和土地利用科科长"),
    ("city-natural-resources", "ziranziyuan02", "罗丹", "不动产登记中心综合科科员"),
    ("city-transport", "jiaotong01", "邹海涛", "运输服务科副科长"),
    ("city-approval", "shenpi01", "欧阳雪峰", "工程建设项目审批科科长"),
]
# The units' heads (单位负责人): they receive the supervision orders.
HEADS = [
    ("city-samr", "samr-head", "蒋卫东", "副局长"),
    ("city-natural-resources", "ziranziyuan-head", "廖建湘", "副局长"),
    ("city-transport", "jiaotong-head", "贺岳明", "副局长"),
    ("city-hrss", "renshe-head", "曾晓红", "副局长"),
    ("county-430408", "zhengxiang-head", "龚国平", "副区长"),
]

# Units slower than the rest: (share deemed accepted, share replied late).
SLOW = {
    "city-natural-resources": (0.15, 0.3),
    "county-430426": (0.12, 0.25),
    "city-housing": (0.08, 0.15),
}
USUAL = (0.05, 0.06)

PRODUCTS = {
    "有色金属冶炼": "铅锌冶炼",
    "输变电装备制造": "干式变压器",
    "电子信息": "印制电路板",
    "精细化工": "水处理剂",
    "生物医药": "原料药",
    "食品加工": "速冻食品",
    "汽车零部件": "铝合金轮毂",
    "建筑材料": "新型墙体材料",
    "新能源": "锂电池正极材料",
    "现代物流": "冷链仓储",
    "纺织服装": "棉纺",
    "农产品加工": "茶油精炼",
}


@dataclass(frozen=True)
class Topic:
    key: str
    unit: str  # unit code, or "county": the government of the enterprise's county
    kind: str
    subject: str
    text: str
    replies: tuple
    weight: float = 1.0
    industries: tuple = ()  # empty: any
    misroute: tuple = ()  # (unit code the office sometimes sends it to first, the reason to transfer)


TOPICS = [
    Topic(
        "power",
        "city-drc",
        D,
        "新建车间用电增容办理缓慢，请求协调",
        "我公司新建{n}号生产车间计划{month}月投产，需将用电容量由{kva_from}千伏安增至{kva_to}千伏安。"
        "{months}个月前已向国网衡阳供电公司提交增容申请，至今未完成供电方案答复，影响设备安装调试和投产计划，"
        "恳请协调加快办理。",
        (
            "经市发改委（市能源局）协调国网衡阳供电公司，贵公司增容供电方案已于本周答复，新增{kva_to}千伏安"
            "专用变压器工程纳入“获得电力”绿色通道，预计15个工作日内完成外线施工并送电。供电公司已指定客户经理"
            "全程跟踪。",
            "已组织国网衡阳供电公司现场踏勘，供电方案确定由附近110千伏变电站新出一回10千伏线路供电，外线工程由"
            "供电公司投资建设，企业无需承担。预计下月中旬具备送电条件，可满足贵公司投产需要。",
        ),
        weight=1.6,
        misroute=("city-miit", "用电增容及供电方案协调由市发改委（市能源局）负责"),
    ),
    Topic(
        "land",
        "city-natural-resources",
        D,
        "二期扩建项目用地报批进度缓慢，请求协调",
        "我公司二期扩建项目已签订投资协议，拟新增用地{mu}亩，已列入市重点建设项目。土地组卷报批材料已于"
        "{months}个月前提交，至今未获批复，部分设备已陆续到货，恳请协调加快农用地转用审批和土地供应进度。",
        (
            "经核查，该地块农用地转用和土地征收材料已由市政府报省政府审批，我局已安排专人跟踪省厅审查进度，"
            "审查意见反馈后5个工作日内完成补正。获批后将按“标准地”方式尽快组织挂牌出让，同步提供“交地即交证”服务。",
            "该地块涉及少量永久基本农田调整，需待国土空间规划批复后方可报批。我局已将其列入优先保障清单，"
            "并建议贵公司先行使用园区标准厂房过渡，已与园区管委会对接落实。",
        ),
        weight=1.3,
    ),
    Topic(
        "certificate",
        "city-natural-resources",
        D,
        "厂房不动产权证书办理受阻",
        "我公司{n}号厂房已竣工验收并完成消防验收备案，申请办理不动产首次登记时被告知宗地存在历史遗留问题、"
        "需补缴土地出让金，但补缴金额及计算依据不明确，请予以明确并协助办理。",
        (
            "经调查，该宗地系原划拨工业用地，按规定需补办出让手续。补缴金额按现行基准地价评估确定，评估费用由"
            "政府承担。贵公司提交补充材料后，不动产登记可在3个工作日内办结，已安排专人对接。",
        ),
    ),
    Topic(
        "loan",
        "city-miit",
        D,
        "流动资金贷款到期续贷困难，请求协调银企对接",
        "我公司在银行的{wan}万元流动资金贷款将于{month}月到期。受原材料价格上涨和下游回款周期延长影响，"
        "短期资金周转紧张，银行要求先还后贷，担心出现资金链断裂，恳请协调银行给予无还本续贷支持。",
        (
            "已将贵公司纳入市中小微企业融资“白名单”，组织工商银行衡阳分行、建设银行衡阳市分行上门对接。"
            "工商银行已同意以无还本续贷方式办理，续贷期限一年，目前已进入审批流程。同时推荐贵公司申请市级应急"
            "转贷资金作为备用。",
            "经协调，贷款银行同意对贵公司到期贷款办理展期6个月，并对新增订单所需资金给予{wan_small}万元信用贷款"
            "支持。市工信局将持续跟踪企业资金状况。",
        ),
        weight=1.3,
    ),
    Topic(
        "subsidy",
        "city-miit",
        D,
        "智能化技改项目奖补资金迟迟未兑现",
        "我公司{year}年实施的智能化技术改造项目已通过验收，按照市支持制造业高质量发展的政策，可申请设备投资"
        "奖补约{wan_small}万元，申报资料已提交半年，至今未拨付，请告知兑现进度。",
        (
            "经查，贵公司技改奖补项目已通过专家评审和公示，奖补资金{wan_small}万元已列入本批次拨付计划，预计本月底前"
            "拨付到企业账户。因部分材料需财政复核，兑现时间有所延迟，特向贵公司致歉。",
        ),
    ),
    Topic(
        "talent",
        "city-hrss",
        D,
        "引进高层次人才落户及安家补贴办理",
        "我公司今年引进博士研究生{people_small}名，在办理人才落户和申请安家补贴时，对所需材料和办理流程不清楚，"
        "各窗口说法不一，希望明确办理渠道并给予指导。",
        (
            "贵公司引进人才符合我市高层次人才认定条件。落户可在市人才服务中心“人才一件事”窗口一次办结；安家补贴"
            "按人才类别分档发放，所需材料为人才认定申请表、学历学位证书、劳动合同及社保缴纳证明。已安排专人对接，"
            "可预约上门服务。",
        ),
    ),
    Topic(
        "hiring",
        "city-hrss",
        D,
        "节后用工缺口较大，请求协助招聘",
        "春节后我公司订单饱满，一线操作工缺口约{people}人、技术工人缺口约{people_small}人，通过网络招聘效果不佳，"
        "恳请协助组织专场招聘并落实稳岗就业补贴政策。",
        (
            "已将贵公司用工需求纳入全市“春风行动”重点企业用工保障清单，将于下周在{county}人力资源市场举办专场招聘会，"
            "并通过“衡阳就业”公众号推送岗位信息。对符合条件的新招用人员，可按规定申请一次性吸纳就业补贴。",
        ),
    ),
    Topic(
        "fire_acceptance",
        "city-housing",
        D,
        "新建仓库消防验收迟迟未安排现场评定",
        "我公司新建{n}号成品仓库已完工，于{days}天前申请建设工程消防验收，至今未安排现场评定，仓库无法投入使用，"
        "大量成品只能露天堆放，请协调尽快安排验收。",
        (
            "经查，贵公司消防验收申请因缺少消防设施检测报告被暂停，窗口仅电话告知、未出具书面意见，我局已对此提出"
            "批评。现已安排技术人员上门指导补正，补正材料后3个工作日内完成现场评定。",
        ),
        misroute=("city-fire", "建设工程消防设计审查验收职责已划转住房城乡建设部门"),
    ),
    Topic(
        "water",
        "city-housing",
        D,
        "新厂区工业用水报装接水时间过长",
        "我公司新厂区申请工业用水报装已{months}个月，供水企业称需等市政供水管网延伸工程完工，没有明确时间，"
        "影响新厂区投产，请协调。",
        (
            "经协调，市政供水管网延伸工程已于本月复工，预计30日内完工。在此之前，供水企业同意从就近管网敷设临时"
            "供水管道，本周内即可满足贵公司调试用水。",
        ),
    ),
    Topic(
        "eia",
        "city-eco",
        D,
        "技改项目环评审批进度咨询与协调",
        "我公司{product}生产线技术改造项目环境影响报告表已于{days}天前报送，目前尚未审批，请协调加快办理，"
        "以便按期开工。",
        (
            "贵公司技改项目环境影响报告表已受理，技术评估已完成，我局将在5个工作日内作出审批决定。对符合条件的"
            "技改项目，今后可按“告知承诺制”办理，当场审批。",
        ),
        industries=("有色金属冶炼", "精细化工", "生物医药", "建筑材料", "新能源", "电子信息", "汽车零部件"),
        misroute=("city-approval", "建设项目环境影响评价审批由市生态环境局负责"),
    ),
    Topic(
        "discharge",
        "city-eco",
        D,
        "排污许可证变更办理",
        "我公司新增一条{product}生产线，需变更排污许可证载明的排放口和许可排放量，线上提交后多次被退回，"
        "退回意见不够明确，请给予指导。",
        (
            "经核查，退回原因为自行监测方案与新增排放口不对应。我局已安排专人电话指导，贵公司按指导意见修改后重新"
            "提交，我局将在3个工作日内完成变更。",
        ),
        industries=("有色金属冶炼", "精细化工", "生物医药", "建筑材料", "新能源", "食品加工", "纺织服装"),
    ),
    Topic(
        "truck",
        "city-transport",
        D,
        "厂区周边道路货车限行，申请办理通行证",
        "我公司原材料和成品主要依靠重型货车运输，厂区所在路段近期实行货车限行，每天运输车辆需绕行约{km}公里，"
        "物流成本明显上升，申请为公司运输车辆办理通行证或调整限行时段。",
        (
            "经会同公安交警部门研究，已为贵公司{n}台运输车辆办理货车通行证，允许每日9时至17时通行限行路段。"
            "通行证有效期一年，到期可在线续办。",
        ),
        weight=1.2,
    ),
    Topic(
        "logistics",
        "city-transport",
        D,
        "冷链物流车辆城区配送通行难",
        "我公司冷链配送车辆进入城区配送时经常因无通行证被处罚，影响对商超的及时供货，请求将我公司车辆纳入城市"
        "配送车辆通行便利政策。",
        (
            "贵公司冷链配送车辆符合城市绿色货运配送车辆条件，已纳入通行便利名单，车辆可在非高峰时段进入城区配送。"
            "请于3个工作日内提交车辆行驶证复印件完成备案。",
        ),
        industries=("现代物流", "食品加工", "农产品加工"),
    ),
    Topic(
        "construction_permit",
        "city-approval",
        D,
        "扩建厂房施工许可证办理时间长",
        "我公司扩建厂房项目已取得建设工程规划许可证，办理施工许可证时需重复提交材料，至今已{days}天仍未办结，"
        "请协调并联审批。",
        (
            "已将贵公司项目纳入工程建设项目审批“绿色通道”，由项目帮办代办员全程代办。施工许可证已于今日核发，可在"
            "“湘易办”下载电子证照。",
        ),
    ),
    Topic(
        "special_equipment",
        "city-samr",
        D,
        "特种设备定期检验排期过长",
        "我公司{n}台起重机械的检验合格证将于下月到期，向检验机构申请定期检验，被告知需排队约一个月，可能造成设备"
        "超期未检、影响生产，请协调。",
        (
            "已协调市特种设备检验检测机构，安排于下周二上门检验，检验报告出具后即可继续使用。今后贵公司可通过"
            "特种设备智慧监管平台提前60天预约检验。",
        ),
        weight=1.2,
    ),
    Topic(
        "food_licence",
        "city-samr",
        D,
        "食品生产许可证延续办理",
        "我公司食品生产许可证将于{month}月到期，已在线提交延续申请，想了解是否需要现场核查以及核查时间，"
        "以免影响正常生产。",
        (
            "贵公司延续申请材料齐全，生产条件未发生变化，按规定可免于现场核查，我局已作出准予延续的决定，新证可在"
            "线下载打印。",
        ),
        industries=("食品加工", "农产品加工"),
    ),
    Topic(
        "road",
        "county",
        D,
        "厂区门前道路破损严重，影响货车通行",
        "我公司厂区门前约{m}米道路路面破损、坑洼积水，雨天重型货车多次陷车，存在安全隐患，恳请{county}人民政府"
        "安排维修。",
        (
            "经{county}交通运输局现场查看，该路段已纳入今年农村公路提质改造计划，已先行安排应急修补，主体改造工程"
            "计划于本季度末完工。",
        ),
        weight=1.2,
    ),
    Topic(
        "sewer",
        "county",
        D,
        "新厂区污水管网未接通，影响投产",
        "我公司新厂区已建成，但园区配套污水管网尚未接通，生产废水无法接入园区污水处理厂，影响按期投产，"
        "请协调加快配套管网建设。",
        (
            "经{county}住房和城乡建设局核实，该段污水管网工程已完成招标，施工单位已进场，预计45日内完工接通。"
            "在此期间，同意贵公司废水经预处理达标后由有资质单位转运处理。",
        ),
    ),
    Topic(
        "school",
        "county",
        D,
        "外地员工子女就近入学协调",
        "我公司外地员工{people_small}名，其子女今年秋季需在本地就读小学和初中，申请按照企业员工子女入学政策统筹"
        "安排学位。",
        (
            "已会同{county}教育局对贵公司员工子女入学需求进行统筹，符合条件的学生已安排至就近学校就读，具体安排将于"
            "8月底前通知到家长。",
        ),
    ),
    Topic(
        "wages",
        "city-hrss",
        C,
        "劳务分包单位拖欠农民工工资引发讨薪",
        "我公司厂房扩建工程的劳务分包单位拖欠{people_small}名农民工工资约{wan_small}万元，工人多次到我公司讨要，"
        "影响正常生产秩序。我公司已按合同足额支付工程款，请求依法督促分包单位支付工资。",
        (
            "市劳动保障监察支队已立案调查，经核实分包单位拖欠工资事实清楚，已责令其限期支付。目前拖欠工资已全部"
            "支付到位，工人已签字确认。已将该分包单位列入拖欠农民工工资失信联合惩戒对象名单。",
        ),
    ),
    Topic(
        "arrears",
        "county",
        C,
        "政府投资项目拖欠我公司货款",
        "我公司为{county}某政府投资项目供应的设备和材料已于前年验收，尚有货款{wan}万元未支付，多次催要未果，"
        "严重影响企业资金周转，请求督促支付。",
        (
            "经{county}财政局核实，该项目欠款属实，已纳入清理拖欠企业账款台账，首批{wan_small}万元已于本月支付，剩余"
            "部分列入下年度预算并与贵公司签订还款协议。",
        ),
    ),
    Topic(
        "trademark",
        "city-samr",
        C,
        "注册商标被仿冒，请求查处",
        "近期发现市场上有商户销售仿冒我公司注册商标的产品，包装相似度极高，严重损害企业声誉，已收集购买凭证和"
        "实物，请求依法查处。",
        (
            "市市场监管局已组织执法人员对涉嫌销售仿冒产品的{n}家商户开展检查，查扣侵权产品一批，已立案调查。"
            "贵公司可继续提供侵权线索，我局将依法从严查处。",
        ),
    ),
    Topic(
        "repeat_inspection",
        "city-emergency",
        C,
        "一个月内多次重复安全检查",
        "本月已有{n}批次检查组到我公司开展安全生产检查，检查内容基本重复，每次都要求准备大量资料，占用生产时间，"
        "希望统筹检查计划、减少重复检查。",
        (
            "经核实，本月到贵公司的检查中有两次为上级部门明查暗访，一次为我局年度执法计划检查。已将贵公司列入"
            "“综合查一次”名单，今后同类检查统一组织、结果互认，避免重复检查。",
        ),
    ),
    Topic(
        "invoice",
        "city-tax",
        D,
        "增值税发票开具额度不足",
        "我公司近期订单大幅增加，电子发票开具额度不能满足经营需要，多次申请调整额度，处理较慢，影响及时开票回款。",
        (
            "经核实，贵公司纳税信用良好，已将发票总额度调整至满足当前经营需要的水平，今后可在电子税务局申请临时"
            "调增，系统自动审核。",
        ),
    ),
    Topic(
        "rnd",
        "city-tax",
        P,
        "研发费用加计扣除政策适用咨询",
        "我公司为{industry}企业，今年研发投入约{wan}万元，想了解研发费用加计扣除的比例、可以归集的费用范围，"
        "以及能否在季度预缴时享受。",
        (
            "根据现行政策，企业开展研发活动实际发生的研发费用，未形成无形资产计入当期损益的，在按规定据实扣除的"
            "基础上，再按实际发生额的100%在税前加计扣除，可在7月、10月预缴申报和年度汇算清缴时享受。可归集的费用"
            "包括人员人工、直接投入、折旧、无形资产摊销、新产品设计费等。已安排税务专管员上门辅导。",
        ),
        weight=1.5,
    ),
    Topic(
        "hightech",
        "city-tax",
        P,
        "高新技术企业所得税优惠咨询",
        "我公司今年申报高新技术企业认定，想了解认定通过后企业所得税优惠的起始年度、备案手续和留存备查资料。",
        (
            "高新技术企业自证书注明的发证时间所在年度起，可按15%的税率申报享受企业所得税优惠，实行“自行判别、申报"
            "享受、相关资料留存备查”，无需另行备案。留存资料清单已通过电子税务局推送给贵公司。",
        ),
    ),
    Topic(
        "refund",
        "city-tax",
        P,
        "增值税留抵退税办理咨询",
        "我公司有较大金额的增量留抵税额，想了解申请留抵退税的条件、办理时限和需要准备的资料。",
        (
            "贵公司符合制造业增量留抵退税条件，可在电子税务局申报，资料齐全的一般在5个工作日内办结。已安排专人"
            "提供“一对一”辅导。",
        ),
    ),
    Topic(
        "rcep",
        "city-commerce",
        P,
        "出口东盟RCEP原产地证书办理咨询",
        "我公司{product}产品计划出口东盟国家，想了解RCEP原产地证书的办理条件、流程以及可以享受的关税减让。",
        (
            "贵公司可在“国际贸易单一窗口”申领RCEP原产地证书，也可申请成为经核准出口商自主出具原产地声明。衡阳海关"
            "和市贸促会可提供一对一辅导，联系方式已发送至贵公司联系人。",
        ),
    ),
    Topic(
        "expo",
        "city-commerce",
        D,
        "参加境外展会展位费补贴申请",
        "我公司今年参加了两个境外专业展会，按规定可申请展位费补贴，请告知申报时间和材料要求。",
        (
            "今年的外经贸发展专项资金申报将于下月开始，展位费按实际发生额的50%给予补贴。申报指南已发送至贵公司，"
            "可在湖南省商务厅网上申报系统提交。",
        ),
    ),
    Topic(
        "key_project",
        "city-drc",
        P,
        "申报省重点建设项目的条件和时间咨询",
        "我公司新建{product}项目总投资约{wan}万元，想了解申报省重点建设项目需要满足的条件、申报时间，以及入选后"
        "可享受的支持政策。",
        (
            "省重点建设项目每年第四季度集中申报，工业项目原则上总投资不低于规定标准且已完成立项、用地等前期手续。"
            "入选后可享受用地、用能指标优先保障和审批绿色通道等支持。我委已将贵公司项目纳入市级重点项目储备库。",
        ),
    ),
    Topic(
        "fire_design",
        "city-fire",
        P,
        "仓库改造为生产车间的消防要求咨询",
        "我公司拟将部分仓库改造为生产车间，想了解是否需要重新办理消防手续，以及防火分区、疏散通道的具体要求。",
        (
            "仓库改为生产车间属于改变建筑使用性质，需向市住房和城乡建设局申请消防设计审查和验收。防火分区、安全"
            "疏散应按《建筑设计防火规范》中丙类厂房的要求设置。我支队可安排人员上门提供技术指导。",
        ),
    ),
    Topic(
        "jobs_subsidy",
        "city-hrss",
        P,
        "稳岗返还和社保补贴政策咨询",
        "我公司今年未裁员，员工{people}人，想了解能否享受失业保险稳岗返还、返还比例以及是否需要申请。",
        (
            "稳岗返还实行“免申即享”，符合条件的企业无需申请，系统比对后直接返还至企业账户，中小微企业返还比例为"
            "上年度实际缴纳失业保险费的60%。经比对，贵公司符合条件，返还资金将于下月到账。",
        ),
    ),
    Topic(
        "name_change",
        "city-samr",
        P,
        "企业名称变更及经营范围调整办理咨询",
        "我公司拟变更企业名称并增加经营范围，想了解能否全程网上办理、需要哪些材料以及营业执照换发方式。",
        (
            "企业名称变更和经营范围调整可通过湖南省企业登记全程电子化平台办理，材料齐全的当日办结，可领取电子营业"
            "执照，也可选择邮寄纸质执照。",
        ),
    ),
    Topic(
        "share_results",
        "city-samr",
        S,
        "建议各部门共享检查结果、实行“一次检查、全面体检”",
        "近一年来多个部门到我公司检查的内容存在交叉，建议依托平台共享检查结果，能合并的检查合并进行，减轻企业"
        "迎检负担。",
        (
            "感谢贵公司的建议。我局已牵头将市场监管领域的检查结果在平台共享，并与生态环境、应急管理等部门建立联合"
            "检查机制，能合并的检查统一组织。",
        ),
    ),
    Topic(
        "weekend_service",
        "city-approval",
        S,
        "建议政务服务中心开设周末延时服务",
        "企业经办人员工作日难以抽身到政务服务中心办事，建议开设周末和午间延时服务窗口。",
        (
            "感谢建议。市政务服务中心已于本月起在周六上午开设综合受理窗口，并推行工作日午间不间断服务，相关安排已在"
            "“衡阳政务服务”公众号公布。",
        ),
    ),
    Topic(
        "policy_push",
        "city-miit",
        S,
        "建议惠企政策集中推送、精准匹配",
        "各部门的惠企政策分散在不同网站，企业很难及时掌握，建议通过平台集中发布，并根据企业情况精准推送。",
        (
            "感谢建议。市工信局正在建设惠企政策“一站式”服务专区，将按企业行业、规模等标签精准推送，预计下季度上线。",
        ),
    ),
    Topic(
        "bus_line",
        "county",
        S,
        "建议开通工业园区至城区的通勤公交线路",
        "园区员工上下班通勤不便，建议开通园区至城区的通勤公交，并在早晚高峰加密班次。",
        (
            "感谢建议。{county}已会同公交公司对园区通勤需求进行调查，拟于下月开通园区至城区的通勤专线，早晚高峰"
            "每15分钟一班。",
        ),
    ),
]
TOPIC = {topic.key: topic for topic in TOPICS}

NOT_SATISFIED = [
    "答复只是解释政策，实际问题没有解决。",
    "答复中承诺的办理时限已过，事项仍未落实。",
    "答复内容与我公司反映的问题不对应，请重新核实。",
    "问题仍然存在，希望相关负责同志到现场看一看。",
]
SECOND_REPLIES = [
    "收到贵公司意见后，我单位负责同志带队到企业现场办公，逐项核实了反映的问题，已明确责任人和完成时限，"
    "相关事项已于本周落实到位，后续将持续跟踪。",
    "经重新核实，前次答复对问题理解不够准确。现已会同相关部门研究解决办法，具体措施已与贵公司负责人当面沟通"
    "并达成一致，将在约定时间内办结。",
]
EXTENSION_REASON = "该事项涉及省级审批，需等待省自然资源厅审查意见后方能答复"

# Open requests now: (name, enterprise — None for qiye's, else a pilot number —, topic, situation, n).
# situation: unrouted / awaiting (n minutes after routing) / accept_today / due_soon (n working days
# left) / overdue and overdue_deemed (n working days overdue) / extension_pending (n days left) /
# replied (n working days ago).
OPEN = [
    ("unrouted-power", None, "power", "unrouted", 40),
    ("unrouted-rnd", 7, "rnd", "unrouted", 150),
    ("unrouted-school", 19, "school", "unrouted", 230),
    ("accept-today", 11, "special_equipment", "accept_today", 0),
    ("awaiting-trademark", 23, "trademark", "awaiting", 95),
    ("awaiting-name", 31, "name_change", "awaiting", 50),
    ("due-soon-name", 14, "name_change", "due_soon", 1),
    ("due-today-loan", None, "loan", "due_soon", 0),
    ("overdue-food", 27, "food_licence", "overdue", 1),
    ("overdue-equipment", 35, "special_equipment", "overdue", 3),
    ("overdue-land", 42, "land", "overdue_deemed", 6),
    ("overdue-truck", None, "truck", "overdue", 2),
    ("extension-trademark", 8, "trademark", "extension_pending", 3),
    ("replied-rnd", None, "rnd", "replied", 1),
]
EXPECTED_CODE = {
    "unrouted": "unrouted",
    "awaiting": "awaiting_acceptance",
    "accept_today": "awaiting_acceptance",
    "due_soon": "in_progress",
    "overdue": "in_progress",
    "overdue_deemed": "in_progress",
    "extension_pending": "in_progress",
    "replied": "replied",
}


# --- calendar ---------------------------------------------------------------------------------------


class Calendar:
    """The working days around now, read once, and moments on them."""

    def __init__(self, now: datetime):
        self.now = now
        self.tz = timezone.get_current_timezone()
        self.today = timezone.localdate(now)
        first, last = self.today - timedelta(days=430), self.today + timedelta(days=120)
        overrides = workdays.load_overrides(first, last)
        span = (last - first).days + 1
        self.days = [
            d for d in (first + timedelta(days=i) for i in range(span)) if workdays.is_workday(d, overrides)
        ]
        self._deadlines = {}

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz)

    def start(self, day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=self.tz)

    def shift(self, day: date, k: int) -> date:
        """The k-th working day after ``day`` (k > 0) or before it (k < 0); ``day`` itself not counted."""
        if k > 0:
            return self.days[bisect.bisect_right(self.days, day) + k - 1]
        return self.days[bisect.bisect_left(self.days, day) + k]

    def last_on_or_before(self, day: date) -> int:
        return bisect.bisect_right(self.days, day) - 1

    def is_workday(self, day: date) -> bool:
        i = bisect.bisect_left(self.days, day)
        return i < len(self.days) and self.days[i] == day

    def office(self, day: date, rng, first=(8, 40), last=(17, 40)) -> datetime:
        """A moment in office hours on ``day``."""
        opening, closing = self.at(day, *first), self.at(day, *last)
        return opening + timedelta(seconds=rng.randrange(int((closing - opening).total_seconds())))

    def office_after(self, moment: datetime, rng, low: int, high: int) -> datetime:
        """``low``–``high`` minutes of office time after ``moment`` (moved to the next morning after hours)."""
        local = timezone.localtime(moment)
        day = local.date()
        if not self.is_workday(day) or local.time() >= time(17, 30):
            day = self.shift(day, 1)
            moment = self.at(day, 8, 40)
        elif local.time() < time(8, 30):
            moment = self.at(day, 8, 40)
        later = moment + timedelta(minutes=rng.randrange(low, high + 1))
        if timezone.localtime(later).time() > time(17, 50):
            later = self.at(self.shift(day, 1), 8, 45) + timedelta(minutes=rng.randrange(0, 60))
        return later

    def deadline(self, moment: datetime, n: int) -> datetime:
        """``workdays.deadline_after``, remembered by (local day, n): many requests share a day."""
        key = (timezone.localdate(moment), n)
        if key not in self._deadlines:
            self._deadlines[key] = workdays.deadline_after(moment, n)
        return self._deadlines[key]


# --- drafts ---------------------------------------------------------------------------------------


@dataclass
class Draft:
    request: EnterpriseRequest
    events: list = field(default_factory=list)  # (at, by, kind, note)
    steps: list = field(default_factory=list)  # (level, at, deadline)
    messages: list = field(default_factory=list)  # (recipients, title, body, at)

    def event(self, at, by, kind, note=""):
        self.events.append((at, by, kind, note))


@dataclass
class Cycle:
    """A stretch during which the request was on the ladder for one reply deadline."""

    deadline: datetime
    since: datetime  # accepted (or deemed), extended or reopened
    until: datetime  # replied, extended, reopened — or now


class Context:
    def __init__(self, now, calendar, units, officials, logins, filers, limits):
        self.now, self.cal, self.units, self.officials = now, calendar, units, officials
        self.office = logins[OFFICE_LOGIN]
        self.logins, self.filers, self.limits = logins, filers, limits

    def official(self, unit_code: str, rng):
        return rng.choice(self.officials[unit_code])


def _jitter(rng) -> timedelta:
    return timedelta(minutes=rng.randrange(1, 10), seconds=rng.randrange(60))


def _ladder(draft: Draft, cycle: Cycle, unit, cal: Calendar, rng, *, open_now: datetime | None = None):
    """The steps the worker would have taken in a cycle: each rung when it came to hold (plus the few
    minutes until the worker's next run), if the request was still unreplied then. For an open request
    (``open_now``), every rung that holds by now."""
    request = draft.request
    due_day = timezone.localdate(cycle.deadline)
    reaches = [
        (Escalation.REMINDER, cal.start(cal.shift(due_day, -1)), 0),
        (Escalation.NOTICE, cycle.deadline, 1),
        (Escalation.SUPERVISION_ORDER, cal.start(cal.shift(due_day, tasks.SUPERVISION_AFTER)), 2),
        (Escalation.REPORT, cal.start(cal.shift(due_day, tasks.REPORT_AFTER)), 5),
    ]
    for level, reach, overdue in reaches:
        reach = max(reach, cycle.since)
        at = reach + _jitter(rng)
        if open_now is not None:
            if reach > open_now:
                continue
            at = min(at, open_now)
        elif at >= cycle.until:
            continue
        if level == Escalation.REMINDER and at > cycle.deadline:
            continue  # overdue before the worker came to it: no "due soon" reminder
        title, note = tasks.rung_message(
            level, subject=request.subject, unit=unit, deadline=cycle.deadline, overdue=overdue
        )
        draft.steps.append((level, at, cycle.deadline))
        draft.event(at, None, EventKind.ESCALATED, note)
        draft.messages.append((("rung", level), title, note, at))


def _acceptance_reminder(draft: Draft, unit_at, cal: Calendar, rng, *, until, open_now=None):
    """The reminder on the last day of the acceptance period, if the request was not accepted by then
    (``until``); ``unit_at(moment)``: the unit the request was with at that moment, None if not routed."""
    request = draft.request
    reach = max(cal.start(timezone.localdate(request.accept_deadline)), request.filed_at)
    at = reach + _jitter(rng)
    if open_now is not None:
        if reach > open_now:
            return
        at = min(at, open_now)
    if at > request.accept_deadline or (until is not None and at >= until):
        return
    unit = unit_at(at)
    title, note = tasks.acceptance_message(
        subject=request.subject, unit=unit, deadline=request.accept_deadline
    )
    draft.steps.append((Escalation.REMINDER, at, request.accept_deadline))
    draft.event(at, None, EventKind.ESCALATED, note)
    draft.messages.append((("acceptance", unit is not None), title, note, at))


def _values(rng, enterprise, filed_at) -> dict:
    kva_from = rng.choice((630, 800, 1000, 1250, 1600, 2000))
    return {
        "n": rng.randint(2, 6),
        "month": rng.randint(1, 12),
        "months": rng.randint(2, 5),
        "kva_from": kva_from,
        "kva_to": kva_from + rng.choice((800, 1250, 1600, 2500, 3150)),
        "mu": rng.choice((35, 48, 60, 72, 85, 120, 150)),
        "wan": rng.choice((500, 800, 1000, 1500, 2000, 3000, 5000)),
        "wan_small": rng.choice((36, 50, 68, 85, 120, 150, 200)),
        "people": rng.choice((40, 60, 80, 120, 150, 200)),
        "people_small": rng.randint(3, 15),
        "days": rng.randint(20, 60),
        "km": rng.randint(8, 25),
        "m": rng.choice((300, 500, 800, 1200)),
        "county": enterprise.region.name,
        "industry": enterprise.industry,
        "product": PRODUCTS.get(enterprise.industry, "主导产品"),
        "year": timezone.localdate(filed_at).year - 1,
    }


def _unit_code(topic: Topic, enterprise) -> str:
    return f"county-{enterprise.region_id}" if topic.unit == "county" else topic.unit


def _new_request(ctx, key, enterprise, topic, filed_at, rng, visit=None) -> EnterpriseRequest:
    values = _values(rng, enterprise, filed_at)
    limits = ctx.limits[topic.kind]
    text = topic.text.format(**values)
    if visit is not None:
        text += f"此前{visit[2]}来企调研时，我公司已当面反映过这一问题。"
    request = EnterpriseRequest(
        enterprise=enterprise,
        filed_by=ctx.filers[enterprise.pk],
        kind=topic.kind,
        subject=topic.subject,
        text=text,
        visit_id=visit[0] if visit else None,
        filed_at=filed_at,
        submission_key=key,
        accept_deadline=ctx.cal.deadline(filed_at, limits.accept_days),
        reply_deadline=ctx.cal.deadline(filed_at, limits.reply_days),
    )
    request._values = values
    request._topic = topic
    return request


# --- the year of history -----------------------------------------------------------------------------


def _history(ctx: Context, pilots, home, visits_of) -> list[Draft]:
    rng = random.Random(SEED)
    cal = ctx.cal
    early = [d for d in cal.days if cal.today - timedelta(days=365) <= d <= cal.today - timedelta(days=90)]
    recent = [d for d in cal.days if cal.today - timedelta(days=90) < d <= cal.today - timedelta(days=32)]
    others = [e for e in pilots if e.pk != home.pk]
    extension_done = False
    reopened = 0
    drafts = []
    for number in range(HISTORY):
        enterprise = home if number % (HISTORY // HOME_SHARE) == 5 else rng.choice(others)
        topics = [t for t in TOPICS if not t.industries or enterprise.industry in t.industries]
        topic = rng.choices(topics, weights=[t.weight for t in topics])[0]
        unit_code = _unit_code(topic, enterprise)
        deemed_share, late_share = SLOW.get(unit_code, USUAL)
        late = rng.random() < late_share
        want_extension = not extension_done and unit_code == "city-natural-resources" and topic.kind == D
        # Late replies, extensions and reopened requests take longer: they are filed earlier.
        day = rng.choice(early if late or want_extension or rng.random() < 0.75 else recent)
        if rng.random() < 0.07:
            local = cal.at(day, rng.randrange(19, 23), rng.randrange(60))  # filed in the evening
        else:
            local = cal.office(day, rng)
        visit = None
        candidates = [
            v
            for v in visits_of.get(enterprise.pk, ())
            if timedelta(days=1) < local - v[1] < timedelta(days=25)
        ]
        if candidates and rng.random() < 0.5:
            visit = rng.choice(candidates)
        request = _new_request(ctx, f"{KEY_PREFIX}{number + 1:04d}", enterprise, topic, local, rng, visit)
        draft = Draft(request)
        draft.event(request.filed_at, request.filed_by, EventKind.FILED)

        # Routing, sometimes to the wrong unit first.
        routed_at = cal.office_after(request.filed_at, rng, 10, 150)
        unit = ctx.units[unit_code]
        first_unit = unit
        if topic.misroute and rng.random() < 0.3:
            first_unit = ctx.units[topic.misroute[0]]
        draft.event(routed_at, ctx.office, EventKind.ROUTED, f"分派至{first_unit}")
        handed_over = routed_at
        if first_unit != unit:
            handed_over = min(
                cal.office_after(routed_at, rng, 30, 200), request.accept_deadline - timedelta(hours=2)
            )
            note = f"由{first_unit}转至{unit}：{topic.misroute[1]}"
            draft.event(handed_over, ctx.official(first_unit.code, rng), EventKind.TRANSFERRED, note)
            request.transferred_from = first_unit
        request.unit, request.routed_at = unit, routed_at

        # Acceptance: mostly on time, some deemed (never accepted), a few late.
        roll = rng.random()
        if want_extension:
            roll = 1.0
        if roll < deemed_share:
            accepted_at = None
        elif roll < deemed_share + 0.03:
            accepted_at = cal.office(
                cal.shift(timezone.localdate(request.accept_deadline), rng.randint(1, 2)), rng
            )
        else:
            accepted_at = min(
                cal.office_after(handed_over, rng, 15, 240), request.accept_deadline - timedelta(minutes=30)
            )
            accepted_at = max(accepted_at, handed_over + timedelta(minutes=5))
        request.accepted_at = accepted_at

        def unit_at(moment, routed_at=routed_at, handed_over=handed_over, first_unit=first_unit, unit=unit):
            return None if moment < routed_at else first_unit if moment < handed_over else unit

        _acceptance_reminder(draft, unit_at, cal, rng, until=accepted_at or request.accept_deadline)
        if accepted_at is not None:
            late_note = (
                "受理（已过受理期限，此前已视作默认受理）" if accepted_at > request.accept_deadline else ""
            )
            draft.event(accepted_at, ctx.official(unit_code, rng), EventKind.ACCEPTED, late_note)
        on_ladder_since = min(accepted_at or request.accept_deadline, request.accept_deadline)

        # The reply.
        due_day = timezone.localdate(request.reply_deadline)
        if want_extension:
            extension_done = True
            asked_at = cal.office(cal.shift(due_day, -3), rng)
            decided_at = cal.office_after(asked_at, rng, 60, 300)
            days = 10
            request.extended_deadline = workdays.deadline_after(request.reply_deadline, days)
            request.extension_days, request.extension_reason = days, EXTENSION_REASON
            draft.event(
                asked_at,
                ctx.official(unit_code, rng),
                EventKind.EXTENSION_ASKED,
                f"申请延期 {days} 个工作日：{EXTENSION_REASON}",
            )
            draft.event(
                decided_at,
                ctx.office,
                EventKind.EXTENSION_APPROVED,
                f"答复期限延至 {timezone.localdate(request.extended_deadline):%Y-%m-%d}",
            )
            _ladder(draft, Cycle(request.reply_deadline, on_ladder_since, decided_at), unit, cal, rng)
            ext_day = timezone.localdate(request.extended_deadline)
            replied_at = cal.office(cal.shift(ext_day, -rng.randint(1, 3)), rng)
            cycle = Cycle(request.extended_deadline, decided_at, replied_at)
        else:
            replied_at = _reply_moment(cal, rng, on_ladder_since, due_day, late=late)
            cycle = Cycle(request.reply_deadline, on_ladder_since, replied_at)
        _ladder(draft, cycle, unit, cal, rng)
        replier = ctx.official(unit_code, rng)
        request.replied_at = replied_at
        request.reply_text = rng.choice(topic.replies).format(**request._values)
        draft.event(replied_at, replier, EventKind.REPLIED, request.reply_text)

        # The rating; a few "not satisfied" are reopened.
        on_time = replied_at <= request.effective_reply_deadline
        if rng.random() < 0.88:
            weights = (0.8, 0.15, 0.05) if on_time else (0.45, 0.35, 0.2)
            satisfaction = rng.choices(list(Satisfaction), weights=weights)[0]
            rated_at = replied_at + timedelta(minutes=rng.randrange(90, 60 * 72))
            request.satisfaction, request.rated_at = satisfaction, rated_at
            draft.event(rated_at, request.filed_by, EventKind.RATED, Satisfaction(satisfaction).label)
            if satisfaction == Satisfaction.NOT_SATISFIED and reopened < 4 and day in early:
                reopened += 1
                _reopen(ctx, draft, unit_code, rng)
        drafts.append(draft)
    return drafts


def _reply_moment(cal: Calendar, rng, since: datetime, due_day: date, *, late: bool) -> datetime:
    if late:
        return cal.office(cal.shift(due_day, rng.choice((1, 1, 1, 2, 2, 3, 4, 6, 8))), rng)
    first = timezone.localdate(since)
    span = cal.days[bisect.bisect_left(cal.days, first) : bisect.bisect_right(cal.days, due_day)]
    day = span[min(len(span) - 1, int(len(span) * rng.betavariate(2.4, 1.7)))]
    moment = cal.office(day, rng)
    if moment <= since:
        moment = since + timedelta(minutes=rng.randrange(40, 200))
    return moment


def _reopen(ctx: Context, draft: Draft, unit_code: str, rng):
    request, cal = draft.request, ctx.cal
    reopened_at = cal.office_after(request.rated_at, rng, 5, 60 * 6)
    reason = rng.choice(NOT_SATISFIED)
    draft.event(reopened_at, request.filed_by, EventKind.REOPENED, reason)
    request.reopened_at = reopened_at
    request.reply_deadline = cal.deadline(reopened_at, ctx.limits[request.kind].reply_days)
    request.extended_deadline = None
    replied_at = _reply_moment(cal, rng, reopened_at, timezone.localdate(request.reply_deadline), late=False)
    _ladder(draft, Cycle(request.reply_deadline, reopened_at, replied_at), request.unit, cal, rng)
    request.replied_at = replied_at
    request.reply_text = rng.choice(SECOND_REPLIES)
    draft.event(replied_at, ctx.official(unit_code, rng), EventKind.REPLIED, request.reply_text)
    satisfaction = rng.choices([Satisfaction.SATISFIED, Satisfaction.BASICALLY], weights=(0.6, 0.4))[0]
    request.satisfaction = satisfaction
    request.rated_at = replied_at + timedelta(minutes=rng.randrange(60, 60 * 30))
    draft.event(request.rated_at, request.filed_by, EventKind.RATED, Satisfaction(satisfaction).label)


# --- the open requests -----------------------------------------------------------------------------


def _recent(cal: Calendar, minutes: int) -> datetime:
    """``minutes`` before now, or before the end of the last office day when now is out of hours."""
    local = timezone.localtime(cal.now)
    if cal.is_workday(local.date()) and time(8, 30) <= local.time() <= time(18, 0):
        anchor = cal.now
    else:
        i = cal.last_on_or_before(local.date())
        day = cal.days[i] if cal.at(cal.days[i], 17, 40) < cal.now else cal.days[i - 1]
        anchor = cal.at(day, 17, 40)
    return anchor - timedelta(minutes=minutes)


def _open_plan(ctx: Context, situation: str, n: int, kind: str):
    """(filed_at, planned reply deadline or None) of an open request in ``situation`` today."""
    cal = ctx.cal
    rng = random.Random(f"{SEED}:{situation}:{n}")
    if situation == "unrouted":
        return _recent(cal, n), None
    if situation == "awaiting":
        return _recent(cal, n + 35), None
    if situation == "accept_today":
        return cal.at(cal.shift(cal.today, -1), 15, 20), None
    reply_days = ctx.limits[kind].reply_days
    i = cal.last_on_or_before(cal.today)
    after = bisect.bisect_right(cal.days, cal.today)  # the first working day after today
    if situation in ("due_soon", "extension_pending"):
        due = cal.today if n == 0 and cal.is_workday(cal.today) else cal.days[after + max(n, 1) - 1]
    elif situation in ("overdue", "overdue_deemed"):
        due = cal.days[i - n]
    else:  # replied: filed a few working days ago
        due = cal.days[i - n + 2]
    filed_day = cal.days[bisect.bisect_left(cal.days, due) - reply_days]
    filed_at = cal.office(filed_day, rng, last=(16, 0))
    return filed_at, cal.deadline(filed_at, reply_days)


def _open_draft(ctx: Context, name, enterprise, topic_key, situation, n) -> Draft:
    cal, now = ctx.cal, ctx.now
    rng = random.Random(f"{SEED}:{name}")
    topic = TOPIC[topic_key]
    filed_at, _deadline = _open_plan(ctx, situation, n, topic.kind)
    request = _new_request(ctx, f"{OPEN_PREFIX}{name}", enterprise, topic, filed_at, rng)
    draft = Draft(request)
    draft.event(filed_at, request.filed_by, EventKind.FILED)
    unit_code = _unit_code(topic, enterprise)
    unit = ctx.units[unit_code]
    if situation == "unrouted":
        draft.messages.append((("office",), f"新诉求待分派：{enterprise}", request.subject, filed_at))
        _acceptance_reminder(draft, lambda _moment: None, cal, rng, until=None, open_now=now)
        return draft
    routed_at = filed_at + timedelta(minutes=35 if situation != "accept_today" else 40)
    if situation not in ("awaiting", "accept_today"):
        routed_at = cal.office_after(filed_at, rng, 15, 90)
    request.unit, request.routed_at = unit, routed_at
    draft.event(routed_at, ctx.office, EventKind.ROUTED, f"分派至{unit}")
    accept_message = f"受理期限：{clock.local_text(request.accept_deadline)}"
    draft.messages.append((("unit",), f"新诉求请受理：{request.subject}", accept_message, routed_at))

    def unit_at(moment):
        return unit if moment >= routed_at else None

    if situation in ("awaiting", "accept_today"):
        _acceptance_reminder(draft, unit_at, cal, rng, until=None, open_now=now)
        return draft
    if situation == "overdue_deemed":
        since = request.accept_deadline
        _acceptance_reminder(draft, unit_at, cal, rng, until=None, open_now=now)
    else:
        since = request.accepted_at = min(
            cal.office_after(routed_at, rng, 20, 180), request.accept_deadline - timedelta(hours=1)
        )
        _acceptance_reminder(draft, unit_at, cal, rng, until=since, open_now=now)
        draft.event(since, ctx.official(unit_code, rng), EventKind.ACCEPTED)
        draft.messages.append((("filer",), f"您的诉求已受理：{request.subject}", "", since))
    if situation == "replied":
        replied_at = min(
            cal.office(cal.days[cal.last_on_or_before(cal.today) - n], rng), now - timedelta(hours=2)
        )
        _ladder(draft, Cycle(request.reply_deadline, since, replied_at), unit, cal, rng)
        request.replied_at = replied_at
        request.reply_text = topic.replies[0].format(**request._values)
        draft.event(replied_at, ctx.official(unit_code, rng), EventKind.REPLIED, request.reply_text)
        draft.messages.append((("filer",), f"您的诉求已答复，请评价：{request.subject}", "", replied_at))
        return draft
    if situation == "extension_pending":
        asked_at = max(
            min(cal.office(cal.days[cal.last_on_or_before(cal.today)], rng), now - timedelta(minutes=20)),
            since,
        )
        days, reason = 5, "需委托第三方机构对仿冒产品进行鉴定，鉴定报告出具时间较长"
        request.extension_pending, request.extension_days, request.extension_reason = True, days, reason
        draft.event(
            asked_at, ctx.logins[SAMR_LOGIN], EventKind.EXTENSION_ASKED, f"申请延期 {days} 个工作日：{reason}"
        )
        draft.messages.append((("office",), f"延期申请待审批：{request.subject}", reason, asked_at))
    _ladder(draft, Cycle(request.reply_deadline, since, now), unit, cal, rng, open_now=now)
    return draft


def _open_is_current(ctx: Context, request, situation: str, n: int) -> bool:
    """Whether an open request is still in the state it was made for (same state, same deadline)."""
    if request.filed_at > ctx.now or derive(request, ctx.now).code != EXPECTED_CODE[situation]:
        return False
    filed_at, reply_deadline = _open_plan(ctx, situation, n, request.kind)
    if request.accept_deadline != ctx.cal.deadline(filed_at, ctx.limits[request.kind].accept_days):
        return False
    return reply_deadline is None or (
        request.reply_deadline == reply_deadline and request.extended_deadline is None
    )


# --- writing -----------------------------------------------------------------------------------------


def _write(ctx: Context, drafts: list[Draft]):
    if not drafts:
        return
    requests = EnterpriseRequest.objects.bulk_create([d.request for d in drafts])
    for draft, request in zip(drafts, requests, strict=True):
        draft.request = request
    events = []
    for draft in drafts:
        for at, by, kind, note in sorted(draft.events, key=lambda e: e[0]):
            events.append(RequestEvent(request=draft.request, at=at, by=by, kind=kind, note=note))
    RequestEvent.objects.bulk_create(events, batch_size=1000)
    EscalationStep.objects.bulk_create(
        [
            EscalationStep(request=draft.request, level=level, at=at, deadline=deadline)
            for draft in drafts
            for level, at, deadline in draft.steps
        ]
    )
    # Core's rows, by which the worker knows what was sent (the demo's history has no documents).
    LadderStep.objects.bulk_create(
        [
            LadderStep(
                kind=_ladder_of(draft.request, level, deadline).kind,
                object_id=draft.request.pk,
                rung=RUNG_OF_LEVEL[level],
                deadline=deadline,
                at=at,
            )
            for draft in drafts
            for level, at, deadline in draft.steps
        ]
    )


def _ladder_of(request, level, deadline):
    accepting = level == Escalation.REMINDER and deadline == request.accept_deadline
    return ladders.ACCEPTANCE if accepting else ladders.REPLY


def _send(ctx: Context, drafts: list[Draft]):
    """The inbox messages of the open requests, as the actions and the worker would have written them."""
    office = list(tasks.office_users())
    rows = []
    for draft in drafts:
        request = draft.request
        link = f"/requests/{request.pk}/"
        for audience, title, body, at in draft.messages:
            if audience[0] == "office":
                recipients = office
            elif audience[0] == "unit":
                recipients = list(tasks.unit_users(request.unit))
            elif audience[0] == "filer":
                recipients = [request.filed_by]
            elif audience[0] == "acceptance":
                recipients = list(tasks.unit_users(request.unit)) if audience[1] else office
            else:
                recipients = tasks.recipients(request, audience[1])
            seen = set()
            for user in recipients:
                if user.pk not in seen:
                    seen.add(user.pk)
                    rows.append(
                        Notification(recipient=user, title=title[:200], body=body, link=link, created_at=at)
                    )
    stamps = [row.created_at for row in rows]
    Notification.objects.bulk_create(rows)
    for row, stamp in zip(rows, stamps, strict=True):
        row.created_at = stamp  # bulk_create stamped auto_now_add
    Notification.objects.bulk_update(rows, ["created_at"], batch_size=500)


# --- people ---------------------------------------------------------------------------------------


def _ensure_people(units) -> int:
    User = get_user_model()
    wanted = [(code, username, name, title) for code, username, name, title in EXTRA_OFFICIALS + HEADS]
    existing = set(
        User.objects.filter(username__in=[w[1] for w in wanted]).values_list("username", flat=True)
    )
    missing = [w for w in wanted if w[1] not in existing]
    if missing:
        password = make_password(DEMO_PASSWORD)  # hashed once
        made = User.objects.bulk_create([User(username=w[1], password=password) for w in missing])
        people = Person.objects.bulk_create(
            [
                Person(user=user, full_name=w[2], title=w[3], unit=units[w[0]])
                for user, w in zip(made, missing, strict=True)
            ]
        )
        PersonRole.objects.bulk_create([PersonRole(person=p, role=Role.UNIT_OFFICIAL) for p in people])
    heads = {u.username: u for u in User.objects.filter(username__in=[h[1] for h in HEADS])}
    for code, username, _name, _title in HEADS:
        unit = units[code]
        if unit.head_id is None:  # an administrator's choice is kept
            unit.head = heads[username]
            unit.save(update_fields=["head"])
    return len(missing)


def _officials(units) -> dict[str, list]:
    """The officials who do a unit's routine work (not its head), by unit code, in a stable order."""
    by_pk = {unit.pk: code for code, unit in units.items()}
    heads = {username for _c, username, _n, _t in HEADS}
    officials = defaultdict(list)
    people = (
        Person.objects.filter(roles__role=Role.UNIT_OFFICIAL, unit__isnull=False, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    )
    for person in people:
        if person.user.username not in heads:
            officials[by_pk[person.unit_id]].append(person.user)
    return officials


# --- loading -------------------------------------------------------------------------------------


def load(stdout) -> str:
    with transaction.atomic():
        return _load(clock.now())


def _load(now: datetime) -> str:
    units = {unit.code: unit for unit in Unit.objects.all()}
    new_people = _ensure_people(units)
    User = get_user_model()
    logins = {
        u.username: u for u in User.objects.filter(username__in=[OFFICE_LOGIN, SAMR_LOGIN, ENTERPRISE_LOGIN])
    }
    pilots = list(Enterprise.objects.filter(pilot=True).select_related("region").order_by("uscc"))
    home = Enterprise.objects.get(people__user=logins[ENTERPRISE_LOGIN])
    enterprise_users = {
        u.person.enterprise_id: u
        for u in User.objects.filter(
            username__startswith="ent-", person__enterprise__pilot=True
        ).select_related("person")
    }
    missing = [e.name for e in pilots if e.pk not in enterprise_users and e.pk != home.pk]
    if missing:
        raise RuntimeError(f"试点企业缺少企业用户（请先载入访企演示数据）：{missing[:3]}")
    filers = {**enterprise_users, home.pk: logins[ENTERPRISE_LOGIN]}
    limits = KindDeadline.in_force()
    ctx = Context(now, Calendar(now), units, _officials(units), logins, filers, limits)

    existing = set(
        EnterpriseRequest.objects.filter(submission_key__startswith=KEY_PREFIX).values_list(
            "submission_key", flat=True
        )
    )
    history = []
    if not any(not key.startswith(OPEN_PREFIX) for key in existing):
        visits_of = defaultdict(list)
        rows = Visit.objects.filter(enterprise__pilot=True, ends_at__lt=now, requests__purpose="research")
        for pk, enterprise_id, ends_at, unit in rows.values_list(
            "pk", "enterprise_id", "ends_at", "requests__unit__short_name"
        ):
            visits_of[enterprise_id].append((pk, ends_at, unit))
        history = _history(ctx, pilots, home, visits_of)
        _write(ctx, history)

    pilot_list = [e for e in pilots if e.pk != home.pk]
    current = {
        r.submission_key: r
        for r in EnterpriseRequest.objects.filter(submission_key__startswith=OPEN_PREFIX).select_related(
            "unit"
        )
    }
    fresh = []
    for name, number, topic_key, situation, n in OPEN:
        key = f"{OPEN_PREFIX}{name}"
        found = current.get(key)
        if found is not None:
            if _open_is_current(ctx, found, situation, n):
                continue
            Notification.objects.filter(link=f"/requests/{found.pk}/").delete()
            ladder.forget(ladders.LADDERS, found)
            found.delete()
        enterprise = home if number is None else pilot_list[number % len(pilot_list)]
        fresh.append(_open_draft(ctx, name, enterprise, topic_key, situation, n))
    _write(ctx, fresh)
    for draft in fresh:  # the recipients of the rungs need the unit's head
        draft.request = EnterpriseRequest.objects.select_related("unit__head", "filed_by").get(
            pk=draft.request.pk
        )
    _send(ctx, fresh)

    demo = EnterpriseRequest.objects.filter(submission_key__startswith=KEY_PREFIX)
    return (
        f"企业诉求演示数据：{demo.count()} 件诉求（其中办理中或待办 {len(OPEN)} 件），"
        f"{RequestEvent.objects.filter(request__in=demo).count()} 条办理记录，"
        f"{EscalationStep.objects.filter(request__in=demo).count()} 次催办；本次新增诉求 {len(history) + len(fresh)} 件、"
        f"人员账号 {new_people} 个（单位负责人：{'、'.join(h[1] for h in HEADS)}，密码均为 {DEMO_PASSWORD}）"
    )
