"""Check digits of the numbers that carry one: bank cards (Luhn), SNILS, INN. A number counts
as a card, a SNILS or an INN only when its check digit is right, so page numbers, sums and
order numbers stay clean; the registry checks the school's INN the same way."""
from __future__ import annotations


def luhn(digits: str) -> bool:
    total, alt = 0, False
    for d in reversed(digits):
        n = int(d)
        if alt:
            n = n * 2 - 9 if n > 4 else n * 2
        total, alt = total + n, not alt
    return total % 10 == 0


def snils_ok(digits: str) -> bool:
    number, check = digits[:9], int(digits[9:])
    if int(number) <= 1001998:
        return False
    total = sum(int(d) * (9 - i) for i, d in enumerate(number))
    total = total % 101 if total > 101 else total
    return (0 if total in (100, 101) else total) == check


def inn_ok(digits: str) -> bool:
    """10 digits: an organisation's INN; 12: a person's (or a sole trader's)."""
    def check(ds, weights):
        return sum(int(d) * w for d, w in zip(ds, weights)) % 11 % 10
    if len(digits) == 10:
        return check(digits, (2, 4, 10, 3, 5, 9, 4, 6, 8)) == int(digits[9])
    return (check(digits, (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)) == int(digits[10])
            and check(digits, (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)) == int(digits[11]))
