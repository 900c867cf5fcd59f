/**
 * What the kiosk says at each step (spoken, and written to the live region): in Mandarin, or in
 * English when the citizen switched to English (then only written: the voice is Mandarin).
 * Pure: the state in, one sentence out; the shell speaks it whenever it changes.
 */
import { itemName } from '@onewindow/shared/catalog.ts';
import { spokenTicketNumber } from '@onewindow/shared/ticket-number.ts';
import type { KioskState } from './store.ts';

function spoken(number: string): string {
  try {
    return spokenTicketNumber(number);
  } catch {
    return number;
  }
}

export function promptFor(s: KioskState): string {
  if (s.message !== null) return s.message;
  if (s.lang === 'en') return promptEn(s);
  const seniorAge = s.context?.seniorAge ?? 60;
  const senior = s.person?.senior === true ? `您已年满${seniorAge}周岁，取号后将优先为您办理。` : '';
  switch (s.screen) {
    case 'start':
      return '您好，请选择取号、预约签到或查询排队，也可以直接刷身份证。';
    case 'identify':
      if (s.flow === 'checkin') return '预约签到：请刷身份证，或输入身份证号码或预约码。';
      if (s.flow === 'lookup') return '查询排队：请刷身份证或社保卡，或输入身份证号码。';
      return '请将身份证或社保卡放在感应区，或在屏幕上输入身份证号码。';
    case 'categories':
      return `${senior}请选择业务类别，也可以按拼音首字母搜索。`;
    case 'items':
      return `${senior}请选择要办理的业务。`;
    case 'search':
      return '请用字母键盘输入业务名称的拼音首字母。';
    case 'guide': {
      const item = s.catalog.find((i) => i.code === s.itemCode);
      const missing = item?.guide?.materials.filter((m) => m.commonlyMissing).map((m) => m.name) ?? [];
      return missing.length > 0
        ? `请注意，办理${item?.name ?? '此业务'}常有人漏带：${missing.join('、')}。请确认带齐后再取号。`
        : `请查看${item?.name ?? ''}的办事指南，确认材料后取号。`;
    }
    case 'form':
      return '请填写表单，证件上的信息已为您自动填好。';
    case 'ticket': {
      const r = s.result;
      if (r === null) return '';
      const tk = r.data.ticket;
      const head = r.data.existing ? '您已有该类业务的号票，' : '';
      const late =
        r.via === 'checkin' && 'late' in r.data && r.data.late ? '您已超过预约时段，按普通号办理。' : '';
      const base = `${late}${head}您的号码是${spoken(tk.number)}${tk.ahead !== null ? `，前面还有${tk.ahead}人` : ''}。`;
      switch (s.print.status) {
        case 'printed':
          return `${base}请取走号票。`;
        case 'failed':
          return `${base}打印机暂时无法出票，请拍下屏幕上的号码，或到咨询台。您的号码是${spoken(tk.number)}。`;
        default:
          return base;
      }
    }
    case 'lookup': {
      const n = s.lookup?.length ?? 0;
      return n === 0 ? '您今天还没有号票。' : `您今天有${n}张号票，请看屏幕。`;
    }
    case 'closed':
      return s.closedMessage ?? '现在不是取号时间。';
  }
}

/** The same steps in English, for screen readers in English mode (names from the catalog's English). */
function promptEn(s: KioskState): string {
  const seniorAge = s.context?.seniorAge ?? 60;
  const senior = s.person?.senior === true ? `You are ${seniorAge} or over: you will be served first. ` : '';
  switch (s.screen) {
    case 'start':
      return 'Hello. Take a number, check in for an appointment or see your tickets; or just tap your ID card.';
    case 'identify':
      if (s.flow === 'checkin') return 'Check-in: tap your ID card, or type your ID number or booking code.';
      if (s.flow === 'lookup')
        return 'Your tickets: tap your ID card or social security card, or type your ID number.';
      return 'Place your ID card or social security card on the reader, or type your ID number on the screen.';
    case 'categories':
      return `${senior}Choose a kind of service, or search by pinyin initials.`;
    case 'items':
      return `${senior}Choose the service you need.`;
    case 'search':
      return 'Type the pinyin initials of the service on the letter keypad.';
    case 'guide': {
      const item = s.catalog.find((i) => i.code === s.itemCode);
      const name = item ? itemName(item, 'en') : 'this service';
      const missing =
        item?.guide?.materials.filter((m) => m.commonlyMissing).map((m) => m.nameEn ?? m.name) ?? [];
      return missing.length > 0
        ? `Please note: for ${name} people often forget ${missing.join(', ')}. Check you have them before you take a number.`
        : `Read the guide for ${name} and check what to bring before you take a number.`;
    }
    case 'form':
      return 'Please fill in the form: what your card says is already filled in.';
    case 'ticket': {
      const r = s.result;
      if (r === null) return '';
      const tk = r.data.ticket;
      const head = r.data.existing ? 'You already have a ticket for this kind of service. ' : '';
      const late =
        r.via === 'checkin' && 'late' in r.data && r.data.late
          ? 'You are past your booked time: you are served as a regular ticket. '
          : '';
      const ahead =
        tk.ahead === null ? '' : `, ${tk.ahead} ${tk.ahead === 1 ? 'person' : 'people'} ahead of you`;
      const base = `${late}${head}Your number is ${tk.number}${ahead}.`;
      switch (s.print.status) {
        case 'printed':
          return `${base} Please take your ticket.`;
        case 'failed':
          return `${base} The printer cannot print now: take a photo of the number on the screen, or go to the guide desk.`;
        default:
          return base;
      }
    }
    case 'lookup': {
      const n = s.lookup?.length ?? 0;
      return n === 0
        ? 'You have no ticket today.'
        : `You have ${n} ${n === 1 ? 'ticket' : 'tickets'} today: see the screen.`;
    }
    case 'closed':
      return 'Numbers are not given at this time.';
  }
}
