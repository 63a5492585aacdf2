export * from './stages';
export * from './caseNumber';
export * from './roles';
export * from './caseState';
export * from './caseReceipt';
export * from './privacy';
export * from './dispatch';
export * from './sla';
