"""Synthetic contacts: Brazilian names, phones in realistic formats (some invalid, many missing), e-mails."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import catalog

# Share of contacts that have a phone / an e-mail, by their preferred channel (catalog.CHANNELS order).
PHONE_SHARE = np.array([1.0, 0.35, 1.0, 0.2, 0.15, 0.15])
EMAIL_SHARE = np.array([0.25, 0.6, 0.2, 1.0, 0.1, 0.1])
LANDLINE_SHARE = 0.08        # of the phones of web chat and e-mail contacts
INVALID_PHONE_SHARE = 0.03   # of all contacts: a phone that phonenumbers rejects
# Formats of a valid mobile: E.164, "(11) 98765-4321", "11 98765-4321", "+55 11 98765-4321", "5511987654321".
PHONE_FORMAT_WEIGHTS = np.array([0.35, 0.35, 0.1, 0.12, 0.08])


@dataclass
class People:
    """One chunk of contacts: the contacts table plus what conversations need to know about them."""

    table: pa.Table            # contacts columns except created_at
    channel: np.ndarray        # preferred channel code (catalog.CHANNELS)
    has_phone: np.ndarray
    has_email: np.ndarray
    name: pa.Array
    first_name: pa.Array


def _s(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(values), pa.string())


def _join(*parts: object) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _pick(rng: np.random.Generator, options: tuple[str, ...], n: int,
          weights: tuple[float, ...] | np.ndarray | None = None) -> pa.Array:
    p = None if weights is None else np.asarray(weights, float) / np.sum(weights)
    return pc.take(pa.array(options), pa.array(rng.choice(len(options), n, p=p)))


def _phones(rng: np.random.Generator, ddd: np.ndarray, landline: np.ndarray) -> pa.Array:
    n = len(ddd)
    area = _s(ddd)
    sub = _s(rng.integers(50_000_000, 100_000_000, n))
    head, tail = pc.utf8_slice_codeunits(sub, 0, 4), pc.utf8_slice_codeunits(sub, 4, 8)
    fmt = rng.choice(len(PHONE_FORMAT_WEIGHTS), n, p=PHONE_FORMAT_WEIGHTS)
    mobile = pc.choose(pa.array(fmt), _join("+55", area, "9", sub), _join("(", area, ") 9", head, "-", tail),
                       _join(area, " 9", head, "-", tail), _join("+55 ", area, " 9", head, "-", tail),
                       _join("55", area, "9", sub))
    fixed = _join("(", area, ") ", _s(rng.integers(3000, 4000, n)), "-", _s(rng.integers(1000, 10_000, n)))
    return pc.if_else(pa.array(landline), fixed, mobile)


def make_people(rng: np.random.Generator, first_index: int, n: int) -> People:
    """Contacts first_index+1 .. first_index+n (ids c0000001...)."""
    ids = _join("c", pc.utf8_lpad(_s(np.arange(first_index + 1, first_index + n + 1)), 7, "0"))
    first_i = rng.integers(0, len(catalog.FIRST_NAMES), n)
    sur1 = rng.integers(0, len(catalog.SURNAMES), n)
    sur2 = rng.integers(0, len(catalog.SURNAMES), n)
    two = rng.random(n) < 0.3
    first = pc.take(pa.array(catalog.FIRST_NAMES), pa.array(first_i))
    s1 = pc.take(pa.array(catalog.SURNAMES), pa.array(sur1))
    s2 = pc.take(pa.array(catalog.SURNAMES), pa.array(sur2))
    name = pc.if_else(pa.array(two), _join(first, " ", s1, " ", s2), _join(first, " ", s1))

    channel = rng.choice(len(catalog.CHANNELS), n, p=np.array(catalog.CHANNEL_WEIGHTS))
    has_phone = rng.random(n) < PHONE_SHARE[channel]
    has_email = rng.random(n) < EMAIL_SHARE[channel]
    invalid = rng.random(n) < INVALID_PHONE_SHARE
    has_phone |= invalid
    city = rng.choice(len(catalog.CITIES), n, p=np.array(catalog.CITY_WEIGHTS) / sum(catalog.CITY_WEIGHTS))
    ddd = np.array(catalog.CITY_DDD)[city]
    landline = (np.isin(channel, [1, 3])) & (rng.random(n) < LANDLINE_SHARE)
    phone = pc.if_else(pa.array(invalid), _pick(rng, catalog.INVALID_PHONES, n), _phones(rng, ddd, landline))
    phone = pc.if_else(pa.array(has_phone), phone, pa.nulls(n, pa.string()))

    folded_first = pa.array([catalog.ascii_fold(x) for x in catalog.FIRST_NAMES])
    folded_sur = pa.array([catalog.ascii_fold(x) for x in catalog.SURNAMES])
    number = pc.if_else(pa.array(rng.random(n) < 0.5), _s(rng.integers(1, 99, n)), "")
    email = _join(pc.take(folded_first, pa.array(first_i)), ".", pc.take(folded_sur, pa.array(sur1)), number, "@",
                  _pick(rng, catalog.EMAIL_DOMAINS, n, catalog.EMAIL_DOMAIN_WEIGHTS))
    email = pc.if_else(pa.array(has_email), email, pa.nulls(n, pa.string()))
    table = pa.table({
        "contact_id": ids, "name": name, "phone": phone, "email": email,
        "city": pc.take(pa.array(catalog.CITIES), pa.array(city)),
        "source": _pick(rng, catalog.SOURCES, n, catalog.SOURCE_WEIGHTS),
    })
    return People(table, channel, has_phone, has_email, name, first)
