"""Phone normalisation: a table of real-world writings plus properties over generated input."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kapusta_desktop.domain import phones
from kapusta_desktop.domain.phones import NormalisedPhone, e164_or_none, normalise
from kapusta_desktop.domain.sample_data import RENDER_STYLES, render_ru

PROPS = settings(max_examples=150, deadline=None)

TABLE = [
    # text, kind, e164, extension
    ("8 (916) 123-45-67", "phone", "+79161234567", None),
    ("+7 916 123 45 67", "phone", "+79161234567", None),
    ("7-916-1234567", "phone", "+79161234567", None),
    ("9161234567", "phone", "+79161234567", None),
    ("79161234567", "phone", "+79161234567", None),
    ("+79161234567", "phone", "+79161234567", None),
    ("89161234567", "phone", "+79161234567", None),
    ("  8 916 123 45 67\t", "phone", "+79161234567", None),
    ("8-495-123-45-67 доб. 12", "phone", "+74951234567", "12"),
    ("495-123-45-67 доб. 12", "phone", "+74951234567", "12"),
    ("+7 (495) 123-45-67 ext 3", "phone", "+74951234567", "3"),
    ("+7 (495) 123-45-67 ext. 3", "phone", "+74951234567", "3"),
    ("8 495 123 45 67 вн. 204", "phone", "+74951234567", "204"),
    ("+7 495 1234567 добавочный 5", "phone", "+74951234567", "5"),
    ("8 (495) 123-45-67 (доб. 296)", "phone", "+74951234567", "296"),
    ("+7 495 123-45-67, доб. 45", "phone", "+74951234567", "45"),
    ("74951234567#12", "phone", "+74951234567", "12"),
    ("tel:+7-495-123-45-67;ext=12", "phone", "+74951234567", "12"),
    ("TEL:+74951234567;Ext=7", "phone", "+74951234567", "7"),
    ("tel:+74951234567;ext=abc", "invalid", None, None),
    ("8 (4822) 12-34-56", "phone", "+74822123456", None),
    ("8 800 555-35-35", "phone", "+78005553535", None),
    ("+7 700 123 45 67", "phone", "+77001234567", None),  # Kazakhstan shares +7
    ("+44 20 7946 0958", "phone", "+442079460958", None),
    ("+49 30 12345678", "phone", "+493012345678", None),
    ("+375 29 629-02-37", "phone", "+375296290237", None),
    ("+1 212 555 0100", "phone", "+12125550100", None),
    ("810 44 20 7946 0958", "phone", "+442079460958", None),  # dialled from Russia with the 810 prefix
    ("sip:74951234567@vpbx123.mangosip.ru", "phone", "+74951234567", None),
    ("sip:101@vpbx123.mangosip.ru", "sip", None, "101"),
    ("SIP:operator.ivanov@vpbx123.mangosip.ru", "sip", None, None),
    ("101", "internal", None, "101"),
    ("1234", "internal", None, "1234"),
    ("", "invalid", None, None),
    ("   ", "invalid", None, None),
    ("abc", "invalid", None, None),
    ("позвонить завтра", "invalid", None, None),
    ("8 916 ABC-45-67", "invalid", None, None),
    ("8-800-FLOWERS", "invalid", None, None),
    ("1" * 40, "invalid", None, None),
    ("+7 916 123 45 67 8", "invalid", None, None),  # one digit too many
    ("+7 916 123 45", "invalid", None, None),  # too short
    ("123-45-67", "invalid", None, None),  # a local number without its area code: ambiguous
    ("+7 000 000 00 00", "invalid", None, None),
    ("++79161234567", "invalid", None, None),
    ("7916+1234567", "invalid", None, None),
    ("٧٩١٦١٢٣٤٥٦٧", "invalid", None, None),  # non-ASCII digits are not accepted
    ("+", "invalid", None, None),
    ("доб. 12", "invalid", None, None),
]


@pytest.mark.parametrize(("text", "kind", "e164", "extension"), TABLE)
def test_real_world_formats(text: str, kind: str, e164: str | None, extension: str | None) -> None:
    result = normalise(text)
    assert (result.kind, result.e164, result.extension) == (kind, e164, extension)
    assert result.raw == text


def test_sip_user_is_kept_and_is_not_a_phone() -> None:
    result = normalise("sip:101@vpbx123.mangosip.ru")
    assert result.sip_user == "101"
    assert not result.is_phone
    assert result.display == "sip:101@vpbx123.mangosip.ru"
    assert e164_or_none("sip:101@vpbx123.mangosip.ru") is None


def test_display_is_human_and_keeps_the_extension() -> None:
    assert normalise("79161234567").display == "+7 916 123-45-67"
    assert normalise("8-495-123-45-67 доб. 12").display == "+7 495 123-45-67 доб. 12"
    assert normalise("+44 20 7946 0958").display == "+44 20 7946 0958"
    assert normalise("101").display == "101"
    assert normalise("79161234567").digits == "79161234567"


def test_region_is_configurable() -> None:
    # Without a "+", the default region decides what the digits mean.
    assert normalise("020 7946 0958", region="GB").e164 == "+442079460958"
    assert normalise("020 7946 0958").kind == "invalid"
    assert normalise("8 (916) 123-45-67", region="kz").e164 == "+79161234567"
    # A "+" number is the same whatever the region.
    assert normalise("+7 916 123 45 67", region="DE").e164 == "+79161234567"
    with pytest.raises(ValueError, match="unknown phone region"):
        normalise("79161234567", region="XX")


def test_non_text_input_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        normalise(79161234567)  # type: ignore[arg-type]


def test_never_matches_on_a_short_suffix() -> None:
    full = normalise("+7 495 123-45-67").e164
    for k in range(1, 10):
        assert normalise("4951234567"[-k:]).e164 != full


# --- properties ---------------------------------------------------------------------------------

_RU_MOBILE = st.builds(lambda p, rest: f"9{p:02d}{rest:07d}", st.integers(0, 99), st.integers(0, 9_999_999)).filter(
    lambda nat: phonenumbers.is_valid_number(phonenumbers.parse("+7" + nat))
)


def _extra_renderings(nat: str) -> list[str]:
    a, b, c, d = nat[:3], nat[3:6], nat[6:8], nat[8:]
    return [
        f"+7({a}){b}-{c}-{d}",
        f"8 {a} {b} {c} {d}",
        f"7 ({a}) {b} {c}{d}",
        f"+7-{a}-{b}-{c}-{d}",
        f"8.{a}.{b}.{c}.{d}",
        f"  +7 {a} {b}{c}{d}  ",
        f"sip:7{nat}@vpbx123.mangosip.ru",
        f"tel:+7{nat}",
    ]


@PROPS
@given(_RU_MOBILE, st.integers(0, RENDER_STYLES - 1 + 8))
def test_any_rendering_of_a_mobile_gives_one_e164(nat: str, style: int) -> None:
    text = render_ru(nat, style) if style < RENDER_STYLES else _extra_renderings(nat)[style - RENDER_STYLES]
    result = normalise(text)
    assert result.kind == "phone"
    assert result.e164 == "+7" + nat
    assert result.extension is None


@PROPS
@given(_RU_MOBILE, st.sampled_from([" доб. {}", " доб.{}", " ext {}", ", доб. {}", " (доб. {})", " x{}", "#{}"]),
       st.integers(1, 99999))
def test_extension_is_kept_apart(nat: str, form: str, ext: int) -> None:
    result = normalise(f"8 ({nat[:3]}) {nat[3:6]}-{nat[6:8]}-{nat[8:]}" + form.format(ext))
    assert (result.kind, result.e164, result.extension) == ("phone", "+7" + nat, str(ext))


@PROPS
@given(st.text(max_size=60))
def test_garbage_never_raises(text: str) -> None:
    result = normalise(text)
    assert isinstance(result, NormalisedPhone)
    assert result.kind in ("phone", "sip", "internal", "invalid")
    assert (result.e164 is not None) == (result.kind == "phone")
    assert result.display is not None


@PROPS
@given(st.one_of(st.text(alphabet="0123456789 +-()доб.ext", max_size=30), _RU_MOBILE.map(lambda n: "8" + n)))
def test_normalising_is_idempotent(text: str) -> None:
    first = normalise(text)
    if first.kind != "phone":
        return
    again = normalise(first.e164 or "")
    assert (again.kind, again.e164) == ("phone", first.e164)
    shown = normalise(first.display)
    assert (shown.e164, shown.extension) == (first.e164, first.extension)


def _library_reading(text: str) -> str | None:
    """What phonenumbers alone makes of a digits-only text in region RU."""
    try:
        number = phonenumbers.parse(text, "RU")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(["", "7", "8", "+7"]), st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_fast_path_agrees_with_phonenumbers(prefix: str, national: str) -> None:
    # The hot path for Mango's digits must read every number exactly as the library would.
    assert normalise(prefix + national).e164 == _library_reading(prefix + national)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["3", "4", "7", "8", "9"]), st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_fast_validity_table_matches_the_library(first: str, rest: str) -> None:
    national = first + rest
    table = phones._fast_table("RU")
    assert table is not None
    library = phonenumbers.is_valid_number(phonenumbers.parse("+7" + national))
    assert table.is_valid(national) is library
