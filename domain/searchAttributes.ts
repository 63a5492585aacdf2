// Custom search attributes: registered on the dev server by the launcher and, for a
// production cluster, with `temporal operator search-attribute create` (see README).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SA = {
  CaseNo: defineSearchAttributeKey('CaseNo', SearchAttributeType.KEYWORD),
  CaseStage: defineSearchAttributeKey('CaseStage', SearchAttributeType.KEYWORD),
  Priority: defineSearchAttributeKey('Priority', SearchAttributeType.KEYWORD),
  AssignedEngineer: defineSearchAttributeKey('AssignedEngineer', SearchAttributeType.KEYWORD),
  Region: defineSearchAttributeKey('Region', SearchAttributeType.KEYWORD),
  SlaBreached: defineSearchAttributeKey('SlaBreached', SearchAttributeType.BOOL),
  EscalationLevel: defineSearchAttributeKey('EscalationLevel', SearchAttributeType.INT),
  NextDeadline: defineSearchAttributeKey('NextDeadline', SearchAttributeType.DATETIME),
  /** A step the database refused for good: the workflow waits for ops (set only once it happens). */
  NeedsAttention: defineSearchAttributeKey('NeedsAttention', SearchAttributeType.BOOL),
  // Complaint workflows also carry CaseNo (the linked case), SlaBreached, EscalationLevel, NextDeadline.
  ComplaintNo: defineSearchAttributeKey('ComplaintNo', SearchAttributeType.KEYWORD),
  ComplaintStage: defineSearchAttributeKey('ComplaintStage', SearchAttributeType.KEYWORD),
  ComplaintGrade: defineSearchAttributeKey('ComplaintGrade', SearchAttributeType.KEYWORD),
} as const;

export const SEARCH_ATTRIBUTE_KEYS = Object.values(SA);

/** `Name=Type` pairs as the Temporal CLI spells them (`--search-attribute CaseNo=Keyword`). */
export function searchAttributeCliSpecs(): string[] {
  const cliType: Record<string, string> = {
    KEYWORD: 'Keyword',
    BOOL: 'Bool',
    INT: 'Int',
    DATETIME: 'Datetime',
    TEXT: 'Text',
    DOUBLE: 'Double',
    KEYWORD_LIST: 'KeywordList',
  };
  return SEARCH_ATTRIBUTE_KEYS.map((k) => `${k.name}=${cliType[k.type]}`);
}
