import type { FormDefinition, ServiceGuide, ServiceItem } from '@onewindow/shared';

/**
 * English for the demo catalog, shown when a citizen switches the kiosk to English: item
 * names, the time limit, 适用范围, materials, the 一次性告知 notes and form hints. Chinese stays
 * the published text; these are plain-language renderings for foreign residents and visitors.
 * Apostrophes are ASCII: the kiosk's CJK font draws ’ full width.
 */

/** Per item code: the name, the scope, and the limit's wording where one is shown. */
const ITEMS: Readonly<Record<string, { name: string; scope: string; limit?: string }>> = {
  '512B0067900009': {
    name: 'Employer social insurance registration',
    scope: 'Employers (companies and other units) registering for social insurance for the first time.',
    limit: '15 days (statutory)',
  },
  '512B0067900008': {
    name: 'Enrolling an employee in social insurance',
    scope: 'Employers enrolling newly hired employees in social insurance.',
    limit: 'Settled on the spot',
  },
  '512B0369200000': {
    name: 'Pension insurance enrolment for the self-employed and flexibly employed',
    scope:
      'Self-employed people and flexibly employed workers without an employer who want basic pension insurance.',
    limit: 'Settled on the spot',
  },
  '512B0359100011': {
    name: "Urban and rural residents' pension enrolment",
    scope: 'Residents aged 16 or over, not students, who are not covered by employee pension insurance.',
  },
  '512B0068000007': {
    name: 'Changing your personal details',
    scope: 'Insured people whose name, ID number, contact details or other personal data have changed.',
  },
  '51201401800008': {
    name: 'Printing your social insurance record',
    scope: 'Insured people who need a printed record of their contributions and entitlements.',
    limit: 'Settled on the spot',
  },
  '51201401800006': {
    name: 'Printing proof of social insurance',
    scope: 'Insured people who need proof of coverage (for school places, housing, work permits and so on).',
    limit: 'Settled on the spot',
  },
  '512B0068700010': {
    name: "Printing proof of an employer's social insurance",
    scope: 'Employers who need proof of their social insurance registration and payments.',
    limit: 'Settled on the spot',
  },
  '512B0068100002': {
    name: 'Transferring employee pension insurance between places',
    scope:
      'Employees moving to work in another province or city who need their pension insurance moved with them.',
    limit: '15 working days per stage (3 stages)',
  },
  '512B0359600026': {
    name: "Transferring residents' pension insurance between places",
    scope:
      "Residents whose household registration moved to this area who want their residents' pension moved here.",
  },
  '51201400600004': {
    name: 'Pension eligibility check (certification of entitlement)',
    scope:
      'People receiving a pension or other regular benefit, who confirm once a year that they are still entitled.',
    limit: 'Settled on the spot',
  },
  '51201400600001': {
    name: 'Applying for an employee retirement pension',
    scope:
      'Insured employees who reach the statutory retirement age and have paid contributions long enough.',
  },
  '512B0068000011': {
    name: 'Changing the account your benefits are paid into',
    scope: 'People receiving a regular benefit who want it paid into another account of their own.',
  },
  '512B0068200006': {
    name: 'Back payment of employee social insurance contributions',
    scope: 'Employers who must pay contributions for past months that were not paid.',
  },
  '512B0070100003': {
    name: 'Claiming unemployment benefit',
    scope:
      'People who lost their job through no choice of their own, paid unemployment insurance for at least a year and are registered as unemployed.',
  },
  '512B0068400008': {
    name: "Claiming survivors' benefits",
    scope: "Family members of an insured person who died, claiming the funeral grant and survivors' pension.",
  },
  '512B0068500015': {
    name: 'Claiming work-injury medical (rehabilitation) costs',
    scope:
      'Workers whose work injury was recognised, claiming the medical or rehabilitation costs they paid.',
  },
  'LOCAL-0001': {
    name: 'Recognition of a work injury',
    scope:
      'Injured workers, their families or their employers asking for an injury to be recognised as a work injury.',
    limit: '60 days; 15 days when the facts are clear',
  },
  '512B0070200003': {
    name: 'Applying for a social security card',
    scope: 'Insured people who do not have a social security card yet.',
    limit: '10 working days (promised)',
  },
  '512B0070200008': {
    name: 'Reporting a lost social security card',
    scope: 'Card holders whose social security card was lost or stolen.',
    limit: 'Settled on the spot',
  },
  '512B0070200006': {
    name: 'Replacing or renewing a social security card',
    scope: 'Card holders whose card was lost, damaged or expired, or who need the new-generation card.',
  },
  '512B0070200005': {
    name: 'Resetting a social security card PIN',
    scope: "Card holders who forgot their card's service PIN or locked it.",
  },
  '51201400100002': {
    name: 'Contributions of government agencies and public institutions',
    scope:
      "Government agencies and public institutions declaring or changing their staff's contribution bases.",
  },
  'LOCAL-ZXZX': {
    name: 'Policy questions',
    scope: 'Anyone with a question about social insurance rules, procedures or the documents to bring.',
    limit: 'Answered on the spot',
  },
  'LOCAL-LQJG': {
    name: 'Collecting a result or card',
    scope:
      'Applicants whose time-limited business (a social security card, a benefit decision) is finished, collecting the result at the results window.',
    limit: 'Settled on the spot',
  },
};

