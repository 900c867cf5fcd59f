/**
 * Test data for the printed documents: plausible hall values, with personal data that tests
 * check never reaches the paper unmasked. Not used outside tests.
 */
import type {
  AcceptanceReceiptData,
  CompletionSlipData,
  QueueTicketData,
  RejectionNoticeData,
  SupplementNoticeData,
} from '@onewindow/shared';

export const PERSON = {
  name: '欧阳娜娜',
  maskedName: '欧**娜',
  phone: '13812345678',
  maskedPhone: '138****5678',
  idNumber: '34052419800101001X',
  maskedIdNumber: '340***********001X',
} as const;

const HALL = {
  hallName: '成都市社会保险事业管理局服务大厅',
  hallPhone: '028-12345678',
} as const;

const CLERK = { name: '王芳', staffNo: 'A0123' } as const;

export function ticketInput(overrides: Partial<QueueTicketData> = {}): QueueTicketData {
  return {
    ...HALL,
    businessName: '综合业务',
    businessNameEn: 'General services',
    number: 'A012',
    peopleAhead: 3,
    estimatedWaitMinutes: 14.6,
    // 2025-03-05 09:12 in China (UTC+8)
    takenAt: Date.UTC(2025, 2, 5, 1, 12),
    utcOffsetMinutes: 480,
    ticketId: 'tk_01HZX3QK',
    statusBaseUrl: 'https://hall.example.cn',
    english: true,
    ...overrides,
  };
}

export function completionInput(overrides: Partial<CompletionSlipData> = {}): CompletionSlipData {
  return {
    ...HALL,
    documentNumber: 'HD-20250305-0042',
    itemName: '城镇职工基本养老保险参保登记',
    itemCode: '000000000000-510100',
    applicantName: PERSON.name,
    idNumber: PERSON.idNumber,
    ticketNumber: 'A012',
    windowName: '3号窗口',
    clerk: CLERK,
    completedAt: Date.UTC(2025, 2, 5, 1, 30),
    utcOffsetMinutes: 480,
    result: '已办结：参保登记成功，自2025年3月起参保缴费。',
    notes: ['可通过“四川人社”APP查询参保缴费记录。'],
    ...overrides,
  };
}

export function acceptanceInput(overrides: Partial<AcceptanceReceiptData> = {}): AcceptanceReceiptData {
  return {
    ...HALL,
    documentNumber: 'SL-20250305-0107',
    applicantName: PERSON.name,
    contactPhone: PERSON.phone,
    itemName: '城乡居民基本养老保险待遇申领',
    appliedOn: '2025-03-04',
    acceptedOn: '2025-03-05',
    materials: [
      { name: '居民身份证', form: '原件', copies: 1 },
      { name: '户口簿', form: '原件及复印件', copies: 1 },
      { name: '本人银行账户（社会保障卡金融账户）信息', form: '复印件', copies: 1 },
    ],
    clerk: CLERK,
    deadline: { workingDays: 15, date: '2025-03-26' },
    progressQuery: '拨打12333，或登录“四川人社”APP“办件查询”，输入受理编号查询。',
    progressUrl: 'https://hall.example.cn/case/SL-20250305-0107',
    ...overrides,
  };
}

export function rejectionInput(overrides: Partial<RejectionNoticeData> = {}): RejectionNoticeData {
  return {
    ...HALL,
    agencyName: '成都市社会保险事业管理局',
    documentNumber: 'BSL-20250305-0003',
    applicantName: PERSON.name,
    itemName: '城乡居民基本养老保险待遇申领',
    appliedOn: '2025-03-05',
    decidedOn: '2025-03-05',
    reasons: [
      '申请人未达到按月领取基本养老金的年龄（年满60周岁），不符合申领条件。',
      '申请人已按月领取城镇职工基本养老保险待遇，不得重复领取。',
    ],
    legalBasis: ['《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）'],
    reviewBody: '成都市人民政府',
    court: '有管辖权的人民法院',
    clerk: CLERK,
    ...overrides,
  };
}

export function supplementInput(overrides: Partial<SupplementNoticeData> = {}): SupplementNoticeData {
  return {
    ...HALL,
    agencyName: '成都市社会保险事业管理局',
    documentNumber: 'BZ-20250305-0011',
    applicantName: PERSON.name,
    itemName: '丧葬补助金、抚恤金申领',
    appliedOn: '2025-03-05',
    notifiedOn: '2025-03-05',
    missing: [
      { name: '死亡证明', form: '原件', copies: 1, requirement: '医疗机构或公安机关出具' },
      { name: '申领人与死者关系证明', form: '原件及复印件', copies: 1 },
      { name: '申领人银行账户信息', form: '复印件', copies: 1, requirement: '复印件须清晰' },
      { name: '委托书', form: '原件', copies: 1, requirement: '代办时提交，须委托人签字' },
    ],
    supplementBy: '2025-03-20',
    clerk: CLERK,
    ...overrides,
  };
}
