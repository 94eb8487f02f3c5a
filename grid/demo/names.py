"""Data for the demo grid: Yangzhou's real divisions, generated-name syllables, people's names.

Region names and unit remits are data shown as they are (Chinese), not interface strings.
"""

from __future__ import annotations

from grid.models import RegionKind, UnitKind

CITY_CODE = "321000000000"
CITY_NAME = "扬州市"

# Yangzhou's districts, county-level cities and counties, then its function zones (which
# behave as counties), each with its townships in order. Township kinds follow the suffix.
YANGZHOU: list[tuple[str, str, str, list[str]]] = [
    (
        "321002",
        "广陵区",
        RegionKind.DISTRICT,
        [
            "东关街道",
            "汶河街道",
            "文峰街道",
            "曲江街道",
            "湾头镇",
            "杭集镇",
            "沙头镇",
            "李典镇",
            "头桥镇",
        ],
    ),
    (
        "321003",
        "邗江区",
        RegionKind.DISTRICT,
        [
            "邗上街道",
            "蒋王街道",
            "汊河街道",
            "甘泉街道",
            "双桥街道",
            "新盛街道",
            "竹西街道",
            "西湖街道",
            "瓜洲镇",
            "杨庙镇",
            "公道镇",
            "方巷镇",
            "槐泗镇",
            "杨寿镇",
        ],
    ),
    (
        "321012",
        "江都区",
        RegionKind.DISTRICT,
        [
            "仙女镇",
            "小纪镇",
            "武坚镇",
            "樊川镇",
            "真武镇",
            "宜陵镇",
            "丁沟镇",
            "郭村镇",
            "邵伯镇",
            "丁伙镇",
            "大桥镇",
            "吴桥镇",
            "浦头镇",
        ],
    ),
    (
        "321023",
        "宝应县",
        RegionKind.COUNTY,
        [
            "安宜镇",
            "氾水镇",
            "夏集镇",
            "柳堡镇",
            "射阳湖镇",
            "广洋湖镇",
            "鲁垛镇",
            "小官庄镇",
            "望直港镇",
            "曹甸镇",
            "西安丰镇",
            "山阳镇",
            "黄塍镇",
            "泾河镇",
        ],
    ),
    (
        "321081",
        "仪征市",
        RegionKind.COUNTY_CITY,
        ["真州镇", "青山镇", "新集镇", "新城镇", "马集镇", "刘集镇", "陈集镇", "大仪镇", "月塘镇"],
    ),
    (
        "321084",
        "高邮市",
        RegionKind.COUNTY_CITY,
        [
            "高邮镇",
            "卸甲镇",
            "三垛镇",
            "甘垛镇",
            "汤庄镇",
            "临泽镇",
            "界首镇",
            "周山镇",
            "龙虬镇",
            "送桥镇",
            "菱塘回族乡",
            "车逻镇",
        ],
    ),
    (
        "321071",
        "扬州经济技术开发区",
        RegionKind.FUNCTION_ZONE,
        ["文汇街道", "扬子津街道", "施桥街道", "八里镇", "朴席镇"],
    ),
    ("321072", "扬州市生态科技新城", RegionKind.FUNCTION_ZONE, ["泰安镇", "汤汪乡"]),
    ("321073", "蜀冈-瘦西湖风景名胜区", RegionKind.FUNCTION_ZONE, ["城北街道", "平山乡"]),
]

# The nine generated cities of the province benchmark: names and the 4-digit code prefixes
# (3281…3289 are not used by any real division, so they never clash with real codes).
GENERATED_CITIES = ["澄江市", "青溪市", "临湖市", "云泽市", "沧浪市", "白沙市", "枫桥市"]
GENERATED_CITIES += ["宁川市", "柳湾市"]

# Syllables for generated county and township names.
PLACE_FIRST = list("安宁平泰丰盛兴华东西南北清明宝金玉云青临永长高新双三五龙凤白黄红石河湖江海")
PLACE_FIRST += list("山川沙柳桃杨梅松桂洪淮汉潭溪")
PLACE_SECOND = list("阳河桥湖港口集庄墩店甸洲塘沟山岗圩坝城林泉溪川坪安宁平丰兴华")

