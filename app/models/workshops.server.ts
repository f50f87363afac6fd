// Workshops: scheduling by coordinators, the pages members see, and the record of what a meeting decided.
// Seats and RSVPs live in rsvps.server.ts.

export {
  type Workshop,
  WORKSHOP_MODE_LABELS,
  WORKSHOP_STATUS_LABELS,
  type WorkshopInput,
  type WorkshopFormValues,
  parseWorkshopForm,
} from './workshops/input.server';
export {
  createWorkshop,
  type OverCapacityPerson,
  type UpdateOutcome,
  updateWorkshop,
  type StatusOutcome,
  publishWorkshop,
  cancelWorkshop,
  completeWorkshop,
} from './workshops/scheduling.server';
export {
  markAttendance,
  type RecordInput,
  parseRecordForm,
  saveWorkshopRecord,
  getWorkshopRecord,
} from './workshops/attendance.server';
export {
  WORKSHOPS_PAGE_SIZE,
  listWorkshops,
  nextWorkshops,
  getWorkshopBySlug,
  getWorkshopById,
  getWorkshopAudience,
  canViewWorkshop,
  seatSummary,
  listAttendees,
  listRsvpsForCoordinator,
  workshopsForOrganisation,
  isWorkshopInAudience,
  attendeeRows,
} from './workshops/reading.server';
