"""Addresses for generated households: Thai house-registration addresses and addresses abroad.

Thai addresses name a real sub-district from the ``SubDistrict`` table (the administrative
divisions loaded by the ``0003_divisions`` migration), so every province appears: Bangkok takes
``BANGKOK_SHARE`` of households, the other provinces share the rest in proportion to their number
of sub-districts (a rough stand-in for population). Town addresses (Bangkok, and the provincial
capital's district, code ``XX01``) have lanes, roads and housing estates; village addresses
have a village number (moo). Visitors keep their home address abroad, in their own country's
usual layout.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS

from onegate.registries.constants import AddressKind
from onegate.registries.divisions import BANGKOK
from onegate.registries.models import SubDistrict

BANGKOK_SHARE = 0.15

_BANGKOK_ROADS = (
    "สุขุมวิท",
    "พหลโยธิน",
    "ลาดพร้าว",
    "รามคำแหง",
    "เพชรบุรี",
    "พระราม 9",
    "รัชดาภิเษก",
    "จรัญสนิทวงศ์",
    "เพชรเกษม",
    "บางนา-ตราด",
    "ประชาอุทิศ",
    "งามวงศ์วาน",
    "ศรีนครินทร์",
    "เจริญกรุง",
    "สาทร",
    "วิภาวดีรังสิต",
)
_TOWN_ROADS = (
    "มิตรภาพ",
    "ราชดำเนิน",
    "เทศบาล 1",
    "เทศบาล 2",
    "ประชาสามัคคี",
    "หน้าเมือง",
    "ศรีจันทร์",
    "มหาราช",
    "สามัคคี",
    "ชยางกูร",
    "สถานี",
    "ตลาดเก่า",
)
_ESTATES = (
    "หมู่บ้านร่มเย็น",
    "หมู่บ้านสุขสันต์",
    "หมู่บ้านพฤกษชาติ",
    "หมู่บ้านสวนทอง",
    "บ้านสวนธารา",
    "อาคารชุดเรือนแก้ว",
    "คอนโดสุขสบาย",
    "หมู่บ้านเมืองทอง",
)


@dataclass(frozen=True, slots=True)
class Place:
    """A sub-district an address can be in."""

    code: str
    postcode: str
    town: bool  # Bangkok or a provincial capital district: lanes and roads rather than moo

    @property
    def province(self) -> str:
        return self.code[:2]

    @property
    def district(self) -> str:
        return self.code[:4]


class Gazetteer:
    """The sub-districts by province, and the weights households are spread over them with."""

    def __init__(self, places: list[Place]) -> None:
        by_province: dict[str, list[Place]] = defaultdict(list)
        for place in sorted(places, key=lambda p: p.code):
            by_province[place.province].append(place)
        if not by_province:
            raise ValueError("no sub-districts: run the migrations that load the divisions")
        self.provinces = sorted(by_province)
        self.places = [by_province[code] for code in self.provinces]
        others = sum(len(p) for code, p in by_province.items() if code != BANGKOK)
        weights = [
            BANGKOK_SHARE if code == BANGKOK else (1 - BANGKOK_SHARE) * len(places) / others
            for code, places in zip(self.provinces, self.places, strict=True)
        ]
        self.cumulative = list(itertools.accumulate(weights))

    @classmethod
    def from_database(cls, *, using: str = DEFAULT_DB_ALIAS) -> Gazetteer:
        rows = SubDistrict.objects.using(using).values_list("code", "postcode")
        return cls(
            [
                Place(code=code, postcode=postcode, town=code[:2] == BANGKOK or code[2:4] == "01")
                for code, postcode in rows
            ]
        )

    def pick(self, rng: random.Random) -> Place:
        places = rng.choices(self.places, cum_weights=self.cumulative)[0]
        return places[rng.randrange(len(places))]


@dataclass(frozen=True, slots=True)
class ThaiAddress:
    """The fields of a Thai address shared by a household."""

    place: Place
    house_number: str
    moo: str
    building: str
    soi: str
    road: str


def thai_address(rng: random.Random, place: Place) -> ThaiAddress:
    number = str(rng.randint(1, 499))
    if rng.random() < 0.35:
        number += "/" + str(rng.randint(1, 120))
    if not place.town:
        road = rng.choice(_TOWN_ROADS) if rng.random() < 0.2 else ""
        return ThaiAddress(place, number, str(rng.randint(1, 18)), "", "", road)
    roads = _BANGKOK_ROADS if place.province == BANGKOK else _TOWN_ROADS
    road = rng.choice(roads)
    soi = road + " " + str(rng.randint(1, 80)) if rng.random() < 0.6 else ""
    building = rng.choice(_ESTATES) if rng.random() < 0.2 else ""
    return ThaiAddress(place, number, "", building, soi, road)


def thai_address_fields(address: ThaiAddress) -> tuple[str | None, ...]:
    """The address's row fields from ``kind`` to ``country`` (see ``rows.COLUMNS[Address]``)."""
    return (
        AddressKind.THAI.value,
        address.house_number,
        address.moo,
        address.building,
        address.soi,
        address.road,
        address.place.code,
        address.place.postcode,
        "",
        "",
        "",
        "THA",
    )


@dataclass(frozen=True)
class _Country:
    layout: str  # "number street" or "street number"
    streets: tuple[str, ...]
    cities: tuple[tuple[str, str], ...]  # (town or city, state or region)
    postcode: str  # 9: a digit, A: a letter, anything else as is


