// The taxonomy a district starts from: the "ten domains" of Rui'an's 大起底、大整治、大提升 action
// (十大领域 45 个方面) and the special campaigns of the reports (e-bikes, overloaded trucks, fire lanes,
// "three-in-one" places, roads, sea and fishing, hazardous chemicals). Departments are named by the
// suffix of the seed's department codes (`<county>-GA` public security, `-XF` fire and rescue …).
//
// Default deadlines (calendar hours, general / major / critical): a more serious hazard usually needs
// more work to remove (a plan, a partial stop of work, construction), so it gets longer, and its
// urgency is carried by interim controls, escalation and public listing. Gas is the exception: its
// critical cases (a leak, cylinders in a basement) are removed at once, so critical is the shortest.
import type { DomainDefInput } from './schema.js';

type A = readonly [code: string, zh: string, en: string];
interface Def {
  code: string;
  zh: string;
  en: string;
  dept: string;
  hours: readonly [general: number, major: number, critical: number];
  aspects: readonly A[];
}

const D = 24;
const DOMAINS: readonly Def[] = [
  {
    code: 'road_traffic',
    zh: '道路交通',
    en: 'Road traffic',
    dept: 'GA',
    hours: [7 * D, 30 * D, 90 * D],
    aspects: [
      ['accident_black_spot', '事故多发点段', 'Accident black spots'],
      ['signs_and_barriers', '交通标志标线及安全防护设施缺失', 'Missing signs, markings or crash barriers'],
      ['truck_overload', '货车超限超载', 'Overloaded trucks'],
      ['passenger_vehicles', '客运车辆超员及非法营运', 'Overcrowded or unlicensed passenger transport'],
      ['rural_crossings', '农村道路平交路口', 'Unsafe rural junctions'],
      ['key_vehicles', '重点车辆逾期未检验、未报废', 'Key vehicles overdue for inspection or scrapping'],
    ],
  },
  {
    code: 'sea_fishing',
    zh: '海上渔业',
    en: 'Sea and fishing',
    // the seed has no agriculture and fisheries bureau (农业农村局); emergency management stands in
    dept: 'YJ',
    hours: [3 * D, 7 * D, 15 * D],
    aspects: [
      ['three_no_vessels', '涉渔"三无"船舶', 'Unregistered fishing vessels ("three-no")'],
      ['vessel_certificates', '渔船证书不全或过期', 'Missing or expired vessel certificates'],
      ['crew_qualification', '船员未持证或持证不符', 'Uncertified crew'],
      ['lifesaving_equipment', '救生消防设备缺失', 'Missing life-saving and fire equipment'],
      [
        'position_monitoring',
        '北斗、AIS 等船位监控设备未开启',
        'Position beacons (BeiDou, AIS) switched off',
      ],
      [
        'weather_and_zone',
        '超航区或恶劣天气冒险出海',
        'Sailing outside the permitted zone or in bad weather',
      ],
    ],
  },
  {
    code: 'fire',
    zh: '消防',
    en: 'Fire',
    dept: 'XF',
    hours: [3 * D, 7 * D, 30 * D],
    aspects: [
      ['blocked_exits', '疏散通道、安全出口堵塞锁闭', 'Blocked or locked escape routes and exits'],
      ['fire_lanes', '消防车通道占用', 'Obstructed fire engine lanes'],
      ['fire_facilities', '消防设施损坏或缺失', 'Broken or missing fire equipment'],
      ['electrical_wiring', '电气线路私拉乱接', 'Improvised electrical wiring'],
      ['flammable_storage', '易燃可燃物违规存放', 'Flammable goods stored unsafely'],
      ['fire_separation', '防火分隔不符合要求', 'Inadequate fire separation'],
      ['control_room', '消防控制室值班不符合要求', 'Fire control room not properly staffed'],
    ],
  },
  {
    code: 'hazardous_chemicals',
    zh: '危险化学品',
    en: 'Hazardous chemicals',
    dept: 'YJ',
    hours: [3 * D, 15 * D, 30 * D],
    aspects: [
      ['unlicensed_business', '无证经营、储存危险化学品', 'Unlicensed trade or storage'],
      ['storage_conditions', '禁忌物混存或超量储存', 'Incompatible or excess storage'],
      ['major_hazard_sources', '重大危险源监测监控缺失', 'Major hazard sources without monitoring'],
      ['transport', '危险货物运输车辆及押运不规范', 'Unsafe transport of dangerous goods'],
      ['waste', '废弃危险化学品处置不当', 'Improper disposal of chemical waste'],
      ['emergency_preparedness', '应急预案及演练缺失', 'No emergency plan or drills'],
    ],
  },
  {
    code: 'construction',
    zh: '建设施工',
    en: 'Construction sites',
    dept: 'ZJ',
    hours: [3 * D, 7 * D, 15 * D],
    aspects: [
      ['deep_excavation', '深基坑支护', 'Deep excavation support'],
      ['high_formwork', '高大模板支撑体系', 'High formwork and shoring'],
      ['lifting_machinery', '塔吊等起重机械', 'Tower cranes and hoists'],
      ['scaffolding', '脚手架', 'Scaffolding'],
      ['edge_protection', '临边洞口防护缺失', 'Unprotected edges and openings'],
      ['temporary_power', '施工临时用电', 'Temporary site electricity'],
      ['illegal_structures', '厂房违章搭建', 'Illegal sheds and extensions'],
    ],
  },
  {
    code: 'gas',
    zh: '燃气',
    en: 'Gas',
    dept: 'ZJ',
    hours: [3 * D, 7 * D, 1 * D],
    aspects: [
      ['cylinder_storage', '液化气钢瓶违规存放或超量', 'LPG cylinders stored unsafely or in excess'],
      [
        'alarm_and_shutoff',
        '餐饮场所未安装可燃气体报警及切断装置',
        'Restaurants without gas alarms and shut-off valves',
      ],
      ['hoses', '连接软管老化、超长或穿墙', 'Aged, over-long or through-wall hoses'],
      ['illegal_refilling', '非法充装、倒罐', 'Illegal refilling or decanting'],
      ['pipeline_encroachment', '燃气管道被占压', 'Buildings or goods over gas pipelines'],
      ['basement_use', '地下、半地下场所使用瓶装液化气', 'Bottled gas used below ground'],
    ],
  },
  {
    code: 'ebike',
    zh: '电动自行车',
    en: 'Electric bikes',
    dept: 'XF',
    hours: [1 * D, 3 * D, 7 * D],
    aspects: [
      ['indoor_charging', '楼道、室内违规停放充电', 'Parked or charged in stairwells and homes'],
      ['flying_wires', '飞线充电', 'Charging over dangling extension leads'],
      ['illegal_modification', '非法改装、拼装', 'Illegally modified or assembled'],
      ['unsafe_products', '不合格车辆、电池及充电器销售', 'Substandard bikes, batteries or chargers on sale'],
      ['charging_facilities', '集中停放充电设施不足', 'Too few safe parking and charging points'],
    ],
  },
  {
    code: 'rental_housing',
    zh: '出租房和"三合一"场所',
    en: 'Rental housing and "three-in-one" places',
    dept: 'GA',
    hours: [3 * D, 7 * D, 15 * D],
    aspects: [
      [
        'three_in_one',
        '生产、经营、储存与住宿合用("三合一")',
        'Living quarters mixed with work or storage ("three-in-one")',
      ],
      ['tenant_registration', '租住人员未登记', 'Tenants not registered'],
      ['escape_windows', '逃生窗口被防盗窗封闭', 'Escape windows barred'],
      ['overcrowding', '群租超员', 'Overcrowded multi-tenant letting'],
      ['wiring', '电气线路老化', 'Aged electrical wiring'],
      ['detectors_extinguishers', '未配置独立式烟感和灭火器', 'No smoke alarms or extinguishers'],
    ],
  },
  {
    code: 'special_equipment',
    zh: '特种设备',
    en: 'Special equipment',
    dept: 'SJ',
    hours: [7 * D, 15 * D, 30 * D],
    aspects: [
      ['elevators', '电梯未按期检验或维保', 'Lifts overdue for inspection or maintenance'],
      ['boilers_vessels', '锅炉、压力容器', 'Boilers and pressure vessels'],
      ['pressure_piping', '压力管道', 'Pressure piping'],
      ['lifting_machinery', '起重机械', 'Lifting machinery'],
      ['amusement_rides', '大型游乐设施', 'Large amusement rides'],
      ['site_vehicles', '场(厂)内专用机动车辆', 'Forklifts and site vehicles'],
      ['operator_certificates', '作业人员无证上岗', 'Operators without certificates'],
    ],
  },
  {
    code: 'crowded_places',
    zh: '人员密集场所',
    en: 'Crowded places',
    dept: 'XF',
    hours: [3 * D, 7 * D, 15 * D],
    aspects: [
      ['evacuation', '疏散指示及应急照明缺失', 'Missing exit signs or emergency lighting'],
      ['crowd_control', '大型活动人流管控不足', 'Insufficient crowd control at large events'],
      ['security_staffing', '安保力量及安检不足', 'Too few guards or checks'],
      ['decoration_materials', '违规使用易燃装修材料', 'Flammable decoration materials'],
      ['emergency_drills', '应急预案及疏散演练缺失', 'No emergency plan or evacuation drills'],
    ],
  },
];

/** The ten domains for a district, with department codes `<districtCode>-<suffix>`. */
export function seedDomainDefs(districtCode: string): DomainDefInput[] {
  return DOMAINS.map((d, i) => ({
    code: d.code,
    position: i + 1,
    name: { zh: d.zh, en: d.en },
    departmentCode: `${districtCode}-${d.dept}`,
    deadlineHours: { general: d.hours[0], major: d.hours[1], critical: d.hours[2] },
    aspects: d.aspects.map(([code, zh, en]) => ({ code, name: { zh, en } })),
  }));
}
