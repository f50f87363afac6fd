import { describe, expect, it } from 'vitest';
import { canTakeSeat, choosePromotions, overCapacity, type SeatState } from '../../app/models/seat-rules';

const state = (over: Partial<SeatState> = {}): SeatState => ({ capacity: 3, confirmed: 0, orgSeatCap: null, confirmedByOrg: new Map(), ...over });

describe('canTakeSeat', () => {
  it('gives a seat while the workshop has room', () => {
    expect(canTakeSeat(state({ confirmed: 2 }), 1)).toBe(true);
  });
  it('refuses a seat when every seat is taken', () => {
    expect(canTakeSeat(state({ confirmed: 3 }), 1)).toBe(false);
  });
  it('refuses a seat when the organisation has reached its cap, even with room left', () => {
    expect(canTakeSeat(state({ confirmed: 2, orgSeatCap: 2, confirmedByOrg: new Map([[7, 2]]) }), 7)).toBe(false);
    expect(canTakeSeat(state({ confirmed: 2, orgSeatCap: 2, confirmedByOrg: new Map([[7, 2]]) }), 8)).toBe(true);
  });
  it('treats a capacity of zero as no seats at all', () => {
    expect(canTakeSeat(state({ capacity: 0 }), 1)).toBe(false);
  });
});

describe('choosePromotions', () => {
  const waitlist = [
    { rsvpId: 1, userId: 11, organisationId: 7 },
    { rsvpId: 2, userId: 12, organisationId: 7 },
    { rsvpId: 3, userId: 13, organisationId: 8 },
  ];

  it('promotes in arrival order while seats are free', () => {
    expect(choosePromotions(state({ confirmed: 1 }), waitlist).map((e) => e.rsvpId)).toEqual([1, 2]);
  });

  it('skips people whose organisation is at its cap and keeps them waiting', () => {
    const s = state({ confirmed: 2, orgSeatCap: 2, confirmedByOrg: new Map([[7, 2]]) });
    expect(choosePromotions(s, waitlist).map((e) => e.rsvpId)).toEqual([3]);
  });

  it('counts its own promotions against the organisation cap', () => {
    const s = state({ capacity: 10, confirmed: 0, orgSeatCap: 1 });
    expect(choosePromotions(s, waitlist).map((e) => e.rsvpId)).toEqual([1, 3]);
  });

  it('promotes nobody when the workshop is full', () => {
    expect(choosePromotions(state({ confirmed: 3 }), waitlist)).toEqual([]);
  });
});

describe('overCapacity', () => {
  it('names the latest to take a seat as the ones over a lower capacity', () => {
    const people = [
      { rsvpId: 1, seatTakenAt: 100 },
      { rsvpId: 2, seatTakenAt: 300 },
      { rsvpId: 3, seatTakenAt: 200 },
    ];
    expect(overCapacity(people, 1).map((p) => p.rsvpId)).toEqual([3, 2]);
    expect(overCapacity(people, 3)).toEqual([]);
  });
});
