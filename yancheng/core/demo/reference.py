"""Reference data for Hengyang: regions (GB/T 2260) and the units of the demo."""

HUNAN = ("430000", "湖南省")
HENGYANG = ("430400", "衡阳市")
COUNTIES = [
    ("430405", "珠晖区"),
    ("430406", "雁峰区"),
    ("430407", "石鼓区"),
    ("430408", "蒸湘区"),
    ("430412", "南岳区"),
    ("430421", "衡阳县"),
    ("430422", "衡南县"),
    ("430423", "衡山县"),
    ("430424", "衡东县"),
    ("430426", "祁东县"),
    ("430481", "耒阳市"),
    ("430482", "常宁市"),
]

# (code, name, short name, kind, region code, parent code)
UNITS = [
    ("city-gov-office", "衡阳市人民政府办公室", "市政府办", "office", "430400", None),
    ("city-supervision", "衡阳市人民政府督查室", "市督查室", "office", "430400", "city-gov-office"),
    ("city-optimization", "衡阳市优化经济发展环境办公室", "市优化办", "office", "430400", None),
    ("city-performance", "衡阳市绩效评估委员会办公室", "市绩效办", "office", "430400", None),
    ("city-drc", "衡阳市发展和改革委员会", "市发改委", "department", "430400", None),
    ("city-miit", "衡阳市工业和信息化局", "市工信局", "department", "430400", None),
    ("city-commerce", "衡阳市商务局", "市商务局", "department", "430400", None),
    ("city-samr", "衡阳市市场监督管理局", "市市场监管局", "department", "430400", None),
    ("city-eco", "衡阳市生态环境局", "市生态环境局", "department", "430400", None),
    ("city-emergency", "衡阳市应急管理局", "市应急局", "department", "430400", None),
    ("city-housing", "衡阳市住房和城乡建设局", "市住建局", "department", "430400", None),
    ("city-natural-resources", "衡阳市自然资源和规划局", "市自然资源和规划局", "department", "430400", None),
    ("city-tax", "国家税务总局衡阳市税务局", "市税务局", "department", "430400", None),
    ("city-fire", "衡阳市消防救援支队", "市消防救援支队", "department", "430400", None),
    ("city-hrss", "衡阳市人力资源和社会保障局", "市人社局", "department", "430400", None),
    ("city-transport", "衡阳市交通运输局", "市交通运输局", "department", "430400", None),
    ("city-health", "衡阳市卫生健康委员会", "市卫健委", "department", "430400", None),
    ("city-approval", "衡阳市行政审批服务局", "市行政审批局", "department", "430400", None),
    ("city-statistics", "衡阳市统计局", "市统计局", "department", "430400", None),
    ("hi-tech-zone", "衡阳高新技术产业开发区管理委员会", "衡阳高新区", "park", "430408", None),
    ("baishazhou-park", "衡阳白沙洲工业园区管理委员会", "白沙洲园区", "park", "430406", None),
    ("songmu-zone", "衡阳松木经济开发区管理委员会", "松木经开区", "park", "430407", None),
    ("leiyang-zone", "耒阳经济开发区管理委员会", "耒阳经开区", "park", "430481", None),
    ("shuikoushan-zone", "常宁水口山经济开发区管理委员会", "水口山经开区", "park", "430482", None),
    ("registry", "衡阳市不动产登记中心", "市不动产登记中心", "registry", "430400", "city-natural-resources"),
    ("bank-icbc", "中国工商银行股份有限公司衡阳分行", "工行衡阳分行", "bank", "430400", None),
    ("bank-ccb", "中国建设银行股份有限公司衡阳市分行", "建行衡阳分行", "bank", "430400", None),
] + [
    (f"county-{code}", f"{name}人民政府", f"{name}政府", "county_government", code, None)
    for code, name in COUNTIES
]

INDUSTRIES = [
    "有色金属冶炼",
    "输变电装备制造",
    "电子信息",
    "精细化工",
    "生物医药",
    "食品加工",
    "汽车零部件",
    "建筑材料",
    "新能源",
    "现代物流",
    "纺织服装",
    "农产品加工",
]

# Names of the demo's enterprises are made from these parts: realistic, but no real company.
NAME_HEADS = [
    "衡钢",
    "雁城",
    "湘南",
    "南岳",
    "蒸水",
    "耒水",
    "船山",
    "石鼓",
    "回雁",
    "祁山",
    "衡州",
    "岣嵝",
    "金源",
    "华菱",
    "恒飞",
    "江雁",
    "衡岳",
    "湘江",
    "常宁",
    "衡东",
]
NAME_TAILS = {
    "有色金属冶炼": "有色金属",
    "输变电装备制造": "电气装备",
    "电子信息": "电子科技",
    "精细化工": "化工",
    "生物医药": "生物医药",
    "食品加工": "食品",
    "汽车零部件": "汽车部件",
    "建筑材料": "新型建材",
    "新能源": "新能源科技",
    "现代物流": "物流",
    "纺织服装": "纺织",
    "农产品加工": "农业发展",
}
