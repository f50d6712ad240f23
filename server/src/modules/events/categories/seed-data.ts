// The realistic category set a district starts from: what residents and grid workers report in
// "明珠随手拍", "微连心" and "瓯海的一天" (street stalls at the gate, e-bikes charged in stairwells,
// blocked fire lanes, unpaid wages, rental rooms to register …) and the 2020 special campaigns
// (e-bikes, overloaded trucks, illegal factory sheds, fire lanes). Kept as a table so that a reviewer
// reads the whole set at a glance.
import type { CreateCategoryInput, Question } from './schema.js';

// code | 中文名 | English name | handled by | deadline hours | w(orking) or c(alendar) hours | priority | keywords
// "handled by" is grid, village, town, center, or the suffix of a seed department code: GA public
// security, XF fire and rescue, YJ emergency management, SJ market regulation, ZJ housing and
// construction, JT transport, ZR natural resources, ST ecology and environment, WJ health, MZ civil
// affairs, SF justice, ZF urban management (城管). Codes are `group.leaf`; a group comes before its leaves.
const TABLE = `
public_order | 社会治安 | Public order | GA | 24 | c | normal |
public_order.fighting | 打架斗殴 | Fighting | GA | 1 | c | urgent | 打架,斗殴,打人,殴打,持刀,动手,fight,fighting
public_order.theft | 盗窃 | Theft | GA | 24 | c | high | 被偷,被盗,盗窃,小偷,扒窃,偷车,撬锁,theft,stolen
public_order.fraud | 电信网络诈骗线索 | Telecom and online fraud | GA | 24 | c | high | 诈骗,骗子,被骗,转账,刷单,冒充,客服退款,scam,fraud
public_order.gambling | 赌博 | Gambling | GA | 24 | c | normal | 赌博,赌场,聚赌,设赌,老虎机,gambling
public_order.noise | 社会生活噪声扰民 | Neighbourhood noise | GA | 24 | c | normal | 噪音,噪声,扰民,吵,广场舞,音响,noise,noisy
public_order.suspicious | 可疑人员 | Suspicious persons | GA | 4 | c | high | 可疑,形迹可疑,陌生人,尾随,踩点,suspicious
public_order.drugs | 涉毒线索 | Drug leads | GA | 24 | c | high | 吸毒,毒品,贩毒,冰毒,drugs
public_order.cult | 邪教与非法宗教活动 | Cult and illegal religious activity | GA | 24 | c | high | 邪教,非法传教,非法聚会,传单
public_order.rental | 出租房与流动人口登记 | Rental rooms and migrant registration | grid | 24 | w | normal | 出租房,出租屋,群租,未登记,流动人口,租客,rental,tenant
disputes | 矛盾纠纷 | Disputes | village | 72 | w | normal |
disputes.neighbour | 邻里纠纷 | Neighbour disputes | village | 48 | w | normal | 邻居,邻里,吵架,漏水,争吵,neighbour,neighbor
disputes.family | 婚姻家庭纠纷 | Marriage and family disputes | village | 48 | w | normal | 离婚,夫妻,婆媳,赡养,抚养,家庭矛盾,divorce
disputes.domestic_violence | 家庭暴力 | Domestic violence | GA | 2 | c | urgent | 家暴,家庭暴力,打老婆,虐待,domestic violence
disputes.labour | 劳资纠纷 | Labour and wage disputes | town | 72 | w | high | 欠薪,拖欠工资,讨薪,工资,包工头,老板跑路,wage,wages,unpaid
disputes.property | 物业纠纷 | Property management disputes | village | 72 | w | normal | 物业,物业费,业委会,停车费,小区管理
disputes.land | 土地山林纠纷 | Land and forest disputes | town | 120 | w | normal | 土地,山林,宅基地,界址,征地,承包地
disputes.consumer | 消费纠纷 | Consumer disputes | SJ | 120 | w | low | 消费,退款,退货,假货,商家,预付卡,refund
disputes.medical | 医疗纠纷 | Medical disputes | WJ | 120 | w | normal | 医疗,医院,医患,医生,诊所,误诊
disputes.collective | 群体性矛盾苗头 | Signs of collective unrest | town | 4 | c | urgent | 聚集,上访,群体,维权,拉横幅,堵门,围堵
fire | 消防隐患 | Fire hazards | XF | 48 | c | high |
fire.ebike_charging | 电动自行车违规停放充电 | E-bikes parked or charged indoors | grid | 24 | c | high | 电动车,电瓶车,电动自行车,充电,飞线充电,飞线,楼道,入户充电,电梯,e-bike,ebike
fire.blocked_exit | 消防通道堵塞占用 | Blocked fire lanes and exits | XF | 24 | c | high | 消防通道,安全出口,疏散通道,逃生通道,堵塞,占用,锁闭,fire lane,fire exit
fire.equipment | 消防设施损坏缺失 | Fire equipment broken or missing | village | 72 | w | normal | 灭火器,消火栓,消防栓,喷淋,烟感,应急灯,过期,extinguisher
fire.three_in_one | “三合一”场所 | Living, storage and business in one building | XF | 72 | w | high | 三合一,住人,仓库住人,厂房住人,前店后宅
fire.wiring | 私拉乱接电线 | Illegal wiring | grid | 48 | c | normal | 私拉乱接,电线,乱接,插线板,线路老化,wiring
fire.gas | 燃气安全隐患 | Gas safety hazards | ZJ | 2 | c | urgent | 燃气,煤气,液化气,钢瓶,漏气,煤气罐,气味很大,gas leak
fire.wild_fire | 野外违规用火 | Open fires in the countryside | ZR | 2 | c | urgent | 烧荒,野外用火,上坟烧纸,山火,冒烟,焚烧秸秆,wildfire
traffic | 道路交通 | Roads and traffic | JT | 72 | w | normal |
traffic.illegal_parking | 机动车违章停放 | Illegal parking | GA | 24 | w | low | 乱停车,违停,违章停车,占道停车,堵路口,parking
traffic.road_damage | 道路破损坑洼 | Damaged roads and potholes | JT | 72 | w | normal | 坑洼,路面破损,塌陷,路坏,大坑,路面开裂,pothole
traffic.signal | 交通信号灯故障 | Traffic lights out of order | GA | 24 | c | high | 红绿灯,信号灯,交通灯,traffic light
traffic.overload | 货车超限超载与抛洒 | Overloaded trucks and spilled loads | JT | 24 | c | normal | 超载,超限,大货车,渣土车,抛洒,泥头车,overloaded
traffic.ebike_violation | 电动自行车交通违法 | E-bike traffic offences | GA | 72 | w | low | 逆行,闯红灯,不戴头盔,头盔,载人
traffic.dangerous_section | 交通安全隐患路段 | Dangerous road sections | JT | 120 | w | normal | 急弯,视线盲区,缺少护栏,事故多发,减速带,斑马线
environment | 生态环境 | Environment | ST | 72 | w | normal |
environment.water | 水体污染 | Water pollution | ST | 24 | c | high | 黑臭,污水,排污,偷排,死鱼,河水发黑,sewage
environment.air | 废气异味与烟尘 | Fumes, smells and dust | ST | 24 | c | normal | 废气,异味,臭味,黑烟,烟尘,粉尘,smell,smoke
environment.industrial_noise | 工业企业噪声 | Industrial noise | ST | 72 | w | normal | 工厂噪音,机器声,厂房噪声,设备噪音
environment.dumping | 固体废物偷倒 | Illegal dumping of waste | ST | 48 | c | normal | 偷倒,建筑垃圾,工业垃圾,危废,乱倒,dumping
environment.river_cleaning | 河道保洁 | River cleaning | village | 48 | w | low | 河道,漂浮物,水葫芦,河道垃圾,河面
city | 市容环境 | City appearance | ZF | 72 | w | normal |
city.street_vendors | 占道经营与流动摊贩 | Street stalls and vendors | ZF | 24 | w | normal | 摆摊,摊贩,占道经营,流动摊,小贩,出店经营,vendor,stall
city.garbage | 垃圾堆积清运不及时 | Uncollected rubbish | village | 24 | c | normal | 垃圾,垃圾桶,满溢,没人清理,垃圾堆,rubbish,garbage,trash
city.facilities | 市政设施损坏 | Broken city facilities | ZF | 72 | w | normal | 路灯,井盖,窨井,护栏,下水道,路灯不亮,坏了,street light,manhole
city.signs | 违规广告与乱张贴 | Illegal signs and posters | ZF | 120 | w | low | 广告牌,招牌,小广告,牛皮癣,乱张贴,横幅
city.greenery | 绿化损毁与树木倒伏 | Damaged greenery and fallen trees | ZF | 72 | w | low | 绿化,树木,倒伏,树枝,毁绿,大树,tree
city.shared_bikes | 共享单车乱停放 | Shared bikes parked badly | ZF | 48 | w | low | 共享单车,单车,乱停放,乱停乱放
city.waterlogging | 道路积水 | Waterlogged streets | ZF | 4 | c | high | 积水,内涝,淹水,排水不畅,flooded
construction | 违章建设 | Construction | ZF | 120 | w | normal |
construction.illegal_building | 违法建筑 | Illegal buildings | ZF | 120 | w | normal | 违建,违章建筑,违章搭建,搭建,加层,私搭乱建,铁皮棚,illegal building
construction.site_safety | 建筑工地安全 | Building site safety | ZJ | 24 | c | high | 工地,脚手架,塔吊,基坑,安全帽,高空坠物
construction.night_work | 夜间施工扰民 | Building work at night | ZF | 24 | c | normal | 夜间施工,施工噪音,半夜施工,连夜施工
construction.dangerous_house | 危房险情 | Unsafe houses | ZJ | 24 | c | urgent | 危房,裂缝,墙体开裂,房屋倾斜,倒塌,漏雨
construction.farmland | 违法占用耕地 | Illegal use of farmland | ZR | 120 | w | normal | 占用耕地,乱占耕地,非农化,挖山,采砂,取土
livelihood | 民生服务 | Livelihood | village | 72 | w | normal |
livelihood.elderly | 困难群众与独居老人帮扶 | Help for people in need and old people living alone | village | 72 | w | normal | 独居老人,孤寡,老人,生活困难,低保,残疾,elderly
livelihood.utilities | 停水停电 | Water and power cuts | town | 24 | c | high | 停水,停电,水压,没水,没电,跳闸,power cut
livelihood.dogs | 犬只扰民伤人 | Dogs: nuisance and bites | GA | 24 | c | normal | 狗,犬,遛狗,狗咬,流浪狗,狗叫,不拴绳,dog
livelihood.food_safety | 食品安全 | Food safety | SJ | 24 | c | high | 食品,过期,变质,无证经营,食物中毒,小作坊,food
livelihood.elevator | 电梯故障困人 | Lifts out of order, people trapped | SJ | 1 | c | urgent | 电梯故障,困人,关人,电梯停运,lift,elevator
livelihood.legal_aid | 法律援助需求 | Legal aid | SF | 120 | w | low | 法律援助,律师,法律咨询,打官司,lawyer
livelihood.mental_crisis | 精神异常与轻生苗头 | Mental crisis or risk of suicide | GA | 1 | c | urgent | 精神异常,发病,情绪失控,轻生,跳楼,自杀,想不开
production | 安全生产 | Safety in production | YJ | 72 | w | high |
production.hazardous_chemicals | 危险化学品 | Hazardous chemicals | YJ | 4 | c | urgent | 危化品,化学品,易燃易爆,油桶,泄漏,chemicals
production.enterprise | 企业安全生产隐患 | Workplace safety hazards | YJ | 72 | w | high | 工厂,企业,车间,违规操作,无防护,有限空间,factory
production.molten_metal | 高温熔融金属作业 | Molten metal work | YJ | 24 | c | high | 熔炼,熔融,铸造,熔炉,钢水
production.fireworks | 非法储存烟花爆竹 | Illegal storage of fireworks | GA | 4 | c | urgent | 烟花,爆竹,鞭炮,非法储存,fireworks
disaster | 防汛防台与地质灾害 | Floods, typhoons, geological hazards | YJ | 4 | c | urgent |
disaster.landslide | 地质灾害隐患 | Landslide and rockfall risk | ZR | 4 | c | urgent | 滑坡,山体,塌方,落石,泥石流,崩塌,landslide
disaster.flood | 防汛防台险情 | Flood and typhoon emergencies | YJ | 2 | c | urgent | 台风,洪水,溃堤,堤坝,漫堤,转移,typhoon,flood
other | 其他事项 | Other matters | center | 24 | w | normal | 其他,other
`;