/** Materials by their Chinese name (the same name means the same document in every guide). */
const MATERIALS: Readonly<Record<string, string>> = {
  营业执照: 'Business licence',
  '法定代表人（负责人）居民身份证': 'ID card of the legal representative (head)',
  单位银行基本存款账户信息: "Employer's basic bank account details",
  经办人居民身份证: 'ID card of the person handling it',
  单位社会保险登记表: 'Employer social insurance registration form',
  居民身份证或社会保障卡: 'Resident ID card or social security card',
  劳动合同: 'Employment contract',
  '职工参保登记表（增员表）': 'Employee enrolment form',
  单位经办人居民身份证: "ID card of the employer's representative",
  居住证: 'Residence permit',
  灵活就业人员参保登记表: 'Enrolment form for the flexibly employed',
  居民户口簿: 'Household register (hukou booklet)',
  城乡居民基本养老保险参保登记表: "Residents' pension enrolment form",
  公安机关出具的户籍变更证明或居民户口簿: 'Police certificate of the change, or the household register',
  本人人事档案: 'Your personnel file',
  个人基本信息变更表: 'Personal details change form',
  授权委托书: 'Letter of authorisation',
  营业执照或统一社会信用代码: 'Business licence or unified social credit code',
  单位介绍信或授权委托书: "Employer's letter of introduction or authorisation",
  参保缴费凭证: 'Certificate of contributions paid',
  基本养老保险关系转移接续申请表: 'Pension transfer application form',
  城乡居民基本养老保险关系转入申请表: "Residents' pension transfer-in form",
  基本养老保险待遇申领表: 'Pension claim form',
  社会保障卡金融账户或本人银行账户: 'Social security card bank account or your own bank account',
  本人银行卡或存折: 'Your bank card or passbook',
  待遇发放账户变更申请表: 'Benefit account change form',
  补缴期间工资发放凭证: 'Proof of wages paid in the months to back-pay',
  社会保险费补缴申报表: 'Back-payment declaration form',
  '劳动保障监察指令书、劳动仲裁裁决书或人民法院判决书':
    'Labour inspection order, arbitration award or court judgment',
  解除或终止劳动关系证明: 'Proof that your employment ended',
  本人银行账户: 'Your own bank account',
  死亡证明: 'Death certificate',
  亲属关系证明: 'Proof of family relationship',
  申领人居民身份证: 'ID card of the claimant',
  申领人银行账户: 'Bank account of the claimant',
  遗属待遇申领表: "Survivors' benefit claim form",
  认定工伤决定书: 'Work-injury recognition decision',
  医疗票据: 'Medical invoices',
  费用清单: 'Itemised list of costs',
  病历: 'Medical records',
  工伤医疗费用申报表: 'Work-injury medical cost claim form',
  转诊转院或异地就医备案证明: 'Referral or out-of-area treatment record',
  工伤认定申请表: 'Work-injury recognition application form',
  劳动关系证明材料: 'Proof of employment',
  医疗诊断证明或职业病诊断证明书: 'Medical diagnosis or occupational disease certificate',
  受伤职工居民身份证: 'ID card of the injured worker',
  居民身份证: 'Resident ID card',
  近期免冠彩色照片: 'Recent colour photo, bare-headed',
  监护人或代办人居民身份证: 'ID card of the guardian or agent',
  原社会保障卡: 'The old social security card',
  社会保障卡: 'Social security card',
  机关事业单位缴费基数申报表: 'Contribution base declaration form',
  工资发放明细: 'Payroll details',
  人员增减或工资调整审批文件: 'Approval of staff or salary changes',
  业务受理回执: 'Acceptance receipt',
  代领人居民身份证及委托书: 'ID card and authorisation of the person collecting for you',
};

