/** The hall's local calendar day (YYYY-MM-DD) at instant `now`, for a fixed UTC offset. */
export function businessDayOf(now: number, utcOffsetMinutes: number): string {
  return new Date(now + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** Local wall-clock minutes since midnight and ISO weekday (1 = Monday) at `now`. */
export function localTimeOf(now: number, utcOffsetMinutes: number): { minutes: number; weekday: number } {
  const d = new Date(now + utcOffsetMinutes * 60_000);
  const weekday = d.getUTCDay() === 0 ? 7 : d.getUTCDay();
  return { minutes: d.getUTCHours() * 60 + d.getUTCMinutes(), weekday };
}