_ABROAD: dict[str, _Country] = {
    "GBR": _Country(
        "number street",
        ("High Street", "Station Road", "Church Lane", "Victoria Road", "Park Avenue"),
        (("London", ""), ("Manchester", ""), ("Bristol", ""), ("Leeds", ""), ("Edinburgh", "")),
        "AA9 9AA",
    ),
    "USA": _Country(
        "number street",
        ("Main Street", "Oak Avenue", "Maple Drive", "Washington Boulevard", "Elm Street"),
        (("Seattle", "WA"), ("Austin", "TX"), ("Denver", "CO"), ("Boston", "MA")),
        "99999",
    ),
    "AUS": _Country(
        "number street",
        ("George Street", "Collins Street", "Queen Street", "King Street", "Beach Road"),
        (("Sydney", "NSW"), ("Melbourne", "VIC"), ("Brisbane", "QLD"), ("Perth", "WA")),
        "9999",
    ),
    "DEU": _Country(
        "street number",
        ("Hauptstraße", "Bahnhofstraße", "Schillerstraße", "Gartenweg", "Lindenallee"),
        (("Berlin", ""), ("München", "Bayern"), ("Hamburg", ""), ("Köln", "Nordrhein-Westfalen")),
        "99999",
    ),
    "FRA": _Country(
        "number street",
        ("rue de la République", "avenue Victor Hugo", "boulevard Voltaire", "rue Nationale"),
        (("Paris", "Île-de-France"), ("Lyon", "Auvergne-Rhône-Alpes"), ("Nantes", "")),
        "99999",
    ),
    "JPN": _Country(
        "number street",
        ("Shibuya", "Minato", "Chuo", "Naka", "Kita"),
        (("Tokyo", "Tokyo"), ("Osaka", "Osaka"), ("Yokohama", "Kanagawa"), ("Sapporo", "")),
        "999-9999",
    ),
    "CHN": _Country(
        "number street",
        ("Renmin Road", "Jiefang Road", "Zhongshan Road", "Nanjing Road", "Huaihai Road"),
        (("Beijing", ""), ("Shanghai", ""), ("Guangzhou", "Guangdong"), ("Kunming", "Yunnan")),
        "999999",
    ),
    "KOR": _Country(
        "number street",
        ("Teheran-ro", "Sejong-daero", "Haeundae-ro", "Jongno"),
        (("Seoul", ""), ("Busan", ""), ("Incheon", ""), ("Daegu", "")),
        "99999",
    ),
    "IND": _Country(
        "number street",
        ("MG Road", "Station Road", "Park Street", "Nehru Road"),
        (("Mumbai", "Maharashtra"), ("New Delhi", "Delhi"), ("Bengaluru", "Karnataka")),
        "999999",
    ),
    "MMR": _Country(
        "number street",
        ("Pyay Road", "Bogyoke Aung San Road", "Strand Road", "Kabar Aye Pagoda Road"),
        (("Yangon", "Yangon Region"), ("Mandalay", "Mandalay Region"), ("Dawei", "")),
        "99999",
    ),
    "LAO": _Country(
        "number street",
        ("Lane Xang Avenue", "Samsenthai Road", "Setthathirath Road"),
        (("Vientiane", ""), ("Luang Prabang", ""), ("Pakse", "Champasak")),
        "99999",
    ),
    "KHM": _Country(
        "number street",
        ("Norodom Boulevard", "Monivong Boulevard", "Street 63", "Sisowath Quay"),
        (("Phnom Penh", ""), ("Siem Reap", ""), ("Battambang", "")),
        "99999",
    ),
    "VNM": _Country(
        "number street",
        ("Le Loi", "Nguyen Hue", "Tran Hung Dao", "Hai Ba Trung"),
        (("Ho Chi Minh City", ""), ("Hanoi", ""), ("Da Nang", "")),
        "999999",
    ),
    "RUS": _Country(
        "street number",
        ("ulitsa Lenina", "Tverskaya ulitsa", "Nevsky prospekt", "ulitsa Pushkina"),
        (("Moscow", ""), ("Saint Petersburg", ""), ("Novosibirsk", "Novosibirsk Oblast")),
        "999999",
    ),
}

_UPPER = "ABCDEFGHJKLMNPRSTUVWXY"


def _postcode(rng: random.Random, pattern: str) -> str:
    def character(mark: str) -> str:
        if mark == "9":
            return str(rng.randrange(10))
        return rng.choice(_UPPER) if mark == "A" else mark

    return "".join(character(mark) for mark in pattern)


def abroad_address_fields(rng: random.Random, country: str) -> tuple[str | None, ...]:
    """An address in ``country``: the row fields from ``kind`` to ``country``."""
    layout = _ABROAD[country]
    street, number = rng.choice(layout.streets), str(rng.randint(1, 250))
    line = f"{number} {street}" if layout.layout == "number street" else f"{street} {number}"
    city, region = rng.choice(layout.cities)
    postcode = _postcode(rng, layout.postcode)
    kind = AddressKind.INTERNATIONAL.value
    return (kind, "", "", "", "", "", None, postcode, line, city, region, country)


def countries_abroad() -> frozenset[str]:
    return frozenset(_ABROAD)
