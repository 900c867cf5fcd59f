import type { FormDefinition, FormField, FormOption, ServiceGuide, ServiceItem } from '@onewindow/shared';

/**
 * Kiosk forms (自助填单, LD/T 02 §9.3.1) of the demo catalog, keyed by item code. Fields
 * follow the paper forms halls use for these items, cut to what a citizen can answer on a
 * touchscreen: identity from the card, everything else by choices, dates and keypads.
 */

const opt = (value: string, label: string, labelEn: string): FormOption => ({ value, label, labelEn });

const card = {
  name: { key: 'name', label: '姓名', labelEn: 'Name', kind: 'card', required: true, prefill: 'name' },
  idNumber: {
    key: 'idNumber',
    label: '公民身份号码',
    labelEn: 'ID number',
    kind: 'id-number',
    required: true,
    prefill: 'idNumber',
  },
  sex: {
    key: 'sex',
    label: '性别',
    labelEn: 'Sex',
    kind: 'choice',
    required: true,
    prefill: 'sex',
    options: [opt('男', '男', 'Male'), opt('女', '女', 'Female')],
  },
  address: {
    key: 'address',
    label: '户籍地址',
    labelEn: 'Registered address',
    kind: 'card',
    required: false,
    prefill: 'address',
    hint: '读取身份证自动填写；未读卡的到窗口补填',
  },
} satisfies Record<string, FormField>;

const phone: FormField = {
  key: 'phone',
  label: '联系电话',
  labelEn: 'Mobile phone',
  kind: 'phone',
  required: true,
  hint: '11位手机号码，用于接收办理进度短信',
};

const BANKS: FormOption[] = [
  opt('ICBC', '中国工商银行', 'ICBC'),
  opt('ABC', '中国农业银行', 'Agricultural Bank of China'),
  opt('BOC', '中国银行', 'Bank of China'),
  opt('CCB', '中国建设银行', 'China Construction Bank'),
  opt('PSBC', '中国邮政储蓄银行', 'Postal Savings Bank'),
  opt('RCB', '农村商业银行', 'Rural commercial bank'),
];

const bank: FormField = {
  key: 'bank',
  label: '开户银行',
  labelEn: 'Bank',
  kind: 'choice',
  required: true,
  options: BANKS,
};
const bankAccount: FormField = {
  key: 'bankAccount',
  label: '银行账号',
  labelEn: 'Bank account number',
  kind: 'digits',
  required: true,
  minLength: 16,
  maxLength: 19,
  hint: '本人名下借记卡或社保卡金融账户，16至19位',
};

const HUKOU: FormField = {
  key: 'hukou',
  label: '户口性质',
  labelEn: 'Household registration',
  kind: 'choice',
  required: true,
  options: [
    opt('local-urban', '本地城镇', 'Local, urban'),
    opt('local-rural', '本地农村', 'Local, rural'),
    opt('other-urban', '外地城镇', 'Other place, urban'),
    opt('other-rural', '外地农村', 'Other place, rural'),
  ],
};