/** What people forget (一次性告知), by material name: the English of the note citizens are warned with. */
const MISSING_NOTES: Readonly<Record<string, string>> = {
  参保缴费凭证:
    'Issued by the social insurance office where you were insured before; people often forget to get it in advance. You can print it from the national social insurance service platform or the 12333 app.',
  补缴期间工资发放凭证:
    'Bank wage statements or payroll sheets covering every month to back-pay; people often bring only the contract and no proof of wages.',
  解除或终止劳动关系证明:
    'Issued by your former employer, with the date and reason your employment ended; people often forget to ask for it, or the reason is missing.',
  亲属关系证明:
    'Household register, marriage certificate, birth certificate or a police certificate of the relationship; often missing when the claimant and the deceased are not in the same household register.',
  费用清单:
    'Itemised hospital or outpatient bill stamped by the hospital; people often bring only the invoices — ask the hospital for it when you are discharged.',
  业务受理回执:
    'The receipt the window gave you when your application was accepted; if lost, bring your own ID card.',
};

/** Form hints, by their Chinese wording. */
const HINTS: Readonly<Record<string, string>> = {
  '读取身份证自动填写；未读卡的到窗口补填':
    'Filled in from your ID card; without the card, completed at the window',
  '11位手机号码，用于接收办理进度短信': '11-digit mobile number, for text messages about your application',
  按上年度全省全口径城镇单位就业人员平均工资的比例:
    "As a share of last year's provincial average wage of urban employees",
  '低保对象、特困人员等由政府代缴部分或全部最低档次保费':
    'For people on minimum living support and others in hardship the government pays part or all of the lowest level',
  变更联系电话时填写: 'Only if your phone number changes',
  '本人名下借记卡或社保卡金融账户，16至19位':
    'A debit card or social security card account in your own name, 16 to 19 digits',
  失业保险金应在离职之日起60日内申领: 'Claim within 60 days of leaving your job',
  社会保障卡金融账户由所选银行开通: "The bank you choose opens the card's bank account",
};

function guideInEnglish(guide: ServiceGuide, scopeEn: string): ServiceGuide {
  return {
    ...guide,
    scopeEn,
    materials: guide.materials.map((m) => {
      const nameEn = MATERIALS[m.name];
      const noteEn = m.commonlyMissing ? MISSING_NOTES[m.name] : undefined;
      return { ...m, ...(nameEn ? { nameEn } : {}), ...(noteEn ? { noteEn } : {}) };
    }),
  };
}

function formInEnglish(form: FormDefinition): FormDefinition {
  return {
    ...form,
    fields: form.fields.map((f) => {
      const hintEn = f.hint === undefined ? undefined : HINTS[f.hint];
      return hintEn ? { ...f, hintEn } : f;
    }),
  };
}

/** The item with its English fields, where the demo has them. */
export function withEnglish(item: ServiceItem): ServiceItem {
  const en = ITEMS[item.code];
  if (en === undefined) return item;
  return {
    ...item,
    nameEn: en.name,
    timeLimit: en.limit && item.verified ? { ...item.timeLimit, textEn: en.limit } : item.timeLimit,
    ...(item.guide ? { guide: guideInEnglish(item.guide, en.scope) } : {}),
    ...(item.form ? { form: formInEnglish(item.form) } : {}),
  };
}
