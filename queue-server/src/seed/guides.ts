import type { GuideMaterial, GuideMaterialForm, ServiceGuide } from '@onewindow/shared';

/**
 * The guides (办事指南, LD/T 02 §6.3) of the demo hall's 23 items, keyed by item code (事项编码;
 * LOCAL-… codes are the ones catalog-tsv.ts gives to rows without a national code, in file
 * order). Written after what social-insurance halls publish as the 16 elements (十六要素).
 *
 * Legal bases name articles only where they were checked; where a normative document's title
 * or number (文号) was not verified it is left out and the guide's `note` says so. The 办理时限
 * is the item's own (`ServiceItem.timeLimit`, from the list), not repeated here.
 */

/** 办理地址和时间: the hall's own address and hours cannot be filled in at seed time. */
const ADDRESS_AND_HOURS = '本大厅综合受理窗口，工作日 9:00–17:00（法定节假日除外）';
/** 咨询方式. */
const CONSULTATION = '12333 人社服务热线；大厅咨询引导台';
/** 监督投诉渠道. */
const COMPLAINT = '12345 政务服务便民热线；大厅值班长';
/** 收费依据及标准: social-insurance services are free of charge. */
const FEE = '不收费';
/** 进度和结果查询 of a 承诺件. */
const PROGRESS_PROMISED = '凭业务受理回执扫描二维码用手机查询，或到大厅权益窗口、拨打 12333 查询';
/** 进度和结果查询 of a 即办件: settled on the spot, the record stays queryable. */
const PROGRESS_INSTANT =
  '即办件，窗口当场办结并出具结果；办理记录可在手机「掌上服务」登录后查询，或拨打 12333 查询';

/** 《中华人民共和国社会保险法》, optionally with articles (条款), e.g. '第五十七条'. */
function law(articles = ''): string {
  return `《中华人民共和国社会保险法》${articles}`;
}

/** 《工伤保险条例》 with articles. */
function injuryRegulation(articles: string): string {
  return `《工伤保险条例》${articles}`;
}

/** One material (申办材料); one copy and required unless told otherwise. */
function material(
  name: string,
  form: GuideMaterialForm,
  extra: Partial<Omit<GuideMaterial, 'name' | 'form'>> = {},
): GuideMaterial {
  return { name, form, copies: 1, required: true, ...extra };
}

/** An identity document, shown at the window (MAT-INSTANT-1: not by itself a reason to keep a file). */
function identityDoc(name: string, extra: Partial<Omit<GuideMaterial, 'name' | 'form'>> = {}): GuideMaterial {
  return material(name, '原件', { identity: true, ...extra });
}

/** 居民身份证或社会保障卡 of the person concerned, shown at the window. */
function idOrCard(note?: string): GuideMaterial {
  return identityDoc('居民身份证或社会保障卡', note ? { note } : {});
}

/** The elements a guide writes itself; the hall-wide ones (fee, address, consultation …) are filled in. */
type GuideParts = Omit<
  ServiceGuide,
  'fee' | 'addressAndHours' | 'consultation' | 'complaint' | 'progressQuery'
>;

/** A complete guide in the published order of the 16 elements. */
function guide(p: GuideParts): ServiceGuide {
  return {
    scope: p.scope,
    caseType: p.caseType,
    channels: p.channels,
    visitsOnSite: p.visitsOnSite,
    legalBasis: p.legalBasis,
    conditions: p.conditions,
    materials: p.materials,
    steps: p.steps,
    fee: FEE,
    result: p.result,
    delivery: p.delivery,
    addressAndHours: ADDRESS_AND_HOURS,
    consultation: CONSULTATION,
    progressQuery: p.caseType === 'instant' ? PROGRESS_INSTANT : PROGRESS_PROMISED,
    complaint: COMPLAINT,
    ...(p.note ? { note: p.note } : {}),
  };
}

/** A time-limited item's limit that the list marks 未证实. */
const LIMIT_UNVERIFIED = '办理时限未证实，以当地公布的时限为准。';
/** Social-security card items: no department rule was checked. */
const CARD_BASIS_UNVERIFIED =
  '设立依据仅列法律名称：人力资源社会保障部关于社会保障卡管理的规范性文件名称及文号未在此核实，未列入。';

