"""The licences a hub may publish its open data under (a hub setting, `open_data_licence`).

Ids are SPDX identifiers (https://spdx.org/licenses/); each feed states the licence's id, name
and URL, and answers with a `Link: <url>; rel="license"` header.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Licence:
    id: str
    name: str
    url: str


LICENCES: dict[str, Licence] = {
    licence.id: licence
    for licence in (
        Licence(
            "OGL-UK-3.0",
            "Open Government Licence v3.0",
            "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        ),
        Licence(
            "CC-BY-4.0",
            "Creative Commons Attribution 4.0 International",
            "https://creativecommons.org/licenses/by/4.0/",
        ),
        Licence(
            "CC-BY-SA-4.0",
            "Creative Commons Attribution Share Alike 4.0 International",
            "https://creativecommons.org/licenses/by-sa/4.0/",
        ),
        Licence(
            "CC0-1.0",
            "Creative Commons Zero v1.0 Universal",
            "https://creativecommons.org/publicdomain/zero/1.0/",
        ),
        Licence(
            "ODbL-1.0",
            "Open Data Commons Open Database License v1.0",
            "https://opendatacommons.org/licenses/odbl/1-0/",
        ),
    )
}
DEFAULT = "OGL-UK-3.0"


def licence_of(licence_id: str) -> Licence:
    """The hub's licence (the default for an id no longer offered)."""
    return LICENCES.get(licence_id) or LICENCES[DEFAULT]
