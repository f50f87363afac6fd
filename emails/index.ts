export * from './layout';
export * from './invitation';
export * from './verify-email';
export * from './password-reset';
export * from './join-request-decided';
export * from './workshop-rsvp';
export * from './workshop-changed';
export * from './workshop-reminder';