/** The guides of the demo catalog, by item code. */
export const GUIDES: Readonly<Record<string, ServiceGuide>> = {
  // 企业社会保险登记
  '512B0067900009': guide({
    scope:
      '在本统筹地区依法设立的企业及其他用人单位（含有雇工的个体工商户），首次参加社会保险时办理单位参保登记。',
    caseType: 'promised',
    channels: ['窗口', '网上'],
    visitsOnSite: 0,
    legalBasis: [law('第五十七条')],
    conditions: [
      '已依法取得营业执照、登记证书或经批准成立',
      '自成立之日起三十日内申请（社会保险法第五十七条）',
      '尚未在本统筹地区办理社会保险登记',
    ],
    materials: [
      material('营业执照', '原件', {
        sharedData: true,
        note: '可出示电子营业执照；经办机构可通过市场监管部门共享数据查询，一般免提交。',
      }),
      material('法定代表人（负责人）居民身份证', '复印件'),
      material('单位银行基本存款账户信息', '复印件', {
        note: '开户银行出具的开户信息；企业银行账户许可已取消，不再要求开户许可证。',
      }),
      material('经办人居民身份证', '原件'),
      material('单位社会保险登记表', '原件', {
        note: '窗口或网上服务厅提供，加盖单位公章；网上办理时在线填报。',
      }),
    ],
    steps: [
      '申请：单位在网上服务厅填报，或到窗口提交登记表及材料',
      '受理：综合柜员核验材料，材料不全的一次性告知需补正的全部材料',
      '审核：业务审核岗核对单位登记信息、参保险种与费率',
      '办结：生成单位社会保险登记编号，出具登记结果',
    ],
    result: '单位社会保险登记回执（社会保险登记编号）',
    delivery: ['窗口领取', '网上下载'],
    note:
      '实行"多证合一"的地区，营业执照核发后单位参保信息由市场监管部门共享，经办机构确认即可；' +
      '相关改革文件的文号未在此核实，未列入设立依据。',
  }),

  // 企业职工参保登记
  '512B0067900008': guide({
    scope: '已办理社会保险登记的企业，为新招用或转入的职工办理参保登记（增员）。',
    caseType: 'instant',
    channels: ['窗口', '网上'],
    visitsOnSite: 0,
    legalBasis: [law('第五十八条')],
    conditions: [
      '单位已办理社会保险登记',
      '与职工已建立劳动关系，自用工之日起三十日内申请（社会保险法第五十八条）',
      '职工在本统筹地区没有其他在职参保记录（不得重复参保）',
    ],
    materials: [
      idOrCard('职工本人的证件；单位经办人代为办理时可提供复印件，以当地规定为准。'),
      material('劳动合同', '复印件', {
        required: false,
        note: '部分地区要求，用于核实用工起始日期；以当地规定为准。',
      }),
      material('职工参保登记表（增员表）', '原件', { note: '加盖单位公章；网上办理时在线填报。' }),
      identityDoc('单位经办人居民身份证'),
    ],
    steps: [
      '申请：单位经办人提交职工增员信息',
      '受理审核：窗口核验职工身份信息和重复参保情况',
      '办结：当场录入参保信息，出具业务回单',
    ],
    result: '业务回单（职工参保登记结果）',
    delivery: ['窗口领取', '网上下载'],
  }),

  // 灵活就业人员企业职工基本养老保险参保登记
  '512B0369200000': guide({
    scope:
      '无雇工的个体工商户、未在用人单位参加基本养老保险的非全日制从业人员以及其他灵活就业人员，' +
      '以个人身份参加企业职工基本养老保险。',
    caseType: 'instant',
    channels: ['窗口', '网上'],
    visitsOnSite: 0,
    legalBasis: [law('第十条第二款'), law('第六十条第二款')],
    conditions: [
      '年满16周岁、未达到法定退休年龄',
      '未在用人单位参加企业职工基本养老保险，且未领取基本养老金',
      '在户籍地或常住地参保（非本地户籍人员的参保条件以当地规定为准）',
    ],
    materials: [
      idOrCard(),
      material('居住证', '原件', {
        required: false,
        note: '非本地户籍人员在就业地参保时提供；已放开户籍限制或可核验居住信息的地区免提交。',
      }),
      material('灵活就业人员参保登记表', '原件', { note: '窗口提供，现场填写；网上办理时在线填报。' }),
    ],
    steps: [
      '申请：本人到窗口或通过网上服务厅申请',
      '受理审核：核验身份、重复参保和待遇领取情况',
      '办结：当场登记，告知缴费档次和缴费方式（向税务部门缴费）',
    ],
    result: '参保登记回执',
    delivery: ['窗口领取', '网上下载'],
  }),

  // 城乡居民基本养老保险参保登记
  '512B0359100011': guide({
    scope:
      '年满16周岁（不含在校学生），非国家机关和事业单位工作人员及不属于职工基本养老保险制度覆盖范围的城乡居民，在户籍地参保。',
    caseType: 'instant',
    channels: ['窗口', '网上'],
    visitsOnSite: 0,
    legalBasis: [
      law('第二十条、第二十二条'),
      '《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）',
    ],
    conditions: [
      '年满16周岁，不含在校学生',
      '未参加企业职工基本养老保险或机关事业单位养老保险',
      '在户籍所在地参保',
    ],
    materials: [
      idOrCard(),
      material('居民户口簿', '原件', {
        note: '用于核实户籍；可通过公安户籍数据核验的地区免提交。',
      }),
      material('城乡居民基本养老保险参保登记表', '原件', {
        note: '窗口或村（社区）服务站提供，现场填写。',
      }),
    ],
    steps: [
      '申请：本人到户籍地经办窗口或村（社区）服务站申请，也可网上办理',
      '受理审核：核验户籍和重复参保情况',
      '办结：登记参保，告知缴费档次和缴费方式',
    ],
    result: '参保登记回执',
    delivery: ['窗口领取', '网上下载'],
    note: '"即办"为清单中未证实的合理假设。',
  }),

  // 个人基本信息变更
  '512B0068000007': guide({
    scope: '已参保人员的姓名、公民身份号码、出生日期、性别、民族、户籍、联系方式等基本信息需要变更或更正。',
    caseType: 'instant',
    channels: ['窗口'],
    visitsOnSite: 1,
    legalBasis: [law('第七十四条')],
    conditions: [
      '本人办理；他人代办的须持授权委托书及代办人身份证件（以当地规定为准）',
      '变更姓名、公民身份号码的，须已在公安机关完成户籍变更',
    ],
    materials: [
      idOrCard(),
      material('公安机关出具的户籍变更证明或居民户口簿', '原件及复印件', {
        required: false,
        note: '变更姓名、公民身份号码时提供；可通过公安数据核验的地区免提交。',
      }),
      material('本人人事档案', '原件', {
        required: false,
        note: '变更出生日期、参加工作时间时调阅；出生日期以档案最早记载为准，由档案保管机构提供，个人一般不自带。',
      }),
      material('个人基本信息变更表', '原件', { note: '窗口提供，现场填写。' }),
    ],
    steps: [
      '申请：本人持证件到窗口提出变更',
      '核验：窗口比对证件与公安户籍信息',
      '办结：当场变更，出具变更回单；出生日期等关键信息的变更转审核岗复核',
    ],
    result: '个人基本信息变更回单',
    delivery: ['窗口领取'],
    note: '"即办"为清单中未证实的合理假设；出生日期、公民身份号码等关键信息变更通常须审核，可能转为承诺件。',
  }),

  // 个人权益记录查询打印
  '51201401800008': guide({
    scope: '参保人员查询、打印本人社会保险缴费和待遇享受等个人权益记录。',
    caseType: 'instant',
    channels: ['窗口', '自助终端', '网上'],
    visitsOnSite: 0,
    legalBasis: [
      law('第四条、第七十四条'),
      '《社会保险个人权益记录管理办法》（人力资源和社会保障部令第14号）',
    ],
    conditions: ['本人查询；他人代查须持授权委托书及双方身份证件（以当地规定为准）'],
    materials: [
      idOrCard('自助终端可刷社会保障卡或刷脸查询。'),
      material('授权委托书', '原件', {
        required: false,
        note: '他人代为查询时提供，同时出示代办人身份证件。',
      }),
    ],
    steps: ['申请：在窗口、自助终端或网上服务厅提出查询', '核验：核验本人身份', '办结：当场打印个人权益记录'],
    result: '个人权益记录单（加盖业务专用章或电子印章）',
    delivery: ['窗口领取', '自助终端打印', '网上下载'],
  }),

  // 个人参保证明查询打印
  '51201401800006': guide({
    scope: '参保人员查询、打印本人参保缴费情况证明（用于购房、入学、落户等）。',
    caseType: 'instant',
    channels: ['窗口', '自助终端', '网上'],
    visitsOnSite: 0,
    legalBasis: [
      law('第四条、第七十四条'),
      '《社会保险个人权益记录管理办法》（人力资源和社会保障部令第14号）',
    ],
    conditions: ['本人查询；他人代查须持授权委托书及双方身份证件（以当地规定为准）'],
    materials: [
      idOrCard('自助终端可刷社会保障卡或刷脸打印。'),
      material('授权委托书', '原件', {
        required: false,
        note: '他人代为打印时提供，同时出示代办人身份证件。',
      }),
    ],
    steps: ['申请：在窗口、自助终端或网上服务厅申请打印', '核验：核验本人身份', '办结：当场出具参保证明'],
    result: '个人参保证明（可凭验证码在线核验真伪）',
    delivery: ['窗口领取', '自助终端打印', '网上下载'],
  }),

  // 单位参保证明查询打印
  '512B0068700010': guide({
    scope: '参保单位查询、打印本单位参保缴费情况证明（用于招投标、资质申报等）。',
    caseType: 'instant',
    channels: ['窗口', '网上'],
    visitsOnSite: 0,
    legalBasis: [law('第四条、第七十四条')],
    conditions: ['单位已在本统筹地区办理社会保险登记', '由单位经办人办理'],
    materials: [
      identityDoc('单位经办人居民身份证'),
      material('营业执照或统一社会信用代码', '复印件', {
        sharedData: true,
        note: '经办机构可按统一社会信用代码查询单位登记信息，一般免提交。',
      }),
      material('单位介绍信或授权委托书', '原件', {
        note: '加盖单位公章，写明经办人；网上办理时以电子营业执照或单位数字证书登录代替。',
      }),
    ],
    steps: [
      '申请：单位经办人到窗口或通过网上服务厅申请',
      '核验：核验经办人身份和单位授权',
      '办结：当场出具单位参保证明',
    ],
    result: '单位参保证明',
    delivery: ['窗口领取', '网上下载'],
  }),

  // 企业职工基本养老保险关系转移接续申请
  '512B0068100002': guide({
    scope:
      '参加企业职工基本养老保险的人员跨省或跨统筹地区流动就业，在新参保地（或待遇领取地）申请转入养老保险关系；' +
      '省内转移按本省规定办理。',
    caseType: 'promised',
    channels: ['窗口', '网上'],
    visitsOnSite: 0,
    legalBasis: [
      law('第十九条'),
      '《国务院办公厅关于转发人力资源社会保障部财政部城镇企业职工基本养老保险关系转移接续暂行办法的通知》（国办发〔2009〕66号）',
    ],
    conditions: [
      '已在新参保地参保缴费，或按规定在待遇领取地申请归集',
      '在原参保地有养老保险缴费记录，且尚未领取基本养老金',
      '同一时期没有重复缴费；有重复缴费的按规定清理后办理',
    ],
    materials: [
      idOrCard(),
      material('参保缴费凭证', '原件', {
        commonlyMissing: true,
        note:
          '由原参保地经办机构出具，常忘记事先开具；可在国家社会保险公共服务平台或掌上12333查询打印，' +
          '已通过全国转移系统传递信息的免提交。',
      }),
      material('基本养老保险关系转移接续申请表', '原件', {
        note: '窗口提供，现场填写；网上申请时在线填报。',
      }),
    ],
    steps: [
      '申请：参保人向新参保地经办机构提出转移接续申请',
      '发函：新参保地审核后向原参保地发出联系函（15个工作日内）',
      '转出：原参保地核对信息，办理转出并转移基金（15个工作日内）',
      '接续：新参保地核对转入信息和基金，办理接续并告知参保人（15个工作日内）',
    ],
    result: '基本养老保险关系转移接续结果（缴费年限和个人账户储存额接续记录）',
    delivery: ['窗口领取', '网上下载'],
  }),

  // 城乡居民基本养老保险关系转移接续申请
  '512B0359600026': guide({
    scope:
      '参加城乡居民基本养老保险的人员，在缴费期间户籍迁移、需要跨统筹地区转移养老保险关系的，在迁入地申请。',
    caseType: 'promised',
    channels: ['窗口'],
    visitsOnSite: 1,
    legalBasis: ['《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）'],
    conditions: ['已在迁出地参加城乡居民基本养老保险，尚未领取待遇', '户籍已迁入本统筹地区'],
    materials: [
      idOrCard(),
      material('居民户口簿', '原件及复印件', {
        note: '证明户籍已迁入本地；可通过公安户籍数据核验的地区免提交。',
      }),
      material('城乡居民基本养老保险关系转入申请表', '原件', { note: '窗口提供，现场填写。' }),
    ],
    steps: [
      '申请：本人在迁入地经办窗口提交转入申请',
      '发函：迁入地审核后向迁出地经办机构发出联系函',
      '转出：迁出地核对信息，一次性转移个人账户全部储存额，终止原参保关系',
      '接续：迁入地核对转入资金后登记接续，并告知本人',
    ],
    result: '城乡居民基本养老保险关系转移接续结果',
    delivery: ['窗口领取'],
    note: LIMIT_UNVERIFIED,
  }),

  // 养老保险定期待遇领取资格认证
  '51201400600004': guide({
    scope:
      '按月领取养老保险待遇的人员（含异地居住人员）确认待遇领取资格；已通过数据比对确认资格的，无须本人操作。',
    caseType: 'instant',
    channels: ['自助终端', '网上', '窗口'],
    visitsOnSite: 0,
    legalBasis: [law('第十六条')],
    conditions: ['正在按月领取养老保险待遇', '本人认证；行动不便的可申请上门认证'],
    materials: [idOrCard('自助终端和手机认证通过人脸识别完成，无须其他材料。')],
    steps: [
      '申请：本人通过自助终端、掌上12333或窗口提出认证',
      '核验：人脸识别或窗口人工核验本人身份',
      '办结：当场完成认证并记录认证结果',
    ],
    result: '待遇领取资格认证结果',
    delivery: ['当场告知', '网上查询'],
    note: '人力资源社会保障部关于待遇领取资格认证的规范性文件文号未在此核实，设立依据仅列法律条款。',
  }),

  // 企业职工基本养老保险正常退休申请
  '51201400600001': guide({
    scope: '参加企业职工基本养老保险、达到法定退休年龄的人员申请按月领取基本养老金。',
    caseType: 'promised',
    channels: ['窗口'],
    visitsOnSite: 1,
    legalBasis: [
      law('第十六条'),
      '《国务院关于工人退休、退职的暂行办法》（国发〔1978〕104号）',
      '《全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定》',
    ],
    conditions: [
      '达到法定退休年龄（2025年1月1日起按渐进式延迟法定退休年龄的规定确定）',
      '累计缴费满15年（自2030年1月1日起最低缴费年限逐步提高至20年）',
      '基本养老保险关系已归集到待遇领取地',
    ],
    materials: [
      idOrCard(),
      material('本人人事档案', '原件', {
        note: '用于核定出生日期、参加工作时间和视同缴费年限；由单位或档案保管机构提供或调阅，个人一般不自带。',
      }),
      material('基本养老保险待遇申领表', '原件', { note: '单位申报的加盖单位公章；灵活就业人员本人填写。' }),
      material('社会保障卡金融账户或本人银行账户', '原件', {
        note: '用于发放养老金，须为本人名下账户，优先使用社会保障卡金融账户。',
      }),
    ],
    steps: [
      '申请：单位或本人（灵活就业人员）在达到退休年龄前后提出申请',
      '受理：窗口核验身份和材料，材料不全的一次性告知',
      '审核：审核岗核定退休年龄、缴费年限和视同缴费年限，计算待遇',
      '复核：复核岗复核待遇核定结果',
      '办结：出具待遇核定表，按规定的起始时间按月发放',
    ],
    result: '基本养老金待遇核定表',
    delivery: ['窗口领取', '网上下载'],
    note: '办理时限未证实（地方例 10 个工作日）。',
  }),

  // 定期待遇发放账户维护申请
  '512B0068000011': guide({
    scope: '按月领取社会保险待遇的人员变更待遇发放银行账户（含社会保障卡金融账户）。',
    caseType: 'instant',
    channels: ['窗口'],
    visitsOnSite: 1,
    legalBasis: [law()],
    conditions: ['正在按月领取社会保险待遇', '新发放账户为本人名下账户'],
    materials: [
      idOrCard(),
      material('本人银行卡或存折', '原件', { note: '新发放账户须为本人名下，优先使用社会保障卡金融账户。' }),
      material('授权委托书', '原件', {
        required: false,
        note: '他人代办时提供，同时出示代办人身份证件。',
      }),
      material('待遇发放账户变更申请表', '原件', { note: '窗口提供，现场填写。' }),
    ],
    steps: [
      '申请：本人或代办人到窗口提出变更',
      '核验：核验本人身份，核对新账户户名与领取人一致',
      '办结：当场变更，自下一发放期起生效',
    ],
    result: '发放账户变更回单',
    delivery: ['窗口领取'],
    note: '办理时限未证实，按即办件公布为合理假设；设立依据仅列法律名称，具体条款未核实。',
  }),

  // 企业职工社会保险费补缴申报
  '512B0068200006': guide({
    scope: '用人单位因未按时足额缴纳等原因，按规定为职工补缴以前月份或年度的社会保险费。',
    caseType: 'promised',
    channels: ['窗口'],
    visitsOnSite: 1,
    legalBasis: [law('第六十三条')],
    conditions: [
      '补缴期间单位与职工存在劳动关系，并能提供证明',
      '符合当地补缴政策（可补缴的期间、缴费基数等以当地规定为准）',
    ],
    materials: [
      identityDoc('单位经办人居民身份证'),
      material('劳动合同', '复印件'),
      material('补缴期间工资发放凭证', '复印件', {
        commonlyMissing: true,
        note: '银行代发工资流水或工资发放表，须覆盖全部补缴月份；常只带劳动合同而缺少工资凭证。',
      }),
      material('社会保险费补缴申报表', '原件', { note: '加盖单位公章。' }),
      material('劳动保障监察指令书、劳动仲裁裁决书或人民法院判决书', '复印件', {
        required: false,
        note: '因劳动保障监察、仲裁或诉讼补缴时提供。',
      }),
    ],
    steps: [
      '申请：单位经办人到窗口提交补缴申报',
      '受理：窗口核验材料，材料不全的一次性告知',
      '审核：核实劳动关系和补缴期间，核定补缴基数和金额',
      '办结：出具补缴核定结果；单位向税务部门缴费后记入个人权益记录',
    ],
    result: '社会保险费补缴核定单',
    delivery: ['窗口领取'],
    note: `${LIMIT_UNVERIFIED}补缴政策各地差异较大。`,
  }),

  // 失业保险金申领
  '512B0070100003': guide({
    scope:
      '失业前用人单位和本人已缴纳失业保险费满一年、非因本人意愿中断就业、已办理失业登记并有求职要求的失业人员。',
    caseType: 'promised',
    channels: ['窗口', '网上'],
    visitsOnSite: 0,
    legalBasis: [law('第四十五条、第五十条'), '《失业保险条例》第十四条'],
    conditions: [
      '失业前用人单位和本人已缴纳失业保险费满一年',
      '非因本人意愿中断就业',
      '已办理失业登记（可与申领同时办理），并有求职要求',
    ],
    materials: [
      idOrCard(),
      material('解除或终止劳动关系证明', '原件', {
        commonlyMissing: true,
        note:
          '由原单位出具，须写明解除或终止日期及原因；常忘记向单位索要，或证明上没有写离职原因。' +
          '实行全程网办的地区可凭身份证或社会保障卡申领，由经办机构核查离职信息。',
      }),
      material('本人银行账户', '原件', {
        note: '用于发放失业保险金，优先使用社会保障卡金融账户。',
      }),
    ],
    steps: [
      '申请：失业人员到窗口或通过网上服务厅申领，可同时办理失业登记',
      '受理：核验身份和离职信息，材料不全的一次性告知',
      '审核：核定缴费年限、领取期限和标准',
      '办结：告知核定结果，按月发放失业保险金',
    ],
    result: '失业保险金核定结果（领取期限和标准）',
    delivery: ['窗口领取', '网上下载'],
    note: '办理时限未证实（地方例 7 个工作日）。',
  }),

  // 遗属待遇申领
  '512B0068400008': guide({
    scope:
      '参加企业职工基本养老保险的人员（含退休人员）因病或非因工死亡，或失业人员在领取失业保险金期间死亡，' +
      '其遗属申领丧葬补助金和抚恤金。',
    caseType: 'promised',
    channels: ['窗口'],
    visitsOnSite: 1,
    legalBasis: [law('第十七条、第四十九条')],
    conditions: [
      '参保人员因病或非因工死亡，或在领取失业保险金期间死亡',
      '申领人为死者的配偶、子女、父母等直系亲属',
      '有多名遗属的，协商确定一名申领人（以当地规定为准）',
    ],
    materials: [
      material('死亡证明', '原件', {
        note:
          '《居民死亡医学证明（推断）书》、火化证明或公安机关户籍注销证明之一；' +
          '已与民政殡葬、公安户籍数据共享的地区可免提交。',
      }),
      material('亲属关系证明', '原件及复印件', {
        commonlyMissing: true,
        note:
          '居民户口簿、结婚证、出生医学证明或派出所出具的亲属关系证明；' +
          '申领人与死者不在同一户口簿时常缺此证明，须事先到派出所或档案部门开具。',
      }),
      material('申领人居民身份证', '原件'),
      material('申领人银行账户', '原件', { note: '用于发放遗属待遇，须为申领人本人账户。' }),
      material('遗属待遇申领表', '原件', { note: '窗口提供，现场填写。' }),
    ],
    steps: [
      '申请：遗属到窗口提交申领材料',
      '受理：窗口核验材料，材料不全的一次性告知',
      '审核：核实死亡时间和亲属关系，核定丧葬补助金和抚恤金',
      '复核：复核岗复核核定结果，同时停发死者的养老金或失业保险金',
      '办结：待遇发放至申领人账户',
    ],
    result: '遗属待遇核定结果',
    delivery: ['窗口领取'],
    note: LIMIT_UNVERIFIED,
  }),

  // 工伤医疗（康复）费用申报
  '512B0068500015': guide({
    scope: '已认定工伤的职工治疗工伤发生、未通过直接联网结算的医疗或康复费用，由用人单位或职工本人申报报销。',
    caseType: 'promised',
    channels: ['窗口'],
    visitsOnSite: 1,
    legalBasis: [law('第三十八条'), injuryRegulation('第三十条')],
    conditions: [
      '已依法认定工伤',
      '在工伤保险协议医疗（康复）机构就医，急救等特殊情况除外',
      '费用属于工伤保险诊疗项目目录、药品目录和住院服务标准范围，且用于治疗工伤部位或所患职业病',
    ],
    materials: [
      material('认定工伤决定书', '复印件', {
        sharedData: true,
        note: '本地人社部门作出的认定结果经办机构可直接查询，一般免提交。',
      }),
      material('医疗票据', '原件', { note: '医疗（康复）费用发票原件。' }),
      material('费用清单', '原件', {
        commonlyMissing: true,
        note: '住院费用明细清单或门诊费用清单，须医疗机构盖章；常只带发票而忘记清单，出院结算时应向医院索取。',
      }),
      material('病历', '复印件', {
        note: '门诊病历或出院记录、诊断证明，须能对应工伤部位；复印件须医疗机构盖章。',
      }),
      material('工伤医疗费用申报表', '原件', { note: '加盖单位公章。' }),
      material('转诊转院或异地就医备案证明', '复印件', {
        required: false,
        note: '在统筹地区以外就医时提供。',
      }),
    ],
    steps: [
      '申请：用人单位或工伤职工到窗口提交费用申报',
      '受理：窗口核对票据与清单，材料不全的一次性告知',
      '审核：按工伤保险目录和标准审核费用',
      '复核：复核岗复核核定金额',
      '办结：核定应支付金额，拨付至单位或职工账户',
    ],
    result: '工伤医疗费用核定结算单',
    delivery: ['窗口领取'],
    note: LIMIT_UNVERIFIED,
  }),

  // 工伤认定（行政确认，人社行政部门）: no national code in the list, so LOCAL-0001.
  'LOCAL-0001': guide({
    scope:
      '职工发生事故伤害或被诊断、鉴定为职业病，由所在单位（30日内）或职工本人、近亲属、工会组织（1年内）申请工伤认定。' +
      '本事项是人力资源社会保障行政部门的行政确认。',
    caseType: 'promised',
    channels: ['窗口'],
    visitsOnSite: 1,
    legalBasis: [
      law('第三十六条'),
      injuryRegulation('第十四条、第十五条、第十七条、第十八条、第十九条、第二十条'),
    ],
    conditions: [
      '与用人单位存在劳动关系（含事实劳动关系）',
      '属于《工伤保险条例》第十四条、第十五条规定的情形',
      '在申请时限内提出：用人单位自事故伤害发生之日起30日内，职工或其近亲属、工会组织1年内（《工伤保险条例》第十七条）',
    ],
    materials: [
      material('工伤认定申请表', '原件', { note: '窗口提供，现场填写。' }),
      material('劳动关系证明材料', '复印件', {
        note: '劳动合同，或工资支付凭证、工作证等能证明事实劳动关系的材料。',
      }),
      material('医疗诊断证明或职业病诊断证明书', '原件及复印件', {
        note: '医疗机构出具的诊断证明，或职业病诊断证明书（职业病诊断鉴定书）。',
      }),
      material('受伤职工居民身份证', '复印件'),
    ],
    steps: [
      '申请：用人单位或职工一方提交申请表及材料',
      '受理：材料完整的予以受理；不完整的一次性书面告知需补正的全部材料（《工伤保险条例》第十八条）',
      '调查核实：必要时对事故伤害进行调查核实（第十九条）',
      '决定：自受理之日起60日内作出认定决定，事实清楚、权利义务明确的15日内作出（第二十条）',
      '送达：书面通知职工或其近亲属和用人单位',
    ],
    result: '《认定工伤决定书》或《不予认定工伤决定书》',
    delivery: ['窗口领取', '邮寄'],
  }),

  // 社会保障卡申领
  '512B0070200003': guide({
    scope: '尚未持有社会保障卡的参保人员及其他居民首次申领社会保障卡；未成年人由监护人代为申领。',
    caseType: 'promised',
    channels: ['窗口', '银行网点'],
    visitsOnSite: 1,
    legalBasis: [law('第五十八条第三款')],
    conditions: ['尚未持有有效的社会保障卡', '本人申领；未成年人、行动不便者可由监护人或代办人办理'],
    materials: [
      identityDoc('居民身份证', {
        note: '16周岁以下未成年人可提供居民户口簿，并出示监护人身份证件。',
      }),
      material('近期免冠彩色照片', '电子', {
        sharedData: true,
        note: '可调用公安部门证件照片或现场采集，一般免提交。',
      }),
      identityDoc('监护人或代办人居民身份证', {
        required: false,
        note: '未成年人申领或他人代办时提供。',
      }),
    ],
    steps: [
      '申请：在窗口或合作银行网点提交申请，调用或现场采集照片',
      '受理：核验身份和参保信息，经本人同意开通金融账户',
      '制卡：由制卡中心或合作银行制卡',
      '发卡：到约定网点领卡并当场启用',
    ],
    result: '社会保障卡',
    delivery: ['窗口领取', '银行网点领取', '邮寄'],
    note: `办理时限为江陵县的承诺时限示例；即时制卡网点可当场领卡。设立依据第五十八条第三款规定全国统一的个人社会保障号码。${CARD_BASIS_UNVERIFIED}`,
  }),

  // 社会保障卡挂失
  '512B0070200008': guide({
    scope: '社会保障卡遗失或被盗的持卡人办理挂失。',
    caseType: 'instant',
    channels: ['窗口', '网上', '电话'],
    visitsOnSite: 0,
    legalBasis: [law()],
    conditions: ['持卡人本人办理', '电话或网上挂失后，是否还须到窗口办理正式挂失以当地规定为准'],
    materials: [identityDoc('居民身份证', { note: '电话挂失时核对公民身份号码等信息，无须材料。' })],
    steps: [
      '申请：本人到窗口、网上服务厅或拨打 12333 申请挂失',
      '核验：核验本人身份',
      '办结：当场挂失，停用卡片的社保应用；金融功能须同时在合作银行挂失，已联动的除外',
    ],
    result: '挂失回执',
    delivery: ['窗口领取', '当场告知'],
    note: CARD_BASIS_UNVERIFIED,
  }),

  // 社会保障卡补领、换领、换发
  '512B0070200006': guide({
    scope: '社会保障卡遗失（已挂失）需补领，或卡片损坏、信息变更、有效期满需换领、换发的持卡人。',
    caseType: 'promised',
    channels: ['窗口', '银行网点'],
    visitsOnSite: 1,
    legalBasis: [law()],
    conditions: ['补领的须已办理挂失', '换领、换发的须交回原卡'],
    materials: [
      identityDoc('居民身份证'),
      material('原社会保障卡', '原件', {
        required: false,
        note: '换领、换发时交回；补领（已挂失）的无须提供。',
      }),
      material('近期免冠彩色照片', '电子', {
        sharedData: true,
        note: '可调用公安部门证件照片或现场采集，一般免提交。',
      }),
    ],
    steps: [
      '申请：在窗口或合作银行网点提出补领或换领',
      '受理：核验身份、挂失状态或原卡',
      '制卡：即时制卡网点当场制卡，其他由制卡中心制卡',
      '发卡：领卡并当场启用，原卡注销',
    ],
    result: '新社会保障卡',
    delivery: ['窗口领取', '银行网点领取', '邮寄'],
    note: `${LIMIT_UNVERIFIED}${CARD_BASIS_UNVERIFIED}`,
  }),

  // 社会保障卡密码重置
  '512B0070200005': guide({
    scope: '忘记社会保障卡社保应用密码需要重置的持卡人；金融账户密码须到合作银行办理。',
    caseType: 'instant',
    channels: ['窗口', '自助终端'],
    visitsOnSite: 1,
    legalBasis: [law()],
    conditions: ['持卡人本人持卡办理'],
    materials: [identityDoc('居民身份证'), identityDoc('社会保障卡')],
    steps: [
      '申请：本人到窗口或在自助终端插卡申请',
      '核验：核验本人身份（自助终端人脸识别）',
      '办结：本人在密码键盘上设置新密码，当场生效',
    ],
    result: '密码重置完成（当场生效）',
    delivery: ['当场告知'],
    note: `办理时限未证实，按即办件公布为合理假设。${CARD_BASIS_UNVERIFIED}`,
  }),

  // 机关事业单位社会保险缴费申报与变更
  '51201400100002': guide({
    scope: '参加机关事业单位养老保险的机关事业单位，申报年度缴费基数，或因人员增减、工资调整申报缴费变更。',
    caseType: 'promised',
    channels: ['窗口'],
    visitsOnSite: 1,
    legalBasis: [
      law('第六十条第一款'),
      '《国务院关于机关事业单位工作人员养老保险制度改革的决定》（国发〔2015〕2号）',
    ],
    conditions: ['单位已参加机关事业单位养老保险', '人员增减、工资调整有组织人事或主管部门的审批文件'],
    materials: [
      identityDoc('单位经办人居民身份证'),
      material('机关事业单位缴费基数申报表', '原件', { note: '加盖单位公章。' }),
      material('工资发放明细', '复印件', { note: '与申报期间对应，作为核定缴费基数的依据。' }),
      material('人员增减或工资调整审批文件', '复印件', {
        required: false,
        note: '录用、调入、调出、退休、工资调整等情形提供组织人事部门的审批文件。',
      }),
    ],
    steps: [
      '申报：单位经办人到窗口提交申报表及材料',
      '受理：窗口核验材料，材料不全的一次性告知',
      '审核：核定缴费基数和应缴金额',
      '办结：出具缴费核定结果，单位按核定额缴费',
    ],
    result: '缴费核定单',
    delivery: ['窗口领取', '网上下载'],
    note: LIMIT_UNVERIFIED,
  }),
};
