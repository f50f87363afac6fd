// Pure seat rules, shared by the RSVP model and its unit tests. No database here.

export type SeatState = {
  capacity: number;
  /** Confirmed seats in the workshop right now. */
  confirmed: number;
  /** Optional cap on confirmed seats per organisation. */
  orgSeatCap: number | null;
  /** Confirmed seats per organisation id. */
  confirmedByOrg: Map<number, number>;
};

/** Whether a member of `organisationId` can take a seat now. */
export function canTakeSeat(state: SeatState, organisationId: number): boolean {
  if (state.confirmed >= state.capacity) return false;
  if (state.orgSeatCap === null) return true;
  return (state.confirmedByOrg.get(organisationId) ?? 0) < state.orgSeatCap;
}

export type WaitlistEntry = { rsvpId: number; userId: number; organisationId: number };

/**
 * Who to promote, in order, given the waitlist in arrival order: the first person whose organisation is under
 * its cap takes each free seat; people blocked by their organisation's cap keep their place for later.
 */
export function choosePromotions<T extends WaitlistEntry>(state: SeatState, waitlist: T[]): T[] {
  const byOrg = new Map(state.confirmedByOrg);
  let confirmed = state.confirmed;
  const promoted: T[] = [];
  for (const entry of waitlist) {
    if (confirmed >= state.capacity) break;
    const orgCount = byOrg.get(entry.organisationId) ?? 0;
    if (state.orgSeatCap !== null && orgCount >= state.orgSeatCap) continue;
    promoted.push(entry);
    confirmed += 1;
    byOrg.set(entry.organisationId, orgCount + 1);
  }
  return promoted;
}

/** Confirmed people beyond a new, lower capacity: the latest to have taken a seat go first. */
export function overCapacity<T extends { seatTakenAt: number; rsvpId: number }>(confirmedPeople: T[], newCapacity: number): T[] {
  if (confirmedPeople.length <= newCapacity) return [];
  const sorted = [...confirmedPeople].sort((a, b) => a.seatTakenAt - b.seatTakenAt || a.rsvpId - b.rsvpId);
  return sorted.slice(Math.max(0, newCapacity));
}
