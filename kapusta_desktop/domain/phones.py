"""Phone numbers: any way a person or a PBX writes one → E.164 with the extension kept apart.

Operators type `8 (916) 123-45-67`, `+7 495 1234567`, `495-123-45-67 доб. 12`;
Mango sends `79161234567` and SIP users as `sip:101@vpbx123.mangosip.ru`. All of
them go through `normalise()`, so the cache's phone index and a caller's number
meet on one key: the E.164 string. Matching is exact on that key; nothing here
ever matches on a trailing fragment of a number.

`kind` says what the text turned out to be:
- "phone": a valid number (phonenumbers' metadata), `e164` set, `extension` if given;
- "sip": a SIP user that is not a phone number, `sip_user` set (`extension` too when
  the user part is a short PBX extension);
- "internal": a short internal number (2..5 digits), kept in `extension`;
- "invalid": anything else (letters, too short or too long, unknown ranges).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneMetadata, PhoneNumberFormat

DEFAULT_REGION = "RU"
MAX_INPUT_LENGTH = 100
INTERNAL_DIGITS = range(2, 6)  # 2..5 digits: a PBX extension or a short internal number

KIND_PHONE = "phone"
KIND_SIP = "sip"
KIND_INTERNAL = "internal"
KIND_INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class NormalisedPhone:
    raw: str  # the text as given
    kind: str  # "phone" | "sip" | "internal" | "invalid"
    e164: str | None = None  # "+79161234567" when kind == "phone"
    extension: str | None = None  # "12" from "доб. 12"; the number itself for "internal"
    sip_user: str | None = None  # "101" from "sip:101@vpbx123.mangosip.ru"

    @property
    def is_phone(self) -> bool:
        return self.kind == KIND_PHONE

    @property
    def digits(self) -> str | None:
        """E.164 without the plus: the form Mango uses (`79161234567`)."""
        return self.e164[1:] if self.e164 else None

    @property
    def display(self) -> str:
        """Human form: "+7 916 123-45-67", "+7 495 123-45-67 доб. 12", the SIP URI, the extension."""
        if self.kind == KIND_PHONE and self.e164:
            text = phonenumbers.format_number(phonenumbers.parse(self.e164, None), PhoneNumberFormat.INTERNATIONAL)
            return f"{text} доб. {self.extension}" if self.extension else text
        if self.kind == KIND_INTERNAL and self.extension:
            return self.extension
        return " ".join(self.raw.split())


# --- parsing helpers ----------------------------------------------------------------------------

# An extension at the end: "доб. 12", "(доб.12)", "добавочный 12", "вн. 12", "ext 3", "ext. 3", "x12", "#12".
_EXTENSION_TAIL = re.compile(
    r"[\s,;]*\(?\s*(?:доб(?:авочный)?|вн(?:утр(?:енний)?)?|ext(?:ension)?|x|#)\s*[.:]?\s*(\d{1,7})\s*\)?\s*$",
    re.IGNORECASE,
)
_SIP_URI = re.compile(r"^\s*sips?:([^@\s;]+)(?:@([^\s;>]+))?", re.IGNORECASE)
_TEL_URI = re.compile(r"^\s*tel:", re.IGNORECASE)
_RFC3966_EXT = re.compile(r";ext=", re.IGNORECASE)
# After the extension is off, a number may only hold digits, a leading plus and separators.
_ALLOWED = re.compile(r"^\+?[\d\s\-().\u00a0\u2010-\u2015/]+$")
_SEPARATORS = re.compile(r"[\s\-().\u00a0\u2010-\u2015/]")
_MIN_PHONE_DIGITS = 6  # fewer digits than this with no "+" is never a full number


def _desc_pattern(desc: object) -> str | None:
    pattern = getattr(desc, "national_number_pattern", None)
    return pattern if isinstance(pattern, str) and pattern else None


class _CountryTable:
    """phonenumbers' validity rules for one calling code, compiled once for the hot path.

    Mirrors phonenumbers' own `is_valid_number`: the region is picked by its
    leading digits, then the national number must match the region's general
    pattern and one of its number-type patterns. A test holds it equal to the
    library on random input.
    """

    _TYPES = ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan",
              "voicemail", "fixed_line", "mobile")

    def __init__(self, country_code: int) -> None:
        self.country_code = country_code
        self.regions: list[tuple[re.Pattern[str] | None, re.Pattern[str], re.Pattern[str]]] = []
        for region in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(country_code, ()):
            meta = PhoneMetadata.metadata_for_region(region)
            if meta is None:
                continue
            general = _desc_pattern(meta.general_desc)
            types = [p for t in self._TYPES if (p := _desc_pattern(getattr(meta, t, None)))]
            if general is None or not types:
                continue
            leading = re.compile(meta.leading_digits) if meta.leading_digits else None
            self.regions.append((leading, re.compile(general), re.compile("|".join(f"(?:{p})" for p in types))))

    def is_valid(self, national: str) -> bool:
        for leading, general, types in self.regions:
            if leading is not None and not leading.match(national):
                continue
            if leading is None and not (general.fullmatch(national) and types.fullmatch(national)):
                continue  # phonenumbers picks a region without leading digits only by full validity
            return bool(general.fullmatch(national) and types.fullmatch(national))
        return False


# Digits-only forms a Russian/Kazakh desk sees for +7 numbers: +7XXXXXXXXXX, 7XXXXXXXXXX, 8XXXXXXXXXX, XXXXXXXXXX.
_FAST_FORM = re.compile(r"^(?:\+7|7|8)?(\d{10})$")
_PLUS7_TABLE: _CountryTable | None = None
# Region code as given → (canonical code, the +7 table when the region dials +7). Filled lazily.
_REGIONS: dict[str, tuple[str, _CountryTable | None]] = {}


def _region_info(region: str) -> tuple[str, _CountryTable | None]:
    info = _REGIONS.get(region)
    if info is None:
        code = (region or DEFAULT_REGION).upper()
        if code not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"unknown phone region {region!r}")
        global _PLUS7_TABLE
        table = None
        if phonenumbers.country_code_for_region(code) == 7:
            table = _PLUS7_TABLE = _PLUS7_TABLE or _CountryTable(7)
        info = _REGIONS[region] = (code, table)
    return info


def _fast_table(region: str) -> _CountryTable | None:
    return _region_info(region)[1]


def _fast_normalise(text: str, table: _CountryTable | None) -> NormalisedPhone | None:
    """The hot path for Mango's digits and other separator-free +7 forms; None when unsure."""
    if table is None:
        return None
    match = _FAST_FORM.match(text)
    if match is None:
        return None
    national = match.group(1)
    if not table.is_valid(national):
        return None  # let the full parser decide (it may still read it another way)
    return NormalisedPhone(raw=text, kind=KIND_PHONE, e164="+7" + national)


