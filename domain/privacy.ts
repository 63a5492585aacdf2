/** Masks a phone number for logs and summaries: +86 138****8000. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/[^0-9+]/g, '');
  if (digits.length <= 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, digits.length - 8)}****${digits.slice(-4)}`;
}

/** Phone numbers compared for duplicates: digits only, without a leading country code 86. */
export function normalizePhone(phone: string): string {
  const digits = phone.replace(/[^0-9]/g, '');
  return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
}
