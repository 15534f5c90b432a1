"""Distances for the centre locator: the haversine formula, and where a person's area is.

Centres have their own coordinates (``CentreProfile``). A person is located by area, not by
address: a postcode or a sub-district gives its province, and the province its reference point
below, the town centre of its capital district (อำเภอเมือง), rounded to 0.01° (about 1 km).
That is enough to put the nearest centres first; it is not a geocoder, and the page says
distances are "about". The points were written down by hand for OneGate from public maps; the
test checks every province has one and that each lies inside Thailand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from onegate.registries import divisions

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


def haversine_km(a: Point, b: Point) -> float:
    """The great-circle distance between two points, in kilometres."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    d_lat = lat2 - lat1
    d_lon = math.radians(b.longitude - a.longitude)
    h = math.sin(d_lat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(d_lon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


# DOPA province code -> (latitude, longitude) of the provincial capital's town centre.
PROVINCE_POINTS: dict[str, tuple[float, float]] = {
    "10": (13.75, 100.50), "11": (13.60, 100.60), "12": (13.86, 100.51), "13": (14.02, 100.53),
    "14": (14.35, 100.57), "15": (14.59, 100.45), "16": (14.80, 100.65), "17": (14.89, 100.40),
    "18": (15.19, 100.13), "19": (14.53, 100.91), "20": (13.36, 100.98), "21": (12.68, 101.28),
    "22": (12.61, 102.10), "23": (12.24, 102.52), "24": (13.69, 101.08), "25": (14.05, 101.37),
    "26": (14.20, 101.21), "27": (13.82, 102.07), "30": (14.97, 102.10), "31": (14.99, 103.10),
    "32": (14.88, 103.49), "33": (15.12, 104.32), "34": (15.24, 104.85), "35": (15.79, 104.15),
    "36": (15.81, 102.03), "37": (15.86, 104.63), "38": (18.36, 103.65), "39": (17.20, 102.44),
    "40": (16.43, 102.83), "41": (17.41, 102.79), "42": (17.49, 101.72), "43": (17.88, 102.74),
    "44": (16.18, 103.30), "45": (16.05, 103.65), "46": (16.43, 103.51), "47": (17.16, 104.15),
    "48": (17.39, 104.78), "49": (16.54, 104.72), "50": (18.79, 98.98), "51": (18.58, 99.01),
    "52": (18.29, 99.49), "53": (17.62, 100.10), "54": (18.14, 100.14), "55": (18.78, 100.78),
    "56": (19.17, 99.90), "57": (19.91, 99.83), "58": (19.30, 97.97), "60": (15.70, 100.14),
    "61": (15.38, 100.02), "62": (16.48, 99.52), "63": (16.87, 99.13), "64": (17.01, 99.82),
    "65": (16.82, 100.26), "66": (16.44, 100.35), "67": (16.42, 101.16), "70": (13.54, 99.82),
    "71": (14.02, 99.53), "72": (14.47, 100.12), "73": (13.82, 100.06), "74": (13.55, 100.27),
    "75": (13.41, 100.00), "76": (13.11, 99.94), "77": (11.81, 99.80), "80": (8.43, 99.96),
    "81": (8.09, 98.91), "82": (8.45, 98.53), "83": (7.88, 98.39), "84": (9.14, 99.33),
    "85": (9.96, 98.64), "86": (10.49, 99.18), "90": (7.19, 100.60), "91": (6.62, 100.07),
    "92": (7.56, 99.61), "93": (7.62, 100.08), "94": (6.87, 101.25), "95": (6.54, 101.28),
    "96": (6.43, 101.82),
}  # fmt: skip


def province_point(province_code: str) -> Point | None:
    found = PROVINCE_POINTS.get(province_code)
    return Point(*found) if found else None


def point_of_sub_district(code: str) -> Point | None:
    """The reference point of the sub-district's province; None for an unknown code."""
    place = divisions.sub_district(code)
    return province_point(place.province_code) if place else None


def point_of_postcode(postcode: str) -> Point | None:
    """The reference point of the province a postcode serves (its first, if it spans two)."""
    places = divisions.sub_districts_by_postcode(postcode)
    return province_point(places[0].province_code) if places else None