def _parse_number(body: str, extension: str | None, raw: str, region: str) -> NormalisedPhone:
    try:
        number = phonenumbers.parse(body, region)
    except NumberParseException:
        return NormalisedPhone(raw=raw, kind=KIND_INVALID)
    if not phonenumbers.is_valid_number(number):
        return NormalisedPhone(raw=raw, kind=KIND_INVALID)
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return NormalisedPhone(raw=raw, kind=KIND_PHONE, e164=e164, extension=extension or number.extension or None)


def _normalise_sip(raw: str, user: str, region: str) -> NormalisedPhone:
    user = user.strip()
    compact = _SEPARATORS.sub("", user)
    digits = compact.lstrip("+")
    if digits.isdigit() and digits.isascii() and len(digits) >= 10:
        # A SIP URI whose user part is a full number ("sip:74951234567@...") is that phone.
        as_phone = normalise(compact, region)
        if as_phone.is_phone:
            return NormalisedPhone(raw=raw, kind=KIND_PHONE, e164=as_phone.e164, sip_user=user)
    extension = user if user.isdigit() and user.isascii() and len(user) in INTERNAL_DIGITS else None
    return NormalisedPhone(raw=raw, kind=KIND_SIP, extension=extension, sip_user=user)


def normalise(text: str, region: str = DEFAULT_REGION) -> NormalisedPhone:
    """Read any written phone number; never raises on bad input (the result's kind says "invalid").

    `region` is the ISO country whose national forms apply to numbers written
    without a "+" (default RU: a leading 8 is the trunk prefix, 10 digits are national).
    """
    if not isinstance(text, str):
        raise TypeError(f"phone text must be str, not {type(text).__name__}")
    region, table = _region_info(region)
    fast = _fast_normalise(text, table)
    if fast is not None:
        return fast

    raw = text
    text = text.strip()
    if not text or len(text) > MAX_INPUT_LENGTH:
        return NormalisedPhone(raw=raw, kind=KIND_INVALID)

    sip = _SIP_URI.match(text)
    if sip is not None:
        return _normalise_sip(raw, sip.group(1), region)

    body = _TEL_URI.sub("", text)
    extension: str | None = None
    rfc_parts = _RFC3966_EXT.split(body, maxsplit=1)
    if len(rfc_parts) == 2:  # RFC 3966 form, tel:+74951234567;ext=12
        body, ext_text = rfc_parts
        extension = ext_text.split(";")[0].strip() or None
        if extension is not None and not (extension.isdigit() and extension.isascii()):
            return NormalisedPhone(raw=raw, kind=KIND_INVALID)
    else:
        tail = _EXTENSION_TAIL.search(body)
        if tail is not None and tail.start() > 0:
            extension = tail.group(1)
            body = body[: tail.start()]
    body = body.strip()

    if not _ALLOWED.match(body):
        return NormalisedPhone(raw=raw, kind=KIND_INVALID)  # letters or stray symbols: not a number
    compact = _SEPARATORS.sub("", body)
    if "+" in compact[1:]:  # a plus only ever leads
        return NormalisedPhone(raw=raw, kind=KIND_INVALID)
    digits = compact.lstrip("+")
    if not digits.isascii() or not digits.isdigit():
        return NormalisedPhone(raw=raw, kind=KIND_INVALID)

    if not compact.startswith("+") and extension is None and len(digits) in INTERNAL_DIGITS:
        return NormalisedPhone(raw=raw, kind=KIND_INTERNAL, extension=digits)
    if not compact.startswith("+") and len(digits) < _MIN_PHONE_DIGITS:
        return NormalisedPhone(raw=raw, kind=KIND_INVALID)
    if len(digits) > 17:  # E.164 allows 15 digits; an international prefix adds at most a few
        return NormalisedPhone(raw=raw, kind=KIND_INVALID)

    fast = _fast_normalise(compact, table)
    if fast is not None:
        return NormalisedPhone(raw=raw, kind=KIND_PHONE, e164=fast.e164, extension=extension)
    return _parse_number(compact, extension, raw, region)


def e164_or_none(text: str, region: str = DEFAULT_REGION) -> str | None:
    """Just the E.164 key of a phone number, or None when the text is not one."""
    result = normalise(text, region)
    return result.e164 if result.kind == KIND_PHONE else None