# Syllables for generated village (村) and community (社区) names.
VILLAGE_FIRST = list("王李张陈刘杨周吴徐孙朱胡高沈丁戴顾姜蒋仇东西南前后大小新三五六八红青金石")
VILLAGE_FIRST += list("桥河塘柳荷桃梅竹松兴永双龙凤花田")
VILLAGE_SECOND = list(
    "庄桥河湖塘港沟湾圩墩集舍垛岗坝营楼园林庙坊店甸荡洲旺安兴丰和平华新福联合星光明强胜"
)
COMMUNITY_FIRST = list(
    "文华梅荷康乐翠锦春朝景明学汶东西新双友平宁望育运扬淮广琼秋四五念跃曙紫桂兰竹柳"
)
COMMUNITY_SECOND = list("苑园庭城景华岭河桥湾都阳光和安康福晨月花馨泰乐佳丰源")

# People's names.
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡")
SURNAMES += list("余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯")
SURNAMES += list("龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤仇")
GIVEN = list("伟芳敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚建华国红文辉玲斌波宇浩鹏俊凯琳婷雪慧燕萍")
GIVEN += list("欣颖晨阳峰亮琴云海林荣梅春秀英志新永福德成龙健清宁婕立彬倩飞晓玉丹")

# City departments: (code suffix, name, kind, remit).
CITY_UNITS: list[tuple[str, str, str, str]] = [
    ("GA", "市公安局", UnitKind.DEPARTMENT, "网络谣言、违法犯罪线索、社会治安和道路交通安全"),
    ("WJ", "市卫生健康委", UnitKind.DEPARTMENT, "医疗卫生服务、医患纠纷、公共卫生和疫情防控"),
    ("JY", "市教育局", UnitKind.DEPARTMENT, "学校管理、招生入学、师德师风和校园安全"),
    ("ZJ", "市住房城乡建设局", UnitKind.DEPARTMENT, "住房保障、物业管理、房地产市场和工程质量"),
    ("SJ", "市市场监管局", UnitKind.DEPARTMENT, "食品药品安全、价格秩序、消费维权和产品质量"),
    ("HB", "市生态环境局", UnitKind.DEPARTMENT, "大气、水、噪声和固体废物污染"),
    ("JT", "市交通运输局", UnitKind.DEPARTMENT, "公共交通、出租车、道路运输和交通工程"),
    ("RS", "市人社局", UnitKind.DEPARTMENT, "劳动报酬、社会保险、就业和人事考试"),
    ("MZ", "市民政局", UnitKind.DEPARTMENT, "社会救助、养老服务、婚姻登记和殡葬管理"),
    ("ZR", "市自然资源和规划局", UnitKind.DEPARTMENT, "土地利用、规划审批和不动产登记"),
    ("CG", "市城管局", UnitKind.DEPARTMENT, "市容环境、占道经营、违法建设和环境卫生"),
    ("SL", "市水利局", UnitKind.DEPARTMENT, "防汛抗旱、水利工程和河湖管理"),
    ("NY", "市农业农村局", UnitKind.DEPARTMENT, "农业生产、农村集体资产和农产品质量"),
    ("WL", "市文化广电和旅游局", UnitKind.DEPARTMENT, "文化市场、旅游投诉和广播电视"),
    ("XF", "市信访局", UnitKind.DEPARTMENT, "信访诉求的受理、交办和督办"),
    ("WX", "市委网信办", UnitKind.PLATFORM, "全市网情网格的统筹、值班研判和交办督办"),
    ("YJ", "市应急指挥中心", UnitKind.EMERGENCY, "突发事件和疑难复杂网情的应急处置"),
]
# The city department whose liaison is the demo login ``demo-unit``.
DEMO_UNIT_SUFFIX = "ZJ"

# County departments: (code suffix, name suffix, kind, remit, has a liaison in the demo).
COUNTY_UNITS: list[tuple[str, str, str, str, bool]] = [
    ("GA", "公安局", UnitKind.DEPARTMENT, "辖区网络谣言、违法犯罪线索和社会治安", True),
    ("WJ", "卫健委", UnitKind.DEPARTMENT, "辖区医疗卫生服务、医患纠纷和公共卫生", False),
    ("JY", "教育局", UnitKind.DEPARTMENT, "辖区学校管理、招生入学和校园安全", False),
    ("ZJ", "住建局", UnitKind.DEPARTMENT, "辖区物业管理、房屋安全和工程质量", True),
    ("SJ", "市场监管局", UnitKind.DEPARTMENT, "辖区食品安全、价格秩序和消费维权", False),
    ("WX", "网信办", UnitKind.PLATFORM, "辖区网情的受理、研判、处置和上报", True),
]
TOWNSHIP_REMIT = "辖区内一般性网情事项的核实、处置和回复"