const v = (code: string, zh: string, en: string) => ({ code, label: { zh, en } });
const YES_NO = [v('yes', '是', 'yes'), v('no', '否', 'no')];
const q = (
  code: string,
  zh: string,
  en: string,
  type: Question['type'],
  order: number,
  extra: Partial<Question> = {},
): Question => ({ code, label: { zh, en }, type, order, required: false, ...extra });

/** The extra questions of the categories that ask any. */
const QUESTIONS: Record<string, Question[]> = {
  'public_order.fighting': [
    q('people', '涉及人数', 'People involved', 'number', 1),
    q('weapons', '是否持械', 'Weapons seen', 'single_choice', 2, { required: true, values: YES_NO }),
    q('injured', '是否有人受伤', 'Anyone injured', 'single_choice', 3, { values: YES_NO }),
  ],
  'disputes.neighbour': [q('parties', '当事人数', 'Parties', 'number', 1)],
  'disputes.labour': [
    q('workers', '涉及人数', 'Workers involved', 'number', 1, { required: true }),
    q('amount', '涉及金额（元）', 'Amount (yuan)', 'number', 2),
    q('employer', '用人单位', 'Employer', 'text', 3),
  ],
  'disputes.collective': [q('crowd', '聚集人数', 'People gathered', 'number', 1, { required: true })],
  'fire.ebike_charging': [
    q('where', '位置', 'Where', 'single_choice', 1, {
      required: true,
      values: [
        v('stairwell', '楼道', 'stairwell'),
        v('indoors', '室内', 'indoors'),
        v('lobby', '门厅', 'lobby'),
        v('basement', '地下车库', 'basement'),
      ],
    }),
    q('count', '车辆数', 'Number of e-bikes', 'number', 2),
  ],
  'traffic.road_damage': [
    q('size', '破损程度', 'Size of the damage', 'single_choice', 1, {
      values: [
        v('small', '小于1平方米', 'under 1 m²'),
        v('large', '1平方米以上', '1 m² or more'),
        v('collapse', '塌陷', 'collapse'),
      ],
    }),
  ],
  'environment.air': [
    q('smell', '气味类型', 'Kind of smell', 'multi_choice', 1, {
      values: [
        v('burnt', '焦糊味', 'burnt'),
        v('chemical', '化学品味', 'chemical'),
        v('rotten', '腐臭味', 'rotten'),
      ],
    }),
  ],
  'city.facilities': [
    q('facility', '设施类型', 'Facility', 'single_choice', 1, {
      required: true,
      values: [
        v('street_light', '路灯', 'street light'),
        v('manhole', '井盖', 'manhole cover'),
        v('railing', '护栏', 'railing'),
        v('drain', '排水设施', 'drain'),
        v('other', '其他', 'other'),
      ],
    }),
  ],
  'construction.illegal_building': [
    q('started', '发现开工时间', 'Work seen starting', 'date', 1),
    q('floors', '层数', 'Floors', 'number', 2),
  ],
  'livelihood.elevator': [
    q('trapped', '是否有人被困', 'Anyone trapped', 'single_choice', 1, { required: true, values: YES_NO }),
  ],
};

const UNIT_LEVELS = new Set(['grid', 'village', 'town', 'center']);

/** The seed set for a district, parents first; department codes are `<districtCode>-<suffix>`. */
export function seedCategoryDefs(districtCode: string): CreateCategoryInput[] {
  return TABLE.trim()
    .split('\n')
    .map((line) => {
      const [code, zh, en, by, hours, count, priority, keywords] = line.split('|').map((s) => s.trim()) as [
        string,
        string,
        string,
        string,
        string,
        string,
        CreateCategoryInput['priority'],
        string,
      ];
      const dot = code.lastIndexOf('.');
      return {
        code,
        parentCode: dot < 0 ? null : code.slice(0, dot),
        name: { zh, en },
        handledBy: UNIT_LEVELS.has(by)
          ? { level: by as 'grid' | 'village' | 'town' | 'center' }
          : { level: 'department' as const, departmentCode: `${districtCode}-${by}` },
        deadline: { hours: Number(hours), workingHours: count === 'w' },
        priority,
        questions: QUESTIONS[code] ?? [],
        keywords: keywords ? keywords.split(',') : [],
      };
    });
}
