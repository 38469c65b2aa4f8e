"""Random French identifiers that pass their checksums, for demo data and tests.

Bodies are random; keys are computed (NIR key 97 - n mod 97 with the Corsica 2A/2B rule,
SIREN/SIRET Luhn, RIB key and IBAN mod 97-10) and every value is checked with
python-stdnum before it is returned: a generator bug must not produce a benchmark whose
"valid" identifiers are not.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

import phonenumbers
from stdnum import iban as std_iban
from stdnum import luhn
from stdnum.fr import nir as std_nir
from stdnum.fr import siret as std_siret

__all__ = ["FrenchIdentifiers"]

_LA_POSTE_SIREN = "356000000"  # stdnum validates La Poste's SIRETs with another rule
_BANK_CODES = ("30004", "30003", "30002", "20041", "10107", "16606", "17515", "10278")
_ABROAD = ("350", "351", "352", "131", "134", "139", "109")  # INSEE country codes
_MAINLAND_DEPARTEMENTS = tuple(f"{d:02d}" for d in (*range(1, 20), *range(21, 96)))


def _checked(value: str, is_valid: Callable[[str], bool], what: str) -> str:
    if not is_valid(value):
        raise RuntimeError(f"generated {what} {value!r} does not pass its checksum")
    return value


class FrenchIdentifiers:
    """Draws identifiers from ``rng``; deterministic for a seeded ``random.Random``."""

    def __init__(self, rng: random.Random, *, home_departement: str = "45") -> None:
        self._rng = rng
        self._home = home_departement

    def digits(self, n: int) -> str:
        return "".join(self._rng.choices("0123456789", k=n))

    def siren(self, prefix: str = "") -> str:
        """A 9-digit SIREN starting with ``prefix`` (e.g. "21" + département for a commune)."""
        while True:
            body = prefix + self.digits(8 - len(prefix))
            siren = body + luhn.calc_check_digit(body)
            if siren != _LA_POSTE_SIREN:
                return siren

    def siret(self, siren: str | None = None) -> str:
        """A 14-digit SIRET of ``siren`` (a random one by default)."""
        siren = siren or self.siren()
        body = siren + self.digits(4)
        return _checked(body + luhn.calc_check_digit(body), std_siret.is_valid, "SIRET")

    def nir(self, birth: date | None = None) -> str:
        """A 15-digit NIR: mostly born in the home département, some in Corsica or abroad."""
        rng = self._rng
        birth = birth or date(rng.randint(1960, 2001), rng.randint(1, 12), 1)
        place = rng.random()
        if place < 0.70:
            dept, commune = self._home, f"{rng.randint(1, 350):03d}"
        elif place < 0.80:
            dept, commune = rng.choice(("2A", "2B")), f"{rng.randint(1, 366):03d}"
        elif place < 0.90:
            dept, commune = "99", rng.choice(_ABROAD)
        else:
            dept, commune = rng.choice(_MAINLAND_DEPARTEMENTS), self.digits(3)
        body = (
            f"{rng.choice('12')}{birth.year % 100:02d}{birth.month:02d}"
            f"{dept}{commune}{rng.randint(1, 999):03d}"
        )
        # stdnum applies the Corsica rule (2A -> 19, 2B -> 18) when computing the key.
        return _checked(body + std_nir.calc_check_digits(body), std_nir.is_valid, "NIR")

    def iban(self) -> str:
        """A French IBAN (27 characters, compact) over a BBAN with a valid RIB key."""
        bank, branch, account = self._rng.choice(_BANK_CODES), self.digits(5), self.digits(11)
        rib_key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
        bban = f"{bank}{branch}{account}{rib_key:02d}"
        if int(bban) % 97:  # a whole RIB (bank, branch, account, key) is divisible by 97
            raise RuntimeError(f"bad RIB key generated for {bban}")
        iban = f"FR{std_iban.calc_check_digits('FR00' + bban)}{bban}"
        return _checked(iban, std_iban.is_valid, "IBAN")

    def failing_luhn(self, n: int) -> str:
        """``n`` digits whose Luhn check fails: looks like a SIRET (n=14), is not one."""
        body = self.digits(n - 1)
        wrong = (int(luhn.calc_check_digit(body)) + self._rng.randint(1, 9)) % 10
        number = f"{body}{wrong}"
        if luhn.is_valid(number):
            raise RuntimeError(f"{number} passes Luhn")
        return number

    def phone(self) -> str:
        """A metropolitan French number in one of the spellings found in real tables."""
        # 06 9x, 06 39... are overseas mobile ranges (+262, +590...): draw until the number
        # is a valid metropolitan one, so PHONE_NUMBER with region FR finds every value.
        while True:
            text = self._phone_candidate()
            if phonenumbers.is_valid_number(phonenumbers.parse(text, "FR")):
                return text

    def _phone_candidate(self) -> str:
        rng = self._rng
        kind = rng.random()
        if kind < 0.6:
            national = "06" + self.digits(8)
        elif kind < 0.75:
            national = f"07{rng.randint(3, 9)}" + self.digits(7)
        else:
            national = rng.choice(("0238", "0247", "0254")) + self.digits(6)
        pairs = [national[i : i + 2] for i in range(0, 10, 2)]
        style = rng.random()
        if style < 0.4:
            return " ".join(pairs)  # 06 12 34 56 78
        if style < 0.7:
            return f"+33 {national[1]} " + " ".join([national[2:4], *pairs[2:]])
        if style < 0.9:
            return national  # 0612345678
        return ".".join(pairs)  # 06.12.34.56.78
