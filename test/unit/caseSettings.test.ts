// The defaults a case run stores at start (caseSettingsFrom) and the aftercare run bound.
// Expectations are written out by hand, not read from the constants under test.
import { AFTERCARE_MAX_RUN_WAIT_MS } from '../../domain/aftercare';
import { caseSettingsFrom, type CaseWorkflowInput } from '../../domain/caseState';

const intakeFor = (category: string) => ({ product: { category } }) as unknown as CaseWorkflowInput['intake'];

describe('settings a case stores when it opens', () => {
  test('with nothing given: the default reminders and the aftercare intervals of the category', () => {
    const settings = caseSettingsFrom({ intake: intakeFor('air_conditioner') });
    expect(settings.reminders).toEqual({
      customerBeforeVisitMinutes: [1440, 120],
      engineerBeforeVisitMinutes: [60],
      contactBeforeLapseMinutes: 10,
      confirmationReminderMinutes: 1440,
      autoConfirmMinutes: 4320,
    });
    expect(settings.aftercare).toEqual({ callbackAfterMinutes: 1440, maintenanceAfterDays: 180 });
    expect(caseSettingsFrom({ intake: intakeFor('tv') }).aftercare).toEqual({ callbackAfterMinutes: 1440, maintenanceAfterDays: 0 });
    expect(caseSettingsFrom({ intake: intakeFor('espresso_machine') }).aftercare.maintenanceAfterDays).toBe(365);
  });

  test('what the starter gives wins, field by field', () => {
    const settings = caseSettingsFrom({
      intake: intakeFor('air_conditioner'),
      reminders: { contactBeforeLapseMinutes: 3, autoConfirmMinutes: 60 },
      aftercare: { callbackAfterMinutes: 5, maintenanceAfterDays: 7 },
    });
    expect(settings.reminders).toEqual({
      customerBeforeVisitMinutes: [1440, 120],
      engineerBeforeVisitMinutes: [60],
      contactBeforeLapseMinutes: 3,
      confirmationReminderMinutes: 1440,
      autoConfirmMinutes: 60,
    });
    expect(settings.aftercare).toEqual({ callbackAfterMinutes: 5, maintenanceAfterDays: 7 });
    expect(caseSettingsFrom({ intake: intakeFor('tv'), aftercare: { callbackAfterMinutes: 0 } }).aftercare).toEqual({
      callbackAfterMinutes: 0,
      maintenanceAfterDays: 0,
    });
    expect(caseSettingsFrom({ intake: intakeFor('tv'), aftercare: { maintenanceAfterDays: 90 } }).aftercare).toEqual({
      callbackAfterMinutes: 1440,
      maintenanceAfterDays: 90,
    });
  });
});

test('an aftercare run waits at most 30 days (2,592,000,000 ms) before it continues as new', () => {
  expect(AFTERCARE_MAX_RUN_WAIT_MS).toBe(2_592_000_000);
});
