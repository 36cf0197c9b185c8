"""Who reads city data: analysts and hub admins of the hub, no one else (deny by default).

Every answer is an aggregate of the caller's hub, k-suppressed (app/privacy.py): its types are
values, protected by the query that returns them. Hub admins grant the ANALYST role
(`grantRole`, app/people/service.grant_role) and upload wards.
"""

from app.errors import AccessDenied, NotAuthenticated
from app.i18n import _
from app.organisations.policy import HUB_ADMIN
from app.people.models import Role
from app.policy import HasRole, ModulePolicy, Rule, Viewer, mutation, query, value

READERS: Rule = HasRole(Role.ANALYST, Role.HUB_ADMIN)


def require_reader(viewer: Viewer) -> int:
    """The viewer's hub, when they may read its city data (the same rule as the table's)."""
    if viewer.actor is None or viewer.hub_id is None:
        raise NotAuthenticated()
    if READERS.quick(viewer, None) is not True:
        raise AccessDenied(_("City data is read by the hub's analysts and hub admins."))
    return viewer.hub_id


POLICY = ModulePolicy(
    types=[
        value("CityDataAnswer", "a cityData answer: k-suppressed aggregates, read by analysts"),
        value("CityDataRow", "part of CityDataAnswer"),
        value("CityGapsAnswer", "a cityGaps answer: k-suppressed aggregates"),
        value("CityGap", "part of CityGapsAnswer"),
        value("CityTrendsAnswer", "a cityTrends answer: k-suppressed aggregates"),
        value("CityTrend", "part of CityTrendsAnswer"),
        value("CityTrendPoint", "part of CityTrend"),
        value("CityDataDictionary", "names and meanings of the columns and metrics"),
        value("CityDataColumn", "the data dictionary: names and meanings, nothing of anyone"),
        value("CityDataMetricInfo", "the data dictionary: names and meanings"),
        value("CityWard", "a ward's name, code and cell count (its polygons are the hub's)"),
        value("CityWardsError", "uploadCityWards' error"),
        value("UploadCityWardsPayload", "uploadCityWards' answer"),
    ],
    queries=[
        query("cityData", READERS),
        query("cityGaps", READERS),
        query("cityTrends", READERS),
        query("cityWards", READERS),
        query("cityDataDictionary", READERS),
    ],
    mutations=[mutation("uploadCityWards", HUB_ADMIN)],
)
