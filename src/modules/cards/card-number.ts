/** Normalises a card number typed with spaces or dashes; undefined unless it is 16 digits passing Luhn. */
export function normaliseCardNumber(input: string): string | undefined {
  const digits = input.replace(/[\s-]/g, '');
  if (!/^\d{16}$/.test(digits)) return undefined;
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0 ? digits : undefined;
}

/** 6037991234567895 → 6037-9912-3456-7895, the way Iranian cards are written. */
export const formatCardNumber = (digits: string): string => digits.replace(/(\d{4})(?=\d)/g, '$1-');

/** Shown to admins in lists: only the last four digits. */
export const maskCardNumber = (digits: string): string => `**** ${digits.slice(-4)}`;