export const DEMO_FORMS: Record<string, FormDefinition> = {
  // 灵活就业人员企业职工基本养老保险参保登记
  '512B0369200000': {
    title: '灵活就业人员参保登记表',
    titleEn: 'Pension insurance registration (flexible employment)',
    fields: [
      card.name,
      card.idNumber,
      card.sex,
      card.address,
      phone,
      HUKOU,
      {
        key: 'baseLevel',
        label: '缴费基数档次',
        labelEn: 'Contribution base',
        kind: 'choice',
        required: true,
        hint: '按上年度全省全口径城镇单位就业人员平均工资的比例',
        options: [
          opt('60', '60%', '60 %'),
          opt('80', '80%', '80 %'),
          opt('100', '100%', '100 %'),
          opt('150', '150%', '150 %'),
          opt('200', '200%', '200 %'),
          opt('300', '300%', '300 %'),
        ],
      },
      {
        key: 'startDate',
        label: '参保起始日期',
        labelEn: 'Start date',
        kind: 'date',
        required: true,
        minDays: -31,
        maxDays: 62,
      },
    ],
  },
  // 城乡居民基本养老保险参保登记
  '512B0359100011': {
    title: '城乡居民基本养老保险参保登记表',
    titleEn: 'Urban and rural residents’ pension registration',
    fields: [
      card.name,
      card.idNumber,
      card.sex,
      card.address,
      phone,
      HUKOU,
      {
        key: 'grade',
        label: '年缴费档次',
        labelEn: 'Yearly contribution',
        kind: 'choice',
        required: true,
        options: ['200', '300', '500', '800', '1000', '1500', '2000', '3000'].map((v) =>
          opt(v, `${v}元`, `¥${v}`),
        ),
      },
      {
        key: 'subsidy',
        label: '困难群体代缴',
        labelEn: 'Paid on behalf (hardship)',
        kind: 'choice',
        required: true,
        hint: '低保对象、特困人员等由政府代缴部分或全部最低档次保费',
        options: [
          opt('none', '不属于', 'No'),
          opt('dibao', '低保对象', 'Minimum living allowance'),
          opt('tekun', '特困人员', 'Extreme hardship'),
          opt('disabled', '重度残疾人', 'Severe disability'),
        ],
      },
    ],
  },
  // 个人基本信息变更
  '512B0068000007': {
    title: '参保人员基本信息变更表',
    titleEn: 'Change of personal information',
    fields: [
      card.name,
      card.idNumber,
      {
        key: 'item',
        label: '变更项目',
        labelEn: 'What changes',
        kind: 'choice',
        required: true,
        options: [
          opt('phone', '联系电话', 'Phone'),
          opt('address', '通讯地址', 'Postal address'),
          opt('name', '姓名', 'Name'),
          opt('ethnic', '民族', 'Ethnic group'),
          opt('birth', '出生日期', 'Birth date'),
          opt('hukou', '户口性质', 'Household registration'),
        ],
      },
      {
        ...phone,
        label: '新的联系电话',
        labelEn: 'New mobile phone',
        required: false,
        hint: '变更联系电话时填写',
      },
    ],
  },
  // 社会保障卡申领
  '512B0070200003': {
    title: '社会保障卡申领登记表',
    titleEn: 'Social security card application',
    fields: [
      card.name,
      card.idNumber,
      card.sex,
      phone,
      { ...bank, label: '服务银行', labelEn: 'Card bank', hint: '社会保障卡金融账户由所选银行开通' },
      {
        key: 'delivery',
        label: '领卡方式',
        labelEn: 'How to receive the card',
        kind: 'choice',
        required: true,
        options: [
          opt('window', '大厅窗口领取', 'At this hall'),
          opt('bank', '银行网点领取', 'At a bank branch'),
          opt('post', '邮寄到家', 'By post'),
        ],
      },
    ],
  },
  // 社会保障卡挂失
  '512B0070200008': {
    title: '社会保障卡挂失申请表',
    titleEn: 'Report a lost social security card',
    fields: [
      card.name,
      card.idNumber,
      phone,
      {
        key: 'reason',
        label: '挂失原因',
        labelEn: 'Reason',
        kind: 'choice',
        required: true,
        options: [
          opt('lost', '遗失', 'Lost'),
          opt('stolen', '被盗', 'Stolen'),
          opt('damaged', '损坏', 'Damaged'),
        ],
      },
      {
        key: 'lostOn',
        label: '发现丢失日期',
        labelEn: 'Date noticed',
        kind: 'date',
        required: true,
        minDays: -365,
        maxDays: 0,
      },
    ],
  },
  // 定期待遇发放账户维护申请
  '512B0068000011': {
    title: '待遇发放账户变更申请表',
    titleEn: 'Change of benefit payment account',
    fields: [card.name, card.idNumber, phone, bank, bankAccount],
  },
  // 失业保险金申领
  '512B0070100003': {
    title: '失业保险金申领登记表',
    titleEn: 'Unemployment benefit claim',
    fields: [
      card.name,
      card.idNumber,
      card.sex,
      phone,
      {
        key: 'cause',
        label: '失业原因',
        labelEn: 'Why the job ended',
        kind: 'choice',
        required: true,
        options: [
          opt('contract-end', '劳动合同期满终止', 'Contract ended'),
          opt('dismissed', '用人单位解除劳动合同', 'Dismissed by employer'),
          opt('employer-fault', '因单位过错本人解除', 'Left for employer’s fault'),
          opt('bankrupt', '单位破产、关闭', 'Employer closed'),
        ],
      },
      {
        key: 'leftOn',
        label: '离职日期',
        labelEn: 'Last working day',
        kind: 'date',
        required: true,
        minDays: -730,
        maxDays: 0,
        hint: '失业保险金应在离职之日起60日内申领',
      },
      bank,
      bankAccount,
    ],
  },
};

