// Wording shared by the workshop list and the workshop page (pure, so components can use it too).

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "12 of 30 seats taken", or "Full — waitlist 3" once every seat is taken. */
export function seatsText(seatsTaken: number, capacity: number, waitlistLength: number): string {
  if (seatsTaken >= capacity) return `Full — waitlist ${waitlistLength}`;
  return `${seatsTaken} of ${capacity} seats taken`;
}