const HALL_GUIDE = {
  fee: '不收费',
  addressAndHours: '本大厅综合受理窗口，工作日 9:00–17:00（法定节假日除外）',
  consultation: '12333 人社服务热线；大厅咨询引导台',
  complaint: '12345 政务服务便民热线；大厅值班长',
  legalBasis: ['《社会保险经办条例》', 'LD/T 02—2021《社会保险服务综合柜员制实施指南》'],
} satisfies Partial<ServiceGuide>;

/**
 * Items the hall offers besides the published list: a consultation anyone may queue for
 * without identifying (§9.2 咨询引导), and collecting a time-limited result at the rights
 * window (§7.6, queue C).
 */
export const LOCAL_ITEMS: ServiceItem[] = [
  {
    code: 'LOCAL-ZXZX',
    implCode: null,
    name: '政策咨询',
    kind: 'instant',
    categoryId: 'A',
    timeLimit: { text: '即办', days: 0, unit: null },
    channels: ['窗口', '电话'],
    verified: true,
    source: null,
    identityRequired: false,
    guide: {
      ...HALL_GUIDE,
      scope: '对社会保险政策、办事流程和所需材料有疑问的群众和单位。',
      caseType: 'instant',
      channels: ['窗口', '电话'],
      visitsOnSite: 0,
      conditions: ['无需证件，取号即可咨询'],
      materials: [],
      steps: ['取号', '窗口叫号后说明要咨询的问题', '工作人员当场解答并一次性告知所需材料'],
      result: '当场答复',
      delivery: ['当场答复'],
      progressQuery: '当场答复，无需查询',
    },
  },
  {
    code: 'LOCAL-LQJG',
    implCode: null,
    name: '领取办理结果',
    kind: 'instant',
    categoryId: 'C',
    timeLimit: { text: '即办', days: 0, unit: null },
    channels: ['窗口'],
    verified: true,
    source: null,
    guide: {
      ...HALL_GUIDE,
      scope: '限时办结业务（如社会保障卡、待遇核定）已办结，到权益窗口领取结果或证件的申请人。',
      caseType: 'instant',
      channels: ['窗口'],
      visitsOnSite: 1,
      conditions: ['业务已办结（可凭回执通过 12333 或扫码查询）'],
      materials: [
        { name: '居民身份证或社会保障卡', form: '原件', copies: 1, required: true, identity: true },
        {
          name: '业务受理回执',
          form: '原件',
          copies: 1,
          required: true,
          commonlyMissing: true,
          note: '受理时窗口出具的回执；遗失的凭本人身份证件领取。',
        },
        {
          name: '代领人居民身份证及委托书',
          form: '原件',
          copies: 1,
          required: false,
          note: '他人代领时提供。',
        },
      ],
      steps: ['取号', '权益窗口核验身份和回执', '领取结果并签收'],
      result: '办理结果或证件',
      delivery: ['窗口领取'],
      progressQuery: '凭业务受理回执扫描二维码用手机查询，或到大厅权益窗口、拨打 12333 查询',
    },
  },
];
